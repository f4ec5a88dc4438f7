#!/usr/bin/env bash
# test/run.sh on Debian 13's Neovim 0.10, which fetch-nvim.sh fetches once
# into test/.nvim-0.10 (git-ignored; delete it to fetch anew):
#
#   editors/nvim/test/run-0.10.sh /absolute/path/to/ftls
#
# When the fetch fails (no network, no apt), it says so and exits 0: only
# the test itself fails the run.
set -euo pipefail

test_dir=$(cd "$(dirname "$0")" && pwd)
dir=$test_dir/.nvim-0.10
if ! reason=$("$test_dir/fetch-nvim.sh" "$dir" 2>&1); then
	echo "nvim 0.10 test SKIPPED: Debian 13's neovim could not be fetched:" >&2
	printf '%s\n' "$reason" | tail -n 5 | sed 's/^/  /' >&2
	exit 0
fi
exec "$test_dir/run.sh" "${1:-}" "$dir/bin/nvim"
