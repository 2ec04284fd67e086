package daemon

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rsguard/rsguard/internal/speakers"
)

// TestSIGTERMSendsCease runs the real `rsguard run` binary with a BIRD
// peer using TCP-MD5 from a password_file, then sends SIGTERM: the daemon
// must exit cleanly and BIRD must have received a Cease notification
// rather than seeing the connection drop.
func TestSIGTERMSendsCease(t *testing.T) {
	speakers.Require(t, "bird")
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.secret"), []byte("file-secret\n"), 0o600)
	cfgPath := filepath.Join(dir, "rsguard.toml")
	os.WriteFile(cfgPath, []byte(fmt.Sprintf(`
[global]
asn = 21000
router_id = "%[1]s"
listen_addresses = ["%[1]s"]
listen_port = 179
state_dir = %[3]q
[api]
socket = %[4]q
[[peers]]
name = "a"
address = "%[2]s"
asn = 21001
password_file = "a.secret"
prefixes = ["45.41.0.0/16{16,24}"]
`, a(71), a(72), filepath.Join(dir, "state"), filepath.Join(dir, "rsguard.sock"))), 0o600)
	rs := exec.Command(rsguardBin, "run", "-c", cfgPath)
	var logs strings.Builder
	rs.Stderr = &logs
	if err := rs.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- rs.Wait() }()
	defer func() {
		if rs.ProcessState == nil {
			rs.Process.Kill()
		}
	}()
	bird := speakers.StartBIRD(t, speakers.BIRDConfig{ASN: 21001, RouterID: a(72),
		Neighbors: []speakers.BIRDNeighbor{{Name: "to_rs", LocalAddr: a(72), PeerAddr: a(71), PeerASN: 21000,
			Password: "file-secret", IPv4: true, ImportAll: true}}})
	if err := bird.WaitEstablished("to_rs", 60*time.Second); err != nil {
		t.Fatalf("MD5 session with the password from password_file: %v\n%s", err, logs.String())
	}
	rs.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("rsguard exited with %v\n%s", err, logs.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("rsguard did not exit on SIGTERM")
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, info, _, _ := bird.ProtocolState("to_rs")
		if strings.Contains(info, "Received: Administrative shutdown") {
			t.Logf("BIRD: %s", info)
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("BIRD saw no notification from the route server: %q", info)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
