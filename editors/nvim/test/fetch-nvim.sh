#!/usr/bin/env bash
# Fetches Debian 13 (trixie)'s Neovim 0.10 into DIR without installing it:
#
#   editors/nvim/test/fetch-nvim.sh DIR
#
# and makes DIR/bin/nvim, which runs it. apt downloads neovim, its runtime
# and the packages they depend on (trixie's libc6 among them: nvim needs
# GLIBC_2.38, bookworm has 2.36) with a private sources list, package lists
# and cache in a temp folder, so the system's apt state is left alone;
# dpkg-deb extracts them into DIR. DIR/bin/nvim starts nvim through
# trixie's dynamic loader with trixie's libraries, so nothing of the
# system's libc is mixed in, and the processes nvim starts (the server)
# run with the system's own.
#
# Does nothing when DIR/bin/nvim already runs a 0.10. Exits non-zero, with
# the reason on standard error, when apt cannot fetch (no network, say) or
# the fetched nvim does not start; DIR is then left as it was.
set -euo pipefail

suite=trixie
want='NVIM v0.10.'

dir=${1:-}
if [ -z "$dir" ]; then
	echo "usage: $0 DIR" >&2
	exit 2
fi
mkdir -p "$(dirname "$dir")"
dir=$(cd "$(dirname "$dir")" && pwd)/$(basename "$dir")

works() {
	local version
	version=$("$1/bin/nvim" --version 2>/dev/null) || return 1
	case ${version%%$'\n'*} in
	"$want"*) ;;
	*) return 1 ;;
	esac
	"$1/bin/nvim" --headless -u NONE -i NONE -n +q </dev/null >/dev/null 2>&1
}
if works "$dir"; then
	exit 0
fi
for tool in apt-get apt-cache dpkg-deb; do
	if ! command -v "$tool" >/dev/null; then
		echo "$0: $tool not found (a Debian system is needed)" >&2
		exit 1
	fi
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/sources.list.d" "$tmp/preferences.d" "$tmp/lists/partial" \
	"$tmp/cache/archives/partial" "$tmp/debs" "$tmp/new/bin"
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg target=Packages] http://deb.debian.org/debian $suite main" \
	>"$tmp/sources.list"
: >"$tmp/status"
# Read after the system's configuration, which keeps its proxy settings:
# only trixie's sources, and the lists, cache and package status in $tmp;
# no update hooks (the system's would touch its caches); downloads as the
# user running this (apt's _apt user cannot enter $tmp).
cat >"$tmp/apt.conf" <<EOF
#clear APT::Update::Pre-Invoke;
#clear APT::Update::Post-Invoke;
#clear APT::Update::Post-Invoke-Success;
Dir::Etc::sourcelist "$tmp/sources.list";
Dir::Etc::sourceparts "$tmp/sources.list.d";
Dir::Etc::preferences "$tmp/preferences";
Dir::Etc::preferencesparts "$tmp/preferences.d";
Dir::State::Lists "$tmp/lists";
Dir::State::status "$tmp/status";
Dir::Cache "$tmp/cache";
Acquire::Languages "none";
Acquire::Retries "1";
Acquire::http::Timeout "20";
APT::Sandbox::User "$(id -un)";
EOF
private() {
	"$1" -q -c "$tmp/apt.conf" "${@:2}"
}

# apt tells why it failed on standard error; the rest is noise.
private apt-get update --error-on=any >/dev/null
# neovim and what it depends on, all the way down (a <virtual> name has
# its providers listed too).
mapfile -t packages < <(
	private apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts \
		--no-breaks --no-replaces --no-enhances neovim | grep -v -e '^ ' -e '^<' | sort -u
)
if [ ${#packages[@]} -eq 0 ]; then
	echo "$0: apt found no neovim in $suite" >&2
	exit 1
fi
(cd "$tmp/debs" && private apt-get download "${packages[@]}" >/dev/null)
for deb in "$tmp"/debs/*.deb; do
	dpkg-deb -x "$deb" "$tmp/new"
done

# The loader, such as usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2, whose
# folder holds the libraries.
loader=$(cd "$tmp/new" && find usr/lib -maxdepth 2 -type f -name 'ld-linux*.so.*' | head -n 1)
if [ -z "$loader" ]; then
	echo "$0: no dynamic loader in the packages of $suite" >&2
	exit 1
fi
# The paths are relative to DIR, which the script finds from its own path,
# so that DIR can move.
cat >"$tmp/new/bin/nvim" <<EOF
#!/bin/sh
# $suite's nvim, run by $suite's loader on $suite's libraries (written by
# editors/nvim/test/fetch-nvim.sh). v:progpath is the loader.
root=\$(cd "\$(dirname "\$0")/.." && pwd)
lib=\$root/$(dirname "$loader")
VIMRUNTIME=\$root/usr/share/nvim/runtime GCONV_PATH=\$lib/gconv \\
	exec "\$root/$loader" --library-path "\$lib" "\$root/usr/bin/nvim" "\$@"
EOF
chmod +x "$tmp/new/bin/nvim"
if ! works "$tmp/new"; then
	echo "$0: the fetched nvim does not start or is not 0.10:" >&2
	"$tmp/new/bin/nvim" --version 2>&1 | head -n 3 >&2 || true
	exit 1
fi
rm -rf "$dir"
# Another run may have put its copy there meanwhile: either will do.
mv -T "$tmp/new" "$dir" 2>/dev/null || works "$dir"
