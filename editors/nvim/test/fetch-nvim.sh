#!/usr/bin/env bash
# Fetches Debian 13 (trixie)'s Neovim 0.10 into DIR without installing it:
#
#   editors/nvim/test/fetch-nvim.sh DIR
#
# and makes DIR/bin/nvim, which runs it. editors/lib/fetch-debian13.sh
# downloads neovim, its runtime and the packages they depend on (trixie's
# libc6 among them: nvim needs GLIBC_2.38, bookworm has 2.36) with apt,
# leaving the system's apt state alone, and unpacks them. DIR/bin/nvim
# starts nvim through trixie's dynamic loader with trixie's libraries, so
# nothing of the system's libc is mixed in, and the processes nvim starts
# (the server) run with the system's own.
#
# Does nothing when DIR/bin/nvim already runs a 0.10. Exits non-zero, with
# the reason on standard error, when apt cannot fetch (no network, say) or
# the fetched nvim does not start; DIR is then left as it was.
set -euo pipefail

want='NVIM v0.10.'

works() {
	local version
	version=$("$1/bin/nvim" --version 2>/dev/null) || return 1
	case ${version%%$'\n'*} in
	"$want"*) ;;
	*) return 1 ;;
	esac
	"$1/bin/nvim" --headless -u NONE -i NONE -n +q </dev/null >/dev/null 2>&1
}

. "$(dirname "$0")/../../lib/debian13-tool.sh"
debian13_tool "${1:-}" nvim VIMRUNTIME usr/share/nvim/runtime neovim
