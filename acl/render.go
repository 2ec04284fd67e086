package acl

import (
	"fmt"
	"strings"
)

// Format names one output syntax.
type Format string

const (
	NFTables  Format = "nftables"  // one inet table, loadable with nft -f
	IPTables  Format = "iptables"  // IPv4 rules for iptables-restore --noflush
	IP6Tables Format = "ip6tables" // IPv6 rules for ip6tables-restore --noflush
	Junos     Format = "junos"     // firewall family inet/inet6 filters + interface binding
	Cisco     Format = "cisco"     // IOS ip access-list extended / ipv6 access-list
)

// Formats lists every format, in the order help texts show them.
var Formats = []Format{NFTables, IPTables, IP6Tables, Junos, Cisco}

var renderers = map[Format]func(*plan) string{
	NFTables:  renderNFTables,
	IPTables:  func(p *plan) string { return renderIPTables(p, false) },
	IP6Tables: func(p *plan) string { return renderIPTables(p, true) },
	Junos:     renderJunos,
	Cisco:     renderCisco,
}

// ParseFormat accepts a format name as the CLI spells it.
func ParseFormat(s string) (Format, error) {
	f := Format(strings.ToLower(strings.TrimSpace(s)))
	if _, ok := renderers[f]; ok {
		return f, nil
	}
	names := make([]string, len(Formats))
	for i, x := range Formats {
		names[i] = string(x)
	}
	return "", fmt.Errorf("format %q: want one of %s", s, strings.Join(names, ", "))
}

// Render prints f's filter in format. It fails for an unknown format, an
// interface name that could not be quoted safely, and a peer without any
// prefix (ErrNoPrefixes): a filter is never rendered empty.
func Render(format Format, f Filter) (string, error) {
	r, ok := renderers[format]
	if !ok {
		_, err := ParseFormat(string(format))
		return "", err
	}
	p, err := newPlan(f)
	if err != nil {
		return "", err
	}
	if err := checkLinuxInterface(format, p.Interface); err != nil {
		return "", err
	}
	return r(p), nil
}

// CheckInterface reports whether name can be used as the interface of a
// filter in format, so a CLI can refuse it before asking the daemon.
func CheckInterface(format Format, name string) error {
	if name == "" {
		return nil // DefaultInterface
	}
	if err := checkInterface(name); err != nil {
		return err
	}
	return checkLinuxInterface(format, name)
}

// checkLinuxInterface applies the kernel's rules for interface names
// (IFNAMSIZ 16 with the NUL, no '/') to the Linux formats.
func checkLinuxInterface(format Format, name string) error {
	switch format {
	case NFTables, IPTables, IP6Tables:
	default:
		return nil
	}
	if len(name) > 15 || strings.Contains(name, "/") {
		return fmt.Errorf("interface %q: a Linux interface name has at most 15 characters and no '/'", name)
	}
	return nil
}

// commentLines prefixes each line with lead.
func commentLines(b *strings.Builder, lead string, lines []string) {
	for _, l := range lines {
		b.WriteString(strings.TrimRight(lead+l, " "))
		b.WriteByte('\n')
	}
}
