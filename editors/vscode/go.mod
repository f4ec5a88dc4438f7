// This folder holds node code; the go.mod only keeps the Go packages that
// npm installs under node_modules out of the ftls module (./..., go vet,
// go install).
module github.com/ftls-dev/ftls/editors/vscode

go 1.26
