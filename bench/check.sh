#!/usr/bin/env bash
# shellcheck disable=SC2034 # KEEP and BENCH_NAME are read by lib.sh
# Repeatable throughput benchmark for `ftls check` against its peers.
#
#   bash bench/check.sh [--rows N] [--large] [--keep]
#
#   --rows N   rows in the main dataset (default 100000, about 230 MB)
#   --large    also run on a 1,000,000-row dataset (about 2.3 GB)
#   --keep     keep generated datasets over 1 GB (deleted at the end by
#              default to save disk; smaller ones are always kept and reused)
#
# Environment:
#   FTLS_CHECK_ARGS   extra arguments appended to `ftls check FILE --format json`
#   BENCH_SEED        generator seed (default 1)
#   BENCH_RUNS        runs per measurement for files <= 500 MB (default 3)
#
# Everything it writes goes to bench/out/. See bench/README.md.
set -euo pipefail

usage() { sed -n '3,17p' "$0" | sed 's/^# \{0,1\}//'; }

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
    *) echo "check.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done
[[ "$ROWS" =~ ^[1-9][0-9]*$ ]] || { echo "check.sh: --rows needs a positive integer" >&2; exit 2; }
BENCH_NAME=check.sh
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_setup
bench_build

bench_file "$ROWS"
if (( LARGE )) && (( ROWS != 1000000 )); then
  bench_file 1000000
fi

bench_finish
