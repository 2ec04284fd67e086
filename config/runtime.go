package config

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Go runtime tuning in [global]: memory_limit and gc_percent. They are the
// config form of GOMEMLIMIT and GOGC; the daemon applies them at start and
// on every reload (daemon/runtime_tuning.go), and the environment
// variables, when set, win.

// DefaultGCPercent is gc_percent when the key is absent. Below Go's 100
// because a route server's heap is mostly a long-lived table: measured with
// cmd/rsbench (README "Go runtime memory"), 75 cut the peak RSS by 12–17%
// at every size for 2–5% more convergence time, while 50 gained little
// more memory and cost up to a quarter more CPU.
const DefaultGCPercent = 75

// GCOff is gc_percent = -1: the collector runs only to stay under
// memory_limit (GOGC=off), so it needs one.
const GCOff = -1

// minMemoryLimit refuses limits under which the collector would run almost
// continuously: an empty rsguard already has a heap of tens of MiB.
const minMemoryLimit = 64 << 20

// memoryUnits are GOMEMLIMIT's own suffixes, so a value can be copied
// between the environment and the config unchanged.
var memoryUnits = []struct {
	suffix string
	shift  uint
}{{"TiB", 40}, {"GiB", 30}, {"MiB", 20}, {"KiB", 10}, {"B", 0}}

// ParseMemoryLimit reads a size such as "512MiB" or "1GiB" ("" or "0" =
// no limit) into bytes.
func ParseMemoryLimit(s string) (int64, error) {
	if s == "" || s == "0" {
		return 0, nil
	}
	for _, u := range memoryUnits {
		num, ok := strings.CutSuffix(s, u.suffix)
		if !ok {
			continue
		}
		n, err := strconv.ParseUint(num, 10, 64)
		if err != nil || num == "" || num[0] == '+' {
			break
		}
		if n > math.MaxInt64>>u.shift {
			return 0, fmt.Errorf("%q is too large", s)
		}
		return int64(n << u.shift), nil
	}
	return 0, fmt.Errorf("%q is not a size: want a whole number with a unit B, KiB, MiB, GiB or TiB (as GOMEMLIMIT), like \"512MiB\" or \"2GiB\"; \"0\" or \"\" = no limit", s)
}

// FormatMemoryLimit renders bytes in the largest unit that is exact, the
// inverse of ParseMemoryLimit.
func FormatMemoryLimit(n int64) string {
	if n == 0 {
		return "0"
	}
	for _, u := range memoryUnits {
		if n%(1<<u.shift) == 0 {
			return strconv.FormatInt(n>>u.shift, 10) + u.suffix
		}
	}
	return strconv.FormatInt(n, 10) + "B"
}

func (d *decoder) globalRuntime(g *Global, t *table) {
	if v, at, ok := t.get("memory_limit"); ok {
		switch x := v.(type) {
		case int64:
			if x != 0 {
				d.c.addf(at, "%d has no unit: write a size like \"512MiB\" or \"2GiB\" (0 = no limit)", x)
			}
		case string:
			n, err := ParseMemoryLimit(x)
			switch {
			case err != nil:
				d.c.addf(at, "%v", err)
			case n != 0 && n < minMemoryLimit:
				d.c.addf(at, "%q is below 64MiB: the garbage collector would run almost without pause; 0 = no limit", x)
			default:
				g.MemoryLimit = n
			}
		default:
			d.c.addf(at, "want a size string like \"512MiB\", got %s", typeName(v))
		}
	}
	if n, at, ok := t.integer("gc_percent", GCOff, 10000, " (-1 = off: collect only to stay under memory_limit)"); ok {
		if n >= 0 && n < 10 {
			d.c.addf(at, "%d would collect almost continuously: want 10..10000, or -1 with a memory_limit", n)
		} else {
			g.GCPercent = int(n)
		}
	}
}

// runtime checks what only the whole [global] table can tell.
func (v *validator) runtime() {
	if g := v.c.Global; g.GCPercent == GCOff && g.MemoryLimit == 0 {
		v.col.addf(root.key("global").key("gc_percent"), "-1 (off) needs a memory_limit: without one the heap grows until the host runs out of memory")
	}
}
