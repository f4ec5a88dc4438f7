# Sourced by the scripts that fetch one editor from Debian 13 for the tests
# (editors/nvim/test/fetch-nvim.sh, editors/integrations/fetch-hx.sh).
#
#   debian13_tool DIR PROGRAM VAR SUBDIR PACKAGE...
#
# makes DIR/bin/PROGRAM, which runs usr/bin/PROGRAM of the fetched
# PACKAGEs through fetch-debian13.sh's loader wrapper with VAR set to
# DIR/SUBDIR (the program's runtime files: it sees the loader as its own
# executable, so it cannot find them next to itself). The caller defines
# works DIR, which succeeds when DIR holds a copy that runs; nothing is
# fetched when DIR already does, and DIR is left as it was when the fetch
# or the new copy fails (exit status 1, the reason on standard error).

debian13_tool() {
	local dir=$1 prog=$2 var=$3 sub=$4
	shift 4
	if [ -z "$dir" ]; then
		echo "usage: $0 DIR" >&2
		exit 2
	fi
	mkdir -p "$(dirname "$dir")"
	dir=$(cd "$(dirname "$dir")" && pwd)/$(basename "$dir")
	if works "$dir"; then
		return 0
	fi
	# The new copy is made beside DIR, so that the move below is a rename;
	# it is global, for the trap that removes what a failure leaves.
	new=$(mktemp -d "$dir.new.XXXXXX")
	trap 'rm -rf "$new"' EXIT
	"$(dirname "${BASH_SOURCE[0]}")/fetch-debian13.sh" "$@" "$new"
	cat >"$new/bin/$prog" <<WRAPPER
#!/bin/sh
# Debian 13's $prog, run by its own loader on its own libraries (written by
# editors/lib/debian13-tool.sh).
root=\$(cd "\$(dirname "\$0")/.." && pwd)
$var=\$root/$sub exec "\$root/bin/debian13" usr/bin/$prog "\$@"
WRAPPER
	chmod +x "$new/bin/$prog"
	if ! works "$new"; then
		echo "the fetched $prog does not start, or is not the version wanted:" >&2
		"$new/bin/$prog" --version 2>&1 | head -n 3 >&2 || true
		return 1
	fi
	rm -rf "$dir"
	# Another run may have put its copy there meanwhile: either will do.
	mv -T "$new" "$dir" 2>/dev/null || works "$dir"
}
