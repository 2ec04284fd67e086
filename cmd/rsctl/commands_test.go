package main

import (
	"slices"
	"strings"
	"testing"

	"github.com/rsguard/rsguard/apiserver"
	"github.com/rsguard/rsguard/config"
	"github.com/spf13/cobra"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"

	_ "github.com/rsguard/rsguard/proto/rsguard/v1" // registers the descriptors walked below
)

// rpcCommands maps every RPC to the rsctl command that calls it. The CLI
// mirrors the API one to one: a new RPC fails TestEveryRPCHasACommand until
// it gets a command and a line here.
var rpcCommands = map[string]string{
	"rsguard.v1.PeerService.ListPeers":           "peers",
	"rsguard.v1.PeerService.GetPeer":             "peer show",
	"rsguard.v1.PeerService.EnablePeer":          "peer enable",
	"rsguard.v1.PeerService.DisablePeer":         "peer disable",
	"rsguard.v1.PeerService.GracefulShutdown":    "shutdown",
	"rsguard.v1.PeerService.ResetPeer":           "peer reset",
	"rsguard.v1.RouteService.ListRoutes":         "routes",
	"rsguard.v1.RouteService.ExplainRoute":       "explain",
	"rsguard.v1.RouteService.RouteHistory":       "routes",
	"rsguard.v1.IRRService.GetIRRStatus":         "irr status",
	"rsguard.v1.IRRService.RefreshIRR":           "irr refresh",
	"rsguard.v1.DampeningService.ListDampened":   "dampened",
	"rsguard.v1.DampeningService.ClearDampening": "dampening clear",
	"rsguard.v1.ConfigService.CheckConfig":       "config check",
	"rsguard.v1.ConfigService.ReloadConfig":      "config reload",
	"rsguard.v1.EventService.WatchEvents":        "events",
	"rsguard.v1.ACLService.GetSourcePrefixes":    "acl",
	"rsguard.v1.RPKIService.GetRPKIStatus":       "rpki status",

	// `rsctl dampened` prints it as its State: line; --state alone.
	"rsguard.v1.DampeningService.GetDampeningState": "dampened",
}

func TestEveryRPCHasACommand(t *testing.T) {
	root := NewRootCommand(Streams{Out: &syncBuffer{}, Err: &syncBuffer{}})
	var rpcs []string
	protoregistry.GlobalFiles.RangeFilesByPackage("rsguard.v1", func(fd protoreflect.FileDescriptor) bool {
		for i := 0; i < fd.Services().Len(); i++ {
			methods := fd.Services().Get(i).Methods()
			for j := 0; j < methods.Len(); j++ {
				rpcs = append(rpcs, string(methods.Get(j).FullName()))
			}
		}
		return true
	})
	if len(rpcs) < len(rpcCommands) {
		t.Fatalf("found only %d RPCs in the registry: %q", len(rpcs), rpcs)
	}
	for _, rpc := range rpcs {
		path, ok := rpcCommands[rpc]
		if !ok {
			t.Errorf("RPC %s has no rsctl command: add one and list it in rpcCommands", rpc)
			continue
		}
		if !hasCommand(root, path) {
			t.Errorf("RPC %s maps to %q, which is not an rsctl command", rpc, path)
		}
	}
	for rpc := range rpcCommands {
		if !slices.Contains(rpcs, rpc) {
			t.Errorf("rpcCommands lists %s, which the proto does not define", rpc)
		}
	}
}

// hasCommand reports whether path names a leaf command of root exactly
// (a group such as "irr" calls no RPC).
func hasCommand(root *cobra.Command, path string) bool {
	c, rest, err := root.Find(strings.Fields(path))
	return err == nil && len(rest) == 0 && c.CommandPath() == "rsctl "+path && c.RunE != nil && !c.HasSubCommands()
}

// The table test above must be able to fail.
func TestHasCommandRejectsMissing(t *testing.T) {
	root := NewRootCommand(Streams{Out: &syncBuffer{}, Err: &syncBuffer{}})
	for _, p := range []string{"peer frobnicate", "nope", "irr", "irr refresh now"} {
		if hasCommand(root, p) {
			t.Errorf("hasCommand(%q) = true", p)
		}
	}
	if !hasCommand(root, "irr refresh") {
		t.Error("hasCommand(irr refresh) = false")
	}
}

// The daemon's fallback socket (apiserver) and rsctl's default (config)
// must be the same path, or a default install cannot talk to itself.
func TestDefaultSocketsAgree(t *testing.T) {
	root := NewRootCommand(Streams{Out: &syncBuffer{}, Err: &syncBuffer{}})
	got := root.PersistentFlags().Lookup("socket").DefValue
	for name, want := range map[string]string{"config": config.DefaultSocket, "apiserver": apiserver.DefaultSocket} {
		if got != want {
			t.Errorf("rsctl --socket default %q, %s.DefaultSocket %q", got, name, want)
		}
	}
}
