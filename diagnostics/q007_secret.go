package diagnostics

func init() {
	register(&Rule{
		Code: "Q007", Name: "secret", Severity: Error,
		Summary: "an API key, token or private key in the text",
		Doc: Doc{
			What: "Reports text that looks like a credential: OpenAI (`sk-...`), Anthropic, AWS (`AKIA...`), GitHub (`ghp_...`, `github_pat_...`), Slack (`xox...`), Google (`AIza...`), Stripe live keys, JSON Web Tokens and PEM private keys.",
			Why:  "A model can memorise and repeat what it is trained on; a key in a training file is also a key shared with everyone who gets the file.",
			Bad:  `{"role": "user", "content": "my key is sk-proj-abcdEFGH1234ijklMNOP5678qrst"}`,
			Good: `{"role": "user", "content": "my key is sk-...redacted"}`,
			Fix:  "Remove the secret and revoke it: it has been exposed.",
		},
		Row: checkSecrets,
	})
}

func checkSecrets(c *RowContext) {
	if !mayHoldSecret(c.Row.Text, false) {
		return
	}
	for i, t := range c.Turns() {
		if !mayHoldSecret(t.Text, true) {
			continue
		}
		for _, s := range secretRes {
			if m := s.re.Find(t.Text); m != nil {
				c.reportTurn("Q007", i, "%s text contains what looks like %s (%s…)", t.Role, s.name, m[:min(len(m), 8)])
				break
			}
		}
	}
}
