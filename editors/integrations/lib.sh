# Shared helpers for the integration tests; sourced, not run.

# The repository root, whatever the current directory.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# The snippets live in the README (Helix, Emacs) and in docs/editors.md.
DOCS=("$ROOT/README.md" "$ROOT/docs/editors.md")

fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "SKIP: $*"; exit 77; }
ok() { echo "ok: $*"; }

# snippet NAME prints the code of the fenced block between
# `<!-- snippet: NAME -->` and `<!-- /snippet -->` in the README or
# docs/editors.md, without the fence lines. Fails when the snippet is
# missing or empty.
snippet() {
	local out
	out=$(awk -v name="$1" '
		$0 == "<!-- snippet: " name " -->" { inside = 1; next }
		inside && $0 == "<!-- /snippet -->" { inside = 0; next }
		inside && /^```/ { fence = !fence; next }
		inside && fence { print }
	' "${DOCS[@]}")
	[ -n "$out" ] || fail "snippet \"$1\" not found in ${DOCS[*]}"
	printf '%s\n' "$out"
}

# One scratch folder per test script, removed on exit.
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ftls-int.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# need_binary checks the FTLS_BINARY argument and sets FTLS to its
# absolute path and FTLS_BIN_DIR to a folder holding only `ftls`, to put
# on PATH.
need_binary() {
	[ -n "${1:-}" ] || { echo "usage: $0 FTLS_BINARY" >&2; exit 2; }
	[ -f "$1" ] && [ -x "$1" ] || { echo "$0: $1 is not an executable" >&2; exit 2; }
	FTLS=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
	FTLS_BIN_DIR=$WORK/bin
	mkdir -p "$FTLS_BIN_DIR"
	ln -s "$FTLS" "$FTLS_BIN_DIR/ftls"
}

# PYTHON is a python3 with tomllib (3.11+), the system one first (a
# version manager's shim can take seconds to start); empty if none.
PYTHON=
for p in /usr/bin/python3 python3; do
	if command -v "$p" >/dev/null && "$p" -c 'import tomllib' 2>/dev/null; then
		PYTHON=$(command -v "$p")
		break
	fi
done
