#!/usr/bin/env bash
# test.sh FTLS_BINARY
#
# Runs every editor and pipeline integration test against FTLS_BINARY and
# exits non-zero when one fails. A test whose tool is missing prints SKIP
# with the Debian packages that enable it; it does not fail the run.
# Offline: nothing but loopback and local files is used, except that
# helix_test.sh fetches hx from deb.debian.org once (it skips without it).
#
#   precommit_test.sh  .pre-commit-hooks.yaml with pre-commit (both hooks;
#                      FTLS_PRECOMMIT_GOLANG=0 skips building the golang one)
#   lsp_test.sh        the "any LSP client" recipe and the Helix snippet
#                      (emulating Helix's file-type matching)
#   helix_test.sh      the Helix snippet in Debian 13's hx 25.01 (fetched
#                      with apt into the git-ignored .hx by fetch-hx.sh;
#                      skipped when offline): hx --health, and diagnostics
#                      in hx driven through tmux
#   emacs_test.sh      the Emacs/eglot snippet in emacs --batch
#   actions_test.sh    the GitHub Actions workflow's ftls steps and SARIF
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
[ -n "${1:-}" ] || { echo "usage: $0 FTLS_BINARY" >&2; exit 2; }
[ -f "$1" ] && [ -x "$1" ] || { echo "$0: $1 is not an executable" >&2; exit 2; }
BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")

# Every snippet marker in the README and docs/editors.md is closed.
for doc in "$HERE/../../README.md" "$HERE/../../docs/editors.md"; do
	opened=$(grep -c '^<!-- snippet: [a-z0-9-]* -->$' "$doc")
	closed=$(grep -c '^<!-- /snippet -->$' "$doc")
	if [ "$opened" != "$closed" ] || [ "$opened" = 0 ]; then
		echo "FAIL: $(basename "$doc") has $opened snippet markers and $closed closing markers" >&2
		exit 1
	fi
done

declare -A PACKAGES=(
	[precommit_test.sh]="pre-commit (git, golang-go or a Go toolchain for the golang hook)"
	[lsp_test.sh]="python3 (3.11+)"
	[helix_test.sh]="tmux, and reach deb.debian.org (hx is fetched from Debian 13)"
	[emacs_test.sh]="emacs-nox elpa-eglot"
	[actions_test.sh]="python3 (3.11+), yq or python3-yaml"
)
summary=()
failed=0
for t in precommit_test.sh lsp_test.sh helix_test.sh emacs_test.sh actions_test.sh; do
	echo "=== $t"
	start=$(date +%s)
	bash "$HERE/$t" "$BIN"
	rc=$?
	secs=$(($(date +%s) - start))
	case $rc in
	0) summary+=("PASS  $t (${secs}s)") ;;
	77) summary+=("SKIP  $t (${secs}s): apt-get install ${PACKAGES[$t]}") ;;
	*) summary+=("FAIL  $t (${secs}s, exit $rc)"); failed=1 ;;
	esac
done
echo "=== summary"
printf '%s\n' "${summary[@]}"
exit $failed
