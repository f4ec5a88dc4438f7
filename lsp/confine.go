package lsp

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
)

// The server writes files (a split's validation file, dataset_info.txt,
// generated rows) only inside the workspace folders the client named in
// initialize. A document URI is untrusted input: file:///ws/../other,
// file:///ws/%2e%2e/other and a symlink inside the workspace pointing out
// of it all resolve outside and are refused, as is a file URI naming
// another machine (file://host/...). Without any workspace folder (a
// client started on a single file) the folder of the document being acted
// on is the workspace.

// setRoots records the workspace folders of initialize: workspaceFolders,
// else rootUri, else rootPath.
func (s *Server) setRoots(params json.RawMessage) {
	var p struct {
		RootURI          string `json:"rootUri"`
		RootPath         string `json:"rootPath"`
		WorkspaceFolders []struct {
			URI string `json:"uri"`
		} `json:"workspaceFolders"`
	}
	_ = json.Unmarshal(params, &p)
	var roots []string
	for _, f := range p.WorkspaceFolders {
		if d := uriPath(f.URI); d != "" {
			roots = append(roots, resolvePath(d))
		}
	}
	if len(roots) == 0 && p.RootURI != "" {
		if d := uriPath(p.RootURI); d != "" {
			roots = append(roots, resolvePath(d))
		}
	}
	if len(roots) == 0 && p.RootPath != "" {
		roots = append(roots, resolvePath(p.RootPath))
	}
	s.mu.Lock()
	s.roots = roots
	s.mu.Unlock()
}

// resolvePath makes path absolute and clean and resolves the symlinks of
// its longest existing ancestor, so that a link inside the workspace that
// points out of it is seen for what it is.
func resolvePath(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		return filepath.Clean(path)
	}
	rest := ""
	for dir := abs; ; {
		if r, err := filepath.EvalSymlinks(dir); err == nil {
			return filepath.Join(r, rest)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return abs
		}
		rest = filepath.Join(filepath.Base(dir), rest)
		dir = parent
	}
}

func within(root, path string) bool {
	rel, err := filepath.Rel(root, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// errOutsideWorkspace is wrapped by every refusal of checkWrite.
var errOutsideWorkspace = errors.New("outside the workspace")

// checkWrite refuses to write path unless it resolves inside a workspace
// folder (or, without one, inside the folder of the document doc).
func (s *Server) checkWrite(doc, path string) error {
	s.mu.Lock()
	roots := s.roots
	s.mu.Unlock()
	if len(roots) == 0 {
		roots = []string{resolvePath(filepath.Dir(doc))}
	}
	r := resolvePath(path)
	for _, root := range roots {
		if within(root, r) {
			return nil
		}
	}
	shown := path
	if r != filepath.Clean(path) {
		shown += " (" + r + ")"
	}
	return fmt.Errorf("refusing to write %s: it is %w folders (%s); open its folder as a workspace folder to write there", shown, errOutsideWorkspace, strings.Join(roots, ", "))
}

// checkLocalURI refuses a file URI that names another machine; uriPath
// gives such a URI no path.
func checkLocalURI(uri string) error {
	u, err := url.Parse(uri)
	if err != nil {
		return fmt.Errorf("%q is not a valid URI: %v", uri, err)
	}
	if u.Scheme == "file" && !localHost(u.Host) {
		return fmt.Errorf("%s names a file on the machine %q; ftls only reads and writes local files", uri, u.Host)
	}
	return nil
}

func localHost(h string) bool { return h == "" || strings.EqualFold(h, "localhost") }
