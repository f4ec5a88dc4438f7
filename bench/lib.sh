# shellcheck shell=bash
# Shell shared by bench/check.sh and bench/run.sh; source it, do not run it.
# shellcheck disable=SC2034 # the RES_* arrays are read by the caller
#
#   BENCH_NAME=check.sh          # prefix of error messages
#   source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#   bench_setup                  # variables, bench/out/, tool detection
#   bench_build                  # builds gen, floor and ftls into bench/out/
#   bench_file 100000            # the throughput table of one dataset
#   bench_finish                 # removes the big datasets; exit status
#
# Variables read (set them before bench_setup): KEEP (0), and from the
# environment FTLS_CHECK_ARGS, BENCH_SEED (1), BENCH_RUNS (3). Set after
# bench_setup, before bench_file:
#   BENCH_SPLIT=0      skip the `ftls split` measurement (default 1)
#   NEED_VALID=1       make data-*.valid.jsonl even without jq
# Hooks bench_file calls when the caller defines them:
#   bench_hook_peers LABEL FILE SIZE   after the python row: measure more
#                                       peers with `measure` and `add`/`skip`
#   bench_hook_findings LABEL          print "name: findings" lines
# Results of bench_file, for the caller: RES_SECS, RES_MBPS, RES_RSS,
# RES_RATIO, RES_STATUS, associative arrays keyed "LABEL/TOOL" (e.g.
# "100k/ftls-all"), and RES_SIZE["LABEL"] (bytes).

bench_setup() {
  SEED="${BENCH_SEED:-1}"
  RUNS="${BENCH_RUNS:-3}"
  SMALL_LIMIT=500000000 # bytes: files up to this size get best-of-$RUNS, larger ones 1 run
  BIG_LIMIT=1000000000  # bytes: generated files over this size are deleted unless --keep
  KEEP="${KEEP:-0}"
  BENCH_SPLIT=1
  NEED_VALID=0
  read -r -a FTLS_EXTRA <<< "${FTLS_CHECK_ARGS:-}"

  HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
  ROOT="$(dirname "$HERE")"
  OUT="$HERE/out"
  LOGS="$OUT/logs"
  cd "$ROOT"
  mkdir -p "$OUT" "$LOGS"

  FAILED=0
  GENERATED_BIG=()
  declare -gA RES_SECS=() RES_MBPS=() RES_RSS=() RES_RATIO=() RES_STATUS=() RES_SIZE=()

  # ---------------------------------------------------------------- tools
  if [[ ! -x /usr/bin/time ]]; then
    echo "$BENCH_NAME: /usr/bin/time (GNU time) is required: apt-get install -y time" >&2
    exit 2
  fi
  HAVE_JQ=1
  command -v jq >/dev/null 2>&1 || { HAVE_JQ=0; echo "jq: not installed (apt-get install -y jq); skipped"; }
  HAVE_PY=1
  PY=""
  if command -v python3 >/dev/null 2>&1; then
    # Resolve the real interpreter so that version-manager shims are not timed.
    PY="$(python3 -c 'import sys; print(sys.executable)')"
  else
    HAVE_PY=0
    echo "python3: not installed; skipped"
  fi
}

bench_build() {
  echo "== build"
  go build -o "$OUT/gen" ./bench/gen
  go build -o "$OUT/floor" ./bench/peers/floor
  HAVE_FTLS=0
  if go build -o "$OUT/ftls" ./cmd/ftls >"$LOGS/ftls-build.log" 2>&1; then
    HAVE_FTLS=1
    echo "ftls: built ($OUT/ftls)"
  else
    rm -f "$OUT/ftls"
    echo "ftls: not built (go build ./cmd/ftls failed; see bench/out/logs/ftls-build.log); running peers only"
  fi
}

# ---------------------------------------------------------------- helpers
label_of() { # 100000 -> 100k, 1000000 -> 1m
  local n=$1
  if (( n % 1000000 == 0 )); then echo "$((n / 1000000))m"
  elif (( n % 1000 == 0 )); then echo "$((n / 1000))k"
  else echo "$n"; fi
}

filesize() { stat -c %s "$1"; }

# machine_desc: one line describing this machine.
machine_desc() {
  echo "$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM"
}

# ftls_rev: the commit measured, and whether the tree has changes.
ftls_rev() {
  local rev
  if rev="$(git rev-parse --short --verify -q HEAD 2>/dev/null)"; then
    git diff --quiet HEAD -- 2>/dev/null || rev="$rev (+ uncommitted changes)"
  else
    rev="no commit yet"
  fi
  echo "$rev"
}

# ensure_data ROWS: generates bench/out/data-LABEL.jsonl unless an identical
# one (same rows, seed, generator source and size) is already there.
ensure_data() {
  local rows=$1 label file meta want
  label="$(label_of "$rows")"
  file="$OUT/data-$label.jsonl"
  meta="$file.meta"
  want="rows=$rows seed=$SEED gen=$(cat bench/gen/main.go | sha256sum | cut -c1-16)"
  if [[ -f "$file" && -f "$meta" ]] && [[ "$(head -n1 "$meta")" == "$want" ]] \
     && [[ "$(sed -n 2p "$meta")" == "bytes=$(filesize "$file")" ]]; then
    echo "data: reusing $file ($(filesize "$file") bytes)"
  else
    echo "data: generating $file ($rows rows, seed $SEED)"
    rm -f "$meta" "$OUT/data-$label.valid.jsonl"
    "$OUT/gen" -rows "$rows" -seed "$SEED" -o "$file" 2>"$LOGS/gen-$label.log"
    printf '%s\nbytes=%s\n' "$want" "$(filesize "$file")" >"$meta"
    cat "$LOGS/gen-$label.log" >>"$meta"
  fi
  sed -n '3,$p' "$meta" | sed 's/^/  /'
}

# ensure_valid LABEL: makes bench/out/data-LABEL.valid.jsonl, the dataset
# without its malformed and blank lines, unless it is newer than the data.
ensure_valid() {
  local label=$1 file valid
  file="$OUT/data-$label.jsonl"
  valid="$OUT/data-$label.valid.jsonl"
  if [[ ! -f "$valid" || "$file" -nt "$valid" ]]; then
    "$OUT/floor" -mode filter -o "$valid" "$file" >"$LOGS/$label-filter.out"
  fi
}

# measure NAME FILE CMD...: runs CMD (stdout to a log) 1 or $RUNS times;
# sets R_SECS (best wall seconds), R_RSS (highest peak RSS, KB), R_RC (last
# non-accepted exit code, or 0), R_N (runs).
# Wall seconds come from bash's microsecond clock ($EPOCHREALTIME) around
# /usr/bin/time (whose %e has only 10 ms resolution); %e and %M of every
# run go to bench/out/logs/LABEL-NAME.runs too.
measure() {
  local name=$1 file=$2; shift 2
  local runs=1 i t0 t1 rc secs rss e m tf dest="$LOGS/$CUR-$name.out"
  (( $(filesize "$file") <= SMALL_LIMIT )) && runs=$RUNS
  # ftls's report is discarded, as a user piping it somewhere would; the
  # peers print only a few summary lines, kept for the findings section.
  [[ "$name" == ftls* ]] && dest=/dev/null
  tf="$LOGS/$CUR-$name.time"
  : >"$LOGS/$CUR-$name.runs"
  R_SECS="" R_RSS=0 R_RC=0 R_N=$runs R_LAST=0
  for ((i = 1; i <= runs; i++)); do
    t0=${EPOCHREALTIME/[.,]/}
    set +e
    /usr/bin/time -f '%e %M' -o "$tf" "$@" >"$dest" 2>"$LOGS/$CUR-$name.err"
    rc=$?
    set -e
    t1=${EPOCHREALTIME/[.,]/}
    e="" m=""
    read -r e m < <(tail -n1 "$tf") || true
    secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e6 }')
    echo "run $i: rc=$rc wall=${secs}s time_e=${e}s maxrss=${m}KB" >>"$LOGS/$CUR-$name.runs"
    R_LAST=$rc
    if ! accepted "$name" "$rc"; then R_RC=$rc; fi
    if [[ -z "$R_SECS" ]] || awk -v a="$secs" -v b="$R_SECS" 'BEGIN { exit !(a < b) }'; then R_SECS=$secs; fi
    [[ "$m" =~ ^[0-9]+$ ]] && (( m > R_RSS )) && R_RSS=$m
  done
  return 0
}

# accepted NAME RC: ftls check exits 1 when it finds problems (expected
# here); only 2 (usage/internal error) or a crash/signal is a failure.
accepted() {
  if [[ "$1" == ftls* ]]; then [[ "$2" == 0 || "$2" == 1 ]]; else [[ "$2" == 0 ]]; fi
}

# bench_file ROWS: runs every tool on the dataset of ROWS rows, prints the
# table and writes bench/out/results-LABEL.md.
bench_file() {
  local rows=$1 label file valid size vsize
  label="$(label_of "$rows")"
  CUR="$label"
  file="$OUT/data-$label.jsonl"
  valid="$OUT/data-$label.valid.jsonl"
  echo
  echo "== dataset $label"
  ensure_data "$rows"
  size=$(filesize "$file")
  RES_SIZE[$label]=$size
  (( size > BIG_LIMIT )) && GENERATED_BIG+=("$file" "$file.meta" "$valid")

  (( HAVE_JQ || NEED_VALID )) && ensure_valid "$label"
  echo "jq stops at the first syntax error, so jq reads a copy without malformed and blank lines:"
  echo "  $(basename "$valid") (made once with: floor -mode filter)"

  # Warm the page cache so every tool sees the same (cached) file.
  cat "$file" >/dev/null
  [[ -f "$valid" ]] && cat "$valid" >/dev/null

  local -a names=() descs=() secs=() rss=() bytes=() rcs=() nruns=()
  local workers
  workers=$(nproc)
  local -a lasts=()
  add() { names+=("$1"); descs+=("$2"); secs+=("$R_SECS"); rss+=("$R_RSS"); bytes+=("$3"); rcs+=("$R_RC"); nruns+=("$R_N"); lasts+=("$R_LAST"); }
  skip() { names+=("$1"); descs+=("$2"); secs+=(""); rss+=(""); bytes+=("$3"); rcs+=("skip"); nruns+=(0); lasts+=(""); }

  echo "measuring: read floor"
  measure read "$file" "$OUT/floor" -mode read "$file"
  add read "floor -mode read (read + count newlines)" "$size"

  vsize=0
  [[ -f "$valid" ]] && vsize=$(filesize "$valid")
  if (( HAVE_JQ )); then
    echo "measuring: jq empty"
    measure jq "$valid" jq empty "$valid"
    add jq "jq empty (valid-lines copy)" "$vsize"
  else
    skip jq "jq empty (not installed)" "$vsize"
  fi

  if (( HAVE_PY )); then
    echo "measuring: python openai_check.py"
    measure python "$file" "$PY" bench/peers/openai_check.py "$file"
    add python "peers/openai_check.py (OpenAI cookbook checks)" "$size"
  else
    skip python "peers/openai_check.py (no python3)" "$size"
  fi

  if declare -F bench_hook_peers >/dev/null; then
    bench_hook_peers "$label" "$file" "$size"
  fi

  echo "measuring: fastjson floor"
  measure floor "$file" "$OUT/floor" "$file"
  add floor "floor (fastjson.ValidateBytes, $workers workers)" "$size"
  # The "validating fastjson walk" of issue 2's reference figures: a full
  # parse and a walk of every value, which keeps no positions.
  echo "measuring: fastjson walk floor"
  measure walk "$file" "$OUT/floor" -mode walk "$file"
  add walk "floor -mode walk (fastjson parse + walk of every value, $workers workers)" "$size"

  if (( HAVE_FTLS )); then
    # The row-level rules of issue 2 (J, C and the token limit), then every
    # rule, near-duplicate detection included.
    local jc=(--rule Q=off --rule Q001=warning --disable D --disable B)
    echo "measuring: ftls check (J, C, Q001)"
    measure ftls "$file" "$OUT/ftls" check "$file" --format json "${jc[@]}" "${FTLS_EXTRA[@]}"
    add ftls "ftls check --format json ${jc[*]}${FTLS_CHECK_ARGS:+ $FTLS_CHECK_ARGS}" "$size"
    echo "measuring: ftls check (all rules)"
    measure ftls-all "$file" "$OUT/ftls" check "$file" --format json "${FTLS_EXTRA[@]}"
    add ftls-all "ftls check --format json (all rules)${FTLS_CHECK_ARGS:+ $FTLS_CHECK_ARGS}" "$size"
  else
    skip ftls "ftls check (not built)" "$size"
  fi

  # ---- compute and print
  local n=${#names[@]} i ftls_mbps="" mbps rssmb ratio status
  local -a mbpss=() rssmbs=() ratios=() statuses=()
  for ((i = 0; i < n; i++)); do
    if [[ "${rcs[$i]}" == skip ]]; then
      mbpss+=("-"); rssmbs+=("-"); statuses+=("skipped"); continue
    fi
    mbps=$(awk -v b="${bytes[$i]}" -v s="${secs[$i]}" 'BEGIN { if (s > 0) printf "%.1f", b / 1e6 / s; else print "inf" }')
    rssmb=$(awk -v k="${rss[$i]}" 'BEGIN { printf "%.1f", k * 1024 / 1e6 }')
    mbpss+=("$mbps"); rssmbs+=("$rssmb")
    if [[ "${rcs[$i]}" == 0 ]]; then
      status="ok"
      [[ "${names[$i]}" == ftls* ]] && status="ok (exit ${lasts[$i]})"
    else
      status="FAILED (exit ${rcs[$i]})"
      FAILED=1
    fi
    statuses+=("$status")
    [[ "${names[$i]}" == ftls && "${rcs[$i]}" == 0 ]] && ftls_mbps=$mbps
  done
  for ((i = 0; i < n; i++)); do
    if [[ -z "$ftls_mbps" || "${mbpss[$i]}" == "-" ]]; then ratios+=("n/a"); continue; fi
    ratio=$(awk -v f="$ftls_mbps" -v p="${mbpss[$i]}" 'BEGIN { if (p > 0) printf "%.2f", f / p; else print "n/a" }')
    ratios+=("$ratio")
  done
  for ((i = 0; i < n; i++)); do
    RES_SECS["$label/${names[$i]}"]="${secs[$i]}"
    RES_MBPS["$label/${names[$i]}"]="${mbpss[$i]}"
    RES_RSS["$label/${names[$i]}"]="${rssmbs[$i]}"
    RES_RATIO["$label/${names[$i]}"]="${ratios[$i]}"
    RES_STATUS["$label/${names[$i]}"]="${statuses[$i]}"
  done

  local runsnote="best of $RUNS runs"
  (( size > SMALL_LIMIT )) && runsnote="1 run"
  echo
  echo "== results: $label ($rows rows, $size bytes; $runsnote; warm page cache; MB = 10^6 bytes)"
  printf '%-8s %9s %9s %12s %10s  %-16s %s\n' tool seconds MB/s "peak RSS MB" "ftls/peer" status command
  for ((i = 0; i < n; i++)); do
    printf '%-8s %9s %9s %12s %10s  %-16s %s\n' "${names[$i]}" "${secs[$i]:--}" "${mbpss[$i]}" \
      "${rssmbs[$i]}" "${ratios[$i]}" "${statuses[$i]}" "${descs[$i]}"
  done
  echo "ftls/peer = ftls MB/s (J, C, Q001) / peer MB/s (above 1: ftls is faster than that peer)."
  (( HAVE_FTLS )) || echo "ftls: not built — no ratios."
  echo "jq read $(basename "$valid") ($vsize bytes): malformed and blank lines removed, since jq stops at the first syntax error."
  echo "findings:"
  echo "  floor:  $(cat "$LOGS/$label-floor.out" 2>/dev/null)"
  (( HAVE_PY )) && echo "  python: $(tr '\n' ' ' <"$LOGS/$label-python.out" | sed 's/  */ /g')"
  if declare -F bench_hook_findings >/dev/null; then
    bench_hook_findings "$label" | sed 's/^/  /'
  fi

  # ---- markdown
  local md="$OUT/results-$label.md" rev
  rev="$(ftls_rev)"
  {
    echo "# ftls check benchmark — $label rows"
    echo
    echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "- machine: $(machine_desc)"
    echo "- go: $(go env GOVERSION); python: $("$PY" -V 2>&1 || echo none); jq: $(jq --version 2>/dev/null || echo none)"
    echo "- ftls: ${rev}$( (( HAVE_FTLS )) || echo ' — **not built**, peers only')"
    echo "- dataset: \`bench/out/$(basename "$file")\`, $rows rows, $size bytes, seed $SEED (\`go run ./bench/gen\`)"
    echo "- timing: $runsnote per tool, warm page cache, wall seconds; peak RSS from GNU time (\`%M\`); MB = 10^6 bytes"
    echo
    echo "| tool | command | seconds | MB/s | peak RSS MB | ftls ÷ peer | status |"
    echo "|---|---|---:|---:|---:|---:|---|"
    for ((i = 0; i < n; i++)); do
      echo "| ${names[$i]} | ${descs[$i]} | ${secs[$i]:--} | ${mbpss[$i]} | ${rssmbs[$i]} | ${ratios[$i]} | ${statuses[$i]} |"
    done
    echo
    echo "ftls ÷ peer = ftls MB/s ÷ that tool's MB/s: above 1 means ftls is faster."
    echo "jq stops at the first syntax error, so it reads \`$(basename "$valid")\` ($vsize bytes),"
    echo "a copy without the malformed and blank lines; its MB/s uses that size."
    echo
    echo "Planted problems (generator):"
    echo
    echo '```'
    sed -n '3,$p' "$file.meta"
    echo '```'
    echo
    echo "Findings of the peers:"
    echo
    echo '```'
    echo "floor:  $(cat "$LOGS/$label-floor.out" 2>/dev/null)"
    (( HAVE_PY )) && sed 's/^/python: /' "$LOGS/$label-python.out"
    if declare -F bench_hook_findings >/dev/null; then
      bench_hook_findings "$label"
    fi
    echo '```'
  } >"$md"
  echo "wrote $md"

  # ================================================================
  # ftls split vs ftls check (issue 7). `ftls split` rewrites its input,
  # so each run splits a fresh copy, made outside the timed part. Compared
  # with `ftls check --format json` (all rules) on the same file, from the
  # table above. Target: ratio (split seconds / check seconds) <= 1.5.
  if (( HAVE_FTLS && BENCH_SPLIT )); then
    local scopy="$OUT/split-$label.jsonl" svalid="$OUT/split-$label.valid.jsonl"
    local check_secs="" split_secs="" split_rss=0 split_rc=0 sruns=$RUNS j st0 st1 s m sratio
    for ((j = 0; j < n; j++)); do
      [[ "${names[$j]}" == ftls-all && "${rcs[$j]}" == 0 ]] && check_secs=${secs[$j]}
    done
    (( size > SMALL_LIMIT )) && sruns=1
    echo "measuring: ftls split ($sruns run(s), each on a fresh copy)"
    for ((j = 1; j <= sruns; j++)); do
      cp "$file" "$scopy"
      rm -f "$svalid"
      st0=${EPOCHREALTIME/[.,]/}
      set +e
      /usr/bin/time -f '%M' -o "$LOGS/$label-split.time" "$OUT/ftls" split "$scopy" -o "$svalid" --seed 1 \
        >"$LOGS/$label-split.out" 2>"$LOGS/$label-split.err"
      (( $? == 0 )) || split_rc=1
      set -e
      st1=${EPOCHREALTIME/[.,]/}
      s=$(awk -v a="$st0" -v b="$st1" 'BEGIN { printf "%.3f", (b - a) / 1e6 }')
      m=$(tail -n1 "$LOGS/$label-split.time")
      [[ "$m" =~ ^[0-9]+$ ]] && (( m > split_rss )) && split_rss=$m
      if [[ -z "$split_secs" ]] || awk -v a="$s" -v b="$split_secs" 'BEGIN { exit !(a < b) }'; then split_secs=$s; fi
    done
    rm -f "$scopy" "$svalid"
    if (( split_rc )); then
      FAILED=1
      echo "split: ftls split FAILED (see bench/out/logs/$label-split.err)"
      sratio="n/a"
    elif [[ -n "$check_secs" ]]; then
      sratio=$(awk -v a="$split_secs" -v b="$check_secs" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }')
    else
      sratio="n/a"
    fi
    echo "split: ftls split ${split_secs}s (peak RSS $(awk -v k="$split_rss" 'BEGIN { printf "%.1f", k * 1024 / 1e6 }') MB)" \
      "vs ftls check (all rules) ${check_secs:-?}s: ratio $sratio (target <= 1.5)"
    {
      echo
      echo "## ftls split vs ftls check"
      echo
      echo "| command | seconds | ratio to check (target <= 1.5) |"
      echo "|---|---:|---:|"
      echo "| ftls split FILE -o VALID --seed 1 (fresh copy each run) | ${split_secs} | ${sratio} |"
      echo "| ftls check --format json (all rules) | ${check_secs:--} | 1.00 |"
    } >>"$md"
  fi
}

# bench_finish: removes the generated datasets over 1 GB unless --keep, and
# exits 1 if any tool failed (0 otherwise).
bench_finish() {
  if (( ! KEEP )) && (( ${#GENERATED_BIG[@]} > 0 )); then
    echo
    echo "removing datasets over 1 GB (use --keep to keep them): ${GENERATED_BIG[*]##*/}"
    rm -f "${GENERATED_BIG[@]}"
  fi

  if (( FAILED )); then
    echo "$BENCH_NAME: at least one tool FAILED (see bench/out/logs/)" >&2
    exit 1
  fi
  exit 0
}
