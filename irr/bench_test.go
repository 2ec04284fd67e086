package irr

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// syntheticDB builds AS-BIG: 500 public ASNs with 100 IPv4 /24s each,
// 50,000 prefixes in all.
func syntheticDB(b *testing.B) *DB {
	var sb strings.Builder
	sb.WriteString("as-set: AS-BIG\nmembers: ")
	for i := 0; i < 500; i++ {
		if i > 0 {
			sb.WriteString(", ")
		}
		fmt.Fprintf(&sb, "AS%d", 21001+i)
	}
	sb.WriteString("\nmnt-by: M\nsource: BENCH\n\n")
	n := 0
	for i := 0; i < 500; i++ {
		for j := 0; j < 100; j++ {
			fmt.Fprintf(&sb, "route: 45.%d.%d.0/24\norigin: AS%d\nmnt-by: M\nsource: BENCH\n\n", n/256, n%256, 21001+i)
			n++
		}
	}
	db := NewDB()
	if _, err := ParseRPSL(strings.NewReader(sb.String()), "synthetic", db.Add); err != nil {
		b.Fatal(err)
	}
	return db
}

// benchVsBgpq4 expands set (IPv4) once per iteration with a fresh rsguard
// client and once with an exec'ed bgpq4, both against the same in-process
// server, and reports both costs and their ratio.
func benchVsBgpq4(b *testing.B, db *DB, set string, keepBogons bool, wantPrefixes int) {
	bgpq4 := needBinary(b, "bgpq4")
	addr := startServer(b, db, ServerOptions{})
	ctx := context.Background()
	var ours, theirs time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		c := NewClient(ClientOptions{Servers: []string{addr}, Timeout: 30 * time.Second})
		res, err := Expand(ctx, c, set, ExpandOptions{NoIPv6: true, KeepBogonASNs: keepBogons})
		c.Close()
		if err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		out, err := exec.Command(bgpq4, "-h", addr, "-p", "-4", "-F", `%n/%l\n`, set).Output()
		if err != nil {
			b.Fatal(err)
		}
		t2 := time.Now()
		ours += t1.Sub(t0)
		theirs += t2.Sub(t1)
		if got := strings.Count(string(out), "\n"); got != len(res.IPv4) || (wantPrefixes > 0 && got != wantPrefixes) {
			b.Fatalf("bgpq4 printed %d prefixes, rsguard found %d (want %d)", got, len(res.IPv4), wantPrefixes)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(ours.Nanoseconds())/float64(b.N), "rsguard-ns/op")
	b.ReportMetric(float64(theirs.Nanoseconds())/float64(b.N), "bgpq4-ns/op")
	b.ReportMetric(float64(theirs)/float64(ours), "bgpq4/rsguard")
}

func BenchmarkExpandDN42Largest(b *testing.B) {
	benchVsBgpq4(b, dn42DB(b), "AS-POTATO:AS-TRANSIT", true, 0)
}

func BenchmarkExpandSynthetic50k(b *testing.B) {
	benchVsBgpq4(b, syntheticDB(b), "AS-BIG", false, 50000)
}

// BenchmarkExpandDN42LocalDB is the same expansion straight from the DB,
// without the network: the floor for the two above.
func BenchmarkExpandDN42LocalDB(b *testing.B) {
	src := DBSource{DB: dn42DB(b)}
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Expand(ctx, src, "AS-POTATO:AS-TRANSIT", ExpandOptions{KeepBogonASNs: true}); err != nil {
			b.Fatal(err)
		}
	}
}
