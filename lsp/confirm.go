package lsp

import (
	"context"

	"github.com/ftls-dev/ftls/generator"
	"github.com/ftls-dev/ftls/internal/plan"
	"github.com/ftls-dev/ftls/lsp/protocol"
)

// confirmRun asks the user to confirm a run that calls a model (generate,
// review) with window/showMessageRequest, from a goroutine. The endpoint
// is named in msg because the plan can set it: a plan from someone else's
// repository must not receive the key unnoticed. The rule is
// ResolveProvider's, as on the command line; when the plan chose the
// endpoint, the user may trust it (recorded in the user's configuration
// folder, never the workspace) and the provider is resolved again with the
// key. ok is false when the user declined.
func (s *Server) confirmRun(ctx context.Context, verb, msg string, prov generator.Provider, pl *plan.Plan, resolve generator.ResolveOptions) (generator.Provider, bool, error) {
	var answer *protocol.MessageActionItem
	actions := []protocol.MessageActionItem{{Title: verb}, {Title: "Cancel"}}
	without := verb + " without the key"
	trust := "Send my API key there and " + lower(verb)
	if prov.PlanEndpoint != "" {
		msg += ". The plan chose this endpoint and your API key is not sent to it unless you trust it (remembered for this plan)."
		actions = []protocol.MessageActionItem{{Title: without}, {Title: trust}, {Title: "Cancel"}}
	}
	s.callSync("window/showMessageRequest", protocol.ShowMessageRequestParams{
		Type: protocol.MessageInfo, Message: msg, Actions: actions,
	}, &answer)
	if answer == nil || (answer.Title != verb && answer.Title != without && answer.Title != trust) {
		return prov, false, nil
	}
	if answer.Title != trust || pl == nil {
		return prov, true, nil
	}
	if err := generator.TrustPlanEndpoint(pl.Path, prov.PlanEndpoint); err != nil {
		return prov, false, err
	}
	again, err := generator.ResolveProvider(ctx, resolve)
	if err != nil {
		return prov, false, err
	}
	return again, true, nil
}

func lower(s string) string {
	if s == "" {
		return s
	}
	return string(s[0]|0x20) + s[1:]
}
