package lsp

import (
	"slices"
	"time"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/internal/pairing"
	"github.com/ftls-dev/ftls/lsp/protocol"
)

// This file is the one place that sends diagnostics: a result is
// recorded as its document's latest and sent, unless the editor already
// shows the same set, followed by the custom notification ftls/checked.

// publish records r as the latest result of its document and sends its
// diagnostics, unless they are the ones the editor already shows: a
// keystroke inside a row usually changes no finding, and an editor takes
// up to a second and a half to take in a set of thousands (Neovim 0.7).
func (p *publisher) publish(r *result) {
	uri := r.snap.uri
	// Most keystrokes change no finding: compare the findings with the
	// last result's before converting thousands of them for the editor.
	p.mu.Lock()
	last := p.results[uri]
	p.mu.Unlock()
	same := last != nil && sameFindings(last.res.Diagnostics, r.res.Diagnostics)
	var diags []protocol.Diagnostic
	if !same {
		diags = toLSPDiagnostics(r)
	}
	p.mu.Lock()
	if p.workers[uri] == nil { // closed meanwhile
		p.mu.Unlock()
		return
	}
	prev := p.results[uri]
	if same && prev != last { // another result came in between
		same = false
		diags = toLSPDiagnostics(r)
	}
	unchanged := same || prev != nil && sameDiagnostics(prev.shown, diags)
	if unchanged {
		r.shown, r.shownVersion = prev.shown, prev.shownVersion
	} else {
		r.shown, r.shownVersion = diags, r.snap.version
	}
	p.results[uri] = r
	hook := p.afterPublish
	p.mu.Unlock()
	if unchanged {
		p.sendChecked(r, 0, true)
	} else {
		p.sendDiagnostics(r, diags, true)
	}
	if hook != nil {
		hook(uri, r.snap.version, r.full)
	}
	if r.full && r.snap.kind == kindDataset && (prev == nil || !prev.full || prev.snap != r.snap) && !pairing.IsValidation(r.snap.path) {
		p.rescheduleValidation(r.snap)
	}
	if r.full && r.snap.kind == kindDataset && (prev == nil || prev.snap != r.snap) {
		p.s.afterFullCheck(r)
	}
}

// sameFindings reports whether two results' findings convert to the same
// diagnostics, as sameDiagnostics compares them (toLSP).
func sameFindings(a, b []diagnostics.Diagnostic) bool {
	return slices.EqualFunc(a, b, func(x, y diagnostics.Diagnostic) bool {
		return x.Range == y.Range && x.Severity == y.Severity && x.Code == y.Code && x.Message == y.Message &&
			(x.Fix == nil) == (y.Fix == nil) && slices.Equal(x.Related, y.Related)
	})
}

// sameDiagnostics reports whether two sets differ at most in the version
// their data names.
func sameDiagnostics(a, b []protocol.Diagnostic) bool {
	return slices.EqualFunc(a, b, func(x, y protocol.Diagnostic) bool {
		return x.Range == y.Range && x.Severity == y.Severity && x.Code == y.Code && x.Message == y.Message &&
			x.CodeDescription == y.CodeDescription && x.Source == y.Source &&
			slices.Equal(x.RelatedInformation, y.RelatedInformation) &&
			(x.Data == nil) == (y.Data == nil) && (x.Data == nil || x.Data.Code == y.Data.Code && x.Data.Fix == y.Data.Fix)
	})
}

// publishEarly sends the findings of a document that is still arriving
// (stream.go), without a version if the message has not given it yet.
// They are not recorded: the document is not open yet.
func (p *publisher) publishEarly(r *result, versioned bool) {
	p.sendVersioned(r, versioned)
	p.mu.Lock()
	hook := p.afterPublish
	p.mu.Unlock()
	if hook != nil {
		hook(r.snap.uri, r.snap.version, r.full)
	}
}

// sendVersioned sends a result's diagnostics, and then ftls/checked.
func (p *publisher) sendVersioned(r *result, versioned bool) {
	p.sendDiagnostics(r, toLSPDiagnostics(r), versioned)
}

func (p *publisher) sendDiagnostics(r *result, diags []protocol.Diagnostic, versioned bool) {
	uri, v := r.snap.uri, r.snap.version
	params := protocol.PublishDiagnosticsParams{URI: uri, Diagnostics: diags}
	if versioned {
		params.Version = &v
	}
	p.s.notifyDirect("textDocument/publishDiagnostics", &params) // a frame.Appender
	p.sendChecked(r, len(diags), false)
}

func (p *publisher) sendChecked(r *result, n int, unchanged bool) {
	uri, v := r.snap.uri, r.snap.version
	elapsed := ms(time.Since(r.snap.received))
	if unchanged {
		n = len(r.shown)
	}
	p.s.notifyDirect("ftls/checked", checkedParams{URI: uri, Version: v, Full: r.full, Unchanged: unchanged, Rows: r.res.Tally.Rows, Diagnostics: n, Millis: elapsed})
	p.s.log.Debugf("checked %s v%d (full %v, unchanged %v): %d diagnostics, %.1f ms after the version arrived", uri, v, r.full, unchanged, n, elapsed)
}

// checkedParams is the custom notification ftls/checked, sent after each
// publish: clients that show progress (and the tests) learn whether the
// file rules ran on that version.
type checkedParams struct {
	URI     string `json:"uri"`
	Version int32  `json:"version"`
	Full    bool   `json:"full"`
	// Unchanged is set when this version's diagnostics are the ones
	// published last, and so were not sent again.
	Unchanged   bool `json:"unchanged,omitempty"`
	Rows        int  `json:"rows"`
	Diagnostics int  `json:"diagnostics"`
	// Millis is the time from the version's arrival to this publish.
	Millis float64 `json:"millis"`
}

// toLSPDiagnostics converts a result's findings. Data carries the rule
// code, the version and the index of a fix, for code actions. The data
// and related locations of all of them are cut from two slabs: a
// changed finding sends every diagnostic again, and allocating them one
// by one was most of the allocations of that edit.
func toLSPDiagnostics(r *result) []protocol.Diagnostic {
	ds := r.res.Diagnostics
	nRel := 0
	for i := range ds {
		nRel += len(ds[i].Related)
	}
	out := make([]protocol.Diagnostic, len(ds))
	data := make([]protocol.DiagnosticData, len(ds))
	related := make([]protocol.DiagnosticRelatedInformation, 0, nRel)
	for i := range ds {
		out[i], related = appendLSP(r, i, ds[i], &data[i], related)
	}
	return out
}

// codeDescriptions holds each rule's documentation link, shared by all
// its diagnostics: an edit publishes thousands.
var codeDescriptions = func() map[string]*protocol.CodeDescription {
	m := map[string]*protocol.CodeDescription{}
	for _, r := range diagnostics.All() {
		m[r.Code] = &protocol.CodeDescription{Href: diagnostics.DocURL(r.Code)}
	}
	return m
}()

func toLSP(r *result, i int, d diagnostics.Diagnostic) protocol.Diagnostic {
	ld, _ := appendLSP(r, i, d, new(protocol.DiagnosticData), nil)
	return ld
}

// appendLSP converts finding i of r, d, filling data for its Data and
// appending its related locations to related, whose grown slice it
// returns.
func appendLSP(r *result, i int, d diagnostics.Diagnostic, data *protocol.DiagnosticData, related []protocol.DiagnosticRelatedInformation) (protocol.Diagnostic, []protocol.DiagnosticRelatedInformation) {
	*data = protocol.DiagnosticData{Code: d.Code, Version: r.snap.version, Fix: -1}
	ld := protocol.Diagnostic{
		Range: d.Range, Severity: int(d.Severity), Code: d.Code, Source: "ftls", Message: d.Message,
		CodeDescription: codeDescriptions[d.Code], Data: data,
	}
	if d.Fix != nil {
		data.Fix = i
	}
	from := len(related)
	for _, rel := range d.Related {
		uri := r.snap.uri
		if rel.Path != "" {
			uri = pathURI(rel.Path)
		}
		related = append(related, protocol.DiagnosticRelatedInformation{
			Location: protocol.Location{URI: uri, Range: rel.Range}, Message: rel.Message,
		})
	}
	if len(related) > from {
		ld.RelatedInformation = related[from:len(related):len(related)]
	}
	return ld, related
}
