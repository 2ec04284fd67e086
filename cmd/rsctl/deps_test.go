package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestRsctlDoesNotLinkTheServer: rsctl is a client of the API. It shares
// the API's types and conversions (proto, apiconv) but must not pull in
// the server, the daemon or GoBGP: a client binary that links the server
// grows with it and can call into it by accident.
func TestRsctlDoesNotLinkTheServer(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go command is not on $PATH")
	}
	out, err := exec.Command(goBin, "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	deps := strings.Fields(string(out))
	forbidden := []string{
		"github.com/rsguard/rsguard/apiserver",
		"github.com/rsguard/rsguard/daemon",
		"github.com/rsguard/rsguard/routeserver",
		"github.com/rsguard/rsguard/routestore",
		"github.com/osrg/gobgp",
	}
	var sawAPIConv bool
	for _, d := range deps {
		sawAPIConv = sawAPIConv || d == "github.com/rsguard/rsguard/apiconv"
		for _, f := range forbidden {
			if d == f || strings.HasPrefix(d, f+"/") {
				t.Errorf("rsctl depends on %s (forbidden: %s)", d, f)
			}
		}
	}
	// Guards the test itself: an empty or wrong list would pass above.
	if !sawAPIConv {
		t.Errorf("go list -deps lacks github.com/rsguard/rsguard/apiconv; got %d packages", len(deps))
	}
}
