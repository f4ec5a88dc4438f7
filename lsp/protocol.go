package lsp

import (
	"encoding/json"
	"time"

	"github.com/ftls-dev/ftls/internal/engine"
	"github.com/ftls-dev/ftls/internal/textpos"
)

// The LSP structures the server reads and writes. They are declared here
// rather than taken from glsp's protocol package so that the server decodes
// exactly what it needs (glsp's IntegerOrString decodes empty) and controls
// which fields are omitted.

type (
	Position = textpos.Position
	Range    = textpos.Range
)

type textDocumentIdentifier struct {
	URI string `json:"uri"`
}

type versionedTextDocumentIdentifier struct {
	URI     string `json:"uri"`
	Version int32  `json:"version"`
}

type textDocumentItem struct {
	URI        string `json:"uri"`
	LanguageID string `json:"languageId"`
	Version    int32  `json:"version"`
	Text       string `json:"text"`
	// data is the decoded text when the server read the message itself
	// (textsync.go); it is never written to.
	data []byte
}

type textDocumentPositionParams struct {
	TextDocument textDocumentIdentifier `json:"textDocument"`
	Position     Position               `json:"position"`
}

type didOpenParams struct {
	TextDocument textDocumentItem `json:"textDocument"`
	arrived      time.Time        // when the message started to arrive
	// lines is the text already cut into lines, and streamed what checked
	// them, when the server read the message as it arrived (stream.go).
	lines    []*engine.Line
	streamed *incoming
}

type contentChange struct {
	// Range is nil for a change that replaces the whole document.
	Range *Range `json:"range,omitempty"`
	Text  string `json:"text"`
}

type didChangeParams struct {
	TextDocument   versionedTextDocumentIdentifier `json:"textDocument"`
	ContentChanges []contentChange                 `json:"contentChanges"`
	arrived        time.Time
}

type didCloseParams struct {
	TextDocument textDocumentIdentifier `json:"textDocument"`
}

type initializeParams struct {
	ProcessID             *int            `json:"processId"`
	RootURI               string          `json:"rootUri"`
	InitializationOptions json.RawMessage `json:"initializationOptions"`
	Capabilities          struct {
		Workspace struct {
			Configuration bool `json:"configuration"`
			WorkspaceEdit struct {
				ResourceOperations []string `json:"resourceOperations"`
			} `json:"workspaceEdit"`
		} `json:"workspace"`
	} `json:"capabilities"`
}

type serverInfo struct {
	Name    string `json:"name"`
	Version string `json:"version,omitempty"`
}

type initializeResult struct {
	Capabilities serverCapabilities `json:"capabilities"`
	ServerInfo   serverInfo         `json:"serverInfo"`
}

type textDocumentSyncOptions struct {
	OpenClose bool `json:"openClose"`
	Change    int  `json:"change"`
	Save      bool `json:"save"`
}

type codeActionOptions struct {
	CodeActionKinds []string `json:"codeActionKinds"`
}

type codeLensOptions struct {
	ResolveProvider bool `json:"resolveProvider"`
}

type executeCommandOptions struct {
	Commands []string `json:"commands"`
}

type serverCapabilities struct {
	PositionEncoding       string                  `json:"positionEncoding"`
	TextDocumentSync       textDocumentSyncOptions `json:"textDocumentSync"`
	HoverProvider          bool                    `json:"hoverProvider"`
	CodeActionProvider     codeActionOptions       `json:"codeActionProvider"`
	CodeLensProvider       codeLensOptions         `json:"codeLensProvider"`
	DocumentSymbolProvider bool                    `json:"documentSymbolProvider"`
	ExecuteCommandProvider executeCommandOptions   `json:"executeCommandProvider"`
	CompletionProvider     *completionOptions      `json:"completionProvider,omitempty"`
}

// Text document sync kinds.
const syncIncremental = 2

type codeDescription struct {
	Href string `json:"href"`
}

type location struct {
	URI   string `json:"uri"`
	Range Range  `json:"range"`
}

type relatedInformation struct {
	Location location `json:"location"`
	Message  string   `json:"message"`
}

// diagnosticData travels with every published diagnostic and comes back in
// code action requests; glsp's Diagnostic.Code does not survive the trip.
type diagnosticData struct {
	Code    string `json:"code"`
	Version int32  `json:"version"`
	// Fix is the index of the diagnostic in the result it was published
	// from when it has a fix, -1 otherwise.
	Fix int `json:"fix"`
}

type lspDiagnostic struct {
	Range              Range                `json:"range"`
	Severity           int                  `json:"severity"`
	Code               string               `json:"code"`
	CodeDescription    *codeDescription     `json:"codeDescription,omitempty"`
	Source             string               `json:"source"`
	Message            string               `json:"message"`
	RelatedInformation []relatedInformation `json:"relatedInformation,omitempty"`
	Data               *diagnosticData      `json:"data,omitempty"`
}

type publishDiagnosticsParams struct {
	URI         string          `json:"uri"`
	Version     *int32          `json:"version,omitempty"`
	Diagnostics []lspDiagnostic `json:"diagnostics"`
}

type markupContent struct {
	Kind  string `json:"kind"`
	Value string `json:"value"`
}

type hover struct {
	Contents markupContent `json:"contents"`
	Range    *Range        `json:"range,omitempty"`
}

type codeActionParams struct {
	TextDocument textDocumentIdentifier `json:"textDocument"`
	Range        Range                  `json:"range"`
	Context      struct {
		Diagnostics []struct {
			Range Range           `json:"range"`
			Data  json.RawMessage `json:"data"`
		} `json:"diagnostics"`
		Only []string `json:"only"`
	} `json:"context"`
}

type textEdit struct {
	Range   Range  `json:"range"`
	NewText string `json:"newText"`
}

type textDocumentEdit struct {
	TextDocument versionedTextDocumentIdentifier `json:"textDocument"`
	Edits        []textEdit                      `json:"edits"`
}

type workspaceEdit struct {
	DocumentChanges []textDocumentEdit `json:"documentChanges"`
}

type command struct {
	Title     string `json:"title"`
	Command   string `json:"command"`
	Arguments []any  `json:"arguments,omitempty"`
}

type codeAction struct {
	Title       string          `json:"title"`
	Kind        string          `json:"kind"`
	Diagnostics []lspDiagnostic `json:"diagnostics,omitempty"`
	IsPreferred bool            `json:"isPreferred,omitempty"`
	Edit        *workspaceEdit  `json:"edit,omitempty"`
	Command     *command        `json:"command,omitempty"`
}

type codeLens struct {
	Range   Range    `json:"range"`
	Command *command `json:"command,omitempty"`
}

type documentSymbol struct {
	Name           string           `json:"name"`
	Detail         string           `json:"detail,omitempty"`
	Kind           int              `json:"kind"`
	Range          Range            `json:"range"`
	SelectionRange Range            `json:"selectionRange"`
	Children       []documentSymbol `json:"children,omitempty"`
}

// Symbol kinds used in the outline.
const (
	symbolNamespace = 3
	symbolObject    = 19
	symbolString    = 15
)
