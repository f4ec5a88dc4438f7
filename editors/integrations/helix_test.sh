#!/usr/bin/env bash
# helix_test.sh FTLS_BINARY
#
# The README's Helix snippet in real Helix: Debian 13's hx 25.01, which
# fetch-hx.sh fetches once with apt into editors/integrations/.hx
# (git-ignored; delete it to fetch anew). HOME and XDG_CONFIG_HOME are
# temp folders whose helix/languages.toml is the helix-languages snippet
# as extracted, and `ftls` on PATH is FTLS_BINARY:
#   - `hx --health LANG` reports the ftls server configured and found
#     ("✓ ftls: PATH") for every language the snippet gives it, so Helix
#     parses the snippet and resolves the server;
#   - in tmux, hx opens a copy of examples/flawed.jsonl and a broken
#     plan; the workspace diagnostics picker (space D) lists C005 for the
#     dataset and P001 for the plan, both from `ftls serve`, so the globs
#     pick the snippet's languages; `:qa!` quits.
# A failed check prints what hx showed. When the fetch fails (no network)
# it prints "helix test SKIPPED" and exits 77; without tmux only the
# editor session is skipped (exit 77 after the health checks).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
need_binary "$@"
HERE=$(cd "$(dirname "$0")" && pwd)

if ! reason=$("$HERE/fetch-hx.sh" "$HERE/.hx" 2>&1); then
	echo "helix test SKIPPED: Debian 13's hx could not be fetched:"
	printf '%s\n' "$reason" | tail -n 5 | sed 's/^/  /'
	exit 77
fi
HX=$HERE/.hx/bin/hx
version=$("$HX" --version)

export HOME=$WORK/home XDG_CONFIG_HOME=$WORK/home/.config
export PATH="$FTLS_BIN_DIR:$PATH"
mkdir -p "$XDG_CONFIG_HOME/helix"
snippet helix-languages >"$XDG_CONFIG_HOME/helix/languages.toml"
plain() { sed 's/\x1b\[[0-9;]*m//g'; }

# The [[language]] names whose language-servers include ftls.
mapfile -t langs < <(awk '
	function flush() { if (name != "" && ftls) print name; name = ""; ftls = 0 }
	/^\[/ { flush(); next }
	/^name *=/ { name = $0; sub(/^name *= *"/, "", name); sub(/".*/, "", name) }
	/^language-servers *=/ && /"ftls"/ { ftls = 1 }
	END { flush() }
' "$XDG_CONFIG_HOME/helix/languages.toml")
[ ${#langs[@]} -gt 0 ] || fail "helix-languages: no [[language]] uses the ftls server"
for lang in "${langs[@]}"; do
	health=$(cd "$WORK" && "$HX" --health "$lang" 2>&1 | plain) ||
		{ printf '%s\n' "$health" >&2; fail "hx --health $lang"; }
	if ! grep -qxF "  ✓ ftls: $FTLS_BIN_DIR/ftls" <<<"$health"; then
		printf '%s\n' "$health" | sed 's/^/  | /' >&2
		fail "hx --health $lang does not report the ftls server found at $FTLS_BIN_DIR/ftls"
	fi
	ok "$version: hx --health $lang: ✓ ftls: $FTLS_BIN_DIR/ftls"
done

if ! command -v tmux >/dev/null; then
	echo "helix test: editor session SKIPPED: no tmux (apt-get install tmux)"
	exit 77
fi
mkdir -p "$WORK/ws/data"
cp "$ROOT/examples/flawed.jsonl" "$WORK/ws/data/flawed.jsonl"
printf 'task: [\n' >"$WORK/ws/bad.plan.yaml"
tmx() { tmux -S "$WORK/tmux.sock" -f /dev/null "$@"; }
cleanup() {
	tmx kill-server 2>/dev/null || true
	rm -rf "$WORK"
}
trap cleanup EXIT
screen=
show() {
	echo "--- hx screen:" >&2
	printf '%s\n' "$screen" >&2
	if [ -f "$HOME/.cache/helix/helix.log" ]; then
		echo "--- helix.log (last lines):" >&2
		tail -n 20 "$HOME/.cache/helix/helix.log" >&2
	fi
}
(cd "$WORK/ws" && tmx new-session -d -x 160 -y 40 -s hx \
	"$(printf '%q ' "$HX" data/flawed.jsonl bad.plan.yaml)")
# Diagnostics arrive a moment after the files open: reopen the workspace
# diagnostics picker until both files' codes are listed, for up to 20s.
found=
for _ in $(seq 40); do
	tmx send-keys -t hx Escape
	sleep 0.2
	tmx send-keys -t hx Space D
	sleep 0.3
	screen=$(tmx capture-pane -p -t hx 2>&1) || { show; fail "hx exited"; }
	if grep -qE 'ERROR +C005 +[^ ]*flawed\.jsonl' <<<"$screen" &&
		grep -qE 'ERROR +P001 +[^ ]*bad\.plan\.yaml' <<<"$screen"; then
		found=1
		break
	fi
done
[ -n "$found" ] || { show; fail "hx's diagnostics picker does not list C005 on data/flawed.jsonl and P001 on bad.plan.yaml within 20s"; }
ok "helix: hx in tmux lists C005 on data/flawed.jsonl and P001 on bad.plan.yaml from ftls (space D)"
tmx send-keys -t hx Escape
sleep 0.2
tmx send-keys -t hx ':qa!' Enter
for _ in $(seq 50); do
	tmx has-session -t hx 2>/dev/null || break
	sleep 0.1
done
if tmx has-session -t hx 2>/dev/null; then
	screen=$(tmx capture-pane -p -t hx)
	show
	fail "hx did not quit on :qa!"
fi
ok "helix: :qa! quits hx"
