// Package generator writes new examples for a dataset with any
// OpenAI-compatible chat model, as the dataset's plan describes, and keeps
// the ones that pass the dataset's own checks.
//
// The command line (`ftls generate`) and the language server share it:
//
//	provider, err := generator.ResolveProvider(ctx, generator.ResolveOptions{...})
//	report, err := generator.Run(ctx, generator.Job{Plan: p, Settings: s, Provider: provider}, onEvent)
//	preview, err := generator.Prepare(ctx, job) // the first request and the cost, nothing sent
//
// Run prints nothing. It reports progress through a callback (one Event at
// a time), stops when its context is cancelled, and hands accepted rows to
// a Sink: by default a FileSink that appends to the training file
// atomically; an editor passes its own sink that inserts the rows with
// workspace/applyEdit, and the buffer's text as Job.Existing.
//
// A run:
//
//  1. measures the dataset with the engine (rows, categories, the
//     fingerprint and MinHash signature of every row);
//  2. works out how many examples to add (Job.Count, or the plan's
//     size.examples minus the rows present) and each category's target;
//  3. plans a batch for the category furthest below its target (as a share
//     of the target, counting requests in flight), of generation.batch_size
//     examples (clamped to 10-100) or fewer when less is missing, with a
//     brief per example (expertise, phrasing, difficulty, single or
//     multi-turn, scenario, edge case, negative) drawn so that the run
//     follows the plan's shares;
//  4. sends it with response_format json_schema, falling back to
//     json_object and then to none when the endpoint rejects it, retrying
//     429, 5xx, time-outs and dropped connections with backoff and jitter
//     (Retry-After honoured) within per-request and per-run limits;
//  5. reads the answer as untrusted text (ParseAnswer), builds a row per
//     example with the plan's system prompt and the category, and drops
//     what breaks a J, C or Q rule at error severity (or a DefaultReject
//     warning), goes over the token limit or carries ChatML control tokens
//     (AlwaysReject: Q001 and C017, whatever the user's settings), repeats
//     a row of the dataset or of the run exactly, or comes within the
//     near-duplicate threshold of one;
//  6. appends the accepted rows, updates the counts, and plans the next
//     batch, until enough rows are added or a limit is reached.
//
// The API key is only ever put in the Authorization header of requests to
// the configured endpoint. Errors, events and reports carry redacted text:
// the key, and any "Bearer ..." credential an endpoint echoes, are
// replaced by "[redacted]".
package generator
