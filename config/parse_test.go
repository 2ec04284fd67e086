package config

import (
	"net/netip"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/rsguard/rsguard/dampening"
	"github.com/rsguard/rsguard/filters"
)

func TestDefaults(t *testing.T) {
	doc := baseGlobal + "\n[[peers]]\nname = \"ix-a\"\naddress = \"127.0.0.2\"\nasn = 21001\n"
	c := mustParse(t, doc, "/etc/rsguard")
	checks := []struct {
		name      string
		got, want any
	}{
		{"global.listen_addresses", c.Global.ListenAddresses, []netip.Addr{netip.MustParseAddr("0.0.0.0"), netip.MustParseAddr("::")}},
		{"global.listen_port", c.Global.ListenPort, uint16(179)},
		{"global.state_dir", c.Global.StateDir, "/var/lib/rsguard"},
		{"api.socket", c.API.Socket, DefaultSocket},
		{"api.listen", c.API.Listen, ""},
		{"log.level", c.Log.Level, "info"},
		{"log.format", c.Log.Format, "text"},
		{"filters.ipv4_prefix_length", c.Filters.IPv4PrefixLength, [2]uint8{8, 24}},
		{"filters.ipv6_prefix_length", c.Filters.IPv6PrefixLength, [2]uint8{12, 48}},
		{"filters.max_as_path_length", c.Filters.MaxASPathLength, uint32(32)},
		{"filters.next_hop", c.Filters.NextHop, "strict"},
		{"irr.refresh", c.IRR.Refresh, 6 * time.Hour},
		{"irr.max_shrink", c.IRR.MaxShrink, 0.5},
		{"irr.concurrency", c.IRR.Concurrency, 4},
		{"irr.query_timeout", c.IRR.QueryTimeout, 30 * time.Second},
		{"irr.refresh_timeout", c.IRR.RefreshTimeout, 10 * time.Minute},
		{"irr.servers", len(c.IRR.Servers), 0},
		{"dampening.mode", c.Dampening.Mode, "enforce"},
		{"dampening params", c.Dampening.Params(), dampening.DefaultParams()},
		{"peer passive", c.Peers[0].Passive, true},
		{"peer irr_max_length_ipv4", c.Peers[0].IRRMaxLengthIPv4, uint8(24)},
		{"peer irr_max_length_ipv6", c.Peers[0].IRRMaxLengthIPv6, uint8(48)},
		{"peer max_prefixes_ipv4", c.Peers[0].MaxPrefixesIPv4, uint32(0)},
		{"peer dampening", c.Peers[0].Dampening, ""},
		{"peer password", c.Peers[0].Password, ""},
		{"path", c.Path, "test.toml"},
	}
	for _, ck := range checks {
		if !reflect.DeepEqual(ck.got, ck.want) {
			t.Errorf("%s = %v, want %v", ck.name, ck.got, ck.want)
		}
	}
}

func TestParseValues(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "secrets/ix-b.md5", "s3cret \n\n")
	writeFile(t, dir, "irr/ripe.db.gz", "x")
	doc := `[global]
asn = 21000
router_id = "127.0.0.1"
listen_addresses = ["127.0.0.1", "::1"]
listen_port = 1179
state_dir = "state"

[api]
socket = "run/rs.sock"

[log]
level = "WARN"
format = "json"

[filters]
ipv4_prefix_length = [16, 24]
max_as_path_length = 64
next_hop = "off"

[irr]
servers = ["rr.example", "2001:db8::43", "[2001:db8::1]:4343", "127.0.0.1:43"]
sources = ["ripe", "Radb"]
files = ["irr/ripe.db.gz"]
refresh = "90m"
max_shrink = 1

[dampening]
mode = "observe"
half_life = "10m"
max_suppress = "40m"
reuse = 500
suppress = 3000.5
withdrawal_penalty = 1000
attribute_change_penalty = 250
readvertisement_penalty = 10

[[peers]]
name = "ix-a"
address = "127.0.0.2"
asn = 21001
password = "pw-a"
prefixes = ["45.65.0.0/22{22,24}", "2a0a:4580::/29+"]
max_prefixes_ipv4 = 100
description = "A"

[[peers]]
name = "ix-b"
address = "::1"
asn = 4200000000
password_file = "secrets/ix-b.md5"
passive = false
as_set = "ripe::as21002:as-customers"
irr_max_length_ipv4 = 32
irr_max_length_ipv6 = 64
dampening = "off"
`
	c := mustParse(t, doc, dir)
	checks := []struct {
		name      string
		got, want any
	}{
		{"listen_addresses", c.Global.ListenAddresses, []netip.Addr{netip.MustParseAddr("127.0.0.1"), netip.MustParseAddr("::1")}},
		{"listen_port", c.Global.ListenPort, uint16(1179)},
		{"state_dir resolved", c.Global.StateDir, filepath.Join(dir, "state")},
		{"socket resolved", c.API.Socket, filepath.Join(dir, "run/rs.sock")},
		{"log level normalized", c.Log.Level, "warning"},
		{"log format", c.Log.Format, "json"},
		{"ipv4 lengths", c.Filters.IPv4PrefixLength, [2]uint8{16, 24}},
		{"ipv6 lengths untouched", c.Filters.IPv6PrefixLength, [2]uint8{12, 48}},
		{"max_as_path_length", c.Filters.MaxASPathLength, uint32(64)},
		{"next_hop", c.Filters.NextHop, "off"},
		{"irr servers", c.IRR.Servers, []string{"rr.example:43", "[2001:db8::43]:43", "[2001:db8::1]:4343", "127.0.0.1:43"}},
		{"irr sources", c.IRR.Sources, []string{"RIPE", "RADB"}},
		{"irr files", c.IRR.Files, []string{filepath.Join(dir, "irr/ripe.db.gz")}},
		{"irr refresh", c.IRR.Refresh, 90 * time.Minute},
		{"irr max_shrink", c.IRR.MaxShrink, 1.0},
		{"dampening", c.Dampening, Dampening{Mode: "observe", HalfLife: 10 * time.Minute, MaxSuppress: 40 * time.Minute,
			Reuse: 500, Suppress: 3000.5, WithdrawalPenalty: 1000, AttributeChangePenalty: 250, ReadvertisementPenalty: 10}},
		{"peer a prefixes", c.Peers[0].Prefixes, []filters.PrefixRange{
			{Prefix: netip.MustParsePrefix("45.65.0.0/22"), Min: 22, Max: 24},
			{Prefix: netip.MustParsePrefix("2a0a:4580::/29"), Min: 29, Max: 128}}},
		{"peer a password", c.Peers[0].Password, "pw-a"},
		{"peer a max_prefixes_ipv4", c.Peers[0].MaxPrefixesIPv4, uint32(100)},
		{"peer a description", c.Peers[0].Description, "A"},
		{"peer b address", c.Peers[1].Address, netip.MustParseAddr("::1")},
		{"peer b 32-bit asn", c.Peers[1].ASN, uint32(4200000000)},
		{"peer b password from file, trimmed", c.Peers[1].Password, "s3cret"},
		{"peer b password_file resolved", c.Peers[1].PasswordFile, filepath.Join(dir, "secrets/ix-b.md5")},
		{"peer b passive", c.Peers[1].Passive, false},
		{"peer b as_set upper-cased", c.Peers[1].ASSet, "RIPE::AS21002:AS-CUSTOMERS"},
		{"peer b irr lengths", [2]uint8{c.Peers[1].IRRMaxLengthIPv4, c.Peers[1].IRRMaxLengthIPv6}, [2]uint8{32, 64}},
		{"peer b dampening mode", c.Peers[1].DampeningMode(c.Dampening.Mode), "off"},
		{"peer a inherits dampening mode", c.Peers[0].DampeningMode(c.Dampening.Mode), "observe"},
	}
	for _, ck := range checks {
		if !reflect.DeepEqual(ck.got, ck.want) {
			t.Errorf("%s = %v, want %v", ck.name, ck.got, ck.want)
		}
	}
}

func TestPeerLookup(t *testing.T) {
	c := mustParse(t, baseGlobal+"\n[[peers]]\nname = \"ix-a\"\naddress = \"127.0.0.2\"\nasn = 21001\n", "")
	p, ok := c.Peer("ix-a")
	if !ok || p.ASN != 21001 {
		t.Fatalf("Peer(ix-a) = %v, %v", p, ok)
	}
	p.Description = "edited"
	if c.Peers[0].Description != "edited" {
		t.Error("Peer must return a pointer into c.Peers")
	}
	if _, ok := c.Peer("nope"); ok {
		t.Error("Peer(nope) found something")
	}
}

// TestValidateAfterEdit covers configs changed in code: Validate re-runs
// the checks and still names the line the edited value came from.
func TestValidateAfterEdit(t *testing.T) {
	doc := baseGlobal + `
[[peers]]
name = "ix-a"
address = "127.0.0.2"
asn = 21001

[[peers]]
name = "ix-b"
address = "127.0.0.3" # E
asn = 21002
`
	c := mustParse(t, doc, "")
	if err := c.Validate(); err != nil {
		t.Fatalf("Validate on a parsed config: %v", err)
	}
	c.Peers[1].Address = c.Peers[0].Address
	c.Dampening.Suppress = 1
	c.Filters.IPv4PrefixLength = [2]uint8{8, 33}
	got := asErrors(t, c.Validate())
	checkHasError(t, got, "test.toml", lineOf(t, doc, "# E"), "peers[1] (ix-b).address", "already the address of peers[0]")
	checkHasError(t, got, "test.toml", 0, "dampening", "must be greater than reuse")
	checkHasError(t, got, "test.toml", 0, "filters.ipv4_prefix_length", "must be in 0..32")
	if len(got) != 3 {
		t.Errorf("got %d errors, want 3: %v", len(got), got)
	}
}

func TestValidateBuiltInCode(t *testing.T) {
	c := defaults()
	c.Global.ASN = 21000
	c.Global.RouterID = netip.MustParseAddr("127.0.0.1")
	c.Peers = []Peer{{Name: "a", Address: netip.MustParseAddr("127.0.0.2"), ASN: 21001, Passive: true}}
	if err := c.Validate(); err != nil {
		t.Fatalf("valid config: %v", err)
	}
	c.Peers[0].Name = ""
	got := asErrors(t, c.Validate())
	checkHasError(t, got, "", 0, "peers[0].name", "required")
}
