// Package clitest drives `ftls embed` and `ftls check` through the built
// binary (internal/testbin) against the fake provider's /v1/embeddings on
// 127.0.0.1: the semantic near-duplicates end to end, the requests the
// sidecar saves, and what a damaged sidecar does. It holds tests only.
package clitest
