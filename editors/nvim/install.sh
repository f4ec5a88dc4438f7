#!/usr/bin/env bash
# Installs the Neovim plugin as a package that Neovim loads at startup:
#
#   editors/nvim/install.sh [DEST]
#
# DEST defaults to ${XDG_DATA_HOME:-$HOME/.local/share}/nvim/site/pack/ftls/start/ftls.
# This installs the plugin only; the ftls binary comes from go install.
set -euo pipefail

src=$(cd "$(dirname "$0")" && pwd)
dest=${1:-${XDG_DATA_HOME:-$HOME/.local/share}/nvim/site/pack/ftls/start/ftls}
parts=(doc ftdetect lsp lua plugin syntax)

# A mistyped DEST (such as $HOME) must not lose its doc/ or lua/ folders.
if [ -n "$(ls -A "$dest" 2>/dev/null)" ] && [ ! -f "$dest/lua/ftls/init.lua" ]; then
	echo "$0: $dest is not empty and holds no ftls plugin: not installing there" >&2
	exit 1
fi
mkdir -p "$dest"
# The plugin's folders are replaced, so that files removed from the plugin
# go away.
for part in "${parts[@]}"; do
	rm -rf "${dest:?}/$part"
	cp -R "$src/$part" "$dest/$part"
done

# Neovim indexes the help of start packages only through doc/tags.
if command -v nvim >/dev/null; then
	# $FTLS_DOC is expanded by Neovim, not by the shell.
	# shellcheck disable=SC2016
	FTLS_DOC="$dest/doc" nvim --headless -u NONE -i NONE -n \
		-c 'execute "helptags" fnameescape($FTLS_DOC)' -c 'qall!'
	[ -f "$dest/doc/tags" ] || echo "helptags failed: :help ftls will not find the help" >&2
else
	echo "nvim not found: run :helptags $dest/doc in Neovim for :help ftls" >&2
fi
echo "installed the ftls Neovim plugin in $dest"
