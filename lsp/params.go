package lsp

import (
	"time"

	"github.com/ftls-dev/ftls/internal/engine"
	"github.com/ftls-dev/ftls/lsp/protocol"
)

type textDocumentItem struct {
	URI        string `json:"uri"`
	LanguageID string `json:"languageId"`
	Version    int32  `json:"version"`
	Text       string `json:"text"`
	// data is the decoded text when the server read the message itself
	// (textsync.go); it is never written to.
	data []byte
}

type didOpenParams struct {
	TextDocument textDocumentItem `json:"textDocument"`
	arrived      time.Time        // when the message started to arrive
	// lines is the text already cut into lines, and streamed what checked
	// them, when the server read the message as it arrived (stream.go).
	lines    []*engine.Line
	streamed *incoming
}

type didChangeParams struct {
	TextDocument   protocol.VersionedTextDocumentIdentifier  `json:"textDocument"`
	ContentChanges []protocol.TextDocumentContentChangeEvent `json:"contentChanges"`
	arrived        time.Time
}
