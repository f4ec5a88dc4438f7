# The targets the README and CI use. `make test` is the whole test suite.
GO ?= go
# Counted in inputs rather than seconds: a time limit can end a run in the
# middle of an input on a loaded machine and fail it ("context deadline
# exceeded") for no fault of the code.
FUZZTIME ?= 20000x

.PHONY: build test vet unit fuzz editors bench install vsix

build:
	$(GO) build -o bin/ftls ./cmd/ftls

test: vet unit fuzz editors

vet:
	$(GO) mod tidy -diff
	$(GO) vet ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))" || { echo "gofmt needed:"; gofmt -l .; exit 1; }

unit:
	@test -d ../shared/datasets || echo "note: ../shared/datasets is absent: the real-dataset tests (internal/engine/datasets_test.go) are skipped (with CI=true they fail)"
	$(GO) test -count=1 ./...

# A short run of every fuzz target on top of its committed corpus.
fuzz:
	@for target in $$($(GO) run ./internal/fuzztargets); do \
		pkg=$${target%%:*}; name=$${target##*:}; \
		echo "fuzz $$pkg $$name ($(FUZZTIME))"; \
		$(GO) test -run '^$$' -fuzz "^$$name$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	done

# The editor and pipeline integrations, each driven by the real binary:
# headless Neovim (editors/nvim/test: the system's nvim, then Debian 13's
# 0.10, fetched once, skipped when it cannot be), the VS Code extension's
# checks, protocol test and packaging (editors/vscode/test.sh, which runs
# npm ci when needed), the extension in a real VS Code (code-server driven
# by chromium: editors/vscode/e2e/run.sh, which installs code-server once
# into ~/.cache/ftls-vscode-e2e and is skipped, or fails with CI=true, when
# it cannot), and the snippets of docs/editors.md with pre-commit, Emacs
# and the GitHub Actions steps (editors/integrations/test.sh).
editors: build
	bash editors/nvim/test/run.sh $(CURDIR)/bin/ftls
	bash editors/nvim/test/run-0.10.sh $(CURDIR)/bin/ftls
	bash editors/vscode/test.sh $(CURDIR)/bin/ftls
	bash editors/vscode/e2e/run.sh $(CURDIR)/bin/ftls
	bash editors/integrations/test.sh $(CURDIR)/bin/ftls

# The performance record (bench/README.md): ftls check beside jq, a Python
# checker, VS Code's JSON validation and a bare Go parse; near-duplicates;
# the server's latencies. `bash bench/run.sh --large` adds 1M rows.
bench:
	bash bench/run.sh

# The VS Code extension for linux-x64, linux-arm64, darwin-x64, darwin-arm64
# and win32-x64, each with its ftls cross-compiled inside, in dist/vsix/.
vsix:
	bash editors/vscode/vsix.sh $(CURDIR)/dist/vsix

# The binary into $(go env GOBIN) (or ~/go/bin), and the Neovim plugin into
# Neovim's package path.
install:
	$(GO) install ./cmd/ftls
	bash editors/nvim/install.sh
