package engine

import "context"

// FixBytes applies every safe fix to a dataset held in memory, exactly as
// FixFile does to a file, and returns the fixed text and the fixes applied.
// The language server uses it for "fix all" on an editor's buffer.
func FixBytes(ctx context.Context, data []byte, opts Options) (out []byte, changes []Change, err error) {
	out, res, err := FixEdits(ctx, data, opts)
	if err != nil {
		return nil, nil, err
	}
	return out, res.Changes, nil
}
