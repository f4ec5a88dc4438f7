#!/usr/bin/env bash
# Fetches Debian 13 (trixie)'s Helix (package hx, 25.01) into DIR without
# installing it:
#
#   editors/integrations/fetch-hx.sh DIR
#
# and makes DIR/bin/hx, which runs it. editors/lib/fetch-debian13.sh
# downloads hx and the packages it depends on (trixie's libc6 among them:
# hx needs GLIBC_2.39, bookworm has 2.36) with apt, leaving the system's
# apt state alone, and unpacks them. DIR/bin/hx starts hx through trixie's
# dynamic loader with trixie's libraries, and points HELIX_RUNTIME at the
# package's runtime folder (usr/lib/hx/runtime: queries and themes; Debian
# ships no compiled grammars). The language servers hx starts run with the
# system's libc.
#
# Does nothing when DIR/bin/hx already runs a 25.x. Exits non-zero, with
# the reason on standard error, when apt cannot fetch (no network, say) or
# the fetched hx does not start; DIR is then left as it was.
set -euo pipefail

want='helix 25.'

dir=${1:-}
if [ -z "$dir" ]; then
	echo "usage: $0 DIR" >&2
	exit 2
fi
mkdir -p "$(dirname "$dir")"
dir=$(cd "$(dirname "$dir")" && pwd)/$(basename "$dir")

works() {
	local version
	version=$("$1/bin/hx" --version 2>/dev/null) || return 1
	case $version in
	"$want"*) ;;
	*) return 1 ;;
	esac
	[ -d "$1/usr/lib/hx/runtime/queries/json" ]
}
if works "$dir"; then
	exit 0
fi
# The new copy is made beside DIR, so that the move below is a rename.
new=$(mktemp -d "$dir.new.XXXXXX")
trap 'rm -rf "$new"' EXIT
"$(dirname "$0")/../lib/fetch-debian13.sh" hx "$new"
cat >"$new/bin/hx" <<'EOF'
#!/bin/sh
# trixie's hx, run by trixie's loader on trixie's libraries (written by
# editors/integrations/fetch-hx.sh).
root=$(cd "$(dirname "$0")/.." && pwd)
HELIX_RUNTIME=$root/usr/lib/hx/runtime exec "$root/bin/debian13" usr/bin/hx "$@"
EOF
chmod +x "$new/bin/hx"
if ! works "$new"; then
	echo "$0: the fetched hx does not start or is not 25.x:" >&2
	"$new/bin/hx" --version 2>&1 | head -n 3 >&2 || true
	exit 1
fi
rm -rf "$dir"
# Another run may have put its copy there meanwhile: either will do.
mv -T "$new" "$dir" 2>/dev/null || works "$dir"
