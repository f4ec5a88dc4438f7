# shellcheck shell=bash
# Sourced by compare.sh and same.sh: builds ftls at two revisions.
#
#   build_both OLD NEW DIR   # DIR/old/ftls at OLD; DIR/new/ftls at NEW,
#                            # or from the working tree when NEW is ""

build_rev() { # build_rev REV DIR: ftls at git revision REV into DIR/ftls
	rm -rf "$2" && mkdir -p "$2"
	git archive "$1" | tar -x -C "$2"
	(cd "$2" && go build -o ftls ./cmd/ftls)
}

build_both() {
	build_rev "$1" "$3/old"
	if [ -n "$2" ]; then
		build_rev "$2" "$3/new"
	else
		mkdir -p "$3/new" && go build -o "$3/new/ftls" ./cmd/ftls
	fi
}
