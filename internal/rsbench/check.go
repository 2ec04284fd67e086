package rsbench

import (
	"fmt"
	"net/netip"
	"slices"
	"time"

	"github.com/rsguard/rsguard/internal/speakers"
)

// maxExamples is how many offending routes a Check keeps per kind.
const maxExamples = 5

// Check is the verdict on what the clients hold after convergence.
type Check struct {
	Clients int `json:"clients"`
	Routes  int `json:"routes"` // routes held by all clients together
	// Leaked: routes a client holds that it must not (invalid, its own,
	// or unknown). Missing: valid routes of another client it lacks.
	// Altered: routes whose AS path or next hop is not what the
	// announcing client sent (RFC 7947 transparency).
	Leaked   int      `json:"leaked"`
	Missing  int      `json:"missing"`
	Altered  int      `json:"altered"`
	Examples []string `json:"examples,omitempty"`
	Error    string   `json:"error,omitempty"`
}

// OK says whether every client held exactly its expected routes.
func (c Check) OK() bool {
	return c.Error == "" && c.Clients > 0 && c.Leaked == 0 && c.Missing == 0 && c.Altered == 0
}

func (c Check) String() string {
	if c.Error != "" {
		return "check failed: " + c.Error
	}
	if c.OK() {
		return fmt.Sprintf("ok (%d routes at %d clients)", c.Routes, c.Clients)
	}
	return fmt.Sprintf("%d leaked, %d missing, %d altered; e.g. %v", c.Leaked, c.Missing, c.Altered, c.Examples)
}

func (c *Check) example(format string, args ...any) {
	if len(c.Examples) < maxExamples {
		c.Examples = append(c.Examples, fmt.Sprintf(format, args...))
	}
}

// checkClients lists every client's routes; timeout bounds each listing,
// which at 600,000 routes is far longer than an ordinary command.
func checkClients(s *Scenario, clients []*client, timeout time.Duration) Check {
	var c Check
	for i, cl := range clients {
		out, err := cl.cmdTimeout("show route all protocol "+clientSession, timeout)
		if err != nil {
			c.Error = err.Error()
			return c
		}
		routes, err := speakers.ParseBIRDRoutes(out)
		if err != nil {
			c.Error = fmt.Sprintf("client %s: %v", cl.peer.Name, err)
			return c
		}
		c.Clients++
		c.compare(cl.peer.Name, s.Expected(i), routes)
	}
	return c
}

// compare adds one client's discrepancies: got against want.
func (c *Check) compare(name string, want map[netip.Prefix]*Peer, got []speakers.Route) {
	seen := map[netip.Prefix]bool{}
	for _, r := range got {
		c.Routes++
		from, ok := want[r.Prefix]
		switch {
		case !ok || seen[r.Prefix]:
			c.Leaked++
			c.example("%s holds %s, which it must not", name, r)
		case !slices.Equal(r.ASPath, []uint32{from.ASN}) || r.NextHop != from.Addr:
			c.Altered++
			c.example("%s holds %s, sent by %s as path [%d] nh %s", name, r, from.Name, from.ASN, from.Addr)
		}
		seen[r.Prefix] = true
	}
	for p, from := range want {
		if !seen[p] {
			c.Missing++
			c.example("%s lacks %s of %s", name, p, from.Name)
		}
	}
}
