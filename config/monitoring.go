package config

import (
	"fmt"
	"net/netip"
	"regexp"
	"strings"
	"time"
)

// BMPStation is one [[bmp]] entry: a BMP (RFC 7854) collector rsguard
// connects to and streams every peer's routes to. There is none by
// default: a station receives every route of every client, so each one is
// named by address on purpose.
type BMPStation struct {
	Address netip.Addr
	Port    uint16
	// RouteMonitoring is BMPPre, BMPPost or BMPBoth: which Adj-RIB-In
	// view the Route Monitoring messages carry.
	RouteMonitoring string
	// StatisticsInterval between Statistics Reports; 0 sends none.
	StatisticsInterval time.Duration
}

// MRT is the [mrt] table: RFC 6396 files under <state_dir>/mrt. It is off
// unless dump_interval is set or update_log is on.
type MRT struct {
	DumpInterval time.Duration // TABLE_DUMP_V2 of every peer's Adj-RIB-In; 0 = none
	UpdateLog    bool          // BGP4MP log of every received UPDATE
	Rotation     time.Duration // the update log moves to a new file this often
	Retention    int           // files of each kind kept; older ones are deleted
	// TableFile and UpdatesFile name the files: literal text and the
	// strftime verbs %Y %m %d %H %M %S (UTC), e.g. "rib.%Y%m%d.%H%M".
	TableFile, UpdatesFile string
}

// Enabled reports whether any MRT file is written.
func (m MRT) Enabled() bool { return m.DumpInterval > 0 || m.UpdateLog }

// Accepted values and defaults of [[bmp]] and [mrt].
const (
	BMPPre  = "pre"  // what each peer sent, before the import policy
	BMPPost = "post" // what rsguard accepted
	BMPBoth = "both"

	DefaultBMPPort               = 11019 // IANA-less but universal (OpenBMP, pmacct)
	DefaultBMPStatisticsInterval = time.Minute
	DefaultMRTRotation           = 15 * time.Minute
	DefaultMRTRetention          = 96 // a day of 15-minute update files
	DefaultMRTTableFile          = "rib.%Y%m%d.%H%M%S"
	DefaultMRTUpdatesFile        = "updates.%Y%m%d.%H%M%S"
	minMRTInterval               = time.Minute
	minBMPStatistics             = time.Second
)

func defaultMRT() MRT {
	return MRT{Rotation: DefaultMRTRotation, Retention: DefaultMRTRetention,
		TableFile: DefaultMRTTableFile, UpdatesFile: DefaultMRTUpdatesFile}
}

func (d *decoder) bmpStations(at loc, v any) []BMPStation {
	var out []BMPStation
	for i, raw := range d.arrayOfTables(at, v, "[[bmp]]") {
		t, ok := asTable(d.c, at.index(i), raw)
		if !ok {
			continue
		}
		st := BMPStation{Port: DefaultBMPPort, RouteMonitoring: BMPBoth, StatisticsInterval: DefaultBMPStatisticsInterval}
		if s, at, ok := t.str("address"); ok {
			st.Address = d.addr(at, s)
		}
		if n, _, ok := t.integer("port", 1, 65535, ""); ok {
			st.Port = uint16(n)
		}
		if s, _, ok := t.str("route_monitoring"); ok {
			st.RouteMonitoring = s
		}
		if v, _, ok := t.duration("statistics_interval"); ok {
			st.StatisticsInterval = v
		}
		t.done()
		out = append(out, st)
	}
	return out
}

// arrayOfTables accepts both [[name]] and name = [{...}, ...].
func (d *decoder) arrayOfTables(at loc, v any, what string) []any {
	switch x := v.(type) {
	case nil:
		return nil
	case []map[string]any:
		out := make([]any, len(x))
		for i := range x {
			out[i] = x[i]
		}
		return out
	case []any:
		return x
	}
	d.c.addf(at, "want an array of tables (%s), got %s", what, typeName(v))
	return nil
}

func (d *decoder) mrt(m *MRT, t *table) {
	if v, _, ok := t.duration("dump_interval"); ok {
		m.DumpInterval = v
	}
	if b, _, ok := t.boolean("update_log"); ok {
		m.UpdateLog = b
	}
	if v, _, ok := t.duration("rotation"); ok {
		m.Rotation = v
	}
	if n, _, ok := t.integer("retention", 1, 100000, " (files of each kind kept)"); ok {
		m.Retention = int(n)
	}
	if s, _, ok := t.str("table_file"); ok {
		m.TableFile = s
	}
	if s, _, ok := t.str("updates_file"); ok {
		m.UpdatesFile = s
	}
}

func (v *validator) bmp() {
	seen := map[string]int{}
	for i, st := range v.c.BMP {
		at := root.key("bmp").index(i)
		switch {
		case !st.Address.IsValid():
			v.col.addf(at.key("address"), "required: the station's IP address (a station receives every route, so it is never implied)")
		case st.Address.IsUnspecified() || st.Address.Zone() != "":
			v.col.addf(at.key("address"), "%s is not a station address", st.Address)
		}
		hp := netip.AddrPortFrom(st.Address, st.Port).String()
		if j, dup := seen[hp]; dup && st.Address.IsValid() {
			v.col.addf(at.key("address"), "station %s is listed twice (also bmp[%d])", hp, j)
		}
		seen[hp] = i
		switch st.RouteMonitoring {
		case BMPPre, BMPPost, BMPBoth:
		default:
			v.col.addf(at.key("route_monitoring"), "%q: want %q, %q or %q", st.RouteMonitoring, BMPPre, BMPPost, BMPBoth)
		}
		if st.StatisticsInterval != 0 && st.StatisticsInterval < minBMPStatistics {
			v.col.addf(at.key("statistics_interval"), "%s is too short: \"0s\" (none) or at least %s", st.StatisticsInterval, minBMPStatistics)
		}
	}
}

func (v *validator) mrt() {
	m := v.c.MRT
	at := root.key("mrt")
	if m.DumpInterval != 0 && m.DumpInterval < minMRTInterval {
		v.col.addf(at.key("dump_interval"), "%s is too short: \"0s\" (no table dumps) or at least %s", m.DumpInterval, minMRTInterval)
	}
	if m.Rotation < minMRTInterval {
		v.col.addf(at.key("rotation"), "%s is too short: at least %s", m.Rotation, minMRTInterval)
	}
	for _, f := range []struct{ key, val string }{{"table_file", m.TableFile}, {"updates_file", m.UpdatesFile}} {
		if err := checkMRTTemplate(f.val); err != nil {
			v.col.addf(at.key(f.key), "%v", err)
		}
	}
	if m.TableFile == m.UpdatesFile {
		v.col.addf(at.key("updates_file"), "%q is also table_file: the two kinds need different names", m.UpdatesFile)
	}
}

var (
	mrtTemplateRE = regexp.MustCompile(`^[A-Za-z0-9._%-]+$`)
	mrtVerbs      = map[byte]string{'Y': `\d{4}`, 'm': `\d{2}`, 'd': `\d{2}`, 'H': `\d{2}`, 'M': `\d{2}`, 'S': `\d{2}`}
)

// checkMRTTemplate accepts a plain file name (no directory: the files live
// in <state_dir>/mrt) with at least one time verb, so every rotation or
// dump gets its own file and retention can count them.
func checkMRTTemplate(s string) error {
	if !mrtTemplateRE.MatchString(s) || strings.HasPrefix(s, ".") {
		return fmt.Errorf("%q: want a file name of letters, digits, '.', '-', '_' and %%Y %%m %%d %%H %%M %%S", s)
	}
	verbs := 0
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			continue
		}
		if i+1 >= len(s) || mrtVerbs[s[i+1]] == "" {
			return fmt.Errorf("%q: unknown verb at %q; known: %%Y %%m %%d %%H %%M %%S", s, s[i:])
		}
		verbs++
		i++
	}
	if verbs == 0 {
		return fmt.Errorf("%q has no time verb (%%Y %%m %%d %%H %%M %%S): every file would get the same name", s)
	}
	return nil
}

// MRTFileName expands a validated template at t (UTC).
func MRTFileName(tmpl string, t time.Time) string {
	t = t.UTC()
	r := strings.NewReplacer("%Y", fmt.Sprintf("%04d", t.Year()), "%m", fmt.Sprintf("%02d", int(t.Month())),
		"%d", fmt.Sprintf("%02d", t.Day()), "%H", fmt.Sprintf("%02d", t.Hour()),
		"%M", fmt.Sprintf("%02d", t.Minute()), "%S", fmt.Sprintf("%02d", t.Second()))
	return r.Replace(tmpl)
}

// MRTFilePattern matches every name a validated template expands to, so
// retention deletes only rsguard's own files.
func MRTFilePattern(tmpl string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("^")
	for i := 0; i < len(tmpl); i++ {
		if tmpl[i] == '%' && i+1 < len(tmpl) && mrtVerbs[tmpl[i+1]] != "" {
			b.WriteString(mrtVerbs[tmpl[i+1]])
			i++
			continue
		}
		b.WriteString(regexp.QuoteMeta(tmpl[i : i+1]))
	}
	b.WriteString("$")
	return regexp.MustCompile(b.String())
}

type (
	renderBMP struct {
		Address            string `toml:"address"`
		Port               uint16 `toml:"port"`
		RouteMonitoring    string `toml:"route_monitoring"`
		StatisticsInterval string `toml:"statistics_interval"`
	}
	renderMRT struct {
		DumpInterval string `toml:"dump_interval"`
		UpdateLog    bool   `toml:"update_log"`
		Rotation     string `toml:"rotation"`
		Retention    int    `toml:"retention"`
		TableFile    string `toml:"table_file"`
		UpdatesFile  string `toml:"updates_file"`
	}
)

func renderBMPOf(sts []BMPStation) []renderBMP {
	var out []renderBMP
	for _, st := range sts {
		out = append(out, renderBMP{Address: addrString(st.Address), Port: st.Port, RouteMonitoring: st.RouteMonitoring,
			StatisticsInterval: formatDuration(st.StatisticsInterval)})
	}
	return out
}

func renderMRTOf(m MRT) renderMRT {
	return renderMRT{DumpInterval: formatDuration(m.DumpInterval), UpdateLog: m.UpdateLog, Rotation: formatDuration(m.Rotation),
		Retention: m.Retention, TableFile: m.TableFile, UpdatesFile: m.UpdatesFile}
}
