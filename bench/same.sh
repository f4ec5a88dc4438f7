#!/usr/bin/env bash
# Did an optimisation change what ftls finds? Runs `ftls check --format json`
# of two builds on the bench datasets and on every file of
# ../shared/datasets, and compares the reports.
#
#   bash bench/same.sh OLD [NEW]     # git revisions (NEW: the working tree)
#
# Every finding but D002 (near duplicates) must be the same, byte for byte,
# in the same order; the summary's counts may differ only by the D002
# findings. D002 may change only as much as MinHash's approximation does,
# so its findings are counted instead: both sides' numbers, how many rows
# each side alone reports. The bench datasets are those of bench/out/
# (data-*.jsonl and bench/mix's alpaca, prose, scripts, escaped, code,
# latex and long; run bench/run.sh or bench/check.sh once to make them); FILES
# overrides the list. Needs jq.
# Exits 1 if anything but D002 differs.
set -euo pipefail
cd "$(dirname "$0")/.."
OLD=${1:?usage: bench/same.sh OLD [NEW]}
NEW=${2:-}
out=bench/out/same
mkdir -p "$out"
# shellcheck source=bench/builds.sh
source bench/builds.sh
build_both "$OLD" "$NEW" "$out"

if [ -n "${FILES:-}" ]; then
	read -r -a files <<<"$FILES"
else
	files=()
	for f in bench/out/data-*.jsonl bench/out/alpaca-*.jsonl bench/out/prose-*.jsonl bench/out/scripts-*.jsonl bench/out/escaped-*.jsonl bench/out/code-*.jsonl bench/out/latex-*.jsonl bench/out/long-*.jsonl ../shared/datasets/*.json ../shared/datasets/*.jsonl; do
		case $f in *.valid.jsonl | *'*'*) continue ;; esac
		[ -f "$f" ] && files+=("$f")
	done
fi

status=0
printf '%-48s %-8s %10s %10s %9s %9s\n' file exact "D002 old" "D002 new" "old only" "new only"
for f in "${files[@]}"; do
	for side in old new; do
		"$out/$side/ftls" check --format json "$f" >"$out/$side.json" 2>/dev/null || true
		# Everything but D002, and the summary without the counts it moves.
		jq -c '.files, (.diagnostics[] | select(.code != "D002")), (.summary | del(.warnings, .errors, .notes, .fixable))' \
			"$out/$side.json" >"$out/$side.exact"
		jq -r '.diagnostics[] | select(.code == "D002") | "\(.line) \(.message)"' "$out/$side.json" | sort >"$out/$side.near"
	done
	same=same
	if ! cmp -s "$out/old.exact" "$out/new.exact"; then
		same=DIFFERS
		status=1
		diff "$out/old.exact" "$out/new.exact" | head -n 10 >&2 || true
	fi
	cut -d' ' -f1 "$out/old.near" | sort -u >"$out/old.rows"
	cut -d' ' -f1 "$out/new.near" | sort -u >"$out/new.rows"
	printf '%-48s %-8s %10d %10d %9d %9d\n' "$(basename "$f")" "$same" \
		"$(wc -l <"$out/old.near")" "$(wc -l <"$out/new.near")" \
		"$(comm -23 "$out/old.rows" "$out/new.rows" | wc -l)" "$(comm -13 "$out/old.rows" "$out/new.rows" | wc -l)"
done
exit $status
