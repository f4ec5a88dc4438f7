#!/usr/bin/env bash
# Neovim on a large dataset: what a user of the ftls plugin waits for.
#
#   bash bench/nvim.sh                 # 100,000 rows (~230 MB), Neovim 0.7 and 0.10: 5-10 minutes
#   bash bench/nvim.sh --rows 10000    # a quick run
#   bash bench/nvim.sh --nvim /path/to/nvim ...   # these Neovims instead (repeatable)
#   bash bench/nvim.sh --committed     # ftls as committed (HEAD), without the
#                                      # working tree's changes, into bench/out/
#
# For each Neovim (the system's nvim, Debian's 0.7.2, and Debian 13's 0.10
# fetched by editors/nvim/test/fetch-nvim.sh; a missing one is skipped with
# the reason), headless, with the plugin installed by install.sh into a temp
# folder and no user configuration (as editors/nvim/test/run.sh does),
# bench/nvim/driver.lua measures:
#   - open: `:edit` until the first and until the full diagnostics, and how
#     much of it is Neovim reading the file and building the didOpen message
#     (the server's log says when the message had arrived);
#   - keystrokes: BENCH_KEYS (50) characters typed in insert mode, each at the
#     start of the first "content" string of a random well-formed row (fixed
#     seed), BENCH_PAUSE_MS (200) after the previous answer; from the key
#     until Neovim has handled the server's answer for that version (its
#     publishDiagnostics, or ftls/checked "unchanged"); p50, p99 (nearest
#     rank) and max; and the time Neovim's publishDiagnostics handler takes;
#   - fix all: source.fixAll.ftls, then its ftls.fixAll command, until the
#     buffer holds the fixed text (workspace/applyEdit handled); the buffer is
#     then compared byte for byte with `ftls fix` run on the same text.
# Prints a table and writes it as Markdown to bench/out/nvim-LABEL.md.
# Not part of `make test`: a 100k-row run takes minutes.
set -euo pipefail

ROWS=100000
NVIMS=()
COMMITTED=0
while (($#)); do
  case $1 in
  --rows) ROWS=$2; shift 2 ;;
  --nvim) NVIMS+=("$2"); shift 2 ;;
  --committed) COMMITTED=1; shift ;;
  -h | --help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
  *) echo "nvim.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

BENCH_NAME=nvim.sh
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
OUT="$HERE/out"
LOGS="$OUT/logs"
SEED="${BENCH_SEED:-1}"
export BENCH_KEYS="${BENCH_KEYS:-50}" BENCH_PAUSE_MS="${BENCH_PAUSE_MS:-200}" BENCH_SEED="$SEED"
cd "$ROOT"
mkdir -p "$OUT" "$LOGS"
LABEL="$(label_of "$ROWS")"
T_START=$EPOCHREALTIME
CMDLINE="bash bench/nvim.sh"
((ROWS == 100000)) || CMDLINE+=" --rows $ROWS"
((COMMITTED == 0)) || CMDLINE+=" --committed"

echo "== build"
go build -o "$OUT/gen" ./bench/gen
if ((COMMITTED)); then
  src="$(mktemp -d)"
  git archive HEAD | tar -x -C "$src"
  (cd "$src" && go build -o "$OUT/ftls-committed" ./cmd/ftls)
  rm -rf "$src"
  FTLS="$OUT/ftls-committed"
  REV="$(git rev-parse --short HEAD) (as committed)"
else
  make -s build
  FTLS="$ROOT/bin/ftls"
  REV="$(ftls_rev)"
fi
echo "ftls: $FTLS ($REV)"
ensure_data "$ROWS"
DATA="$OUT/data-$LABEL.jsonl"

# The Neovims: the system's, then 0.10 fetched once (git-ignored).
declare -a NAMES=() PATHS=() SKIPS=()
if ((${#NVIMS[@]})); then
  for n in "${NVIMS[@]}"; do NAMES+=("$n"); PATHS+=("$n"); done
else
  if command -v nvim >/dev/null; then
    NAMES+=("system nvim"); PATHS+=("$(command -v nvim)")
  else
    SKIPS+=("system nvim: not installed (apt-get install -y neovim)")
  fi
  dir="$ROOT/editors/nvim/test/.nvim-0.10"
  if reason=$("$ROOT/editors/nvim/test/fetch-nvim.sh" "$dir" 2>&1); then
    NAMES+=("Debian 13 nvim"); PATHS+=("$dir/bin/nvim")
  else
    SKIPS+=("nvim 0.10: Debian 13's neovim could not be fetched: $(printf '%s' "$reason" | tail -n 1)")
  fi
fi
for s in "${SKIPS[@]}"; do echo "SKIPPED $s"; done

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

declare -a RESULT_FILES=()
FAILED=0
for i in "${!PATHS[@]}"; do
  nvim="${PATHS[$i]}"
  ver="$("$nvim" --version | head -n1 | sed 's/^NVIM v//')"
  echo
  echo "== Neovim $ver ($nvim)"
  w="$WORK/$i"
  mkdir -p "$w/data" "$w/out" "$w/bin"
  # The server reads a dataset's neighbours (plans, ftls.yaml, validation
  # files): the dataset sits alone in its folder.
  cp "$DATA" "$w/data/data.jsonl"
  # This nvim first on $PATH: install.sh makes the help tags with it.
  printf '#!/usr/bin/env bash\nexec %q "$@"\n' "$nvim" >"$w/bin/nvim"
  chmod +x "$w/bin/nvim"
  results="$OUT/nvim-$LABEL-$ver.results"
  server_log="$LOGS/nvim-$LABEL-$ver.server.log"
  rm -f "$results" "$server_log"
  (
    export PATH="$w/bin:$PATH"
    export XDG_CONFIG_HOME="$w/.xdg/config" XDG_DATA_HOME="$w/.xdg/data"
    export XDG_STATE_HOME="$w/.xdg/state" XDG_CACHE_HOME="$w/.xdg/cache"
    "$ROOT/editors/nvim/install.sh" "$w/plugin" >/dev/null
    export FTLS_BINARY="$FTLS" FTLS_PLUGIN="$w/plugin" BENCH_DATA="$w/data/data.jsonl"
    export BENCH_OUT="$w/out" BENCH_RESULTS="$results" BENCH_SERVER_LOG="$server_log"
    export BENCH_DRIVER="$HERE/nvim/driver.lua"
    timeout 1800 nvim --headless -u NONE -i NONE -n -c 'lua dofile(os.getenv("BENCH_DRIVER"))' </dev/null
  ) 2>&1 | tee "$LOGS/nvim-$LABEL-$ver.log" || true
  if ! grep -q '^fix_ms ' "$results" 2>/dev/null; then
    echo "Neovim $ver: the run failed (see $LOGS/nvim-$LABEL-$ver.log)"
    FAILED=1
  fi
  # The didOpen: the server logs when it had read the message, and how long
  # reading it took from its first byte.
  if read -r stamp took < <(sed -n 's/^\([0-9][-/0-9]* [0-9:.]*\) .*read a [0-9.]* MB message in \([0-9.]*\) ms.*/\1 \2/p' "$server_log" 2>/dev/null | head -n1 | awk '{ print $1 "T" $2, $3 }'); then
    read_wall=$(date -d "${stamp/T/ }" +%s.%N)
    echo "didopen_first_byte_wall_ms $(awk -v s="$read_wall" -v t="$took" 'BEGIN { printf "%.3f", s * 1000 - t }')" >>"$results"
    echo "didopen_read_ms $took" >>"$results"
    echo "didopen_arrived_wall_ms $(awk -v s="$read_wall" 'BEGIN { printf "%.3f", s * 1000 }')" >>"$results"
  fi
  # Fix all against ftls fix, from the text the buffer held before.
  if [[ -f "$w/out/before-fix.jsonl" && -f "$w/out/after-fix.jsonl" ]]; then
    mkdir -p "$w/ref"
    mv "$w/out/before-fix.jsonl" "$w/ref/data.jsonl"
    "$FTLS" fix "$w/ref/data.jsonl" >"$LOGS/nvim-$LABEL-$ver.fix.log" 2>&1 || true
    if cmp -s "$w/ref/data.jsonl" "$w/out/after-fix.jsonl"; then
      echo "fix_equal yes" >>"$results"
    else
      echo "fix_equal NO ($(cmp "$w/ref/data.jsonl" "$w/out/after-fix.jsonl" 2>&1 | head -n1))" >>"$results"
      FAILED=1
    fi
  fi
  rm -rf "$w"
  RESULT_FILES+=("$results")
done

# ---------------------------------------------------------------- report
get() { awk -v k="$2" '$1 == k { $1 = ""; sub(/^ /, ""); print; exit }' "$1"; }
secs() { awk -v a="$1" 'BEGIN { if (a == "") print "-"; else printf "%.1f", a / 1000 }'; }
# The server's log lines are stamped in its clock, the driver's in Neovim's:
# both are the wall clock of this machine.
diffs() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "") { print "-"; exit } v = (a - b) / 1000; if (v < 0 && v > -0.05) v = 0; printf "%.1f", v }'; }
row() { local IFS=$'\t'; echo "$*"; }
render() { # md
  awk -F'\t' -v md="$1" '
    { n = NR; c[NR] = NF; for (i = 1; i <= NF; i++) { cell[NR, i] = $i; if (length($i) > w[i]) w[i] = length($i) } }
    END { for (r = 1; r <= n; r++) { line = ""
        for (i = 1; i <= c[r]; i++) {
          if (md) { line = line "| " cell[r, i] " "; continue }
          line = line cell[r, i]; if (i < c[r]) for (k = length(cell[r, i]); k < w[i] + 2; k++) line = line " " }
        print md ? line "|" : line
        if (md && r == 1) { sep = "|"; for (i = 1; i <= c[1]; i++) sep = sep (i == 1 ? "---|" : "---:|"); print sep } } }'
}
report() { # md
  local md=$1 f
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); $(machine_desc)"
  echo "- ftls: $REV; dataset: \`go run ./bench/gen -rows $ROWS -seed $SEED\` ($(filesize "$DATA") bytes); \`$CMDLINE\`"
  for f in "${RESULT_FILES[@]}"; do
    [[ -f "$f" ]] && echo "- Neovim $(get "$f" nvim): load average $(get "$f" load_start) at the start, $(get "$f" load_end) at the end"
  done
  for s in "${SKIPS[@]}"; do echo "- skipped: $s"; done
  echo
  {
    row "Neovim" ":edit s" "server up s" "didOpen text s" "didOpen encode s" "→ server s" "didOpen read s" "open→first s" "open→full s" "diagnostics" "publish handler at open ms"
    for f in "${RESULT_FILES[@]}"; do
      [[ -f "$f" ]] || continue
      row "$(get "$f" nvim)" "$(secs "$(get "$f" open_read_ms)")" \
        "$(secs "$(get "$f" didopen_initialize_ms)")" "$(secs "$(get "$f" didopen_text_ms)")" "$(secs "$(get "$f" didopen_notify_ms)")" \
        "$(diffs "$(get "$f" didopen_first_byte_wall_ms)" "$(get "$f" didopen_notify_end_wall_ms)")" \
        "$(secs "$(get "$f" didopen_read_ms)")" \
        "$(secs "$(get "$f" open_first_ms)")" "$(secs "$(get "$f" open_full_ms)")" "$(get "$f" open_full_diagnostics)" \
        "$(get "$f" open_publishes | sed 's/,/, /g')"
    done
  } | render "$md"
  echo
  echo ":edit: Neovim reading the file (until BufReadPost). server up: from there until Neovim had the answer to \`initialize\` (the server started by the plugin on FileType). didOpen text: from there until Neovim called notify('textDocument/didOpen'), the text built. didOpen encode: that call, in which Neovim encodes the message and hands it to the pipe. → server: from its return until the server had the first byte of the message (the server's log says when the message began; both clocks are this machine's); didOpen read: the server reading the message, from its first byte to its last. open→first, open→full: \`:edit\` until Neovim had handled the first diagnostics, and the full ones (every rule, exact and near duplicates included). publish handler at open: each publishDiagnostics handled while opening, ms × diagnostics."
  echo
  {
    row "Neovim" "key p50 ms" "key p99 ms" "key max ms" "answers published/unchanged" "publishes while typing" "publish handler p50/max ms" \
      "fix all s" "server s" "Neovim applying s" "rows edited" "= ftls fix"
    for f in "${RESULT_FILES[@]}"; do
      [[ -f "$f" ]] || continue
      row "$(get "$f" nvim)" "$(get "$f" key_p50_ms)" "$(get "$f" key_p99_ms)" "$(get "$f" key_max_ms)" \
        "$(get "$f" key_answers_published)/$(get "$f" key_answers_unchanged)" "$(get "$f" typing_publishes)" \
        "$(get "$f" typing_publish_p50_ms)/$(get "$f" typing_publish_max_ms)" \
        "$(secs "$(get "$f" fix_ms)")" "$(secs "$(get "$f" fix_apply_start_ms)")" "$(secs "$(get "$f" fix_apply_ms)")" \
        "$(get "$f" fix_edits)" "$(get "$f" fix_equal)"
    done
  } | render "$md"
  echo
  echo "key: one character typed in insert mode (\`i\`, the character, Esc) at the start of the first content string of a random well-formed row, ${BENCH_PAUSE_MS} ms after the previous answer (so Neovim's 150 ms didChange rate limit does not hold it back), until Neovim had handled the server's answer for that version: its publishDiagnostics, or its ftls/checked saying the diagnostics shown still hold (answers unchanged); $BENCH_KEYS keys, p99 is the nearest rank. publishes while typing: every publishDiagnostics handled while typing (an edit may publish twice: its row findings, then the cross-row ones after 250 ms of quiet). publish handler: Neovim's own textDocument/publishDiagnostics handler (vim.lsp.handlers), timed. fix all: the source.fixAll.ftls code action requested until the buffer held the fixed text (workspace/applyEdit handled); server: until the applyEdit reached Neovim's handler (the action, its ftls.fixAll command, the fixes computed); Neovim applying: the applyEdit handler. = ftls fix: the buffer, written, is byte for byte what \`ftls fix\` makes of the text it held before."
}
echo
echo "== Neovim on $LABEL rows"
report 0
MD="$OUT/nvim-$LABEL.md"
{
  echo "<!-- $CMDLINE: paste into docs/performance.md -->"
  report 1
} >"$MD"
echo
echo "wrote $MD; per-version results in $OUT/nvim-$LABEL-*.results, logs in $LOGS/nvim-$LABEL-*"
echo "nvim.sh: $(awk -v a="$T_START" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", b - a }') s"
exit "$FAILED"
