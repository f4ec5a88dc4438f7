#!/usr/bin/env bash
# shellcheck disable=SC2034 # KEEP, BENCH_NAME, BENCH_SPLIT, NEED_VALID, CUR and FAILED are read by lib.sh
# ftls's one-command performance record.
#
#   bash bench/run.sh [--rows N] [--large] [--keep]
#
#   --rows N   rows of the main dataset (default 100000, about 230 MB);
#              10,000 rows are always measured too, for the growth table
#   --large    also 1,000,000 rows (about 2.3 GB; adds roughly 20-30 minutes)
#   --keep     keep generated datasets over 1 GB (deleted at the end by
#              default; smaller ones are kept and reused)
#
# Environment: FTLS_CHECK_ARGS, BENCH_SEED (1), BENCH_RUNS (3), as for
# check.sh; BENCH_EDITS (100; BENCH_EDITS_LARGE, 20, at 1M rows),
# BENCH_HOVERS (50) and BENCH_SERVER_ROUNDS (3; 1 at 1M rows: the
# well-formed rows' server sessions, each figure the best of them) for the
# server.
#
# It measures, per size: ftls check against jq empty, a Python OpenAI-format
# checker, VS Code's JSON validation (vscode-json-languageservice, line by
# line) and a bare validating Go parse; near-duplicate detection; the
# language server's open-to-diagnostics, edit-to-diagnostics and hover
# latencies; and it prints the ratios against their targets and the growth
# with size. The Markdown for docs/performance.md goes to
# bench/out/performance-LABEL.md. See bench/README.md.
set -euo pipefail

usage() { sed -n '3,23p' "$0" | sed 's/^# \{0,1\}//'; }

ROWS=100000
LARGE=0
KEEP=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rows) [[ $# -ge 2 ]] || { usage >&2; exit 2; }; ROWS="$2"; shift 2 ;;
    --rows=*) ROWS="${1#--rows=}"; shift ;;
    --large) LARGE=1; shift ;;
    --keep) KEEP=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done
[[ "$ROWS" =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: --rows needs a positive integer" >&2; exit 2; }
EDITS="${BENCH_EDITS:-100}"
EDITS_LARGE="${BENCH_EDITS_LARGE:-20}" # at 1M rows an edit takes seconds
HOVERS="${BENCH_HOVERS:-50}"
SERVER_ROUNDS="${BENCH_SERVER_ROUNDS:-3}"
# Edits on the dataset as generated, malformed rows included.
RAW_EDITS="${BENCH_RAW_EDITS:-20}"

T_START=${EPOCHREALTIME/[.,]/}
BENCH_NAME=run.sh
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_setup
BENCH_SPLIT=0 # ftls split is check.sh's business
NEED_VALID=1  # the server is also measured on the well-formed rows

# The sizes: 10k, the main one, and 1M with --large, in increasing order.
SIZES=()
while read -r n; do SIZES+=("$n"); done < <(
  { echo 10000; echo "$ROWS"; (( LARGE )) && echo 1000000; true; } | sort -n -u)
MAIN_LABEL="$(label_of "$ROWS")"

# ---------------------------------------------------------------- node
VSCODE_DIR="$HERE/peers/vscode-json"
HAVE_VSCODE=0
NODE=""
NODE_NOTE=""
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  NODE_NOTE="node/npm not installed (apt-get install -y nodejs npm)"
elif [[ ! -d "$VSCODE_DIR/node_modules/vscode-json-languageservice" ]] \
     && ! (cd "$VSCODE_DIR" && npm ci --no-audit --no-fund >"$LOGS/npm-ci.log" 2>&1); then
  NODE_NOTE="npm ci failed in bench/peers/vscode-json (see bench/out/logs/npm-ci.log)"
else
  HAVE_VSCODE=1
  NODE="$(command -v node)"
fi
if (( HAVE_VSCODE )); then
  echo "vscode-json: node $("$NODE" --version), vscode-json-languageservice $("$NODE" -p "require('$VSCODE_DIR/node_modules/vscode-json-languageservice/package.json').version")"
else
  echo "vscode-json: $NODE_NOTE; skipped"
fi

bench_build
go build -o "$OUT/serverlat" ./bench/serverlat

# ---------------------------------------------------------------- hooks
bench_hook_peers() { # LABEL FILE SIZE: the VS Code row
  if (( HAVE_VSCODE )); then
    echo "measuring: vscode-json-languageservice (line by line)"
    measure vscode "$2" "$NODE" "$VSCODE_DIR/validate.js" "$2"
    add vscode "peers/vscode-json (vscode-json-languageservice doValidation per line against openai-chat.schema.json, node)" "$3"
  else
    skip vscode "peers/vscode-json ($NODE_NOTE)" "$3"
  fi
}
bench_hook_findings() { # LABEL
  if (( HAVE_VSCODE )) && [[ -f "$LOGS/$1-vscode.out" ]]; then
    echo "vscode: $(head -n3 "$LOGS/$1-vscode.out" | tr '\n' ' ' | sed 's/ *$//')"
  fi
}

# ---------------------------------------------------------------- near-duplicates
# near_dup LABEL: ftls check with only D002 on, and with every rule off
# (the same reading, parsing and row model without any rule), best of $RUNS.
declare -A NEAR_SECS=() NONE_SECS=() NEAR_RSS=() NEAR_FOUND=()
near_dup() {
  local label=$1 file="$OUT/data-$1.jsonl"
  local off=(--rule J=off --rule C=off --rule Q=off --rule B=off --rule D=off)
  CUR="$label"
  if (( ! HAVE_FTLS )); then return 0; fi
  echo "measuring: ftls check, only D002 near-duplicate (and every rule off, for the baseline)"
  measure ftls-none "$file" "$OUT/ftls" check "$file" --format json "${off[@]}" "${FTLS_EXTRA[@]}"
  NONE_SECS[$label]=$R_SECS
  (( R_RC == 0 )) || { FAILED=1; NONE_SECS[$label]="FAILED"; }
  measure ftls-near "$file" "$OUT/ftls" check "$file" --format json "${off[@]}" --rule D002=warning "${FTLS_EXTRA[@]}"
  NEAR_SECS[$label]=$R_SECS
  NEAR_RSS[$label]=$(awk -v k="$R_RSS" 'BEGIN { printf "%.1f", k * 1024 / 1e6 }')
  (( R_RC == 0 )) || { FAILED=1; NEAR_SECS[$label]="FAILED"; }
  # The number of D002 findings: the summary line on standard error.
  NEAR_FOUND[$label]=$(sed -n 's/.* \([0-9][0-9]*\) warnings.*/\1/p' "$LOGS/$label-ftls-near.err" | tail -n1)
}

# ---------------------------------------------------------------- server
# server_lat LABEL KIND FILE EDITS HOVERS [ROUNDS]: ROUNDS (1) runs of
# bench/serverlat; their "name value" lines go to SRV["LABEL/KIND/name"],
# the times and sizes (names ending in _ms or _mb) the least of the runs.
declare -A SRV=()
server_lat() {
  local label=$1 kind=$2 file=$3 edits=$4 hovers=$5 rounds=${6:-1} log k v key r
  log="$LOGS/$label-serverlat-$kind"
  (( HAVE_FTLS )) || return 0
  for (( r = 1; r <= rounds; r++ )); do
    echo "measuring: ftls serve, $kind rows ($edits edits, $hovers hovers; round $r of $rounds)"
    rm -f "$log.server.log"
    # -each: every edit's time goes to the .err log, to tell a slow run of
    # edits from a single slow one.
    if ! "$OUT/serverlat" -ftls "$OUT/ftls" -file "$file" -edits "$edits" -hovers "$hovers" -seed "$SEED" \
        -log "$log.server.log" -each >"$log.out" 2>"$log.err"; then
      FAILED=1
      SRV["$label/$kind/status"]="FAILED"
      echo "serverlat FAILED on $label ($kind): see bench/out/logs/$(basename "$log").err"
      tail -n5 "$log.err" | sed 's/^/  /'
      return 0
    fi
    while read -r k v; do
      key="$label/$kind/$k"
      if [[ $k == *_ms || $k == *_mb ]] && [[ -n "${SRV[$key]:-}" ]] && ! awk -v a="$v" -v b="${SRV[$key]}" 'BEGIN { exit !(a < b) }'; then
        continue
      fi
      SRV["$key"]=$v
    done <"$log.out"
  done
  SRV["$label/$kind/rounds"]=$rounds
  SRV["$label/$kind/status"]=ok
}
srv() { echo "${SRV["$1/$2/$3"]:--}"; }
peak_ratio() { calc '%.2f' "$(srv "$1" "$2" peak_rss_mb)" "$(srv "$1" "$2" bytes)" 'a * 1e6 / b'; } # LABEL KIND: peak RSS ÷ the document

# ---------------------------------------------------------------- run
mkdir -p "$OUT/lsp"
for n in "${SIZES[@]}"; do
  label="$(label_of "$n")"
  bench_file "$n"
  near_dup "$label"
  # The well-formed rows (data-LABEL.valid.jsonl) under a name that is not
  # a validation file's (a ".valid" file would make the server check every
  # training file of its folder for leakage), in a folder of their own.
  wf="$OUT/lsp/data-$label.jsonl"
  ln -f "$OUT/data-$label.valid.jsonl" "$wf"
  (( $(filesize "$wf") > BIG_LIMIT )) && GENERATED_BIG+=("$wf")
  edits=$EDITS
  (( n >= 1000000 )) && edits=$EDITS_LARGE
  rounds=$SERVER_ROUNDS
  (( n >= 1000000 )) && rounds=1
  server_lat "$label" wellformed "$wf" "$edits" "$HOVERS" "$rounds"
  server_lat "$label" generated "$OUT/data-$label.jsonl" "$RAW_EDITS" 5
done

# ---------------------------------------------------------------- other datasets
# The default check (every rule) on the datasets of bench/mix: short Alpaca
# rows and less repetitive chat, both made of the words of
# ../shared/datasets shuffled, and chat in scripts other than Latin, at the
# main size; the same scripts rows with every character outside ASCII
# escaped (as Python writes JSON) at a quarter of it; code answers and
# LaTeX at half of it, and rows of 30 KB of code both ways at 3 % (the
# data the default check was slowest on).
# Beside it, in the same run, the Python checker and the bare parse
# (floor); best of $RUNS.
declare -A MIX_SECS=() MIX_RSS=() MIX_PY=() MIX_FLOOR=() MIX_SIZE=() MIX_ROWS=()
go build -o "$OUT/mix" ./bench/mix
MIX_STYLES=(scripts escaped)
if [[ -d ../shared/datasets ]]; then
  MIX_STYLES=(alpaca prose scripts escaped code latex long)
else
  echo "bench/mix: no ../shared/datasets; the Alpaca, prose, code, LaTeX and long datasets are skipped"
fi
mix_set() { # STYLE: alpaca, prose (bench/mix -style chat), scripts, escaped, code, latex or long
  local style=$1 file meta want mstyle=$1 rows=$ROWS
  [[ "$style" == prose ]] && mstyle=chat
  case $style in
    escaped) rows=$((ROWS / 4)) ;;
    code | latex) rows=$((ROWS / 2)) ;;
    long) rows=$((ROWS * 3 / 100)) ;;
  esac
  file="$OUT/$style-$(label_of "$rows").jsonl"
  meta="$file.meta"
  # The code styles cut the toolchain's sources: another Go, other rows.
  want="rows=$rows seed=$SEED mix=$(cat bench/mix/*.go | sha256sum | cut -c1-16) $(go env GOVERSION)"
  if ! { [[ -f "$file" && -f "$meta" ]] && [[ "$(head -n1 "$meta")" == "$want" ]]; }; then
    echo "data: generating $file ($rows rows, bench/mix -style $mstyle)"
    "$OUT/mix" -style "$mstyle" -rows "$rows" -seed "$SEED" -o "$file" 2>"$LOGS/mix-$style.log"
    { echo "$want"; cat "$LOGS/mix-$style.log"; } >"$meta"
  fi
  (( $(filesize "$file") > BIG_LIMIT )) && GENERATED_BIG+=("$file" "$meta")
  cat "$file" >/dev/null
  CUR="$style-$(label_of "$rows")"
  MIX_SIZE[$style]=$(filesize "$file")
  MIX_ROWS[$style]=$rows
  if (( HAVE_PY )); then
    echo "measuring: python openai_check.py on $style"
    measure python "$file" "$PY" bench/peers/openai_check.py "$file"
    MIX_PY[$style]=$R_SECS
  fi
  echo "measuring: fastjson floor on $style"
  measure floor "$file" "$OUT/floor" "$file"
  MIX_FLOOR[$style]=$R_SECS
  if (( HAVE_FTLS )); then
    echo "measuring: ftls check (all rules) on $style"
    measure ftls-all "$file" "$OUT/ftls" check "$file" --format json "${FTLS_EXTRA[@]}"
    MIX_SECS[$style]=$R_SECS
    MIX_RSS[$style]=$(awk -v k="$R_RSS" 'BEGIN { printf "%.1f", k * 1024 / 1e6 }')
    (( R_RC == 0 )) || { FAILED=1; MIX_SECS[$style]="FAILED"; }
  fi
}
for style in "${MIX_STYLES[@]}"; do
  echo
  echo "== dataset $style"
  mix_set "$style"
done

echo
echo "measuring: dedup.Near alone (go test -bench BenchmarkNear: 100,000 signatures, 3 rounds)"
NEAR_ALGO_S="-"
if (cd "$ROOT" && go test -run '^$' -bench '^BenchmarkNear$' -benchtime 3x ./internal/dedup >"$LOGS/dedup-bench.out" 2>&1); then
  NEAR_ALGO_S=$(awk '/^BenchmarkNear/ { printf "%.3f", $3 / 1e9 }' "$LOGS/dedup-bench.out")
else
  FAILED=1
  echo "go test -bench BenchmarkNear FAILED (see bench/out/logs/dedup-bench.out)"
fi

T_END=${EPOCHREALTIME/[.,]/}
WALL=$(awk -v a="$T_START" -v b="$T_END" 'BEGIN { printf "%.0f", (b - a) / 1e6 }')

# ---------------------------------------------------------------- report
# fmt helpers (awk does the arithmetic; "-" for anything missing).
calc() { awk -v a="${2:--}" -v b="${3:--}" "BEGIN { if (a == \"-\" || b == \"-\" || a == \"\" || b == \"\" || a == \"FAILED\" || b == \"FAILED\" || (b + 0) == 0) { print \"-\"; exit } printf \"$1\", $4 }"; }
mbps() { calc '%.1f' "$1" "$2" 'a / 1e6 / b'; }        # bytes seconds
div() { calc '%.2f' "$1" "$2" 'a / b'; }                # a / b
verdict() { # VALUE OP TARGET
  awk -v v="$1" -v t="$3" -v op="$2" 'BEGIN { if (v == "-" || v == "n/a" || v == "") { print "n/a"; exit }
    ok = (op == ">=") ? (v + 0 >= t + 0) : (v + 0 <= t + 0); print ok ? "met" : "MISSED" }'
}
LARGEST="$(label_of "${SIZES[-1]}")"
SMALLEST="$(label_of "${SIZES[0]}")"

# Targets, on the main size: the like-for-like row (ftls: J, C, Q001) and,
# for information, every rule (ftls-all).
target_rows() { # prints: name|measured|op|target|verdict|ftls-all value
  local peer want op
  for spec in "python|>=|5" "jq|>=|8" "vscode|>=|15" "floor|>=|0.60" "walk|>=|0.60"; do
    IFS='|' read -r peer op want <<<"$spec"
    local r="${RES_RATIO["$MAIN_LABEL/$peer"]:--}" ra
    ra=$(div "${RES_MBPS["$MAIN_LABEL/ftls-all"]:--}" "${RES_MBPS["$MAIN_LABEL/$peer"]:--}")
    echo "$peer|$r|$op|$want|$(verdict "$r" "$op" "$want")|$ra"
  done
}
# Near-duplicate detection on 1M rows: measured with --large, otherwise the
# largest size scaled linearly (marked as a projection).
if [[ "$LARGEST" == 1m ]]; then
  NEAR_1M="${NEAR_SECS[1m]:--}"; NEAR_1M_NOTE="measured"
else
  NEAR_1M=$(calc '%.1f' "${NEAR_SECS[$LARGEST]:--}" "${SIZES[-1]}" 'a * 1000000 / b'); NEAR_1M_NOTE="projected linearly from $LARGEST (run --large to measure)"
fi

# row CELLS...: one table row, tab-separated; render formats a table.
row() { local IFS=$'\t'; echo "$*"; }
render() { # md: Markdown table (first row the header) or aligned columns
  # Display width: bytes less UTF-8 continuation bytes (×, →), in the C locale.
  LC_ALL=C awk -F'\t' -v md="$1" '
    function dw(s, t) { t = s; gsub(/[\200-\277]/, "", t); return length(t) }
    { n = NR; c[NR] = NF; for (i = 1; i <= NF; i++) { cell[NR, i] = $i; if (dw($i) > w[i]) w[i] = dw($i); if (NR > 1 && $i ~ /^[A-Za-z]/) text[i] = 1 } }
    END {
      for (r = 1; r <= n; r++) {
        line = ""
        for (i = 1; i <= c[r]; i++) {
          if (md) { line = line "| " cell[r, i] " "; continue }
          line = line cell[r, i]
          if (i < c[r]) { for (k = dw(cell[r, i]); k < w[i] + 2; k++) line = line " " }
        }
        print md ? line "|" : line
        if (md && r == 1) { sep = "|"; for (i = 1; i <= c[1]; i++) sep = sep (i == 1 || text[i] ? "---|" : "---:|"); print sep }
      }
    }'
}

print_report() { # md: 1 for Markdown, 0 for the terminal
  local md=$1 n label size t st shown kind s name r op want v ra
  title() { echo; if (( md )); then echo "## $1"; echo; else echo "== $1"; fi; }

  title "Machine"
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); measurements took ${WALL} s (\`bash bench/run.sh --rows $ROWS$( ((LARGE)) && echo ' --large')\`)"
  echo "- machine: $(machine_desc); load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- kernel: $(uname -sr); go: $(go env GOVERSION); python: $("$PY" -V 2>&1 || echo none); jq: $(jq --version 2>/dev/null || echo none); node: $( ((HAVE_VSCODE)) && "$NODE" --version || echo none)"
  echo "- ftls: $(ftls_rev)"
  echo "- datasets: \`go run ./bench/gen -rows N -seed $SEED\` (N = ${SIZES[*]}); best of $RUNS runs per tool up to 500 MB, 1 run above; warm page cache; MB = 10^6 bytes"

  for n in "${SIZES[@]}"; do
    label="$(label_of "$n")"
    size="${RES_SIZE[$label]:--}"
    title "ftls check and peers: $label rows ($size bytes)"
    {
      row tool seconds "MB/s" "peak RSS MB" "ftls ÷ tool"
      for t in read jq python vscode floor walk ftls ftls-all; do
        [[ -n "${RES_STATUS["$label/$t"]:-}" ]] || continue
        st="${RES_STATUS["$label/$t"]}"
        if [[ "$st" == skipped ]]; then row "$t" "skipped" "-" "-" "-"; continue; fi
        shown="$t"
        [[ "$st" == ok* ]] || shown="$t ($st)"
        row "$shown" "${RES_SECS["$label/$t"]:--}" "${RES_MBPS["$label/$t"]:--}" "${RES_RSS["$label/$t"]:--}" "${RES_RATIO["$label/$t"]:--}"
      done
    } | render "$md"
  done
  echo
  echo "read: reading the file only (floor -mode read). jq: \`jq empty\` on the copy without malformed and blank lines (jq stops at the first syntax error). python: bench/peers/openai_check.py, OpenAI's format checks in the standard library. vscode: bench/peers/vscode-json, vscode-json-languageservice's doValidation on every line against a JSON Schema of OpenAI's chat format (peers/vscode-json/openai-chat.schema.json), one node process. floor: fastjson.ValidateBytes on every line, $(nproc) cores. walk: fastjson parse and walk of every value on every line, $(nproc) cores (issue 2's "validating fastjson walk"). ftls: \`ftls check --format json --rule Q=off --rule Q001=warning --disable D --disable B\`, the row rules J, C and Q001, like for like with the peers. ftls-all: every rule, exact and near duplicates included. ftls ÷ tool: ftls MB/s ÷ that tool's MB/s."

  title "Targets ($MAIN_LABEL rows)"
  {
    row "ftls (J, C, Q001) against" "measured" "target" "verdict" "ftls-all ÷ tool"
    while IFS='|' read -r name r op want v ra; do
      case "$name" in
        floor) name="floor (bare Go parse, $(nproc) cores)" ;;
        walk) name="walk (fastjson parse + walk, $(nproc) cores)" ;;
        vscode) name="vscode-json-languageservice" ;;
        python) name="python OpenAI checks" ;;
        jq) name="jq empty" ;;
      esac
      [[ "$r" =~ ^[0-9] ]] && r="$r×"
      [[ "$ra" =~ ^[0-9] ]] && ra="$ra×"
      row "$name" "$r" "$op $want×" "$v" "$ra"
    done < <(target_rows)
    row "near-duplicates on 1M rows" "${NEAR_1M} s" "<= 30 s" "$(verdict "$NEAR_1M" "<=" 30)" "$NEAR_1M_NOTE"
  } | render "$md"

  title "Default check (every rule) on every dataset"
  {
    row dataset rows MB "ftls-all s" "rows/s" "MB/s" "÷ python (≥ 5)" "÷ floor (≥ 0.25)" "peak RSS MB"
    for n in "${SIZES[@]}"; do
      label="$(label_of "$n")"
      row "bench/gen $label" "$n" "$(calc '%.1f' "${RES_SIZE[$label]:--}" 1 'a / 1e6')" "${RES_SECS["$label/ftls-all"]:--}" \
        "$(calc '%.0f' "$n" "${RES_SECS["$label/ftls-all"]:--}" 'a / b')" "${RES_MBPS["$label/ftls-all"]:--}" \
        "$(div "${RES_SECS["$label/python"]:--}" "${RES_SECS["$label/ftls-all"]:--}")" \
        "$(div "${RES_SECS["$label/floor"]:--}" "${RES_SECS["$label/ftls-all"]:--}")" "${RES_RSS["$label/ftls-all"]:--}"
    done
    for style in "${MIX_STYLES[@]}"; do
      row "$style $(label_of "${MIX_ROWS[$style]}") (bench/mix)" "${MIX_ROWS[$style]}" "$(calc '%.1f' "${MIX_SIZE[$style]:--}" 1 'a / 1e6')" "${MIX_SECS[$style]:--}" \
        "$(calc '%.0f' "${MIX_ROWS[$style]}" "${MIX_SECS[$style]:--}" 'a / b')" "$(mbps "${MIX_SIZE[$style]:--}" "${MIX_SECS[$style]:--}")" \
        "$(div "${MIX_PY[$style]:--}" "${MIX_SECS[$style]:--}")" "$(div "${MIX_FLOOR[$style]:--}" "${MIX_SECS[$style]:--}")" "${MIX_RSS[$style]:--}"
    done
  } | render "$md"
  echo
  echo "ftls-all: \`ftls check --format json\` with its defaults: every rule, near duplicates included. ÷ python: the Python checker's seconds ÷ ftls's (above 1: ftls is faster); ÷ floor: the bare parse's seconds ÷ ftls's, the share of the bare parse's speed ftls keeps. Targets (issue 21): ≥ 5× python and ≥ 0.25× floor on every dataset; ≥ 300,000 rows/s on the Alpaca rows; at 1M rows (\`--large\`) < 5 s and < 1 GB peak RSS. alpaca: short Alpaca rows (~450 bytes); prose: chat rows of less repetitive text (~2 KB); both \`go run ./bench/mix\`, the words of ../shared/datasets shuffled; scripts: chat rows (~2.3 KB) of everyday words in Russian, Greek, Arabic, Hindi, Chinese, Japanese and Korean (\`bench/mix -style scripts\`); escaped: the same with every character outside ASCII written as a \\uXXXX escape, as Python's json.dumps writes by default; code: chat rows whose answer is 0.8-2.2 KB of Go in a fence; latex: chat rows of mathematics (~3.4 KB); long: rows of a 30 KB prompt and a 30 KB answer of Go (~66 KB); all three cut from the Go toolchain's standard library and ../shared/datasets' words (\`bench/mix -style code|latex|long\`)."

  title "Near-duplicate detection"
  {
    row rows "D002 only s" "rows/s" "MB/s" "rules off s" "D002 cost s" "peak RSS MB" "D002 findings"
    for n in "${SIZES[@]}"; do
      label="$(label_of "$n")"
      row "$label" "${NEAR_SECS[$label]:--}" "$(calc '%.0f' "$n" "${NEAR_SECS[$label]:--}" 'a / b')" \
        "$(mbps "${RES_SIZE[$label]:--}" "${NEAR_SECS[$label]:--}")" "${NONE_SECS[$label]:--}" \
        "$(calc '%.3f' "${NEAR_SECS[$label]:--}" "${NONE_SECS[$label]:--}" 'a - b')" "${NEAR_RSS[$label]:--}" "${NEAR_FOUND[$label]:--}"
    done
  } | render "$md"
  echo
  echo "D002 only: \`ftls check --format json --rule J=off --rule C=off --rule Q=off --rule B=off --rule D=off --rule D002=warning\` (reading, parsing, MinHash sketches and the pair search); rules off: the same without D002; D002 cost: the difference. dedup.Near alone (the pair search over 100,000 precomputed signatures, \`go test -bench BenchmarkNear ./internal/dedup\`): ${NEAR_ALGO_S} s."

  title "Language server (ftls serve over stdio, bench/serverlat)"
  {
    row rows "rows as" "open→first ms" "open→rows ms" "open→full ms" "edit p50 ms" "edit p99 ms" "edits" "edit→full ms" "hover p50 ms" "hover p99 ms" "peak RSS MB" "peak ÷ document"
    for n in "${SIZES[@]}"; do
      label="$(label_of "$n")"
      for kind in wellformed generated; do
        s="$(srv "$label" "$kind" status)"
        if [[ "$s" != ok ]]; then row "$label" "$kind" "$s"; continue; fi
        row "$label" "$kind" "$(srv "$label" "$kind" open_first_ms)" "$(srv "$label" "$kind" open_rows_ms)" "$(srv "$label" "$kind" open_full_ms)" \
          "$(srv "$label" "$kind" edit_p50_ms)" "$(srv "$label" "$kind" edit_p99_ms)" "$(srv "$label" "$kind" edits)" "$(srv "$label" "$kind" edit_full_ms)" \
          "$(srv "$label" "$kind" hover_p50_ms)" "$(srv "$label" "$kind" hover_p99_ms)" "$(srv "$label" "$kind" peak_rss_mb)" "$(peak_ratio "$label" "$kind")"
      done
    done
  } | render "$md"
  echo
  echo "wellformed: the dataset without its malformed and blank lines (bench/out/lsp/). generated: the dataset as generated, malformed rows included ($RAW_EDITS edits). open→first: didOpen sent → first publishDiagnostics; open→rows: → every row checked; open→full: → the publish with every rule (exact and near duplicates included; ftls/checked full). Edits: one character typed at the start of a random row's first content string, the next one sent when the previous one's diagnostics arrived (the server's 5 ms debounce included, when the edit follows a check by less than that); p99 is the nearest rank, so with 100 edits or fewer it is the largest. edit→full: the last edit → its full publish (the file rules wait for 250 ms without typing). wellformed: each figure the best of $SERVER_ROUNDS sessions (one at 1M rows; BENCH_SERVER_ROUNDS); generated: one session."

  title "Server targets (issue 21)"
  {
    row "target" "rows" "measured" "verdict"
    for n in "${SIZES[@]}"; do
      label="$(label_of "$n")"
      [[ "$(srv "$label" wellformed status)" == ok ]] || continue
      local open_target=""
      (( n == 100000 )) && open_target=1500
      (( n == 1000000 )) && open_target=10000
      [[ -n "$open_target" ]] || continue
      local open_ms p99 ratio
      open_ms=$(srv "$label" wellformed open_full_ms)
      p99=$(srv "$label" wellformed edit_p99_ms)
      ratio=$(peak_ratio "$label" wellformed)
      row "open → all findings < $((open_target / 1000)).$((open_target % 1000 / 100)) s" "$label" "$open_ms ms" "$(verdict "$open_ms" "<=" "$open_target")"
      row "edit p99 < 20 ms" "$label" "$p99 ms" "$(verdict "$p99" "<=" 20)"
      row "peak memory ≤ 1.5× the document" "$label" "$ratio×" "$(verdict "$ratio" "<=" 1.5)"
    done
  } | render "$md"
  echo
  echo "The well-formed rows' server sessions (the table above: best of $SERVER_ROUNDS, one at 1M rows); issue 21's targets, at 100k rows and, with --large, at 1M. peak ÷ document: the server's peak RSS ÷ the document's size."
  echo

  title "Growth with size"
  {
    row rows MB "ftls-all s" "ftls-all MB/s" "D002 only s" "server open→full s" "server MB/s"
    for n in "${SIZES[@]}"; do
      label="$(label_of "$n")"
      local full_s wf_bytes
      full_s=$(calc '%.3f' "$(srv "$label" wellformed open_full_ms)" 1 'a / 1000')
      wf_bytes=$(srv "$label" wellformed bytes)
      row "$label" "$(calc '%.1f' "${RES_SIZE[$label]:--}" 1 'a / 1e6')" "${RES_SECS["$label/ftls-all"]:--}" "${RES_MBPS["$label/ftls-all"]:--}" \
        "${NEAR_SECS[$label]:--}" "$full_s" "$(mbps "$wf_bytes" "$full_s")"
    done
  } | render "$md"
  echo
  local i a b x
  for ((i = 1; i < ${#SIZES[@]}; i++)); do
    a="$(label_of "${SIZES[$((i - 1))]}")" b="$(label_of "${SIZES[$i]}")"
    x=$(calc '%.0f' "${SIZES[$i]}" "${SIZES[$((i - 1))]}" 'a / b')
    echo "time($b) ÷ time($a), $x if linear: ftls check (all rules) $(div "${RES_SECS["$b/ftls-all"]:--}" "${RES_SECS["$a/ftls-all"]:--}");" \
      "near-duplicates $(div "${NEAR_SECS[$b]:--}" "${NEAR_SECS[$a]:--}");" \
      "server open→full $(div "$(srv "$b" wellformed open_full_ms)" "$(srv "$a" wellformed open_full_ms)");" \
      "server edit p50 $(div "$(srv "$b" wellformed edit_p50_ms)" "$(srv "$a" wellformed edit_p50_ms)") (per-edit work, 1 if independent of size)."
  done
  if (( ${#SIZES[@]} < 2 )); then echo "(one size only: no growth ratio)"; fi
  echo "At $SMALLEST rows process start-up weighs in the check times; the larger sizes are the figures to quote."
}

echo
print_report 0
PERF="$OUT/performance-$MAIN_LABEL.md"
{
  echo "<!-- bash bench/run.sh --rows $ROWS$( ((LARGE)) && echo ' --large'): paste into docs/performance.md -->"
  print_report 1
} >"$PERF"
echo
echo "wrote $PERF"
echo "run.sh: measurements ${WALL} s, whole run $(awk -v a="$T_START" -v b="${EPOCHREALTIME/[.,]/}" 'BEGIN { printf "%.0f", (b - a) / 1e6 }') s"
bench_finish
