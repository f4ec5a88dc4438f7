#!/usr/bin/env bash
# actions_test.sh FTLS_BINARY
#
# Tests the GitHub Actions workflow offline:
#   - editors/integrations/github-actions.yml is the github-actions snippet
#     of docs/editors.md (top-level comments aside);
#   - it is valid YAML (read with yq, or python3 with PyYAML) with a push
#     and pull_request trigger, and jobs that check out, set up Go and
#     `go install github.com/ftls-dev/ftls/cmd/ftls@latest`; one job runs
#     `ftls check --format sarif` into the file its upload-sarif step
#     uploads and has security-events: write, one runs `--format github`;
#   - the workflow's own `ftls check` scripts, run with bash -e as Actions
#     does, in a checkout holding flawed.jsonl: the SARIF step succeeds
#     (exit 1 allowed) and writes SARIF 2.1.0 that code scanning accepts
#     (tool ftls, results with a known ruleId, a level, a message and a
#     location relative to the checkout, C005 at 1:136); the annotations
#     step fails and prints well-formed ::error/::warning lines, C005 at
#     line 1, col 136 among them; in a clean checkout both pass; on an I/O
#     error (exit 2) the SARIF step fails.
# Without yq or PyYAML the workflow's structure is not checked and the
# ftls commands are run as written here instead (SKIP line, exit 77 at the
# end).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
need_binary "$@"
export PATH="$FTLS_BIN_DIR:$PATH"
HERE=$(cd "$(dirname "$0")" && pwd)
WF=$HERE/github-actions.yml

[ -n "$PYTHON" ] || skip "no python3 3.11 or later (apt-get install python3)"

# The file and the doc agree.
diff <(sed '/^#/d' "$WF") <(snippet github-actions) >"$WORK/wf.diff" ||
	{ cat "$WORK/wf.diff" >&2; fail "github-actions.yml differs from the github-actions snippet in docs/editors.md"; }
ok "github-actions.yml is the docs/editors.md snippet"

# The workflow as JSON.
parsed=
if command -v yq >/dev/null && yq . "$WF" >"$WORK/wf.json" 2>/dev/null && [ -s "$WORK/wf.json" ]; then
	parsed="yq"
elif "$PYTHON" -c 'import yaml' 2>/dev/null; then
	"$PYTHON" -c 'import json, sys, yaml; json.dump(yaml.safe_load(open(sys.argv[1])), sys.stdout)' "$WF" >"$WORK/wf.json" ||
		fail "github-actions.yml is not valid YAML"
	parsed="PyYAML"
elif [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import yaml' 2>/dev/null; then
	/usr/bin/python3 -c 'import json, sys, yaml; json.dump(yaml.safe_load(open(sys.argv[1])), sys.stdout)' "$WF" >"$WORK/wf.json" ||
		fail "github-actions.yml is not valid YAML"
	parsed="PyYAML"
fi

mkdir -p "$WORK/scripts"
if [ -n "$parsed" ]; then
	"$PYTHON" - "$WORK/wf.json" "$WORK/scripts" <<'EOF' || fail "github-actions.yml structure"
import json, os, sys

wf = json.load(open(sys.argv[1]))
out = sys.argv[2]

def need(cond, msg):
    if not cond:
        sys.exit("FAIL: github-actions.yml: " + msg)

need(isinstance(wf, dict), "not a mapping")
# YAML 1.1 readers may turn the key "on" into true.
on = wf.get("on", wf.get("true", wf.get(True)))
need(isinstance(on, dict) and "push" in on and "pull_request" in on, "no push and pull_request triggers")
jobs = wf.get("jobs")
need(isinstance(jobs, dict) and len(jobs) >= 2, "want at least two jobs")
sarif_job = github_job = None
for name, job in jobs.items():
    need(job.get("runs-on"), f"job {name} has no runs-on")
    steps = job.get("steps", [])
    uses = [s.get("uses", "") for s in steps]
    runs = [s.get("run", "") for s in steps]
    need(any(u.startswith("actions/checkout@") for u in uses), f"job {name} does not check out")
    need(any(u.startswith("actions/setup-go@") for u in uses), f"job {name} does not set up Go")
    need(any("go install github.com/ftls-dev/ftls/cmd/ftls@latest" in r for r in runs),
         f"job {name} does not go install ftls")
    checks = [r for r in runs if "ftls check" in r]
    need(len(checks) == 1, f"job {name}: want one step running ftls check, got {len(checks)}")
    check = checks[0]
    if "--format sarif" in check:
        upload = [s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif@")]
        need(upload, f"job {name} writes SARIF but does not upload it")
        sarif_file = upload[0].get("with", {}).get("sarif_file")
        need(sarif_file and f"> {sarif_file}" in check,
             f"job {name} uploads {sarif_file!r}, which its ftls check does not write")
        need((job.get("permissions") or {}).get("security-events") == "write",
             f"job {name} uploads SARIF without permissions: security-events: write")
        sarif_job = name
        open(os.path.join(out, "sarif.sh"), "w").write(check)
        open(os.path.join(out, "sarif.file"), "w").write(sarif_file)
    elif "--format github" in check:
        github_job = name
        open(os.path.join(out, "github.sh"), "w").write(check)
need(sarif_job, "no job runs ftls check --format sarif")
need(github_job, "no job runs ftls check --format github")
print(f"ok: github-actions.yml parses; jobs {sarif_job} (SARIF, upload-sarif) and {github_job} (annotations)")
EOF
	echo "(YAML read with $parsed)"
else
	echo "SKIP: neither yq nor python3-yaml is installed (apt-get install yq): the workflow's YAML is not checked; running its ftls commands as written in this test"
	printf '%s\n' 'status=0' 'ftls check --format sarif . > ftls.sarif || status=$?' 'test "$status" -le 1' >"$WORK/scripts/sarif.sh"
	printf 'ftls.sarif' >"$WORK/scripts/sarif.file"
	printf '%s\n' 'ftls check --format github .' >"$WORK/scripts/github.sh"
fi
SARIF_FILE=$(cat "$WORK/scripts/sarif.file")

# run_step NAME CHECKOUT: runs a workflow script as Actions does
# (bash --noprofile --norc -eo pipefail), prints its exit status.
run_step() {
	(cd "$2" && bash --noprofile --norc -eo pipefail "$WORK/scripts/$1.sh" >"$WORK/$1.out" 2>"$WORK/$1.err") && echo 0 || echo $?
}

checkout() {
	rm -rf "$WORK/checkout"
	mkdir -p "$WORK/checkout/data"
	cp "$ROOT/examples/training_data.jsonl" "$ROOT/examples/support.plan.yaml" "$WORK/checkout/data/"
}

# A checkout with a flawed dataset.
checkout
cp "$ROOT/examples/flawed.jsonl" "$WORK/checkout/data/flawed.jsonl"
rc=$(run_step sarif "$WORK/checkout")
[ "$rc" = 0 ] || { cat "$WORK/sarif.err" >&2; fail "the SARIF step fails (exit $rc) on a checkout with errors; it should leave that to code scanning"; }
"$PYTHON" - "$WORK/checkout/$SARIF_FILE" <<'EOF' || fail "SARIF from the workflow step"
import json, re, sys

def need(cond, msg):
    if not cond:
        sys.exit("FAIL: SARIF: " + msg)

with open(sys.argv[1], encoding="utf-8") as f:
    try:
        log = json.load(f)
    except json.JSONDecodeError as e:
        sys.exit(f"FAIL: SARIF is not valid JSON: {e}")
need(log.get("version") == "2.1.0", f"version {log.get('version')!r}, want 2.1.0")
need("sarif-2.1.0" in log.get("$schema", ""), f"$schema {log.get('$schema')!r}")
runs = log.get("runs")
need(isinstance(runs, list) and len(runs) == 1, "want exactly one run")
driver = runs[0]["tool"]["driver"]
need(driver.get("name") == "ftls", f"runs[0].tool.driver.name is {driver.get('name')!r}")
rule_ids = {r["id"] for r in driver.get("rules", [])}
results = runs[0].get("results", [])
need(results, "no results for a checkout with flawed.jsonl")
seen = set()
for r in results:
    rid = r.get("ruleId", "")
    need(re.fullmatch(r"[A-Z][0-9]{3}", rid), f"ruleId {rid!r}")
    need(rid in rule_ids, f"ruleId {rid} is not in tool.driver.rules")
    need(r.get("level") in ("error", "warning", "note"), f"{rid}: level {r.get('level')!r}")
    need(r.get("message", {}).get("text"), f"{rid}: no message text")
    locs = r.get("locations") or []
    need(locs, f"{rid}: no locations")
    pl = locs[0]["physicalLocation"]
    uri = pl["artifactLocation"]["uri"]
    need(not uri.startswith(("/", "file:")), f"{rid}: uri {uri!r} is not relative to the checkout")
    reg = pl["region"]
    need(reg.get("startLine", 0) >= 1 and reg.get("startColumn", 0) >= 1, f"{rid}: region {reg}")
    seen.add((rid, uri, reg["startLine"], reg["startColumn"]))
need(("C005", "data/flawed.jsonl", 1, 136) in seen, "no C005 result at data/flawed.jsonl:1:136")
print(f"ok: the SARIF step writes SARIF 2.1.0 for code scanning: {len(results)} results, "
      f"{len({s[0] for s in seen})} rules, C005 at data/flawed.jsonl:1:136")
EOF

rc=$(run_step github "$WORK/checkout")
[ "$rc" = 1 ] || { cat "$WORK/github.err" >&2; fail "the annotations step exits $rc on a checkout with errors, want 1 (fail the job)"; }
bad=$(grep -vE '^::(error|warning|notice) file=[^,:]+,line=[0-9]+,col=[0-9]+(,endLine=[0-9]+,endColumn=[0-9]+)?,title=[A-Z][0-9]{3}::.' "$WORK/github.out" || true)
[ -z "$bad" ] || fail "malformed annotation lines: $bad"
grep -q '^::error file=data/flawed.jsonl,line=1,col=136,.*title=C005::' "$WORK/github.out" ||
	fail "no ::error annotation for C005 at data/flawed.jsonl line 1 col 136"
ok "the annotations step fails the job and prints $(wc -l <"$WORK/github.out") well-formed annotations (C005 at line 1, col 136)"

# A clean checkout: both pass.
checkout
rc=$(run_step sarif "$WORK/checkout")
[ "$rc" = 0 ] || fail "the SARIF step fails (exit $rc) on a clean checkout"
errors=$("$PYTHON" -c 'import json, sys; print(sum(r["level"] == "error" for r in json.load(open(sys.argv[1]))["runs"][0]["results"]))' "$WORK/checkout/$SARIF_FILE")
[ "$errors" = 0 ] || fail "$errors error results on a clean checkout"
rc=$(run_step github "$WORK/checkout")
[ "$rc" = 0 ] || fail "the annotations step fails (exit $rc) on a clean checkout"
ok "on a clean checkout both steps pass"

# An I/O error (a dangling symlink named like a dataset): exit 2 must fail.
ln -s "$WORK/nowhere" "$WORK/checkout/data/broken.jsonl"
rc=$(run_step sarif "$WORK/checkout")
[ "$rc" != 0 ] || fail "the SARIF step passes although ftls exits 2 (I/O error)"
ok "the SARIF step fails on an I/O error (ftls exit 2)"

[ -n "$parsed" ] || exit 77
