// Package hostile holds two end-to-end test suites that run the real ftls
// binary, built once in TestMain, against hostile input and hostile
// interruptions. It has no non-test code.
//
// The adversarial suite (cli_test.go, serve_test.go, plan_output_test.go)
// feeds `ftls check`, `ftls fix --dry-run`, `ftls stats` and `ftls serve`
// invalid UTF-8, NUL bytes, a 100 MB single line, a million blank lines,
// JSON nested 100,000 levels deep, huge numbers, duplicate keys, every kind
// of broken plan (tabs, unclosed quotes, alias bombs, wrong types, binary
// garbage, a 10 MB plan), plan outputs that leave the plan's folder,
// malformed LSP messages and framing, requests after shutdown and a client
// that disconnects in the middle of a generation. Every case must end
// within a time limit (a hang guard, not a speed assertion), say what is
// wrong and where (file:line:col), and stay under a peak resident memory
// limit read from the child's rusage. serve_errors_test.go checks the
// server's JSON-RPC error codes (-32002 before initialize, -32700 for a
// body that is not JSON, answered below glsp); surrogate_test.go lone
// surrogates through check, fix and export; model_output_test.go what an
// endpoint may answer (an endless body, an example far over the token
// limit, ChatML control tokens in content).
//
// The data-safety suite (sigkill_test.go) kills `ftls fix`, `ftls split`
// and `ftls generate` with SIGKILL at random moments and checks that every
// file on disk is byte for byte either the old or the new version, that
// leftover temporary files do not disturb later runs, and that generate
// resumes to the planned count without duplicate rows. A split killed
// between its two renames must be recognised by the next split, whose
// advice does not duplicate rows (split_interrupted_test.go).
//
// A concurrent edit while the server applies a generated batch is covered
// at the process level by TestGenerateRetriesRefusedEdit in lsp (the real
// binary over pipes: the editor refuses the versioned edit because the
// user typed, and the server retries once against the new version's end,
// never at the stale position); this package does not repeat it.
//
// Heavy inputs (the 100 MB line and the million blank lines, through
// check, fix --dry-run, stats and the server) take about a minute on two
// cores and up to 2 GB of memory; -short skips them.
//
// Everything runs on the local machine; the only network is the fake
// OpenAI-compatible endpoint of generator/fakeopenai on 127.0.0.1.
package hostile
