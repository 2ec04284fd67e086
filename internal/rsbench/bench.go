package rsbench

import (
	"context"
	"fmt"
	"slices"
)

// Order returns the servers in the order run r uses: as given on even
// runs, reversed on odd ones, so no server always runs first on a cold
// machine or last on a warm one.
func Order(servers []*Daemon, run int) []*Daemon {
	out := slices.Clone(servers)
	if run%2 == 1 {
		slices.Reverse(out)
	}
	return out
}

// Bench runs every available server runs times, back to back, and returns
// every result. Servers whose binary is missing are skipped with a message.
func Bench(ctx context.Context, s *Scenario, servers []*Daemon, runs int, opt Options) []Result {
	var avail []*Daemon
	for _, d := range servers {
		if d.bin(opt.Bins) == "" {
			opt.logf("skipping %s: %s", d.Name, opt.Bins.Missing[d.Name])
			continue
		}
		avail = append(avail, d)
	}
	var results []Result
	for run := range runs {
		for _, d := range Order(avail, run) {
			if ctx.Err() != nil {
				return results
			}
			opt.logf("run %d/%d: %s ...", run+1, runs, d.Name)
			r := RunOne(ctx, s, d, opt, run)
			// A run that failed before the check measured nothing; RunOne
			// has already logged why.
			if r.Error == "" || r.Check.Clients > 0 {
				opt.logf("  %s: converge %.2fs withdraw %.2fs rss %.1f MiB cpu %.2fs updates/client %.0f check %s%s",
					d.Name, r.ConvergeSeconds, r.WithdrawSeconds, r.PeakRSSMiB, r.CPUSeconds, r.UpdatesPerClient, r.Check, errSuffix(r.Error))
			}
			results = append(results, r)
		}
	}
	return results
}

func errSuffix(e string) string {
	if e == "" {
		return ""
	}
	return fmt.Sprintf(" ERROR %s", e)
}
