package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/ftls-dev/ftls/generator"
	"github.com/ftls-dev/ftls/internal/plan"
)

// confirmPlanEndpoint handles a key withheld from the plan's base URL:
// on a terminal it asks once, records a yes in the user's configuration
// folder and resolves again; otherwise the provider stays without a key
// and the note says how to choose the endpoint. --yes answers nothing here.
func confirmPlanEndpoint(ctx context.Context, p *plan.Plan, prov generator.Provider, opts generator.ResolveOptions, stderr io.Writer) generator.Provider {
	if prov.PlanEndpoint == "" || !isTerminal() {
		if prov.PlanEndpoint != "" {
			prov.Note += fmt.Sprintf("; to send it, pass --base-url %s or run ftls generate on a terminal to confirm it once", generator.RedactURL(prov.PlanEndpoint))
		}
		return prov
	}
	file, _ := generator.TrustFile()
	fmt.Fprintf(stderr, "The plan %s sends the requests to\n  %s\nSend your API key there? Only answer yes if you trust whoever wrote this plan.\nThe answer is remembered for this plan and URL in %s. [y/N] ",
		p.Path, generator.RedactURL(prov.PlanEndpoint), file)
	line, _ := bufio.NewReader(stdin).ReadString('\n')
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes":
	default:
		return prov
	}
	if err := generator.TrustPlanEndpoint(p.Path, prov.PlanEndpoint); err != nil {
		fmt.Fprintln(stderr, "ftls: "+err.Error())
		return prov
	}
	again, err := generator.ResolveProvider(ctx, opts)
	if err != nil {
		return prov
	}
	return again
}
