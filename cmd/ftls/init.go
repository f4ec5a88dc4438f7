package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/pflag"
	"golang.org/x/term"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/internal/atomicfile"
	"github.com/ftls-dev/ftls/internal/plan"
)

// stdin is where `ftls init` reads answers and what - names for check,
// stats and fix; tests replace it.
var stdin io.Reader = os.Stdin

// isTerminal reports whether answers can be asked for interactively; tests
// replace it.
var isTerminal = func() bool { return term.IsTerminal(int(os.Stdin.Fd())) }

// defaultPlanFile is the file `ftls init` writes without an argument.
const defaultPlanFile = "dataset" + plan.Suffix

var errCancelled = errors.New("init cancelled at end of input; nothing was written")

func runInit(args []string, stdout, stderr io.Writer) int {
	fs := pflag.NewFlagSet("init", pflag.ContinueOnError)
	fs.SetOutput(stderr)
	// Every question has a flag of the same name; the values are parsed by
	// the question itself, so flags accept what the prompt accepts
	// ("20%" as well as 0.2).
	questions := plan.Questions()
	values := map[string]*string{}
	help := map[string]string{
		"task-type":        "what the model is trained to do (default " + plan.DefaultTaskType + ")",
		"domain":           "domain or subject (default " + plan.DefaultDomain + ")",
		"complexity":       "simple, medium, complex or domain-adaptation (default " + plan.DefaultComplexity + ")",
		"examples":         "number of examples (default: the recommendation for the complexity)",
		"categories":       "category names, comma-separated",
		"tone":             "tone of the answers (default " + plan.DefaultTone + ")",
		"response-length":  "brief, moderate, detailed or step-by-step (default " + plan.DefaultResponseLength + ")",
		"multi-turn":       "share of multi-turn conversations, 0-1 or a percentage (default 0.2)",
		"validation-split": "share held out for validation, 0-1 or a percentage (default 0.1)",
		"model":            "model that generates examples (default " + plan.DefaultModel + ")",
	}
	for _, q := range questions {
		values[q.Name] = fs.String(q.Name, "", help[q.Name])
	}
	description := fs.String("description", "", "one or two sentences on what the assistant does")
	force := fs.BoolP("force", "f", false, "overwrite FILE if it exists")
	yes := fs.BoolP("yes", "y", false, "do not ask; take the defaults for everything not given by flags")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: ftls init [flags] [FILE]\n\nWrites a commented starter plan to FILE (default %s). On a terminal, without\n--yes or answer flags, it asks the requirement questions; otherwise unanswered\nquestions take their defaults. It never overwrites a file without --force.\n\nFlags:\n", defaultPlanFile)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if !errors.Is(err, pflag.ErrHelp) {
			fmt.Fprintf(stderr, "ftls init: %v (see `ftls init --help`)\n", err)
		}
		return flagError(stderr, err)
	}
	if fs.NArg() > 1 {
		fs.Usage()
		return exitUsage
	}
	file := defaultPlanFile
	if fs.NArg() == 1 {
		file = fs.Arg(0)
	}
	if st, err := os.Stat(file); err == nil && st.IsDir() {
		file = filepath.Join(file, defaultPlanFile)
	}
	if err := refuseOverwrite(file, *force); err != nil {
		return fail(stderr, err)
	}

	a := plan.DefaultAnswers()
	a.Description = *description
	answered := fs.Changed("description")
	for _, q := range questions {
		if !fs.Changed(q.Name) {
			continue
		}
		answered = true
		if _, err := q.Set(&a, strings.TrimSpace(*values[q.Name])); err != nil {
			return fail(stderr, fmt.Errorf("--%s %q: %v", q.Name, *values[q.Name], err))
		}
	}
	if !fs.Changed("examples") && fs.Changed("complexity") {
		a.Examples = 0 // the recommendation for the chosen complexity
	}
	if !*yes && !answered && isTerminal() {
		fmt.Fprintf(stdout, "Writing %s. Press Enter to keep the value in brackets.\n\n", file)
		if err := ask(&a, questions, bufio.NewReader(stdin), stdout); err != nil {
			return fail(stderr, err)
		}
		fmt.Fprintln(stdout)
	}
	if err := a.Validate(); err != nil {
		return fail(stderr, err)
	}

	data := plan.Starter(a)
	_, diags := plan.Parse(file, data)
	for _, d := range diags {
		if d.Severity == diagnostics.Error {
			return fail(stderr, fmt.Errorf("internal error: the starter plan has a problem: %s %s", d.Code, d.Message))
		}
	}
	// Asking took time: check again just before writing.
	if err := refuseOverwrite(file, *force); err != nil {
		return fail(stderr, err)
	}
	if err := atomicfile.WriteFile(file, data); err != nil {
		return fail(stderr, err)
	}
	fmt.Fprintf(stdout, "wrote %s\n", file)
	for _, d := range diags {
		fmt.Fprintf(stdout, "  note: %s %s\n", d.Code, d.Message)
	}
	if !strings.HasSuffix(file, plan.Suffix) {
		fmt.Fprintf(stdout, "  note: ftls finds plans by their %s suffix; pass --plan %s to use this one\n", plan.Suffix, file)
	}
	fmt.Fprintf(stdout, "Next: describe the task and the categories in %s, then run `ftls check %s`.\n", file, file)
	return exitOK
}

func refuseOverwrite(file string, force bool) error {
	if force {
		return nil
	}
	if _, err := os.Lstat(file); err == nil {
		return fmt.Errorf("%s already exists; use --force to overwrite it", file)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// ask puts each question with its current answer in brackets, and asks
// again until the reply is valid. An empty reply keeps the answer.
func ask(a *plan.Answers, questions []plan.Question, in *bufio.Reader, out io.Writer) error {
	for _, q := range questions {
		for {
			fmt.Fprintf(out, "%s [%s] ", q.Prompt, q.Default(*a))
			line, err := in.ReadString('\n')
			if err != nil && line == "" {
				fmt.Fprintln(out)
				if errors.Is(err, io.EOF) {
					return errCancelled
				}
				return err
			}
			reply := strings.TrimSpace(line)
			if reply == "" {
				break
			}
			note, err := q.Set(a, reply)
			if err != nil {
				fmt.Fprintf(out, "  %v\n", err)
				continue
			}
			if note != "" {
				fmt.Fprintf(out, "  %s\n", note)
			}
			break
		}
	}
	return nil
}
