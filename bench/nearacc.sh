#!/usr/bin/env bash
# Does a change to the MinHash sketch keep near-duplicate recall and
# precision? Runs bench/nearacc of two builds on the same samples of each
# file (SAMPLES disjoint parts, ROWS rows from the start of each) and
# compares them sample by sample.
#
#   bash bench/nearacc.sh OLD [NEW]   # git revisions (NEW: the working tree)
#
# FILES: the files (default bench/out/data-100k.jsonl, alpaca-100k.jsonl,
# prose-100k.jsonl); SAMPLES (default 10); ROWS: rows a sample (default
# 10000: ten samples cover a 100k-row file). Per file it prints each
# side's mean recall and precision over the samples, the mean of the
# paired differences (new - old) and the standard error of that mean,
# and "ok" when the new mean is at least the old one minus that standard
# error; a last line averages the files' means. The raw figures (with the
# pairs one side alone finds) stay in bench/out/nearacc/.
set -euo pipefail
cd "$(dirname "$0")/.."
OLD=${1:?usage: bench/nearacc.sh OLD [NEW]}
NEW=${2:-}
FILES=${FILES:-bench/out/data-100k.jsonl bench/out/alpaca-100k.jsonl bench/out/prose-100k.jsonl}
SAMPLES=${SAMPLES:-10}
ROWS=${ROWS:-10000}
out=bench/out/nearacc
# shellcheck source=bench/builds.sh
source bench/builds.sh
build_rev "$OLD" "$out/old" ./bench/nearacc
if [ -n "$NEW" ]; then
	build_rev "$NEW" "$out/new" ./bench/nearacc
else
	mkdir -p "$out/new" && go build -o "$out/new/nearacc" ./bench/nearacc
fi

for f in $FILES; do
	name=$(basename "$f" .jsonl)
	for side in old new; do
		"$out/$side/nearacc" -v -rows "$ROWS" -samples "$SAMPLES" "$f" >"$out/$side/$name.txt"
	done
done

# Each "sample" line: field 2 the sample; recall and precision follow their names.
for f in $FILES; do
	name=$(basename "$f" .jsonl)
	for side in old new; do
		awk -v side="$side" -v name="$name" '$1 == "sample" {
			for (i = 1; i < NF; i++) { if ($i == "recall") r = $(i+1); if ($i == "precision") p = $(i+1); if ($i == "exact_pairs") e = $(i+1) }
			print name, side, $2, r, p, e }' "$out/$side/$name.txt"
	done
done | awk '
{ k = $1 SUBSEP $3; if ($2 == "old") { ro[k] = $4; po[k] = $5; pairs[$1] += $6 } else { rn[k] = $4; pn[k] = $5 }
  if (!($1 in seen)) { seen[$1] = 1; order[++nf] = $1 } seeds[$1, $3] = 1 }
END {
	printf "%-16s %7s %10s %9s %9s %9s %4s %9s %9s %9s %9s %4s\n", "file", "pairs", "recall.old", "new", "diff", "se", "", "prec.old", "new", "diff", "se", ""
	for (j = 1; j <= nf; j++) {
		f = order[j]; n = 0; sro = srn = spo = spn = sdr = sdp = 0; delete dr; delete dp
		for (key in seeds) { split(key, a, SUBSEP); if (a[1] != f) continue
			n++; sro += ro[key]; srn += rn[key]; spo += po[key]; spn += pn[key]
			dr[n] = rn[key] - ro[key]; dp[n] = pn[key] - po[key]; sdr += dr[n]; sdp += dp[n] }
		mr = sdr / n; mp = sdp / n; vr = vp = 0
		for (i = 1; i <= n; i++) { vr += (dr[i] - mr)^2; vp += (dp[i] - mp)^2 }
		ser = n > 1 ? sqrt(vr / (n - 1) / n) : 0; sep = n > 1 ? sqrt(vp / (n - 1) / n) : 0
		okr = (mr >= -ser) ? "ok" : "LOW"; okp = (mp >= -sep) ? "ok" : "LOW"
		printf "%-16s %7d %10.4f %9.4f %+9.4f %9.4f %4s %9.4f %9.4f %+9.4f %9.4f %4s\n", f, pairs[f] / n, sro / n, srn / n, mr, ser, okr, spo / n, spn / n, mp, sep, okp
		tro += sro / n; trn += srn / n; tpo += spo / n; tpn += spn / n
	}
	printf "%-16s %7s %10.4f %9.4f %+9.4f %9s %4s %9.4f %9.4f %+9.4f %9s %4s\n", "average", "", tro / nf, trn / nf, (trn - tro) / nf, "", (trn >= tro ? "ok" : "LOW"), tpo / nf, tpn / nf, (tpn - tpo) / nf, "", (tpn >= tpo ? "ok" : "LOW")
	print "pairs: exact pairs a sample (mean); diff: mean of new - old over the samples; se: its standard error; ok: diff >= -se (a file) or >= 0 (the average)"
}'
