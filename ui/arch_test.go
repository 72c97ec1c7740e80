package ui

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/vpcscope/vpcscope/"

// imports lists the imports of the non-test files of a package folder.
func imports(t *testing.T, dir string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, im := range af.Imports {
			p, _ := strconv.Unquote(im.Path.Value)
			out = append(out, p)
		}
	}
	return out
}

// TestEachViewIsARoomOfItsOwn keeps the explorer's shape (leg100/pug's): a
// view talks to the others through messages (ui/view), never through
// their types, and never reaches up into the top package; components know
// no view; the presenter, shared with the command line, knows no terminal
// library.
func TestEachViewIsARoomOfItsOwn(t *testing.T) {
	views, err := os.ReadDir("views")
	if err != nil {
		t.Fatal(err)
	}
	rules := []struct {
		dir       string
		forbidden []string
	}{}
	for _, v := range views {
		rules = append(rules, struct {
			dir       string
			forbidden []string
		}{filepath.Join("views", v.Name()), []string{module + "ui/views/", module + "ui\""}})
	}
	comps, _ := os.ReadDir("component")
	for _, c := range comps {
		rules = append(rules, struct {
			dir       string
			forbidden []string
		}{filepath.Join("component", c.Name()), []string{module + "ui/views", module + "ui/view\"", module + "ui/world", module + "ui\""}})
	}
	rules = append(rules, struct {
		dir       string
		forbidden []string
	}{filepath.Join("..", "model", "present"), []string{"github.com/charmbracelet/", module + "ui"}})
	if len(rules) < 10 {
		t.Fatalf("only %d packages checked", len(rules))
	}
	for _, r := range rules {
		self := module + "ui/" + filepath.ToSlash(r.dir)
		for _, im := range imports(t, r.dir) {
			for _, bad := range r.forbidden {
				quoted := im + "\""
				if strings.HasPrefix(quoted, bad) && !strings.HasPrefix(im, self) {
					t.Errorf("%s imports %s", r.dir, im)
				}
			}
		}
	}
}
