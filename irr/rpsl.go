package irr

import (
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// MaxRPSLLine bounds one physical line of RPSL input. Real aut-num objects
// have long policy lines, but nothing near this.
const MaxRPSLLine = 64 << 10

// Attribute is one "name: value" line of an object with its continuation
// lines joined by "\n" and comments removed.
type Attribute struct {
	Name  string // lower case
	Value string
	Line  int
}

// Object is one RPSL paragraph that passed validation.
type Object struct {
	Class  string // lower case, e.g. "route6"
	Key    string // primary key as written (trimmed, comments removed)
	Source string // upper case
	Attrs  []Attribute
	File   string
	Line   int    // line of the class attribute
	Text   string // the paragraph without comment lines, for object queries
}

// Values returns every value of the named attribute.
func (o *Object) Values(name string) []string {
	var out []string
	for _, a := range o.Attrs {
		if a.Name == name {
			out = append(out, a.Value)
		}
	}
	return out
}

// First returns the first value of the named attribute, or "".
func (o *Object) First(name string) string {
	for _, a := range o.Attrs {
		if a.Name == name {
			return a.Value
		}
	}
	return ""
}

// List splits every value of a list attribute on commas and whitespace:
// real data uses both, and bgpq4 splits server answers on spaces.
func (o *Object) List(name string) []string {
	var out []string
	for _, v := range o.Values(name) {
		out = append(out, splitList(v)...)
	}
	return out
}

func splitList(v string) []string {
	return strings.FieldsFunc(v, func(r rune) bool {
		return r == ',' || r == ' ' || r == '\t' || r == '\n' || r == '\r'
	})
}

// Warning names an object that was skipped, or a value that was ignored.
type Warning struct {
	File string
	Line int
	Msg  string
}

func (w Warning) String() string { return fmt.Sprintf("%s:%d: %s", w.File, w.Line, w.Msg) }

// OpenRPSL opens a plain or gzip-compressed dump. gzip is recognised by its
// magic bytes, not by the name, so a renamed file still works.
func OpenRPSL(path string) (io.ReadCloser, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	br := bufio.NewReaderSize(f, 64<<10)
	magic, _ := br.Peek(2)
	if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return struct {
			io.Reader
			io.Closer
		}{zr, f}, nil
	}
	return struct {
		io.Reader
		io.Closer
	}{br, f}, nil
}

// ParseFile parses one dump file (plain or .gz).
func ParseFile(path string) ([]*Object, []Warning, error) {
	rc, err := OpenRPSL(path)
	if err != nil {
		return nil, nil, err
	}
	defer rc.Close()
	var objs []*Object
	warns, err := ParseRPSL(rc, path, func(o *Object) { objs = append(objs, o) })
	return objs, warns, err
}

// paragraph collects the raw lines of one object before validation.
type paragraph struct {
	startLine int
	attrs     []Attribute
	text      []string
	bad       *Warning // first structural problem; the object is skipped
}

// ParseRPSL reads RPSL paragraphs from r and calls emit for every valid
// object. Malformed objects are skipped with a Warning naming file and line.
// The error is only for I/O failures (including a truncated gzip stream).
func ParseRPSL(r io.Reader, file string, emit func(*Object)) ([]Warning, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	var warns []Warning
	var cur *paragraph
	flush := func() {
		if cur == nil {
			return
		}
		if cur.bad != nil {
			warns = append(warns, *cur.bad)
		} else if o, w := buildObject(cur, file); w != nil {
			warns = append(warns, *w)
		} else {
			emit(o)
		}
		cur = nil
	}
	lineNo := 0
	for {
		raw, tooLong, err := readLine(br)
		if err != nil && !errors.Is(err, io.EOF) {
			flush()
			return warns, fmt.Errorf("%s:%d: %w", file, lineNo+1, err)
		}
		if raw == "" && !tooLong && errors.Is(err, io.EOF) {
			break
		}
		lineNo++
		// Only a truly empty line ends an object: IRRd treats a line of
		// blanks as an (empty) continuation line.
		if strings.TrimRight(raw, "\r\n") == "" {
			flush()
			continue
		}
		line := strings.TrimRight(raw, " \t\r\n")
		switch {
		case line == "":
			// A blank continuation line inside an object.
			if cur != nil && len(cur.attrs) > 0 {
				cur.text = append(cur.text, "+")
			}
		case line[0] == '#' || line[0] == '%':
			// Dump and whois comments, between or inside paragraphs.
		case tooLong:
			if cur == nil {
				cur = &paragraph{startLine: lineNo}
			}
			if cur.bad == nil {
				cur.bad = &Warning{file, lineNo, fmt.Sprintf("line longer than %d bytes", MaxRPSLLine)}
			}
		case line[0] == ' ' || line[0] == '\t' || line[0] == '+':
			if cur == nil || len(cur.attrs) == 0 {
				if cur == nil {
					cur = &paragraph{startLine: lineNo}
				}
				if cur.bad == nil {
					cur.bad = &Warning{file, lineNo, "continuation line without an attribute"}
				}
				continue
			}
			cur.text = append(cur.text, line)
			piece := stripComment(line[1:])
			a := &cur.attrs[len(cur.attrs)-1]
			if piece != "" {
				if a.Value == "" {
					a.Value = piece
				} else {
					a.Value += "\n" + piece
				}
			}
		default:
			if cur == nil {
				cur = &paragraph{startLine: lineNo}
			}
			name, value, ok := splitAttr(line)
			if !ok {
				if cur.bad == nil {
					cur.bad = &Warning{file, lineNo, fmt.Sprintf("line is neither an attribute nor a continuation: %q", truncate(line, 40))}
				}
				continue
			}
			if name == "rpki-ov-state" {
				continue // added by servers, never part of the object
			}
			cur.text = append(cur.text, line)
			cur.attrs = append(cur.attrs, Attribute{Name: name, Value: stripComment(value), Line: lineNo})
		}
		if errors.Is(err, io.EOF) {
			break
		}
	}
	flush()
	return warns, nil
}

// readLine returns one line without its size being unbounded: a longer
// line is drained and reported as tooLong.
func readLine(br *bufio.Reader) (line string, tooLong bool, err error) {
	var sb strings.Builder
	for {
		chunk, isPrefix, err := br.ReadLine()
		if err != nil {
			if errors.Is(err, io.EOF) && (sb.Len() > 0 || tooLong) {
				return sb.String(), tooLong, io.EOF
			}
			if errors.Is(err, io.EOF) {
				return "", false, io.EOF
			}
			return "", false, err
		}
		if sb.Len()+len(chunk) > MaxRPSLLine {
			tooLong = true
		} else {
			sb.Write(chunk)
		}
		if !isPrefix {
			return sb.String(), tooLong, nil
		}
	}
}

// splitAttr splits "name: value". Names match [A-Za-z0-9_-]+ (plus a
// leading "*" for the legacy "*xx" pseudo-classes, recognised later).
func splitAttr(line string) (name, value string, ok bool) {
	i := strings.IndexByte(line, ':')
	if i <= 0 {
		return "", "", false
	}
	name = line[:i]
	for j := 0; j < len(name); j++ {
		c := name[j]
		valid := c == '-' || c == '_' || (c >= '0' && c <= '9') || (c|0x20 >= 'a' && c|0x20 <= 'z') || (c == '*' && j == 0)
		if !valid {
			return "", "", false
		}
	}
	return strings.ToLower(name), strings.TrimSpace(line[i+1:]), true
}

// stripComment removes a trailing "# ..." and surrounding blanks.
func stripComment(s string) string {
	if i := strings.IndexByte(s, '#'); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
