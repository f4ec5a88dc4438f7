#!/usr/bin/env bash
# Packages the extension once per platform, each VSIX carrying an ftls
# binary for that platform in bin/ (cross-compiled with GOOS/GOARCH, no
# cgo), as rust-analyzer and ruff ship theirs:
#
#   editors/vscode/vsix.sh OUT_DIR [TARGET...]
#
# TARGETs are vsce's (linux-x64 linux-arm64 darwin-x64 darwin-arm64
# win32-x64, the default: all five). Writes OUT_DIR/ftls-TARGET-VERSION.vsix.
# FTLS_BINARY=/path/to/ftls bundles that binary instead of building one
# (for one target: the real-editor test packages the binary under test).
set -euo pipefail

out=${1:?usage: vsix.sh OUT_DIR [TARGET...]}
shift
targets=("$@")
((${#targets[@]})) || targets=(linux-x64 linux-arm64 darwin-x64 darwin-arm64 win32-x64)
if [[ -n ${FTLS_BINARY:-} && ${#targets[@]} -ne 1 ]]; then
	echo "vsix.sh: FTLS_BINARY bundles one binary: give one target" >&2
	exit 2
fi

ext=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$ext/../.." && pwd)
mkdir -p "$out"
out=$(cd "$out" && pwd)
cd "$ext"
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
	npm ci --no-audit --no-fund
fi
version=$(node -p 'require("./package.json").version')
images_base=$(node -p 'require("./package.json").repository.url.replace(/\.git$/, "") + "/raw/HEAD/" + require("./package.json").repository.directory')
trap 'rm -rf "$ext/bin"' EXIT
for target in "${targets[@]}"; do
	case $target in
	linux-x64) goos=linux goarch=amd64 ;;
	linux-arm64) goos=linux goarch=arm64 ;;
	darwin-x64) goos=darwin goarch=amd64 ;;
	darwin-arm64) goos=darwin goarch=arm64 ;;
	win32-x64) goos=windows goarch=amd64 ;;
	*)
		echo "vsix.sh: unknown target $target" >&2
		exit 2
		;;
	esac
	exe=ftls
	[[ $goos == windows ]] && exe=ftls.exe
	rm -rf bin
	mkdir bin
	if [[ -n ${FTLS_BINARY:-} ]]; then
		cp "$FTLS_BINARY" "bin/$exe"
	else
		modflags=()
		if [[ $goos == windows ]]; then
			# kutil v0.3.11 does not build for Windows (see the file in
			# build/kutil-windows): build against a copy with that file
			# replaced, through a go.mod of its own, leaving ftls's alone.
			kutil=$(cd "$repo" && go list -m -f '{{.Dir}}' github.com/tliron/kutil)
			patched=$ext/bin/kutil
			cp -R "$kutil" "$patched"
			chmod -R u+w "$patched"
			cp "$ext/build/kutil-windows/color_enable_windows.go" "$patched/terminal/"
			cp "$repo/go.mod" "$ext/bin/windows.mod"
			cp "$repo/go.sum" "$ext/bin/windows.sum"
			printf '\nreplace github.com/tliron/kutil => %s\n' "$patched" >>"$ext/bin/windows.mod"
			modflags=(-modfile "$ext/bin/windows.mod")
		fi
		(cd "$repo" && CGO_ENABLED=0 GOOS=$goos GOARCH=$goarch go build "${modflags[@]}" -trimpath -ldflags=-s -o "$ext/bin/$exe" ./cmd/ftls)
		rm -rf "$ext/bin/kutil" "$ext/bin/windows.mod" "$ext/bin/windows.sum"
	fi
	chmod 755 "bin/$exe"
	# vsce runs the prepublish script (the esbuild bundle) itself. The
	# README's pictures are in the repository's docs/images: vsce makes
	# their links absolute from this folder's URL.
	node_modules/.bin/vsce package --target "$target" --baseImagesUrl "$images_base" \
		--out "$out/ftls-$target-$version.vsix" </dev/null
done
