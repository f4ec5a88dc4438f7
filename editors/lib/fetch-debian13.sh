#!/usr/bin/env bash
# Fetches Debian 13 (trixie) packages, with everything they depend on, and
# unpacks them into DIR without installing anything:
#
#   editors/lib/fetch-debian13.sh PACKAGE... DIR
#
# apt downloads them with a private sources list, package lists, status and
# cache in a temp folder, so the system's apt state is left alone; dpkg-deb
# extracts them into DIR (created if needed). trixie's libc6 is among the
# dependencies, for programs that need a newer glibc than the system's
# (bookworm has 2.36). DIR/bin/debian13 runs one of the unpacked programs
# through trixie's dynamic loader on trixie's libraries, so nothing of the
# system's libc is mixed in, while the processes it starts (a language
# server, say) run with the system's own:
#
#   DIR/bin/debian13 usr/bin/PROGRAM ARGS...
#
# The program path is relative to DIR, which the wrapper finds from its own
# path, so DIR can move. The program sees the loader as its executable
# (/proc/self/exe), so programs that look for files next to themselves need
# an environment variable instead (VIMRUNTIME, HELIX_RUNTIME).
#
# Exits non-zero, with the reason on standard error, when apt cannot fetch
# (no network, say); DIR may then hold part of the packages.
set -euo pipefail

suite=trixie

if [ $# -lt 2 ]; then
	echo "usage: $0 PACKAGE... DIR" >&2
	exit 2
fi
dir=${*: -1}
wanted=("${@:1:$#-1}")
for tool in apt-get apt-cache dpkg-deb; do
	if ! command -v "$tool" >/dev/null; then
		echo "$0: $tool not found (a Debian system is needed)" >&2
		exit 1
	fi
done
mkdir -p "$dir/bin"
dir=$(cd "$dir" && pwd)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/sources.list.d" "$tmp/preferences.d" "$tmp/lists/partial" \
	"$tmp/cache/archives/partial" "$tmp/debs"
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg target=Packages] http://deb.debian.org/debian $suite main" \
	>"$tmp/sources.list"
: >"$tmp/status"
# Read after the system's configuration, which keeps its proxy settings:
# only trixie's sources, and the lists, cache and package status in $tmp;
# no update hooks (the system's would touch its caches); downloads as the
# user running this (apt's _apt user cannot enter $tmp).
cat >"$tmp/apt.conf" <<CONF
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
CONF
private() {
	"$1" -q -c "$tmp/apt.conf" "${@:2}"
}

# apt tells why it failed on standard error; the rest is noise.
private apt-get update --error-on=any >/dev/null
# The packages and what they depend on, all the way down (a <virtual> name
# has its providers listed too).
mapfile -t packages < <(
	private apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts \
		--no-breaks --no-replaces --no-enhances "${wanted[@]}" | grep -v -e '^ ' -e '^<' | sort -u
)
for p in "${wanted[@]}"; do
	if ! printf '%s\n' "${packages[@]}" | grep -qxF "$p"; then
		echo "$0: apt found no $p in $suite" >&2
		exit 1
	fi
done
(cd "$tmp/debs" && private apt-get download "${packages[@]}" >/dev/null)
for deb in "$tmp"/debs/*.deb; do
	dpkg-deb -x "$deb" "$dir"
done

# The loader, such as usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2, whose
# folder holds the libraries.
loader=$(cd "$dir" && find usr/lib -maxdepth 2 -type f -name 'ld-linux*.so.*' | head -n 1)
if [ -z "$loader" ]; then
	echo "$0: no dynamic loader in the packages of $suite" >&2
	exit 1
fi
cat >"$dir/bin/debian13" <<WRAPPER
#!/bin/sh
# debian13 PROGRAM ARGS...: runs PROGRAM (a path relative to this folder's
# parent, e.g. usr/bin/hx) with $suite's loader on $suite's libraries
# (written by editors/lib/fetch-debian13.sh).
root=\$(cd "\$(dirname "\$0")/.." && pwd)
lib=\$root/$(dirname "$loader")
program=\$1
shift
GCONV_PATH=\$lib/gconv exec "\$root/$loader" --library-path "\$lib" "\$root/\$program" "\$@"
WRAPPER
chmod +x "$dir/bin/debian13"
