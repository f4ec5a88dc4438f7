#!/usr/bin/env bash
# The real-editor test of the Neovim plugin: headless Neovim loads the plugin
# as install.sh installs it from this checkout, opens temp copies of
# test/fixtures/ and checks diagnostics, hover, quick fixes, the :Ftls*
# commands, plan files, the help and (0.11+) lsp/ftls.lua.
#
#   editors/nvim/test/run.sh /absolute/path/to/ftls [NVIM]
#
# Runs the nvim on $PATH (Debian: apt-get install -y neovim), or NVIM, an
# nvim executable, such as the bin/nvim of fetch-nvim.sh. Exits 0 when every
# check passed.
set -euo pipefail

binary=${1:-}
case $binary in
/*) ;;
*)
	echo "usage: $0 FTLS_BINARY (an absolute path) [NVIM]" >&2
	exit 2
	;;
esac
if [ ! -x "$binary" ]; then
	echo "$0: $binary is not an executable" >&2
	exit 2
fi
nvim=${2:-}
if [ -n "$nvim" ] && [ ! -x "$nvim" ]; then
	echo "$0: $nvim is not an executable" >&2
	exit 2
fi
if [ -z "$nvim" ] && ! command -v nvim >/dev/null; then
	echo "$0: nvim not found (apt-get install -y neovim)" >&2
	exit 2
fi

test_dir=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The test edits and writes next to its files: never the fixtures.
mkdir "$work/data"
cp -R "$test_dir/fixtures/." "$work/data/"

# NVIM first on $PATH, as nvim: install.sh generates the help tags with it
# too.
if [ -n "$nvim" ]; then
	mkdir "$work/bin"
	printf '#!/usr/bin/env bash\nexec %q "$@"\n' "$(cd "$(dirname "$nvim")" && pwd)/$(basename "$nvim")" >"$work/bin/nvim"
	chmod +x "$work/bin/nvim"
	export PATH="$work/bin:$PATH"
fi

# No user configuration, shada, swap or LSP log outside the temp folder.
export XDG_CONFIG_HOME="$work/.xdg/config" XDG_DATA_HOME="$work/.xdg/data"
export XDG_STATE_HOME="$work/.xdg/state" XDG_CACHE_HOME="$work/.xdg/cache"
# The plugin under test is the copy install.sh makes, so that a file it
# forgets to install fails here.
"$test_dir/../install.sh" "$work/plugin" >/dev/null
export FTLS_BINARY="$binary" FTLS_PLUGIN="$work/plugin" FTLS_WORK="$work/data"
export FTLS_E2E="$test_dir/e2e.lua" FTLS_GENERATE="$test_dir/generate.lua" FTLS_REVIEW="$test_dir/review.lua"

# The script bounds every wait itself; timeout is the last resort.
timeout 120 nvim --headless -u NONE -i NONE -n -c 'lua dofile(os.getenv("FTLS_E2E"))'

# The review (review.lua) and generation into the open buffer while the
# user types (generate.lua), against internal/fakeprovider, an
# OpenAI-compatible endpoint on 127.0.0.1 that answers each batch after
# 300 ms (review requests as a judge). It serves until its
# standard input closes: the fifo's writer is this shell.
repo=$(cd "$test_dir/../../.." && pwd)
(cd "$repo" && go build -o "$work/fakeprovider" ./internal/fakeprovider)
mkfifo "$work/provider.in"
"$work/fakeprovider" -delay 300ms <"$work/provider.in" >"$work/provider.url" &
exec 3>"$work/provider.in"
for _ in $(seq 100); do
	[ -s "$work/provider.url" ] && break
	sleep 0.1
done
export FTLS_PROVIDER=$(head -n 1 "$work/provider.url") FTLS_SHOP="$repo/generator/testdata/shop"
timeout 120 nvim --headless -u NONE -i NONE -n -c 'lua dofile(os.getenv("FTLS_REVIEW"))'
timeout 120 nvim --headless -u NONE -i NONE -n -c 'lua dofile(os.getenv("FTLS_GENERATE"))'
exec 3>&-
