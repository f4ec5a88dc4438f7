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

works() {
	local version
	version=$("$1/bin/hx" --version 2>/dev/null) || return 1
	case $version in
	"$want"*) ;;
	*) return 1 ;;
	esac
	[ -d "$1/usr/lib/hx/runtime/queries/json" ]
}

. "$(dirname "$0")/../lib/debian13-tool.sh"
debian13_tool "${1:-}" hx HELIX_RUNTIME usr/lib/hx/runtime hx
