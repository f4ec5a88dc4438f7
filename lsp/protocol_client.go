package lsp

import "encoding/json"

// The protocol's messages between server and client beyond documents and
// their features: commands, messages and questions to the user,
// configuration, workspace edits with resource operations, progress.

type executeCommandParams struct {
	Command   string            `json:"command"`
	Arguments []json.RawMessage `json:"arguments"`
}

type showMessageParams struct {
	Type    int    `json:"type"`
	Message string `json:"message"`
}

// Message types of window/showMessage.
const (
	messageError   = 1
	messageWarning = 2
	messageInfo    = 3
)

type configurationItem struct {
	ScopeURI string `json:"scopeUri,omitempty"`
	Section  string `json:"section"`
}

type configurationParams struct {
	Items []configurationItem `json:"items"`
}

type applyWorkspaceEditParams struct {
	Label string        `json:"label,omitempty"`
	Edit  workspaceEdit `json:"edit"`
}

type applyWorkspaceEditResult struct {
	Applied       bool   `json:"applied"`
	FailureReason string `json:"failureReason,omitempty"`
}

// Resource operations in workspace edits (the split and info source
// actions, split.go).

type optionalVersionedTextDocumentIdentifier struct {
	URI string `json:"uri"`
	// Version is null for a file the editor has not open (or creates).
	Version *int32 `json:"version"`
}

type optionalTextDocumentEdit struct {
	TextDocument optionalVersionedTextDocumentIdentifier `json:"textDocument"`
	Edits        []textEdit                              `json:"edits"`
}

type createFileOptions struct {
	Overwrite      bool `json:"overwrite"`
	IgnoreIfExists bool `json:"ignoreIfExists"`
}

type createFile struct {
	Kind    string             `json:"kind"` // "create"
	URI     string             `json:"uri"`
	Options *createFileOptions `json:"options,omitempty"`
}

// resourceWorkspaceEdit is a workspace edit whose documentChanges mix
// createFile, textDocumentEdit and optionalTextDocumentEdit, in order.
type resourceWorkspaceEdit struct {
	DocumentChanges []any `json:"documentChanges"`
}

type applyResourceEditParams struct {
	Label string                `json:"label,omitempty"`
	Edit  resourceWorkspaceEdit `json:"edit"`
}

type showDocumentParams struct {
	URI       string `json:"uri"`
	External  bool   `json:"external,omitempty"`
	TakeFocus bool   `json:"takeFocus"`
}

type messageActionItem struct {
	Title string `json:"title"`
}

type showMessageRequestParams struct {
	Type    int                 `json:"type"`
	Message string              `json:"message"`
	Actions []messageActionItem `json:"actions"`
}

type progressParams struct {
	Token string `json:"token"`
	Value any    `json:"value"`
}

type workDoneProgress struct {
	Kind        string `json:"kind"`
	Title       string `json:"title,omitempty"`
	Cancellable bool   `json:"cancellable,omitempty"`
	Message     string `json:"message,omitempty"`
	Percentage  *int   `json:"percentage,omitempty"`
}
