package main

import (
	"context"
	"fmt"
	"io"
	"net/netip"
	"strings"

	"github.com/rsguard/rsguard/acl"
	rsguardv1 "github.com/rsguard/rsguard/proto/rsguard/v1"
	"github.com/spf13/cobra"
	"google.golang.org/grpc"
)

// aclJSON is the stable --json form: the aggregated source space.
type aclJSON struct {
	Peer        string   `json:"peer"`
	ASN         uint32   `json:"asn"`
	ASSet       string   `json:"as_set"`
	Address     string   `json:"address"`
	GeneratedAt *string  `json:"generated_at"`
	IPv4        []string `json:"ipv4"` // aggregated: the minimal CIDR cover
	IPv6        []string `json:"ipv6"`
}

func (a *app) aclCmd() *cobra.Command {
	var peer, format, iface string
	var noSession bool
	names := make([]string, len(acl.Formats))
	for i, f := range acl.Formats {
		names[i] = string(f)
	}
	cmd := &cobra.Command{
		Use:   "acl --peer NAME [--format FORMAT] [--interface IFNAME]",
		Short: "Print a BCP 38 source-address filter for a peer's port",
		Long: "acl prints an ingress filter (RFC 2827, RFC 3013 4.3-4.4) that accepts packets from\n" +
			"the peer's port only when their source lies in the peer's registered space: the\n" +
			"IRR and static prefixes of its filter in force now, aggregated to the fewest CIDR\n" +
			"blocks, both families, then a default deny. The peer's BGP session address is\n" +
			"accepted too (--no-session-address leaves it out), so applying the filter on a\n" +
			"router does not cut the session. The daemon supplies the prefixes; the text is\n" +
			"rendered here. Formats: " + strings.Join(names, ", ") + ".",
		Example: "  rsctl acl --peer ix-a --format nftables --interface eth3 > ix-a.nft && nft -f ix-a.nft\n" +
			"  rsctl acl --peer ix-a --format junos --interface xe-0/0/3.0",
		Args: cobra.NoArgs,
		RunE: run(func(cmd *cobra.Command, _ []string) error {
			f, err := acl.ParseFormat(format)
			if err != nil {
				return usageErrorf("--format: %v", err)
			}
			if err := acl.CheckInterface(f, iface); err != nil {
				return usageErrorf("--interface: %v", err)
			}
			return a.withConn(cmd.Context(), callQuick, func(ctx context.Context, conn *grpc.ClientConn) error {
				resp, err := rsguardv1.NewACLServiceClient(conn).GetSourcePrefixes(ctx, &rsguardv1.GetSourcePrefixesRequest{Peer: peer})
				if err != nil {
					return err
				}
				filter, err := aclFilter(resp, iface, noSession)
				if err != nil {
					return err
				}
				if a.json {
					return a.printer().object(aclToJSON(resp, filter))
				}
				text, err := acl.Render(f, filter)
				if err != nil {
					return err
				}
				_, err = io.WriteString(a.streams.Out, text)
				return err
			})
		}),
	}
	fl := cmd.Flags()
	fl.StringVar(&peer, "peer", "", "peer whose port the filter is for (required)")
	fl.StringVar(&format, "format", string(acl.NFTables), "output syntax: "+strings.Join(names, ", "))
	fl.StringVar(&iface, "interface", acl.DefaultInterface, "the peer's port on the filtering device (Junos: ifd.unit)")
	fl.BoolVar(&noSession, "no-session-address", false, "do not accept the peer's BGP session address as a source")
	_ = cmd.MarkFlagRequired("peer") // cannot fail: the flag exists
	return cmd
}

// aclFilter turns the API's answer into the renderer's input. A prefix the
// client cannot parse is an error, never silently dropped: a filter
// missing part of the peer's space would drop its legitimate traffic.
func aclFilter(resp *rsguardv1.GetSourcePrefixesResponse, iface string, noSession bool) (acl.Filter, error) {
	f := acl.Filter{Peer: resp.GetPeer(), ASN: resp.GetAsn(), ASSet: resp.GetAsSet(), Interface: iface,
		Generated: resp.GetGeneratedAt().AsTime()}
	for _, s := range resp.GetPrefixes() {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return acl.Filter{}, fmt.Errorf("the daemon sent prefix %q: %v", s, err)
		}
		f.Prefixes = append(f.Prefixes, p)
	}
	if !noSession && resp.GetAddress() != "" {
		addr, err := netip.ParseAddr(resp.GetAddress())
		if err != nil {
			return acl.Filter{}, fmt.Errorf("the daemon sent address %q: %v", resp.GetAddress(), err)
		}
		f.Session = addr
	}
	return f, nil
}

func aclToJSON(resp *rsguardv1.GetSourcePrefixesResponse, f acl.Filter) aclJSON {
	v4, v6 := acl.Aggregate(f.Prefixes)
	out := aclJSON{Peer: f.Peer, ASN: f.ASN, ASSet: f.ASSet, Address: resp.GetAddress(),
		GeneratedAt: jsonTime(f.Generated), IPv4: []string{}, IPv6: []string{}}
	for _, p := range v4 {
		out.IPv4 = append(out.IPv4, p.String())
	}
	for _, p := range v6 {
		out.IPv6 = append(out.IPv6, p.String())
	}
	return out
}
