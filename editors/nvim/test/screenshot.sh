#!/usr/bin/env bash
# Pictures of the plugin at work, for the README: Neovim in a tmux pane,
# set up as run.sh sets up the headless test (the plugin as install.sh
# installs it, no user configuration), opens a copy of examples/flawed.jsonl
# and shows the diagnostics with line 1's in a float, then the hover of a
# row. Each screen is
# captured with its colours (tmux capture-pane -e), turned into HTML by aha
# and photographed by headless Chromium.
#
#   editors/nvim/test/screenshot.sh /absolute/path/to/ftls OUT_DIR [NVIM]
#
# Writes OUT_DIR/nvim-diagnostics.png and OUT_DIR/nvim-hover.png. Needs
# tmux, aha and chromium (apt-get install tmux aha chromium); NVIM defaults
# to the nvim on PATH.
set -euo pipefail

binary=${1:?usage: screenshot.sh FTLS_BINARY OUT_DIR [NVIM]}
out=${2:?usage: screenshot.sh FTLS_BINARY OUT_DIR [NVIM]}
test_dir=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$test_dir/../../.." && pwd)
nvim=${3:-}
[[ -n $nvim ]] || nvim=$(command -v nvim)
for tool in tmux aha chromium; do
	command -v $tool >/dev/null || {
		echo "screenshot.sh: $tool is needed (apt-get install $tool)" >&2
		exit 2
	}
done
mkdir -p "$out"
out=$(cd "$out" && pwd)

work=$(mktemp -d)
tmx() { tmux -S "$work/tmux.sock" -f /dev/null "$@"; }
trap 'tmx kill-server 2>/dev/null; rm -rf "$work"' EXIT
mkdir "$work/data"
cp "$repo/examples/flawed.jsonl" "$work/data/"
"$test_dir/../install.sh" "$work/plugin" >/dev/null
cat >"$work/init.lua" <<EOF
vim.opt.runtimepath:prepend('$work/plugin')
vim.opt.background = 'dark'
vim.opt.laststatus = 2
vim.opt.number = true
vim.opt.signcolumn = 'yes'
vim.opt.wrap = false
vim.opt.shortmess:append('I')
vim.cmd('filetype on')
vim.cmd('runtime plugin/ftls.lua')
require('ftls').setup({ cmd = { '$binary', 'serve' } })
vim.diagnostic.config({ virtual_text = { prefix = '●' }, severity_sort = true, float = { border = 'rounded' } })
vim.lsp.handlers['textDocument/hover'] = vim.lsp.with(vim.lsp.handlers.hover, { border = 'rounded' })
-- Quieter colours than 0.7's defaults (a magenta float), 256-colour for aha.
for group, hl in pairs({
  NormalFloat = 'ctermbg=236 ctermfg=252', FloatBorder = 'ctermbg=236 ctermfg=244',
  LineNr = 'ctermfg=240', StatusLine = 'cterm=NONE ctermbg=237 ctermfg=252', NonText = 'ctermfg=238',
  SignColumn = 'ctermbg=NONE', Error = 'ctermbg=NONE ctermfg=203',
  DiagnosticError = 'ctermfg=203', DiagnosticWarn = 'ctermfg=214', DiagnosticInfo = 'ctermfg=75', DiagnosticHint = 'ctermfg=245',
  DiagnosticUnderlineError = 'cterm=underline ctermfg=NONE', DiagnosticUnderlineWarn = 'cterm=underline ctermfg=NONE',
}) do
  vim.cmd(('highlight %s %s'):format(group, hl))
end
EOF

export XDG_CONFIG_HOME=$work/xdg/config XDG_DATA_HOME=$work/xdg/data
export XDG_STATE_HOME=$work/xdg/state XDG_CACHE_HOME=$work/xdg/cache
tmx new-session -d -x 150 -y 24 -c "$work/data" \
	"TERM=xterm-256color COLORTERM=truecolor '$nvim' -u '$work/init.lua' -i NONE -n flawed.jsonl"
tmx set-option -g default-terminal tmux-256color >/dev/null

# Waits until the pane shows text, or gives up after 20 s.
wait_for() {
	for _ in $(seq 200); do
		tmx capture-pane -p | grep -q -- "$1" && return 0
		sleep 0.1
	done
	echo "screenshot.sh: the pane never showed '$1':" >&2
	tmx capture-pane -p >&2
	exit 1
}

# One capture, as an image the size of the pane.
shoot() {
	local name=$1
	tmx capture-pane -e -p >"$work/$name.ansi"
	{
		echo '<!doctype html><meta charset="utf-8"><style>'
		echo 'body{margin:0;background:#14161b}pre{margin:0;padding:10px 12px;font:15px/1.25 "DejaVu Sans Mono",monospace;color:#e0e2ea;background:#14161b}'
		echo '</style><pre>'
		aha --no-header --black <"$work/$name.ansi"
		echo '</pre>'
	} >"$work/$name.html"
	chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1380,470 \
		--screenshot="$out/$name.png" "file://$work/$name.html" >/dev/null 2>&1
	echo "$out/$name.png"
}

wait_for 'C009'
sleep 1
# Line 1's findings in a float, over the signs and virtual text.
tmx send-keys ':lua vim.diagnostic.open_float()' Enter
wait_for 'asistant'
sleep 0.5
shoot nvim-diagnostics
tmx send-keys Escape
# The hover of row 2, from the plugin's K mapping (vim.lsp.buf.hover).
tmx send-keys ':2' Enter
tmx send-keys ':lua vim.lsp.buf.hover()' Enter
wait_for 'tokens'
sleep 0.5
shoot nvim-hover
tmx send-keys Escape ':qa!' Enter
