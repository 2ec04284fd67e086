package daemon

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rsguard/rsguard/internal/speakers"
)

func sighupConfig(dir, prefixesA, extraPeer string) string {
	return daemonHeader(fa(1), dir) + fmt.Sprintf(`
[[peers]]
name = "a"
address = "%[1]s"
asn = 21001
prefixes = [%[2]s]
%[3]s`, fa(2), prefixesA, extraPeer)
}

func lineOf(t *testing.T, text, s string) int {
	for i, l := range strings.Split(text, "\n") {
		if strings.Contains(l, s) {
			return i + 1
		}
	}
	t.Fatalf("%q not in config", s)
	return 0
}

// TestSIGHUPBrokenConfigKeepsRunning: the real `rsguard run` binary with
// a real BIRD peer. The config file is made invalid and the daemon gets
// SIGHUP: it keeps running on the old config (the BIRD session stays up
// without a reset, the peer's route stays accepted) and logs the error
// with file:line. A valid config and another SIGHUP are then applied, so
// the signal path itself is shown to work.
func TestSIGHUPBrokenConfigKeepsRunning(t *testing.T) {
	speakers.Require(t, "bird")
	dir := t.TempDir()
	cfg, socket := filepath.Join(dir, "rsguard.toml"), filepath.Join(dir, "rsguard.sock")
	e := &e2e{t: t, dir: dir, cfg: cfg, socket: socket}
	os.WriteFile(cfg, []byte(sighupConfig(dir, `"45.41.0.0/16{16,24}"`, "")), 0o600)
	rs := runRsguard(t, cfg, socket)
	bird := speakers.StartBIRD(t, speakers.BIRDConfig{ASN: 21001, RouterID: fa(2),
		Neighbors: []speakers.BIRDNeighbor{{Name: "to_rs", LocalAddr: fa(2), PeerAddr: fa(1), PeerASN: 21000, IPv4: true, ImportAll: true}},
		Static4:   []speakers.StaticRoute{{Prefix: "45.41.1.0/24"}}})
	if err := bird.WaitEstablished("to_rs", 60*time.Second); err != nil {
		t.Fatalf("%v\n%s", err, rs.logs.String())
	}
	waitAccepted(t, e, "a", "45.41.1.0/24", true)
	_, _, since, err := bird.ProtocolState("to_rs")
	if err != nil {
		t.Fatal(err)
	}

	// Broken: a bad prefix length on one line, an unknown key on another.
	broken := sighupConfig(dir, `"45.41.0.0/33"`, "\n[[peers]]\nname = \"b\"\naddress = \""+fa(3)+"\"\nasn = 21002\nprefixes = [\"45.42.0.0/16\"]\ncolour = \"blue\"\n")
	os.WriteFile(cfg, []byte(broken), 0o600)
	badPrefix := fmt.Sprintf("%s:%d:", cfg, lineOf(t, broken, "/33"))
	badKey := fmt.Sprintf("%s:%d:", cfg, lineOf(t, broken, "colour"))
	rs.cmd.Process.Signal(syscall.SIGHUP)
	logs := rs.waitLog(t, 30*time.Second, "reload refused", badPrefix, badKey)
	for _, l := range strings.Split(logs, "\n") {
		if strings.Contains(l, badPrefix) || strings.Contains(l, badKey) {
			t.Logf("daemon log: %s", l)
		}
	}
	time.Sleep(2 * time.Second) // a reset caused by the refused reload would show by now
	if !rs.running() {
		t.Fatalf("rsguard exited after a SIGHUP with a broken config: %v", rs.err)
	}
	state, info, since2, err := bird.ProtocolState("to_rs")
	if err != nil || info != "Established" || !speakers.SameSince(since2, since) {
		t.Fatalf("BIRD session after the refused reload: %s/%s since %v (was %v), err %v", state, info, since2, since, err)
	}
	waitAccepted(t, e, "a", "45.41.1.0/24", true)
	var peers []struct {
		Name  string `json:"name"`
		State string `json:"state"`
	}
	e.json(&peers, "peers")
	if len(peers) != 1 || peers[0].Name != "a" || peers[0].State != "established" {
		t.Fatalf("peers after the refused reload: %+v (want only a, established)", peers)
	}

	// Valid again, with a new peer: the next SIGHUP applies it.
	os.WriteFile(cfg, []byte(sighupConfig(dir, `"45.41.0.0/16{16,24}"`, "\n[[peers]]\nname = \"b\"\naddress = \""+fa(3)+"\"\nasn = 21002\nprefixes = [\"45.42.0.0/16\"]\n")), 0o600)
	rs.cmd.Process.Signal(syscall.SIGHUP)
	rs.waitLog(t, 30*time.Second, "config reloaded")
	e.json(&peers, "peers")
	if len(peers) != 2 || peers[1].Name != "b" {
		t.Fatalf("peers after the valid reload: %+v", peers)
	}
	if _, info, since3, _ := bird.ProtocolState("to_rs"); info != "Established" || !speakers.SameSince(since3, since) {
		t.Errorf("adding peer b reset a's session: %s since %v", info, since3)
	}
}
