package diagnostics

import (
	"github.com/ftls-dev/ftls/internal/dataset"
	"github.com/ftls-dev/ftls/internal/jsonpos"
)

func init() {
	register(&Rule{
		Code: "Q011", Name: "unseen-content", Severity: Info,
		Summary: "a prompt refers to content the row does not hold",
		Doc: Doc{
			What: "Notes user turns (and Alpaca instructions and inputs) that refer to something the model is not given: an attachment tag (`<Picture Attached>`, `[Image of ...]`, `<audio>`), \"the attached file\", \"this photo\", \"the painting below\", or an article, page or video given only as a link (\"Summarize the article at https://...\"). Rows with image or audio parts, or an `images`, `videos` or `audios` key, are left out.",
			Why:  "The model cannot see the picture or open the link, yet the answer describes it: it learns to invent what it cannot see, the hallucination you least want.",
			Bad:  `{"instruction": "Describe the painting.", "input": "", "output": "The painting shows a calm lake at dusk..."}`,
			Good: `{"instruction": "Describe Monet's Impression, Sunrise.", "input": "", "output": "It shows the harbour of Le Havre at dawn..."}`,
			Fix:  "Put the content in the prompt (the article's text, a description of the image), give the row to a multimodal trainer with the media attached, or delete it.",
		},
		Row: checkUnseenContent,
	})
}

func checkUnseenContent(c *RowContext) {
	if c.hasMedia() {
		return
	}
	// An Alpaca instruction's "the following painting" is given by the
	// input, unless the input is only a link.
	given := false
	if in := c.Root.Get("input"); c.Format == dataset.Alpaca && in.Kind() == jsonpos.String && !blankValue(in) {
		given = indexLink(in.Raw()) < 0
	}
	// The prompts with a link ("://"), searched once: bit k for span k
	// (and for every span past the 64th, which findUnseen then searches).
	spans := c.spans()
	var links uint64
	for k, s := range spans {
		if s.isPrompt() && (k >= 64 || indexLink(s.text) >= 0) {
			links |= 1 << min(k, 63)
		}
	}
	// The row's prompt text, for a link's context; only rows with a link
	// need it.
	var prompt []byte
	if links != 0 {
		for _, s := range spans {
			if s.isPrompt() {
				prompt = append(append(prompt, s.text...), '\n')
			}
		}
	}
	for k, s := range spans {
		if !s.isPrompt() || c.Format == dataset.PlainText || given && s.field == "instruction" {
			continue
		}
		// The reference stands near the question, at the start or the end
		// of a prompt; the middle of a long one is content, and reading it
		// would cost the most.
		m, link := "", links>>min(k, 63)&1 != 0
		if text := s.text; len(text) > unseenHead+unseenTail {
			if m = findUnseen(text[:unseenHead], prompt, link); m == "" {
				m = findUnseen(text[len(text)-unseenTail:], prompt, link)
			}
		} else {
			m = findUnseen(text, prompt, link)
		}
		if m != "" {
			c.ReportValue("Q011", s.value, nil, "%s refers to %s, which the row does not hold: the model learns to invent it", c.where(&s), m)
		}
	}
}
