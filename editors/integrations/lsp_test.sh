#!/usr/bin/env bash
# lsp_test.sh FTLS_BINARY
#
# The "any LSP client" recipe and the Helix snippet of docs/editors.md,
# with python3 (standard library only; tomllib needs 3.11):
#   - lsp-settings: the JSON parses, and `ftls serve` started over stdio
#     with it as initializationOptions answers initialize with capabilities,
#     publishes diagnostics for a flawed .jsonl with the settings applied
#     (Q008 off, C018 a warning), accepts the settings without a warning and
#     exits cleanly after shutdown/exit;
#   - helix-languages: valid TOML with a [language-server.ftls] whose
#     command and args are run exactly as Helix would (command from PATH),
#     languages with name, scope, grammar and file-types, whose globs match
#     datasets and plans but not plain .json or .yaml files; each language
#     is opened with its language id and gets its diagnostics (C005 on a
#     dataset, P001 on a broken plan).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
need_binary "$@"
export PATH="$FTLS_BIN_DIR:$PATH"
HERE=$(cd "$(dirname "$0")" && pwd)
PROBE=$HERE/lsp_probe.py

[ -n "$PYTHON" ] || skip "no python3 3.11 or later (apt-get install python3)"

mkdir -p "$WORK/ws/data"
cp "$ROOT/examples/flawed.jsonl" "$WORK/ws/data/flawed.jsonl"
cp "$ROOT/examples/flawed.jsonl" "$WORK/ws/data/flawed.ndjson"
printf 'task: [\n' >"$WORK/ws/bad.plan.yaml"

# Any LSP client.
settings=$(snippet lsp-settings)
"$PYTHON" -c 'import json, sys; json.loads(sys.argv[1])' "$settings" || fail "lsp-settings snippet is not valid JSON"
"$PYTHON" "$PROBE" --cmd '["ftls", "serve"]' --file "$WORK/ws/data/flawed.jsonl" --language-id jsonl \
	--init-options "$settings" --expect C005 --expect J001 --absent Q008 \
	--severity C005=1 --severity C018=2 2>"$WORK/probe.log" ||
	{ cat "$WORK/probe.log" >&2; fail "ftls serve with the lsp-settings snippet"; }
ok "any LSP client: \`ftls serve\` over stdio with the documented settings (Q008 off, C018 warning)"

# Helix.
snippet helix-languages >"$WORK/languages.toml"
"$PYTHON" - "$WORK/languages.toml" "$WORK/ws" >"$WORK/helix-runs" <<'EOF' || fail "helix-languages snippet"
import fnmatch, json, shutil, sys, tomllib

path, ws = sys.argv[1], sys.argv[2]
try:
    with open(path, "rb") as f:
        cfg = tomllib.load(f)
except tomllib.TOMLDecodeError as e:
    sys.exit(f"FAIL: helix-languages is not valid TOML: {e}")

def need(cond, msg):
    if not cond:
        sys.exit("FAIL: helix-languages: " + msg)

server = cfg.get("language-server", {}).get("ftls")
need(isinstance(server, dict), "no [language-server.ftls]")
need(server.get("command") == "ftls", f"language-server.ftls.command is {server.get('command')!r}, want 'ftls'")
need(server.get("args") == ["serve"], f"language-server.ftls.args is {server.get('args')!r}, want ['serve']")
exe = shutil.which(server["command"])
need(exe, "ftls is not on PATH")

langs = [l for l in cfg.get("language", []) if "ftls" in l.get("language-servers", [])]
need(langs, "no [[language]] uses the ftls server")

def matches(lang, name):
    for ft in lang["file-types"]:
        if isinstance(ft, dict):
            need(set(ft) == {"glob"}, f"{lang['name']}: file-type {ft!r} is neither an extension nor a glob")
            # Helix matches a glob against the whole path, "*" crossing "/".
            if fnmatch.fnmatchcase("/home/u/repo/" + name, "*/" + ft["glob"]) or fnmatch.fnmatchcase(name, ft["glob"]):
                return True
        elif name.endswith("." + ft):
            return True
    return False

samples = {
    "dataset": ("data/flawed.jsonl", "C005"),
    "plan": ("bad.plan.yaml", "P001"),
}
covered = set()
for lang in langs:
    for key in ("name", "scope", "file-types", "grammar"):
        need(key in lang, f"language {lang.get('name')!r} has no {key!r}")
    need(lang["grammar"] in ("json", "yaml"), f"{lang['name']}: grammar {lang['grammar']!r} is not a Helix built-in")
    for other in ("data/config.json", "docker-compose.yaml", "notes.txt"):
        need(not matches(lang, other), f"{lang['name']} would claim {other}")
    lang_id = lang.get("language-id", lang["name"])
    for kind, (sample, code) in samples.items():
        if matches(lang, sample):
            covered.add(kind)
            print(json.dumps([exe] + server["args"]), f"{ws}/{sample}", lang_id, code, sep="\t")
need(covered == set(samples), f"no ftls language matches {sorted(set(samples) - covered)}")
for name in ("data/x.ndjson", "a.plan.yml"):
    need(any(matches(l, name) for l in langs), f"no ftls language matches {name}")
EOF
while IFS=$'\t' read -r cmd file langid code; do
	"$PYTHON" "$PROBE" --cmd "$cmd" --file "$file" --language-id "$langid" --expect "$code" 2>"$WORK/probe.log" ||
		{ cat "$WORK/probe.log" >&2; fail "Helix language $langid on $file"; }
	ok "helix: language \"$langid\" matches ${file#"$WORK/ws/"} and gets $code from \`ftls serve\`"
done <"$WORK/helix-runs"
