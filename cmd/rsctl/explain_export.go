package main

import (
	"fmt"
	"strings"

	"github.com/jedib0t/go-pretty/v6/table"
	"github.com/rsguard/rsguard/filters"
	rsguardv1 "github.com/rsguard/rsguard/proto/rsguard/v1"
	"github.com/spf13/pflag"
)

// communityFlags are explain's --community and --large-community.
type communityFlags struct {
	std, large []string
}

func (c *communityFlags) register(fl *pflag.FlagSet) {
	fl.StringSliceVar(&c.std, "community", nil, `standard community to test, "asn:value" or no_export, no_advertise, no_peer (repeatable)`)
	fl.StringSliceVar(&c.large, "large-community", nil, `large community to test, "global:local1:local2" (repeatable)`)
}

// apply checks the flags here, so a typo is a usage error, and copies them
// into the request.
func (c *communityFlags) apply(req *rsguardv1.ExplainRouteRequest) error {
	for _, s := range c.std {
		if _, err := filters.ParseCommunity(s); err != nil {
			return usageErrorf("--community: %v", err)
		}
	}
	for _, s := range c.large {
		if _, err := filters.ParseLargeCommunity(s); err != nil {
			return usageErrorf("--large-community: %v", err)
		}
	}
	req.Communities, req.LargeCommunities = c.std, c.large
	return nil
}

// exportJSON is the stable --json form of one export decision.
type exportJSON struct {
	Peer             string   `json:"peer"`
	PeerASN          uint32   `json:"peer_asn"`
	Sent             bool     `json:"sent"`
	Rule             string   `json:"rule"`
	Prepend          uint32   `json:"prepend"`
	Communities      []string `json:"communities"`
	LargeCommunities []string `json:"large_communities"`
}

func toExportsJSON(es []*rsguardv1.ExportDecision) []exportJSON {
	out := make([]exportJSON, 0, len(es))
	for _, e := range es {
		out = append(out, exportJSON{Peer: e.GetPeer(), PeerASN: e.GetPeerAsn(), Sent: e.GetSent(), Rule: e.GetRule(),
			Prepend: e.GetPrepend(), Communities: nonNilStrings(e.GetCommunities()), LargeCommunities: nonNilStrings(e.GetLargeCommunities())})
	}
	return out
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// communitiesText renders both kinds in one cell: "0:21002 21000:101:0".
func communitiesText(std, large []string) string {
	return strings.Join(append(append([]string{}, std...), large...), " ")
}

func (a *app) printExports(es []*rsguardv1.ExportDecision) {
	if len(es) == 0 {
		return
	}
	fmt.Fprintln(a.streams.Out)
	rows := make([]table.Row, 0, len(es))
	for _, e := range es {
		sent, prepend := "no", "-"
		if e.GetSent() {
			sent = "yes"
			if e.GetPrepend() > 0 {
				prepend = fmt.Sprintf("%dx", e.GetPrepend())
			}
		}
		rows = append(rows, table.Row{e.GetPeer(), e.GetPeerAsn(), sent, prepend,
			orDash(communitiesText(e.GetCommunities(), e.GetLargeCommunities())), e.GetRule()})
	}
	a.printer().table(table.Row{"To Peer", "ASN", "Sent", "Prepend", "Communities", "Rule"}, rows)
}
