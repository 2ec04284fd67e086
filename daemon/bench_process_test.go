package daemon

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rsguard/rsguard/internal/speakers"
)

func procHWM(pid int) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmHWM:") {
			kb, _ := strconv.Atoi(strings.Fields(l)[1])
			return float64(kb) / 1024
		}
	}
	return 0
}

// BenchmarkProcess100k runs the real `rsguard run` binary as its own
// process between two BIRD peers: BIRD A announces 100,000 /24s, all in A's
// allowed list, and the clock stops when BIRD B holds all of them. Reports
// the seconds and the route server process's peak RSS (VmHWM).
func BenchmarkProcess100k(b *testing.B) {
	speakers.Require(b, "bird")
	const n = 100_000
	prefixes := make([]string, n)
	for i := range prefixes {
		prefixes[i] = fmt.Sprintf("%d.%d.%d.0/24", 45+i/65536, (i/256)%256, i%256)
	}
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		dir := b.TempDir()
		cfgPath := filepath.Join(dir, "rsguard.toml")
		var cfg strings.Builder
		fmt.Fprintf(&cfg, "[global]\nasn = 21000\nrouter_id = %q\nlisten_addresses = [%q]\nlisten_port = 179\nstate_dir = %q\n", a(61), a(61), filepath.Join(dir, "state"))
		fmt.Fprintf(&cfg, "[api]\nsocket = %q\n[log]\nlevel = \"warning\"\n", filepath.Join(dir, "rsguard.sock"))
		fmt.Fprintf(&cfg, "[[peers]]\nname = \"a\"\naddress = %q\nasn = 21001\nprefixes = [\"%s\"]\n", a(62), strings.Join(prefixes, `", "`))
		fmt.Fprintf(&cfg, "[[peers]]\nname = \"b\"\naddress = %q\nasn = 21002\nprefixes = [\"45.200.0.0/16+\"]\n", a(63))
		os.WriteFile(cfgPath, []byte(cfg.String()), 0o600)
		rs := exec.Command(rsguardBin, "run", "-c", cfgPath)
		rs.Stderr = os.Stderr
		if err := rs.Start(); err != nil {
			b.Fatal(err)
		}
		recv := speakers.StartBIRD(b, speakers.BIRDConfig{Raw: fmt.Sprintf("router id %[1]s;\nprotocol device { scan time 10; }\nprotocol bgp to_rs {\n\tlocal %[1]s as 21002;\n\tneighbor %[2]s as 21000;\n\tmultihop;\n\tstrict bind on;\n\tconnect delay time 1;\n\tconnect retry time 1;\n\tipv4 { import all; export none; };\n}\n", a(63), a(61))})
		var sb strings.Builder
		fmt.Fprintf(&sb, "router id %[1]s;\nprotocol device { scan time 10; }\nprotocol static st4 {\n\tipv4;\n", a(62))
		for _, p := range prefixes {
			fmt.Fprintf(&sb, "\troute %s blackhole;\n", p)
		}
		fmt.Fprintf(&sb, "}\nprotocol bgp to_rs {\n\tdisabled;\n\tlocal %[1]s as 21001;\n\tneighbor %[2]s as 21000;\n\tmultihop;\n\tstrict bind on;\n\tconnect delay time 1;\n\tconnect retry time 1;\n\tipv4 { import none; export all; };\n}\n", a(62), a(61))
		send := speakers.StartBIRD(b, speakers.BIRDConfig{Raw: sb.String()})
		if err := recv.WaitEstablished("to_rs", time.Minute); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		if err := send.EnableProtocol("to_rs"); err != nil {
			b.Fatal(err)
		}
		deadline := start.Add(5 * time.Minute)
		for {
			out, _ := recv.Cmd("show", "route", "count", "table", "master4")
			f := strings.Fields(out)
			if len(f) > 0 {
				if c, _ := strconv.Atoi(f[0]); c >= n {
					break
				}
			}
			if time.Now().After(deadline) {
				b.Fatalf("receiver incomplete after 5 minutes: %s", out)
			}
			time.Sleep(20 * time.Millisecond)
		}
		b.StopTimer()
		b.ReportMetric(time.Since(start).Seconds(), "s/100k")
		b.ReportMetric(procHWM(rs.Process.Pid), "rs-peakRSS-MiB")
		rs.Process.Signal(syscall.SIGTERM)
		rs.Wait()
		send.Stop()
		recv.Stop()
	}
}
