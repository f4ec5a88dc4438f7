# shellcheck shell=bash
# Sourced by compare.sh, same.sh and nearacc.sh: builds ftls (or another
# command) at two revisions.
#
#   build_both OLD NEW DIR   # DIR/old/ftls at OLD; DIR/new/ftls at NEW,
#                            # or from the working tree when NEW is ""

# The revision's source goes to a temporary folder, not under bench/out:
# a source tree inside the module would be found by the tools that walk it
# (internal/fuzztargets lists its fuzz targets).
build_rev() { # build_rev REV DIR [PKG]: PKG (./cmd/ftls) at git revision REV into DIR/<PKG's name>
	local src dest pkg=${3:-./cmd/ftls}
	rm -rf "$2" && mkdir -p "$2"
	dest="$(cd "$2" && pwd)"
	src="$(mktemp -d)"
	git archive "$1" | tar -x -C "$src"
	(cd "$src" && go build -o "$dest/$(basename "$pkg")" "$pkg")
	rm -rf "$src"
}

build_both() {
	build_rev "$1" "$3/old"
	if [ -n "$2" ]; then
		build_rev "$2" "$3/new"
	else
		mkdir -p "$3/new" && go build -o "$3/new/ftls" ./cmd/ftls
	fi
}
