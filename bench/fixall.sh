#!/usr/bin/env bash
# "Fix all" in the editor, replayed: TestServeFixAllReplay (lsp/fixall_test.go)
# opens bench/gen's dataset in `ftls serve` over a real pipe, asks for
# source.fixAll.ftls right after the first diagnostics (every other time
# once the full ones are in), applies the edit as an editor does and
# compares the text with `ftls fix`'s output byte for byte; REPLAYS times
# per size. `make test` runs 10 replays of 2,000 and 10,000 rows; this is
# the long run:
#
#   bash bench/fixall.sh                      # 50 replays of 2k, 10k and 100k rows
#   REPLAYS=5 ROWS=2000,100000 bash bench/fixall.sh
#   FIRST_ONLY=1 bash bench/fixall.sh         # every replay right after the first diagnostics
set -euo pipefail
cd "$(dirname "$0")/.."
FTLS_FIXALL_REPLAYS=${REPLAYS:-50} FTLS_FIXALL_ROWS=${ROWS:-2000,10000,100000} FTLS_FIXALL_FIRST_ONLY=${FIRST_ONLY:-} \
	go test -count=1 -timeout 90m -run '^TestServeFixAllReplay$' -v ./lsp | grep -E '^(=== RUN|--- |    ---|ok|FAIL|PASS)'
