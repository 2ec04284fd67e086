package acl

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/rsguard/rsguard/internal/speakers"
)

// needTool returns the path of a system tool that checks our output, or
// skips (fails under RSGUARD_REQUIRE_SPEAKERS=1) when it cannot run here:
// missing, or not root (nft -c and iptables-restore --test need
// CAP_NET_ADMIN to talk to the kernel).
func needTool(t *testing.T, name string) string {
	t.Helper()
	p := speakers.Require(t, name)
	if os.Geteuid() != 0 {
		if os.Getenv(speakers.EnvRequireSpeakers) == "1" {
			t.Fatalf("%s needs root (CAP_NET_ADMIN) and %s=1", name, speakers.EnvRequireSpeakers)
		}
		t.Skipf("%s needs root (CAP_NET_ADMIN) to check a ruleset", name)
	}
	return p
}

// runTool feeds text to a checking tool and fails with its complaint.
func runTool(t *testing.T, text string, name string, args ...string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Stdin = strings.NewReader(text)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %v: %v\n%s\ninput:\n%s", name, args, err, out.String(), text)
	}
}

// TestNFTablesAccepted has the kernel check every fixture with nft -c
// (parse, evaluate, and a dry-run transaction: nothing is installed).
func TestNFTablesAccepted(t *testing.T) {
	nft := needTool(t, "nft")
	for name := range fixtures {
		t.Run(name, func(t *testing.T) {
			out, err := Render(NFTables, fixtureFor(name, NFTables))
			if err != nil {
				t.Fatal(err)
			}
			runTool(t, out, nft, "-c", "-f", "-")
		})
	}
}

// TestNFTablesCheckCanFail proves nft -c rejects a broken ruleset, so the
// test above is not vacuous.
func TestNFTablesCheckCanFail(t *testing.T) {
	nft := needTool(t, "nft")
	out, err := Render(NFTables, fixtures["dual-stack"])
	if err != nil {
		t.Fatal(err)
	}
	broken := strings.Replace(out, "ip saddr @registered_v4", "ip saddr @registered_v9", 1)
	cmd := exec.Command(nft, "-c", "-f", "-")
	cmd.Stdin = strings.NewReader(broken)
	if b, err := cmd.CombinedOutput(); err == nil {
		t.Fatalf("nft -c accepted a reference to an undefined set:\n%s", b)
	}
}

func TestIPTablesRestoreAccepted(t *testing.T) {
	tools := map[Format]string{IPTables: "iptables-restore", IP6Tables: "ip6tables-restore"}
	for format, tool := range tools {
		t.Run(string(format), func(t *testing.T) {
			path := needTool(t, tool)
			for name := range fixtures {
				out, err := Render(format, fixtureFor(name, format))
				if err != nil {
					t.Fatal(err)
				}
				runTool(t, out, path, "--test", "--noflush")
			}
			// And the check can fail: an IPv6 source in IPv4 rules.
			bad, _ := Render(format, fixtures["dual-stack"])
			swap := map[Format]string{IPTables: "2a0a::/32", IP6Tables: "45.0.0.0/8"}[format]
			bad = strings.Replace(bad, "-j DROP", "-s "+swap+" -j DROP", 1)
			cmd := exec.Command(path, "--test", "--noflush")
			cmd.Stdin = strings.NewReader(bad)
			if b, err := cmd.CombinedOutput(); err == nil {
				t.Fatalf("%s --test accepted a source of the wrong family:\n%s", tool, b)
			}
		})
	}
}
