#!/usr/bin/env python3
"""A minimal LSP client (Python standard library only) for the editor tests.

Starts COMMAND (a JSON array, as an editor would), sends initialize with
the given initializationOptions, opens FILE with LANGUAGE_ID, waits for its
diagnostics and shuts the server down. Fails (exit 1, reason on stderr)
when the server does not answer initialize with capabilities, when an
--expect code is missing from the diagnostics, when an --absent code is
present, when the server shows a warning about invalid settings, or when it does not exit
cleanly after shutdown/exit. Prints the diagnostic codes it saw.

  lsp_probe.py --cmd '["ftls", "serve"]' --file flawed.jsonl \
      --language-id jsonl --expect C005 --absent Q008 --init-options '{...}'
"""

import argparse
import json
import os
import queue
import subprocess
import sys
import threading
import time
import urllib.parse


def read_messages(stream, out):
    """Puts each framed message from stream on out; None at the end."""
    try:
        while True:
            headers = {}
            while True:
                line = stream.readline()
                if not line:
                    out.put(None)
                    return
                line = line.decode("ascii").strip()
                if not line:
                    break
                key, _, value = line.partition(":")
                headers[key.strip().lower()] = value.strip()
            body = stream.read(int(headers["content-length"]))
            out.put(json.loads(body))
    except Exception as e:  # a malformed frame fails the test
        out.put({"__error__": repr(e)})


class Client:
    def __init__(self, cmd, stderr):
        self.proc = subprocess.Popen(
            cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr)
        self.inbox = queue.Queue()
        threading.Thread(target=read_messages, args=(self.proc.stdout, self.inbox),
                         daemon=True).start()
        self.next_id = 0
        self.messages = []  # error and warning window/showMessage texts

    def send(self, msg):
        msg["jsonrpc"] = "2.0"
        body = json.dumps(msg).encode("utf-8")
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def request(self, method, params):
        self.next_id += 1
        self.send({"id": self.next_id, "method": method, "params": params})
        return self.next_id

    def notify(self, method, params):
        self.send({"method": method, "params": params})

    def receive(self, deadline):
        """The next message from the server, answering its requests."""
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            try:
                msg = self.inbox.get(timeout=left)
            except queue.Empty:
                return None
            if msg is None:
                raise SystemExit("FAIL: the server closed its output")
            if "__error__" in msg:
                raise SystemExit("FAIL: malformed message from the server: " + msg["__error__"])
            method = msg.get("method")
            if method and "id" in msg:  # a request from the server
                result = None
                if method == "workspace/configuration":
                    result = [None for _ in msg["params"]["items"]]
                self.send({"id": msg["id"], "result": result})
                continue
            if method == "window/showMessage" and msg["params"].get("type") in (1, 2):
                self.messages.append(msg["params"].get("message", ""))
            return msg

    def wait_response(self, id_, timeout):
        deadline = time.monotonic() + timeout
        while True:
            msg = self.receive(deadline)
            if msg is None:
                raise SystemExit(f"FAIL: no response to request {id_} within {timeout}s")
            if msg.get("id") == id_ and "method" not in msg:
                if "error" in msg:
                    raise SystemExit(f"FAIL: request {id_} failed: {msg['error']}")
                return msg.get("result")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cmd", required=True, help="server command, a JSON array")
    ap.add_argument("--file", required=True)
    ap.add_argument("--language-id", default="jsonl")
    ap.add_argument("--init-options", default="null", help="JSON value")
    ap.add_argument("--expect", action="append", default=[])
    ap.add_argument("--absent", action="append", default=[])
    ap.add_argument("--severity", action="append", default=[],
                    help="CODE=N: the LSP severity (1 error .. 4 hint) CODE must have")
    ap.add_argument("--timeout", type=float, default=20)
    args = ap.parse_args()

    cmd = json.loads(args.cmd)
    path = os.path.abspath(args.file)
    uri = "file://" + urllib.parse.quote(path)
    root = os.path.dirname(path)
    with open(path, encoding="utf-8") as f:
        text = f.read()

    c = Client(cmd, sys.stderr)
    init_id = c.request("initialize", {
        "processId": os.getpid(),
        "clientInfo": {"name": "ftls-lsp-probe"},
        "rootUri": "file://" + urllib.parse.quote(root),
        "workspaceFolders": [{"uri": "file://" + urllib.parse.quote(root), "name": "root"}],
        "initializationOptions": json.loads(args.init_options),
        "capabilities": {
            "textDocument": {"publishDiagnostics": {"relatedInformation": True}},
        },
    })
    result = c.wait_response(init_id, args.timeout)
    caps = (result or {}).get("capabilities")
    if not isinstance(caps, dict) or "textDocumentSync" not in caps:
        raise SystemExit(f"FAIL: initialize result has no capabilities.textDocumentSync: {result!r}")
    info = (result or {}).get("serverInfo") or {}
    print(f"initialize: server {info.get('name', '?')} {info.get('version', '')}, "
          f"{len(caps)} capabilities")
    c.notify("initialized", {})
    c.notify("textDocument/didOpen", {"textDocument": {
        "uri": uri, "languageId": args.language_id, "version": 1, "text": text}})

    # Collect diagnostics until every expected code is there and the server
    # has been quiet for a moment (cross-row findings may come later).
    codes, severities = set(), {}
    deadline = time.monotonic() + args.timeout
    quiet_until = None
    while True:
        now = time.monotonic()
        if set(args.expect) <= codes and quiet_until and now >= quiet_until:
            break
        msg = c.receive(min(deadline, quiet_until or deadline))
        if msg is None:
            if time.monotonic() >= deadline:
                break
            continue
        if msg.get("method") == "textDocument/publishDiagnostics" and msg["params"]["uri"] == uri:
            diags = msg["params"]["diagnostics"]
            codes = {str(d.get("code")) for d in diags}
            severities = {str(d.get("code")): d.get("severity") for d in diags}
            quiet_until = time.monotonic() + 0.5

    bad_settings = [m for m in c.messages if "invalid" in m]
    shutdown_id = c.request("shutdown", None)
    c.wait_response(shutdown_id, 5)
    c.notify("exit", None)
    try:
        rc = c.proc.wait(5)
    except subprocess.TimeoutExpired:
        c.proc.kill()
        raise SystemExit("FAIL: the server did not exit after shutdown and exit")

    print("diagnostics:", " ".join(sorted(codes)) or "(none)")
    problems = []
    missing = [x for x in args.expect if x not in codes]
    if missing:
        problems.append("missing " + ", ".join(missing))
    present = [x for x in args.absent if x in codes]
    if present:
        problems.append("should be absent: " + ", ".join(present))
    for spec in args.severity:
        code, _, want = spec.partition("=")
        if code in severities and severities[code] != int(want):
            problems.append(f"{code} has severity {severities[code]}, want {want}")
        elif code not in severities:
            problems.append(f"{code} missing (severity {want} expected)")
    if bad_settings:
        problems.append("server rejected the settings: " + bad_settings[0])
    if rc != 0:
        problems.append(f"server exit status {rc}")
    if problems:
        raise SystemExit("FAIL: " + "; ".join(problems))


if __name__ == "__main__":
    main()
