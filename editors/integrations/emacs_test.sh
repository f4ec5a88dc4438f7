#!/usr/bin/env bash
# emacs_test.sh FTLS_BINARY
#
# Runs `emacs --batch` with the emacs-eglot snippet of docs/editors.md as
# the init file and the emacs-dir-locals snippet as .dir-locals.el, then
# emacs_test.el checks that:
#   - flawed.jsonl opens in jsonl-mode and eglot starts ("ftls" "serve");
#   - Flymake gets ftls's diagnostics, [C005] among them, at the line and
#     UTF-16 column `ftls check` prints (1:136);
#   - the .dir-locals.el settings reach the server (target generic: no C008
#     or C018; Q008 off);
#   - bad.plan.yaml opens in ftls-plan-mode, joins the same server and gets
#     [P001].
# Skipped when emacs or eglot is missing (apt-get install emacs-nox
# elpa-eglot on Debian 12; Emacs 29 and later have eglot built in).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
need_binary "$@"
export PATH="$FTLS_BIN_DIR:$PATH"
HERE=$(cd "$(dirname "$0")" && pwd)

command -v emacs >/dev/null || skip "emacs not found (apt-get install emacs-nox elpa-eglot)"
emacs --batch --eval "(require 'eglot)" >/dev/null 2>&1 ||
	skip "eglot not available to emacs (apt-get install elpa-eglot, or Emacs 29+)"

ws=$WORK/ws
mkdir -p "$ws"
cp "$ROOT/examples/flawed.jsonl" "$ws/flawed.jsonl"
printf 'task: [\n' >"$ws/bad.plan.yaml"
snippet emacs-eglot >"$WORK/init.el"
snippet emacs-dir-locals >"$ws/.dir-locals.el"

# HOME is a scratch folder so that no personal configuration or ELPA
# package gets in the way; the site files (where Debian puts eglot) load.
cd "$ws"
set +e
HOME=$WORK timeout 60 emacs --batch -l "$WORK/init.el" -l "$HERE/emacs_test.el" >"$WORK/emacs.log" 2>&1
rc=$?
set -e
grep -E '^(ok|FAIL):' "$WORK/emacs.log" || true
if [ "$rc" != 0 ]; then
	echo "--- emacs output:" >&2
	grep -vE '^(ok|FAIL):' "$WORK/emacs.log" | tail -30 >&2
	fail "emacs/eglot test (exit $rc)"
fi
