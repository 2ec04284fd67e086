package rsbench

import (
	"fmt"
	"io"
	"slices"
	"strings"
)

// metric is one measured quantity of a Result.
type metric struct {
	name string
	get  func(*Result) float64
	unit string
}

var metrics = []metric{
	{"converge", func(r *Result) float64 { return r.ConvergeSeconds }, "s"},
	{"withdraw", func(r *Result) float64 { return r.WithdrawSeconds }, "s"},
	{"peak RSS", func(r *Result) float64 { return r.PeakRSSMiB }, "MiB"},
	{"CPU", func(r *Result) float64 { return r.CPUSeconds }, "s"},
	{"updates/client", func(r *Result) float64 { return r.UpdatesPerClient }, ""},
}

// Summary is the median, minimum and maximum of one metric, and the median
// of its ratio to BIRD's value in the same run.
type Summary struct {
	Median, Min, Max float64
	RatioToBIRD      float64 // 0 when BIRD did not run or failed
}

// Summarize groups successful results by server and metric.
func Summarize(results []Result) map[string]map[string]Summary {
	bird := map[int]*Result{}
	for i := range results {
		if r := &results[i]; r.Server == "bird" && r.OK() {
			bird[r.Run] = r
		}
	}
	out := map[string]map[string]Summary{}
	for _, m := range metrics {
		vals, ratios := map[string][]float64{}, map[string][]float64{}
		for i := range results {
			r := &results[i]
			if !r.OK() {
				continue
			}
			v := m.get(r)
			vals[r.Server] = append(vals[r.Server], v)
			if b, ok := bird[r.Run]; ok && m.get(b) > 0 {
				ratios[r.Server] = append(ratios[r.Server], v/m.get(b))
			}
		}
		for srv, vs := range vals {
			if out[srv] == nil {
				out[srv] = map[string]Summary{}
			}
			out[srv][m.name] = Summary{Median: median(vs), Min: slices.Min(vs), Max: slices.Max(vs), RatioToBIRD: median(ratios[srv])}
		}
	}
	return out
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// PrintTable writes one Markdown row per server and metric: median,
// min–max and the median ratio to BIRD from the same run.
func PrintTable(w io.Writer, servers []*Daemon, results []Result) {
	sum := Summarize(results)
	fmt.Fprintln(w, "| server | metric | median | min–max | ÷ BIRD (same run) | runs ok |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|")
	for _, d := range servers {
		ok, total := 0, 0
		for i := range results {
			if results[i].Server == d.Name {
				total++
				if results[i].OK() {
					ok++
				}
			}
		}
		if ok == 0 {
			fmt.Fprintf(w, "| %s | — | failed | | | 0/%d |\n", d.Name, total)
			continue
		}
		for _, m := range metrics {
			s := sum[d.Name][m.name]
			ratio := "—"
			if s.RatioToBIRD > 0 {
				ratio = fmt.Sprintf("%.2f", s.RatioToBIRD)
			}
			fmt.Fprintf(w, "| %s | %s | %s | %s–%s | %s | %d/%d |\n", d.Name, m.name,
				num(s.Median, m.unit), num(s.Min, ""), num(s.Max, m.unit), ratio, ok, total)
		}
	}
	var bad []string
	for i := range results {
		if r := &results[i]; !r.OK() {
			msg := r.Error
			if r.Check.Clients > 0 || r.Check.Error != "" {
				msg = strings.TrimSpace(msg + " " + r.Check.String())
			}
			bad = append(bad, fmt.Sprintf("- %s run %d: %s", r.Server, r.Run, msg))
		}
	}
	if len(bad) > 0 {
		fmt.Fprintln(w, "\nFailed runs (not in the table):")
		fmt.Fprintln(w, strings.Join(bad, "\n"))
	}
}

func num(v float64, unit string) string {
	s := fmt.Sprintf("%.3g", v)
	if v >= 1000 {
		s = fmt.Sprintf("%.0f", v)
	}
	if unit != "" {
		s += " " + unit
	}
	return s
}
