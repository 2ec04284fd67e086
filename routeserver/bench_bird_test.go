package routeserver

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rsguard/rsguard/internal/speakers"
)

// benchRoutes is the table size of the measurement.
const benchRoutes = 100_000

// benchPrefixes returns n distinct /24s from 45.0.0.0/8 upwards.
func benchPrefixes(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%d.%d.%d.0/24", 45+i/65536, (i/256)%256, i%256)
	}
	return out
}

// birdSenderConfig is BIRD A: n static routes exported to one neighbor,
// written raw because the builder's per-route export filter is for small
// tables. The protocol starts disabled so the clock starts at `enable`.
func birdSenderConfig(local, peer string, peerASN uint32, prefixes []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "router id %s;\nprotocol device { scan time 10; }\nprotocol static st4 {\n\tipv4;\n", local)
	for _, p := range prefixes {
		fmt.Fprintf(&b, "\troute %s blackhole;\n", p)
	}
	fmt.Fprintf(&b, "}\nprotocol bgp to_rs {\n\tdisabled;\n\tlocal %s as 21001;\n\tneighbor %s as %d;\n\tmultihop;\n\tstrict bind on;\n\tconnect delay time 1;\n\tconnect retry time 2;\n\tipv4 { import none; export all; };\n}\n", local, peer, peerASN)
	return b.String()
}

func birdReceiverConfig(local, peer string, peerASN uint32) string {
	return fmt.Sprintf("router id %s;\nprotocol device { scan time 10; }\nprotocol bgp to_rs {\n\tlocal %s as 21002;\n\tneighbor %s as %d;\n\tmultihop;\n\tstrict bind on;\n\tconnect delay time 1;\n\tconnect retry time 2;\n\tipv4 { import all; export none; };\n}\n", local, local, peer, peerASN)
}

// birdRSConfig is BIRD itself as the route server, with the same 100k-entry
// allowed prefix list, the way ARouteServer generates it.
func birdAsRSConfig(local, a, b string, prefixes []string) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "router id %s;\nprotocol device { scan time 10; }\ndefine allowed_a = [\n", local)
	for i, p := range prefixes {
		if i > 0 {
			sb.WriteString(",\n")
		}
		sb.WriteString(p)
	}
	sb.WriteString("\n];\n")
	for _, n := range []struct {
		name, addr string
		asn        uint32
		filter     string
	}{{"ca", a, 21001, "import where net ~ allowed_a;"}, {"cb", b, 21002, "import none;"}} {
		fmt.Fprintf(&sb, "protocol bgp %s {\n\tlocal %s as 21000;\n\tneighbor %s as %d;\n\tmultihop;\n\tstrict bind on;\n\trs client;\n\tpassive on;\n\tipv4 { %s export all; };\n}\n",
			n.name, local, n.addr, n.asn, n.filter)
	}
	return sb.String()
}

func routeCount(b *speakers.BIRD) int {
	out, err := b.Cmd("show", "route", "count", "table", "master4")
	if err != nil {
		return -1
	}
	// "100000 of 100000 routes for 100000 networks in table master4"
	f := strings.Fields(out)
	if len(f) == 0 {
		return -1
	}
	n, _ := strconv.Atoi(f[0])
	return n
}

// timeTransfer enables the sender and waits for the receiver to hold n routes.
func timeTransfer(tb testing.TB, sender, receiver *speakers.BIRD, n int) time.Duration {
	start := time.Now()
	if err := sender.EnableProtocol("to_rs"); err != nil {
		tb.Fatal(err)
	}
	deadline := start.Add(5 * time.Minute)
	for routeCount(receiver) < n {
		if time.Now().After(deadline) {
			tb.Fatalf("receiver has %d of %d routes after 5 minutes", routeCount(receiver), n)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return time.Since(start)
}

func vmHWM() float64 { return pidHWM("self") }

// pidHWM is a process's peak resident set (VmHWM) in MiB.
func pidHWM(pid string) float64 {
	b, err := os.ReadFile("/proc/" + pid + "/status")
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

// BenchmarkPropagate100kRSGuard: BIRD A (100k /24s) → rsguard → BIRD B,
// with A's allowed list holding all 100k prefixes. Reports seconds until B
// holds every route and the test process's peak RSS (the route server plus
// the test harness; BIRDs are separate processes).
func BenchmarkPropagate100kRSGuard(b *testing.B) {
	speakers.Require(b, "bird")
	prefixes := benchPrefixes(benchRoutes)
	var cfg strings.Builder
	fmt.Fprintf(&cfg, "[global]\nasn = 21000\nrouter_id = %q\nlisten_addresses = [%q]\nlisten_port = 179\nstate_dir = \"S\"\n", birdAddr(31), birdAddr(31))
	fmt.Fprintf(&cfg, "[[peers]]\nname = \"a\"\naddress = %q\nasn = 21001\nprefixes = [\"%s\"]\n", birdAddr(32), strings.Join(prefixes, `", "`))
	fmt.Fprintf(&cfg, "[[peers]]\nname = \"b\"\naddress = %q\nasn = 21002\nprefixes = [\"45.200.0.0/16+\"]\n", birdAddr(33))
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		startRS(b, cfg.String(), nil)
		recv := speakers.StartBIRD(b, speakers.BIRDConfig{Raw: birdReceiverConfig(birdAddr(33), birdAddr(31), 21000)})
		send := speakers.StartBIRD(b, speakers.BIRDConfig{Raw: birdSenderConfig(birdAddr(32), birdAddr(31), 21000, prefixes)})
		if err := recv.WaitEstablished("to_rs", time.Minute); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		d := timeTransfer(b, send, recv, benchRoutes)
		b.ReportMetric(d.Seconds(), "s/100k")
		b.ReportMetric(vmHWM(), "peakRSS_MiB")
		b.StopTimer()
		send.Stop()
		recv.Stop()
	}
}

// BenchmarkPropagate100kBIRD is the same transfer with BIRD 2 as the route
// server (rs client, the 100k prefix list as a BIRD prefix set), for a ratio
// in the same run.
func BenchmarkPropagate100kBIRD(b *testing.B) {
	speakers.Require(b, "bird")
	prefixes := benchPrefixes(benchRoutes)
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		rsb := speakers.StartBIRD(b, speakers.BIRDConfig{Raw: birdAsRSConfig(birdAddr(41), birdAddr(42), birdAddr(43), prefixes)})
		recv := speakers.StartBIRD(b, speakers.BIRDConfig{Raw: birdReceiverConfig(birdAddr(43), birdAddr(41), 21000)})
		send := speakers.StartBIRD(b, speakers.BIRDConfig{Raw: birdSenderConfig(birdAddr(42), birdAddr(41), 21000, prefixes)})
		if err := recv.WaitEstablished("to_rs", time.Minute); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		d := timeTransfer(b, send, recv, benchRoutes)
		b.ReportMetric(d.Seconds(), "s/100k")
		b.ReportMetric(pidHWM(strconv.Itoa(rsb.PID())), "rs-peakRSS-MiB")
		b.StopTimer()
		send.Stop()
		recv.Stop()
		rsb.Stop()
	}
}
