package logkeys

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var snakeCase = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)

// moduleRoot is two levels up from internal/logkeys.
const moduleRoot = "../.."

func TestLogKeysAreSnakeCase(t *testing.T) {
	var keys int
	err := filepath.WalkDir(moduleRoot, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != moduleRoot && (strings.HasPrefix(name, ".") || name == "proto" || name == "testdata" || name == "third_party") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		for _, k := range logKeys(t, path) {
			keys++
			if !snakeCase.MatchString(k.name) {
				t.Errorf("%s: log key %q is not snake_case", k.pos, k.name)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if keys < 50 {
		t.Fatalf("found only %d log keys: the walk is broken", keys)
	}
}

type key struct {
	name string
	pos  token.Position
}

// logKeys finds literal keys of WithField calls and logrus.Fields literals.
func logKeys(t *testing.T, path string) []key {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, 0)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var out []key
	lit := func(e ast.Expr) {
		if b, ok := e.(*ast.BasicLit); ok && b.Kind == token.STRING {
			if s, err := strconv.Unquote(b.Value); err == nil {
				out = append(out, key{s, fset.Position(b.Pos())})
			}
		}
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			if sel, ok := n.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "WithField" && len(n.Args) == 2 {
				lit(n.Args[0])
			}
		case *ast.CompositeLit:
			if sel, ok := n.Type.(*ast.SelectorExpr); ok && sel.Sel.Name == "Fields" {
				for _, el := range n.Elts {
					if kv, ok := el.(*ast.KeyValueExpr); ok {
						lit(kv.Key)
					}
				}
			}
		}
		return true
	})
	return out
}
