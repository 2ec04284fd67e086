package config

import (
	"fmt"
	"math"
	"sort"
	"time"
)

// table reads one decoded TOML table. Every getter registers its key as
// known; done() then reports the keys nobody asked for. Type mismatches are
// recorded and the getter reports ok=false, so decoding continues and every
// problem in the document surfaces in one run.
type table struct {
	c     *collector
	at    loc
	m     map[string]any
	known []string
}

// asTable checks that v is a table. A nil v (key absent) yields an empty one.
func asTable(c *collector, at loc, v any) (*table, bool) {
	switch m := v.(type) {
	case nil:
		return &table{c: c, at: at, m: map[string]any{}}, true
	case map[string]any:
		return &table{c: c, at: at, m: m}, true
	}
	c.addf(at, "want a table, got %s", typeName(v))
	return nil, false
}

// get returns the raw value of key and registers the key as known.
func (t *table) get(key string) (any, loc, bool) {
	t.known = append(t.known, key)
	v, ok := t.m[key]
	return v, t.at.key(key), ok
}

func (t *table) str(key string) (string, loc, bool) {
	v, at, ok := t.get(key)
	if !ok {
		return "", at, false
	}
	s, isStr := v.(string)
	if !isStr {
		t.c.addf(at, "want a string, got %s", typeName(v))
		return "", at, false
	}
	return s, at, true
}

func (t *table) boolean(key string) (bool, loc, bool) {
	v, at, ok := t.get(key)
	if !ok {
		return false, at, false
	}
	b, isBool := v.(bool)
	if !isBool {
		t.c.addf(at, "want true or false, got %s", typeName(v))
		return false, at, false
	}
	return b, at, true
}

// integer reads an integer in lo..hi; hint explains the range in words.
func (t *table) integer(key string, lo, hi int64, hint string) (int64, loc, bool) {
	v, at, ok := t.get(key)
	if !ok {
		return 0, at, false
	}
	n, ok := checkInt(t.c, at, v, lo, hi, hint)
	return n, at, ok
}

func checkInt(c *collector, at loc, v any, lo, hi int64, hint string) (int64, bool) {
	n, isInt := v.(int64)
	if !isInt {
		c.addf(at, "want an integer, got %s", typeName(v))
		return 0, false
	}
	if n < lo || n > hi {
		c.addf(at, "%d is out of range %d..%d%s", n, lo, hi, hint)
		return 0, false
	}
	return n, true
}

// number reads a float; integers are accepted too ("reuse = 750").
func (t *table) number(key string) (float64, loc, bool) {
	v, at, ok := t.get(key)
	if !ok {
		return 0, at, false
	}
	switch n := v.(type) {
	case float64:
		if math.IsNaN(n) || math.IsInf(n, 0) {
			t.c.addf(at, "want a finite number, got %v", n)
			return 0, at, false
		}
		return n, at, true
	case int64:
		return float64(n), at, true
	}
	t.c.addf(at, "want a number, got %s", typeName(v))
	return 0, at, false
}

// duration reads a Go duration string such as "6h" or "15m".
func (t *table) duration(key string) (time.Duration, loc, bool) {
	s, at, ok := t.str(key)
	if !ok {
		return 0, at, false
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		t.c.addf(at, "%q is not a duration: want a number with a unit, like \"90s\", \"15m\" or \"6h\"", s)
		return 0, at, false
	}
	return d, at, true
}

// list reads an array and returns its elements with their locations.
func (t *table) list(key string) ([]any, []loc, bool) {
	v, at, ok := t.get(key)
	if !ok {
		return nil, nil, false
	}
	arr, isArr := v.([]any)
	if !isArr {
		t.c.addf(at, "want an array, got %s", typeName(v))
		return nil, nil, false
	}
	locs := make([]loc, len(arr))
	for i := range arr {
		locs[i] = at.index(i)
	}
	return arr, locs, true
}

// strList reads an array of strings. Elements of another type are reported
// one by one and left out.
func (t *table) strList(key string) ([]string, []loc, bool) {
	arr, locs, ok := t.list(key)
	if !ok {
		return nil, nil, false
	}
	out := make([]string, 0, len(arr))
	outLocs := make([]loc, 0, len(arr))
	for i, v := range arr {
		s, isStr := v.(string)
		if !isStr {
			t.c.addf(locs[i], "want a string, got %s", typeName(v))
			continue
		}
		out = append(out, s)
		outLocs = append(outLocs, locs[i])
	}
	return out, outLocs, true
}

// done reports every key of the table that no getter asked for, in document
// order, with a suggestion when a known key is a likely typo.
func (t *table) done() {
	known := map[string]bool{}
	for _, k := range t.known {
		known[k] = true
	}
	var unknown []string
	for k := range t.m {
		if !known[k] {
			unknown = append(unknown, k)
		}
	}
	sort.Slice(unknown, func(i, j int) bool {
		li, lj := t.c.pos.line(t.at.key(unknown[i]).path), t.c.pos.line(t.at.key(unknown[j]).path)
		if li != lj {
			return li < lj
		}
		return unknown[i] < unknown[j]
	})
	for _, k := range unknown {
		msg := "unknown key"
		if s := suggest(k, t.known); s != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", s)
		}
		t.c.addf(t.at.key(k), "%s", msg)
	}
}

// typeName describes a decoded TOML value for error messages.
func typeName(v any) string {
	switch x := v.(type) {
	case string:
		return fmt.Sprintf("string %q", x)
	case int64:
		return fmt.Sprintf("integer %d", x)
	case float64:
		return fmt.Sprintf("float %v", x)
	case bool:
		return fmt.Sprintf("boolean %v", x)
	case []any:
		return "an array"
	case []map[string]any:
		return "an array of tables"
	case map[string]any:
		return "a table"
	case time.Time:
		return "a datetime"
	case nil:
		return "nothing"
	}
	return fmt.Sprintf("%T", v)
}
