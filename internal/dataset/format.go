package dataset

import (
	"bytes"
	"strings"

	"github.com/ftls-dev/ftls/internal/jsonpos"
)

// Format is the shape of one row.
type Format uint8

// The row formats ftls recognises. Chat is OpenAI's chat fine-tuning format
// and the one every other format converts to.
const (
	Unknown Format = iota
	Chat
	ShareGPT
	Alpaca
	ChatMLText
	PromptCompletion
	PlainText
	numFormats
)

var formatNames = [...]string{
	Unknown:          "unknown",
	Chat:             "chat",
	ShareGPT:         "sharegpt",
	Alpaca:           "alpaca",
	ChatMLText:       "chatml-text",
	PromptCompletion: "prompt-completion",
	PlainText:        "text",
}

var formatTitles = [...]string{
	Unknown:          "an unrecognised shape",
	Chat:             "OpenAI chat messages",
	ShareGPT:         "ShareGPT",
	Alpaca:           "Alpaca",
	ChatMLText:       "raw ChatML text",
	PromptCompletion: "prompt/completion",
	PlainText:        "plain text",
}

// String returns the format's short name, as used in flags and JSON output.
func (f Format) String() string { return formatNames[f] }

// Title returns the format's name for messages to people.
func (f Format) Title() string { return formatTitles[f] }

// Formats lists every format, Unknown first.
func Formats() []Format {
	fs := make([]Format, numFormats)
	for i := range fs {
		fs[i] = Format(i)
	}
	return fs
}

// ChatMLStart and ChatMLEnd are the markers of raw ChatML text.
const (
	ChatMLStart = "<|im_start|>"
	ChatMLEnd   = "<|im_end|>"
)

// Detect tells the format of a parsed row from the keys it has. Detection
// is by the most telling key, so a malformed chat row is still a chat row
// and gets chat diagnostics rather than "unknown format".
func Detect(row jsonpos.Value) Format {
	if row.Kind() != jsonpos.Object {
		return Unknown
	}
	// One walk over the members instead of a Get for each key (the
	// detection runs on every row); TestDetectMatchesGets holds it to the
	// lookups by Get.
	var seen formatKeys
	var text jsonpos.Value
	for k, v := range row.Members() {
		name, ok := k.RawName()
		if !ok {
			name = []byte(k.Name())
		}
		switch string(name) {
		case "messages":
			return Chat // the most telling key, wherever it is
		case "conversations":
			seen |= keyConversations
		case "instruction":
			seen |= keyInstruction
		case "output":
			seen |= keyOutput
		case "prompt":
			seen |= keyPrompt
		case "completion":
			seen |= keyCompletion
		case "text":
			if !text.Exists() {
				text = v
			}
		}
	}
	switch {
	case seen&keyConversations != 0:
		return ShareGPT
	case seen&(keyInstruction|keyOutput) == keyInstruction|keyOutput:
		return Alpaca
	case seen&(keyPrompt|keyCompletion) == keyPrompt|keyCompletion:
		return PromptCompletion
	case text.Exists():
		if text.Kind() == jsonpos.String && isChatML(text) {
			return ChatMLText
		}
		return PlainText
	}
	return Unknown
}

// formatKeys is a set of the keys Detect looks for.
type formatKeys uint8

const (
	keyConversations formatKeys = 1 << iota
	keyInstruction
	keyOutput
	keyPrompt
	keyCompletion
)

// isChatML reports whether the string v holds a ChatML start marker, written
// as itself or, as Go's encoding/json writes it, "\u003c|im_start|\u003e".
func isChatML(v jsonpos.Value) bool {
	raw := v.Raw()
	if bytes.Contains(raw, []byte(ChatMLStart)) {
		return true
	}
	return bytes.Contains(raw, []byte("|im_start|")) && strings.Contains(v.Str(), ChatMLStart)
}

// Dominant returns the most frequent recognised format of counts, indexed by
// Format, preferring Chat on a tie. It returns Unknown when no row was
// recognised.
func Dominant(counts []int) Format {
	best := Unknown
	for f := Chat; f < numFormats && int(f) < len(counts); f++ {
		if counts[f] > 0 && (best == Unknown || counts[f] > counts[best]) {
			best = f
		}
	}
	return best
}

// NumFormats is the number of formats, for sizing count tables.
const NumFormats = int(numFormats)
