#!/usr/bin/env bash
# Before and after, in one run: two builds of ftls, the same data, the
# measurements alternated so that the machine's noise falls on both.
#
#   bash bench/compare.sh OLD [NEW]     # git revisions (NEW: the working tree)
#
# Builds OLD (and NEW) from `git archive` into bench/out/compare/, generates
# bench/gen's 100k-row file if needed, then ROUNDS times (default 3) for each
# build in turn:
#   - `ftls check --format json` on it: wall and CPU seconds (/usr/bin/time);
#   - bench/serverlat on it: open to first and full diagnostics, edit p50
#     and p99, hover p99, peak memory (EDITS edits, default 50; 30 hovers).
# Prints the best of the rounds for each figure, old beside new.
#
# FILES="a.jsonl b.jsonl" measures `ftls check` on those files instead
# (no server), each round running the Python checker
# (peers/openai_check.py) and the bare parse (peers/floor) on the same file
# too, so that both builds can be given as ratios to references measured
# in the same run.
set -euo pipefail
cd "$(dirname "$0")/.."
OLD=${1:?usage: bench/compare.sh OLD [NEW]}
NEW=${2:-}
ROUNDS=${ROUNDS:-3}
EDITS=${EDITS:-50}
ROWS=${ROWS:-100000}
out=bench/out/compare
mkdir -p "$out"
# shellcheck source=bench/builds.sh
source bench/builds.sh
build_both "$OLD" "$NEW" "$out"
if [ -n "${FILES:-}" ]; then
	go build -o "$out/floor" ./bench/peers/floor
	py=$(command -v python3)
	run() { # run NAME FILE CMD...: appends "wall cpu rssKB" to $out/NAME.times
		local name=$1 file=$2
		shift 2
		/usr/bin/time -f "%e %U %S %M" -o "$out/t" "$@" "$file" >/dev/null 2>&1 || true
		tail -n 1 "$out/t" | awk '{print $1, $2 + $3, $4}' >>"$out/$name.times"
	}
	printf '%-26s %7s %7s %8s %8s %7s %7s %7s %7s %9s %9s\n' file "old s" "new s" "old cpu" "new cpu" python floor "py÷old" "py÷new" "fl÷old" "fl÷new"
	for f in $FILES; do
		k=$(basename "$f" .jsonl)
		rm -f "$out/$k".*.times
		cat "$f" >/dev/null
		for r in $(seq "$ROUNDS"); do
			run "$k.old" "$f" "$out/old/ftls" check --format json
			run "$k.new" "$f" "$out/new/ftls" check --format json
			run "$k.python" "$f" "$py" bench/peers/openai_check.py
			run "$k.floor" "$f" "$out/floor"
		done
		b() { sort -g -k"$2" "$out/$k.$1.times" | head -1 | awk -v c="$2" '{print $c}'; }
		ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
		printf '%-26s %7s %7s %8s %8s %7s %7s %7s %7s %9s %9s\n' "$k" "$(b old 1)" "$(b new 1)" "$(b old 2)" "$(b new 2)" "$(b python 1)" "$(b floor 1)" \
			"$(ratio "$(b python 1)" "$(b old 1)")" "$(ratio "$(b python 1)" "$(b new 1)")" \
			"$(ratio "$(b floor 1)" "$(b old 1)")" "$(ratio "$(b floor 1)" "$(b new 1)")"
	done
	exit 0
fi
go build -o "$out/serverlat" ./bench/serverlat
data=bench/out/data-$ROWS.jsonl
[ -s "$data" ] || go run ./bench/gen -rows "$ROWS" -seed 1 -o "$data" 2>/dev/null
for r in $(seq "$ROUNDS"); do
	for side in old new; do
		/usr/bin/time -f "%e %U %S" -o "$out/$side-time-$r" "$out/$side/ftls" check --format json "$data" >/dev/null 2>&1 || true
		"$out/serverlat" -ftls "$out/$side/ftls" -file "$data" -edits "$EDITS" -hovers 30 >"$out/$side-lat-$r" 2>/dev/null || echo "serverlat failed ($side, round $r)" >&2
	done
done
best() { # best SIDE FIGURE: the smallest value of FIGURE over the rounds
	case $2 in
	wall) for r in $(seq "$ROUNDS"); do tail -n 1 "$out/$1-time-$r" | awk '{print $1}'; done ;;
	cpu) for r in $(seq "$ROUNDS"); do tail -n 1 "$out/$1-time-$r" | awk '{print $2+$3}'; done ;;
	*) for r in $(seq "$ROUNDS"); do awk -v k="$2" '$1==k {print $2}' "$out/$1-lat-$r"; done ;;
	esac | sort -g | head -1
}
printf '%-22s %12s %12s\n' figure "old ($OLD)" "new (${NEW:-tree})"
for f in wall cpu open_first_ms open_full_ms edit_p50_ms edit_p99_ms edit_server_p50_ms edit_server_p99_ms hover_p99_ms peak_rss_mb; do
	printf '%-22s %12s %12s\n' "$f" "$(best old $f)" "$(best new $f)"
done
