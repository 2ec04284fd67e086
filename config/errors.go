package config

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Error is one configuration problem, located as precisely as the document
// allows. Key uses the TOML key names, with array indices and the peer name
// where known: `peers[1] (ix-a).prefixes[0]`.
type Error struct {
	File string // file name as given to Load or Parse
	Line int    // 1-based; 0 when the key does not appear in the document
	Key  string // dotted key path; empty for document-level syntax errors
	Msg  string
}

// Error renders "file:line: key: msg", leaving out the parts that are unknown.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		if e.File != "" {
			b.WriteByte(':')
		} else {
			b.WriteString("line ")
		}
		b.WriteString(strconv.Itoa(e.Line))
	}
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	if e.Key != "" {
		b.WriteString(e.Key)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Errors is every problem found in one document. Operators fix a config in
// one round trip when they see all of them at once, as with OpenBGPD's
// yyerror, instead of one per run.
type Errors struct {
	List []*Error
}

// Error prints one problem per line, in document order.
func (e *Errors) Error() string {
	lines := make([]string, len(e.List))
	for i, x := range e.List {
		lines[i] = x.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap exposes each *Error to errors.Is and errors.As.
func (e *Errors) Unwrap() []error {
	out := make([]error, len(e.List))
	for i, x := range e.List {
		out[i] = x
	}
	return out
}

// collector gathers errors while the document is decoded and validated.
// bad remembers the paths that already failed, so a later check on the same
// value (a "required" after a type error, say) does not report it twice.
type collector struct {
	file string
	pos  positions
	errs []*Error
	bad  map[string]bool
}

func newCollector(file string, pos positions) *collector {
	return &collector{file: file, pos: pos, bad: map[string]bool{}}
}

// addf records a problem at l unless l or one of its parents already failed.
func (c *collector) addf(l loc, format string, args ...any) {
	if c.covered(l.path) {
		return
	}
	c.bad[l.path] = true
	c.errs = append(c.errs, &Error{File: c.file, Line: c.pos.line(l.path), Key: l.display, Msg: fmt.Sprintf(format, args...)})
}

// addAt records a problem under key l but at the line of another path, for
// a value whose fault is best shown where a related key is written.
func (c *collector) addAt(l loc, linePath string, format string, args ...any) {
	if c.covered(l.path) {
		return
	}
	c.bad[l.path] = true
	c.errs = append(c.errs, &Error{File: c.file, Line: c.pos.line(linePath), Key: l.display, Msg: fmt.Sprintf(format, args...)})
}

func (c *collector) covered(path string) bool {
	for p := path; ; p = parentPath(p) {
		if c.bad[p] {
			return true
		}
		if p == "" {
			return false
		}
	}
}

// err returns nil or an *Errors sorted by line (unlocated ones last), so the
// output reads top to bottom like the file.
func (c *collector) err() error {
	if len(c.errs) == 0 {
		return nil
	}
	list := append([]*Error(nil), c.errs...)
	sort.SliceStable(list, func(i, j int) bool {
		a, b := list[i].Line, list[j].Line
		if a == 0 || b == 0 {
			return a != 0 && b == 0
		}
		return a < b
	})
	return &Errors{List: list}
}
