package protocol

import "encoding/json"

// The protocol's messages between server and client beyond documents and
// their features: commands, messages and questions to the user,
// configuration, workspace edits with resource operations, progress.

type ExecuteCommandParams struct {
	Command   string            `json:"command"`
	Arguments []json.RawMessage `json:"arguments"`
}

type ShowMessageParams struct {
	Type    int    `json:"type"`
	Message string `json:"message"`
}

// Message types of window/showMessage.
const (
	MessageError   = 1
	MessageWarning = 2
	MessageInfo    = 3
)

type ConfigurationItem struct {
	ScopeURI string `json:"scopeUri,omitempty"`
	Section  string `json:"section"`
}

type ConfigurationParams struct {
	Items []ConfigurationItem `json:"items"`
}

type ApplyWorkspaceEditParams struct {
	Label string        `json:"label,omitempty"`
	Edit  WorkspaceEdit `json:"edit"`
}

type ApplyWorkspaceEditResult struct {
	Applied       bool   `json:"applied"`
	FailureReason string `json:"failureReason,omitempty"`
}

// Resource operations in workspace edits (the split and info source
// actions, split.go).

type OptionalVersionedTextDocumentIdentifier struct {
	URI string `json:"uri"`
	// Version is null for a file the editor has not open (or creates).
	Version *int32 `json:"version"`
}

type OptionalTextDocumentEdit struct {
	TextDocument OptionalVersionedTextDocumentIdentifier `json:"textDocument"`
	Edits        []TextEdit                              `json:"edits"`
}

type CreateFileOptions struct {
	Overwrite      bool `json:"overwrite"`
	IgnoreIfExists bool `json:"ignoreIfExists"`
}

type CreateFile struct {
	Kind    string             `json:"kind"` // "create"
	URI     string             `json:"uri"`
	Options *CreateFileOptions `json:"options,omitempty"`
}

// resourceWorkspaceEdit is a workspace edit whose documentChanges mix
// createFile, textDocumentEdit and optionalTextDocumentEdit, in order.
type ResourceWorkspaceEdit struct {
	DocumentChanges []any `json:"documentChanges"`
}

type ApplyResourceEditParams struct {
	Label string                `json:"label,omitempty"`
	Edit  ResourceWorkspaceEdit `json:"edit"`
}

type ShowDocumentParams struct {
	URI       string `json:"uri"`
	External  bool   `json:"external,omitempty"`
	TakeFocus bool   `json:"takeFocus"`
}

type MessageActionItem struct {
	Title string `json:"title"`
}

type ShowMessageRequestParams struct {
	Type    int                 `json:"type"`
	Message string              `json:"message"`
	Actions []MessageActionItem `json:"actions"`
}

type ProgressParams struct {
	Token string `json:"token"`
	Value any    `json:"value"`
}

type WorkDoneProgress struct {
	Kind        string `json:"kind"`
	Title       string `json:"title,omitempty"`
	Cancellable bool   `json:"cancellable,omitempty"`
	Message     string `json:"message,omitempty"`
	Percentage  *int   `json:"percentage,omitempty"`
}
