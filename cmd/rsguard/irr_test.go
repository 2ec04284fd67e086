package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/rsguard/rsguard/irr"
)

const as112File = "../../irr/testdata/as112.rpsl"

func runIRRCmd(t *testing.T, ctx context.Context, args ...string) (string, error) {
	t.Helper()
	cmd := newIRRCommand()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs(args)
	err := cmd.ExecuteContext(ctx)
	return out.String(), err
}

func TestIRRExpandText(t *testing.T) {
	out, err := runIRRCmd(t, context.Background(), "expand", "AS-AS112", "--file", as112File)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"target:     AS-AS112", "origins:    1: AS112", "IPv4 prefixes: 2", "  192.31.196.0/24\n", "sources:    RIPE,RIPE-NONAUTH,APNIC,AFRINIC", "fetched at: "} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestIRRExpandJSONAndErrors(t *testing.T) {
	out, err := runIRRCmd(t, context.Background(), "expand", "AS112", "--ipv6", "--json", "--file", as112File, "--max-length", "64")
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("bad JSON %v:\n%s", err, out)
	}
	for _, k := range []string{"target", "origins", "ipv4", "ipv6", "sources", "fetched_at"} {
		if _, ok := doc[k]; !ok {
			t.Errorf("JSON lacks %q: %s", k, out)
		}
	}
	if v6, _ := doc["ipv6"].([]any); len(v6) != 2 || v6[0] != "2001:4:112::/48{48,64}" {
		t.Errorf("ipv6 = %v", doc["ipv6"])
	}
	if _, err := runIRRCmd(t, context.Background(), "expand", "AS-AS112"); err == nil {
		t.Error("expand without --server or --file succeeded")
	}
	if _, err := runIRRCmd(t, context.Background(), "expand", "not a set", "--file", as112File); err == nil {
		t.Error("bad target accepted")
	}
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// TestIRRServeAndExpand runs "irr serve" until its context ends and
// expands through it with "irr expand --server".
func TestIRRServeAndExpand(t *testing.T) {
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := runIRRCmd(t, ctx, "serve", "--listen", addr, as112File)
		done <- err
	}()
	deadline := time.Now().Add(10 * time.Second)
	for {
		c := irr.NewClient(irr.ClientOptions{Servers: []string{addr}, Timeout: time.Second})
		_, err := c.Query(context.Background(), "!gAS112")
		c.Close()
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("server did not come up: %v", err)
		}
		time.Sleep(50 * time.Millisecond) // polling a start-up, bounded by deadline
	}
	out, err := runIRRCmd(t, context.Background(), "expand", "AS-AS112", "--server", addr, "--source", "RIPE-NONAUTH,RIPE")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "IPv4 prefixes: 2") || !strings.Contains(out, "sources:    RIPE-NONAUTH,RIPE") {
		t.Errorf("expand via server:\n%s", out)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve returned %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop after cancel")
	}
}
