package config

import (
	"strconv"
	"strings"
)

// positions maps a value's path ("peers[1].prefixes[0]") to the 1-based line
// where it is written. BurntSushi/toml keeps key positions private, so the
// index is rebuilt here by a small scanner that only needs to understand
// enough TOML to follow headers, keys, strings, arrays and inline tables. It
// runs after toml has accepted the document, so it may assume valid syntax,
// but it never panics and always terminates on arbitrary input.
type positions map[string]int

// line returns the line of path, or of its nearest parent that is written
// down (a missing key is reported at its table's header), or 0.
func (p positions) line(path string) int {
	for {
		if n, ok := p[path]; ok {
			return n
		}
		if path == "" {
			return 0
		}
		path = parentPath(path)
	}
}

func (p positions) setOnce(path string, line int) {
	if _, ok := p[path]; !ok && path != "" {
		p[path] = line
	}
}

// indexPositions scans doc and records where each table, key and array
// element starts.
func indexPositions(doc string) positions {
	s := &scanner{src: doc, line: 1, pos: positions{}, aot: map[string]int{}}
	s.document()
	return s.pos
}

type scanner struct {
	src  string
	i    int
	line int
	pos  positions
	// aot holds, for each array of tables (keyed by its path without the
	// index), the index of its last element, so "[[peers]]" headers count.
	aot   map[string]int
	table string // path of the current [table]
}

func (s *scanner) eof() bool  { return s.i >= len(s.src) }
func (s *scanner) peek() byte { return s.src[s.i] }

func (s *scanner) advance() {
	if s.src[s.i] == '\n' {
		s.line++
	}
	s.i++
}

func (s *scanner) skipSpace() {
	for !s.eof() && (s.peek() == ' ' || s.peek() == '\t' || s.peek() == '\r') {
		s.i++
	}
}

// skipSpaceNL skips blanks, newlines and comments (inside arrays).
func (s *scanner) skipSpaceNL() {
	for !s.eof() {
		switch s.peek() {
		case ' ', '\t', '\r', '\n':
			s.advance()
		case '#':
			s.skipLine()
		default:
			return
		}
	}
}

// skipLine moves to the start of the next line.
func (s *scanner) skipLine() {
	for !s.eof() && s.peek() != '\n' {
		s.i++
	}
	if !s.eof() {
		s.advance()
	}
}

func (s *scanner) document() {
	for !s.eof() {
		start := s.i
		s.skipSpaceNL()
		if s.eof() {
			return
		}
		switch {
		case strings.HasPrefix(s.src[s.i:], "[["):
			s.i += 2
			s.arrayTableHeader(s.keyPath())
		case s.peek() == '[':
			s.i++
			s.tableHeader(s.keyPath())
		default:
			s.keyValue(s.table)
		}
		s.skipLine()
		if s.i == start { // defensive: never loop without progress
			s.i++
		}
	}
}

// resolve turns header keys into a path, indexing every array of tables on
// the way: after "[[peers]]" twice, "[peers.sub]" lives at "peers[1].sub".
func (s *scanner) resolve(keys []string) string {
	p := ""
	for _, k := range keys {
		p = joinPath(p, k)
		if n, ok := s.aot[p]; ok {
			p += "[" + strconv.Itoa(n) + "]"
		}
	}
	return p
}

func (s *scanner) tableHeader(keys []string) {
	if len(keys) == 0 {
		return
	}
	s.table = s.resolve(keys)
	s.pos.setOnce(s.table, s.line)
}

func (s *scanner) arrayTableHeader(keys []string) {
	if len(keys) == 0 {
		return
	}
	name := joinPath(s.resolve(keys[:len(keys)-1]), keys[len(keys)-1])
	n, ok := s.aot[name]
	if ok {
		n++
	}
	s.aot[name] = n
	s.pos.setOnce(name, s.line)
	s.table = name + "[" + strconv.Itoa(n) + "]"
	s.pos.setOnce(s.table, s.line)
}

// keyValue records `a.b = value` under table, including its dotted parents,
// then scans the value for nested positions.
func (s *scanner) keyValue(table string) {
	line := s.line
	keys := s.keyPath()
	if len(keys) == 0 {
		return
	}
	p := table
	for _, k := range keys {
		p = joinPath(p, k)
		s.pos.setOnce(p, line)
	}
	s.skipSpace()
	if s.eof() || s.peek() != '=' {
		return
	}
	s.i++
	s.skipSpace()
	s.value(p)
}

// keyPath reads a possibly dotted, possibly quoted key and stops after it
// (and after a closing "]" or "]]" for headers).
func (s *scanner) keyPath() []string {
	var keys []string
	for !s.eof() {
		s.skipSpace()
		if s.eof() {
			break
		}
		k, ok := s.simpleKey()
		if !ok {
			break
		}
		keys = append(keys, k)
		s.skipSpace()
		if s.eof() || s.peek() != '.' {
			break
		}
		s.i++
	}
	for !s.eof() && s.peek() == ']' {
		s.i++
	}
	return keys
}

func (s *scanner) simpleKey() (string, bool) {
	switch c := s.peek(); {
	case c == '"':
		return s.basicString(), true
	case c == '\'':
		return s.literalString(), true
	case isBareKeyChar(c):
		start := s.i
		for !s.eof() && isBareKeyChar(s.peek()) {
			s.i++
		}
		return s.src[start:s.i], true
	}
	return "", false
}

func isBareKeyChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

// value scans one value starting at the current position and records the
// positions of array elements and inline-table keys below path.
func (s *scanner) value(path string) {
	if s.eof() {
		return
	}
	switch c := s.peek(); c {
	case '[':
		s.i++
		for n := 0; !s.eof(); n++ {
			s.skipSpaceNL()
			if s.eof() || s.peek() == ']' {
				break
			}
			elem := path + "[" + strconv.Itoa(n) + "]"
			s.pos.setOnce(elem, s.line)
			start := s.i
			s.value(elem)
			s.skipSpaceNL()
			if !s.eof() && s.peek() == ',' {
				s.i++
			} else if s.i == start {
				s.i++ // unexpected byte: skip it rather than spin
			}
		}
		if !s.eof() {
			s.i++
		}
	case '{':
		s.i++
		for !s.eof() {
			s.skipSpaceNL()
			if s.eof() || s.peek() == '}' {
				break
			}
			start := s.i
			s.keyValue(path)
			s.skipSpaceNL()
			if !s.eof() && s.peek() == ',' {
				s.i++
			} else if s.i == start {
				s.i++
			}
		}
		if !s.eof() {
			s.i++
		}
	case '"':
		s.basicString()
	case '\'':
		s.literalString()
	default:
		for !s.eof() && !strings.ContainsRune(",]}#\n \t\r", rune(s.peek())) {
			s.i++
		}
	}
}

// basicString consumes "..." or """...""" and returns the raw contents with
// \" and \\ unescaped (enough to match key names).
func (s *scanner) basicString() string {
	if strings.HasPrefix(s.src[s.i:], `"""`) {
		s.i += 3
		return s.until(`"""`, true)
	}
	s.i++
	var b strings.Builder
	for !s.eof() && s.peek() != '"' && s.peek() != '\n' {
		if s.peek() == '\\' && s.i+1 < len(s.src) && s.src[s.i+1] != '\n' {
			s.i++
		}
		b.WriteByte(s.peek())
		s.i++
	}
	if !s.eof() && s.peek() == '"' {
		s.i++
	}
	return b.String()
}

func (s *scanner) literalString() string {
	if strings.HasPrefix(s.src[s.i:], "'''") {
		s.i += 3
		return s.until("'''", false)
	}
	s.i++
	start := s.i
	for !s.eof() && s.peek() != '\'' && s.peek() != '\n' {
		s.i++
	}
	v := s.src[start:s.i]
	if !s.eof() && s.peek() == '\'' {
		s.i++
	}
	return v
}

// until consumes a multi-line string body up to and including end, counting
// lines. TOML lets up to two extra quotes sit before the closing delimiter.
func (s *scanner) until(end string, escapes bool) string {
	start := s.i
	for !s.eof() {
		if escapes && s.peek() == '\\' && s.i+1 < len(s.src) {
			s.advance()
			s.advance()
			continue
		}
		if strings.HasPrefix(s.src[s.i:], end) {
			for s.i+len(end) < len(s.src) && s.src[s.i+len(end)] == end[0] {
				s.i++
			}
			v := s.src[start:s.i]
			s.i += len(end)
			return v
		}
		s.advance()
	}
	return s.src[start:]
}
