package daemon

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rsguard/rsguard/internal/speakers"
)

// aclAddr is 127.<daemon>.5.<host>: this test's own block, so it never
// collides with the other daemon tests. No session is needed: the daemon
// does not listen (listen_port = 0) and its active dials go nowhere.
func aclAddr(host byte) string { return fmt.Sprintf("127.%d.5.%d", speakers.PkgDaemon, host) }

const aclIRRBefore = `
as-set:   AS-ACLFIVE
members:  AS21051
mnt-by:   TEST-MNT
source:   TEST

route:    45.51.0.0/24
origin:   AS21051
mnt-by:   TEST-MNT
source:   TEST

route:    45.51.1.0/24
origin:   AS21051
mnt-by:   TEST-MNT
source:   TEST

route6:   2a0a:4581::/32
origin:   AS21051
mnt-by:   TEST-MNT
source:   TEST

as-set:   AS-ACLEMPTY
members:  AS21059
mnt-by:   TEST-MNT
source:   TEST
`

// aclIRRAfter registers one more prefix for AS21051.
const aclIRRAfter = aclIRRBefore + `
route:    45.53.0.0/24
origin:   AS21051
mnt-by:   TEST-MNT
source:   TEST
`

func aclConfig(dir string) string {
	return fmt.Sprintf(`
[global]
asn = 21000
router_id = "%[1]s"
listen_addresses = ["%[1]s"]
listen_port = 0
state_dir = %[4]q

[api]
socket = %[5]q

[irr]
files = [%[6]q]

[[peers]]
name = "acl-irr"
address = "%[2]s"
asn = 21051
passive = false
as_set = "AS-ACLFIVE"
# overlaps the IRR data (45.51.0.0/23 covers both route objects) and adds a range
prefixes = ["45.51.0.0/23{23,24}", "45.52.0.0/16{16,24}"]

[[peers]]
name = "acl-empty"
address = "%[3]s"
asn = 21059
passive = false
as_set = "AS-ACLEMPTY"
`, aclAddr(1), aclAddr(2), aclAddr(3), filepath.Join(dir, "state"), filepath.Join(dir, "run", "rsguard.sock"),
		filepath.Join(dir, "irr.rpsl"))
}

type aclJSON struct {
	Peer  string   `json:"peer"`
	ASN   uint32   `json:"asn"`
	ASSet string   `json:"as_set"`
	IPv4  []string `json:"ipv4"`
	IPv6  []string `json:"ipv6"`
}

// TestACLFollowsTheFilterInForce runs the daemon and checks, through the
// real rsctl binary, that `rsctl acl` shows the union of a peer's IRR and
// static prefixes, follows an IRR refresh, and refuses unknown peers and
// peers without any prefix.
func TestACLFollowsTheFilterInForce(t *testing.T) {
	dir := t.TempDir()
	e := &e2e{t: t, dir: dir, cfg: filepath.Join(dir, "rsguard.toml"), socket: filepath.Join(dir, "run", "rsguard.sock")}
	rpsl := filepath.Join(dir, "irr.rpsl")
	if err := os.WriteFile(rpsl, []byte(aclIRRBefore), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(e.cfg, []byte(aclConfig(dir)), 0o600); err != nil {
		t.Fatal(err)
	}
	runDaemon(t, e.cfg)

	// A synchronous refresh, so the IRR data is in force before we look.
	if out, err := e.rsctl("irr", "refresh", "--peer", "acl-irr"); err != nil {
		t.Fatalf("irr refresh: %v %s", err, out)
	}
	var got aclJSON
	e.json(&got, "acl", "--peer", "acl-irr")
	// IRR 45.51.0.0/24 + 45.51.1.0/24 and static 45.51.0.0/23 collapse
	// into one /23; the static /16 range stands for all of 45.52.0.0/16.
	wantACL(t, got, []string{"45.51.0.0/23", "45.52.0.0/16"}, []string{"2a0a:4581::/32"})
	if got.ASN != 21051 || got.ASSet != "AS-ACLFIVE" {
		t.Errorf("acl = %+v", got)
	}

	if err := os.WriteFile(rpsl, []byte(aclIRRAfter), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := e.rsctl("irr", "refresh", "--peer", "acl-irr"); err != nil {
		t.Fatalf("irr refresh: %v %s", err, out)
	}
	e.json(&got, "acl", "--peer", "acl-irr")
	wantACL(t, got, []string{"45.51.0.0/23", "45.52.0.0/16", "45.53.0.0/24"}, []string{"2a0a:4581::/32"})

	nft, err := e.rsctl("acl", "--peer", "acl-irr", "--format", "nftables", "--interface", "eth5")
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"45.51.0.0/23", "45.52.0.0/16", "45.53.0.0/24", "2a0a:4581::/32", "AS21051", "AS-ACLFIVE", `iifname "eth5"`} {
		if !strings.Contains(nft, w) {
			t.Errorf("nftables output lacks %q:\n%s", w, nft)
		}
	}
	if path := speakers.LookPath("nft"); path != "" && os.Geteuid() == 0 {
		cmd := exec.Command(path, "-c", "-f", "-")
		cmd.Stdin = strings.NewReader(nft)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("nft -c: %v\n%s", err, out)
		}
	}

	if out, err := e.rsctl("acl", "--peer", "nope"); err == nil || !strings.Contains(err.Error(), "NotFound") {
		t.Errorf("acl for an unknown peer: %v %q", err, out)
	}
	out, err := e.rsctl("acl", "--peer", "acl-empty", "--format", "cisco")
	if err == nil || !strings.Contains(err.Error(), "FailedPrecondition") || !strings.Contains(err.Error(), "no registered prefixes") {
		t.Errorf("acl for a peer without prefixes: %v", err)
	}
	if out != "" {
		t.Errorf("acl for a peer without prefixes printed %q", out)
	}
}

func wantACL(t *testing.T, got aclJSON, v4, v6 []string) {
	t.Helper()
	if !slices.Equal(got.IPv4, v4) || !slices.Equal(got.IPv6, v6) {
		t.Errorf("acl ipv4 %v ipv6 %v, want %v %v", got.IPv4, got.IPv6, v4, v6)
	}
}
