package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rsguard/rsguard/irr"
)

// The two halves of one registry (see irrsync TestSplitAcrossFileAndServer):
// AS-SPLIT in the dump names AS-SPLIT-SRV, which only the server has.
const (
	splitFile   = "../../irrsync/testdata/split-file.rpsl"
	splitServer = "../../irrsync/testdata/split-server.rpsl"
)

// startWhois serves file on addr (host:0) until the test ends.
func startWhois(t *testing.T, addr, file string) (bound string, stop func()) {
	t.Helper()
	db, err := irr.LoadFiles(file)
	if err != nil {
		t.Fatal(err)
	}
	srv := irr.NewServer(db, irr.ServerOptions{})
	a, err := srv.Listen(addr)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); srv.Serve(ctx) }()
	stop = func() { cancel(); srv.Close(); <-done }
	t.Cleanup(func() {
		select {
		case <-done:
		default:
			stop()
		}
	})
	return a.String(), stop
}

// TestIRRExpandReadsTheRegistryAsTheDaemon: servers and files are one
// registry (irr.Merged, as in the daemon), not a server with the files as
// a fallback: the set from the dump and the nested set from the server
// are both expanded, route objects come from both, and with the server
// down the expansion fails instead of answering from the dump alone.
func TestIRRExpandReadsTheRegistryAsTheDaemon(t *testing.T) {
	addr, stop := startWhois(t, "127.50.11.1:0", splitServer)
	out, err := runIRRCmd(t, context.Background(), "expand", "AS-SPLIT", "--server", addr, "--file", splitFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"origins:    2: AS21001 AS21002", "IPv4 prefixes: 3", "  45.91.0.0/16\n", "  45.92.0.0/16\n", "  45.95.0.0/16\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	stop()
	out, err = runIRRCmd(t, context.Background(), "expand", "AS-SPLIT", "--server", addr, "--file", splitFile, "--timeout", "10s")
	if err == nil || !strings.Contains(err.Error(), "irr source 1 of 2") {
		t.Fatalf("server down: want the expansion to fail naming the server, got %v\n%s", err, out)
	}
}

// TestIRRExpandMissingSetFails: a set no part of the registry has is an
// error (the command exits 1), so a script cannot take it for an empty
// set; an existing set and an ASN without route objects are not.
func TestIRRExpandMissingSetFails(t *testing.T) {
	_, err := runIRRCmd(t, context.Background(), "expand", "AS-NOPE", "--file", as112File)
	if err == nil || !strings.Contains(err.Error(), "set AS-NOPE not found") {
		t.Fatalf("missing set: %v", err)
	}
	_, err = runIRRCmd(t, context.Background(), "expand", "RIPE::AS-AS112", "--file", as112File)
	if err != nil {
		t.Fatalf("pinned to the source that has it: %v", err)
	}
	_, err = runIRRCmd(t, context.Background(), "expand", "APNIC::AS-AS112", "--file", as112File)
	if err == nil || !strings.Contains(err.Error(), "set AS-AS112 not found") {
		t.Fatalf("pinned to a source without the set: %v", err)
	}
	out, err := runIRRCmd(t, context.Background(), "expand", "AS21999", "--file", as112File)
	if err != nil || !strings.Contains(out, "IPv4 prefixes: 0") {
		t.Fatalf("ASN without route objects: %v\n%s", err, out)
	}
}

// TestIRRExpandWithConfig: -c takes [irr] servers, sources and files
// from a config file, loaded as the daemon loads it (a relative file is
// found beside the config; errors name file:line), and gives the same
// answer as the flags; it cannot be mixed with them.
func TestIRRExpandWithConfig(t *testing.T) {
	addr, _ := startWhois(t, "127.50.11.2:0", splitServer)
	dir := t.TempDir()
	data, err := os.ReadFile(splitFile)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "split.rpsl"), data, 0o600)
	cfg := filepath.Join(dir, "rsguard.toml")
	body := fmt.Sprintf(`[global]
asn = 21000
router_id = "127.50.11.3"

[irr]
servers = [%q]
sources = ["SRV"]
files = ["split.rpsl"]

[[peers]]
name = "s"
address = "127.50.11.4"
asn = 21001
as_set = "AS-SPLIT"
`, addr)
	os.WriteFile(cfg, []byte(body), 0o600)
	viaConfig, err := runIRRCmd(t, context.Background(), "expand", "AS-SPLIT-SRV", "-c", cfg)
	if err != nil {
		t.Fatal(err)
	}
	viaFlags, err := runIRRCmd(t, context.Background(), "expand", "AS-SPLIT-SRV", "--server", addr, "--source", "SRV", "--file", filepath.Join(dir, "split.rpsl"))
	if err != nil {
		t.Fatal(err)
	}
	strip := func(s string) string { // fetched-at differs by the run
		var keep []string
		for _, l := range strings.Split(s, "\n") {
			if !strings.HasPrefix(l, "fetched at:") {
				keep = append(keep, l)
			}
		}
		return strings.Join(keep, "\n")
	}
	if strip(viaConfig) != strip(viaFlags) || !strings.Contains(viaConfig, "sources:    SRV\n") || !strings.Contains(viaConfig, "IPv4 prefixes: 1\n  45.92.0.0/16\n") {
		t.Fatalf("-c:\n%s\nflags:\n%s", viaConfig, viaFlags)
	}
	if _, err := runIRRCmd(t, context.Background(), "expand", "AS-SPLIT", "-c", cfg, "--file", splitFile); err == nil {
		t.Error("-c with --file accepted")
	}
	// [irr] sources = ["SRV"] leaves the dump's DUMP objects out, as in the daemon.
	if _, err := runIRRCmd(t, context.Background(), "expand", "AS-SPLIT", "-c", cfg); err == nil || !strings.Contains(err.Error(), "set AS-SPLIT not found") {
		t.Errorf("a set only in a source [irr] sources leaves out: %v", err)
	}
	os.WriteFile(cfg, []byte(strings.Replace(body, `sources = ["SRV"]`, `sourcez = ["SRV"]`, 1)), 0o600)
	if _, err := runIRRCmd(t, context.Background(), "expand", "AS-SPLIT", "-c", cfg); err == nil || !strings.Contains(err.Error(), cfg+":7:") {
		t.Errorf("bad config: want an error at %s:7, got %v", cfg, err)
	}
	os.WriteFile(cfg, []byte("[global]\nasn = 21000\nrouter_id = \"127.50.11.3\"\n"), 0o600)
	if _, err := runIRRCmd(t, context.Background(), "expand", "AS-SPLIT", "-c", cfg); err == nil || !strings.Contains(err.Error(), "no servers and no files") {
		t.Errorf("config without a registry: %v", err)
	}
}
