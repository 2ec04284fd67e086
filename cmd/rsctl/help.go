package main

import "github.com/rsguard/rsguard/internal/clihelp"

// helpTexts teach each command by example (`rsctl X --help`), keyed by the
// command path after "rsctl". They live in one file, beside each other, so
// the manual reads consistently; a command that sets its own Long or
// Example keeps it (clihelp.Apply). help_test.go fails on a command
// without both.
var helpTexts = map[string]clihelp.Text{
	"": {Example: `  rsctl peers                                  # over /run/rsguard/rsguard.sock
  rsctl --json rejected --peer ix-a            # machine-readable
  rsctl --addr rs1.example.net:50051 --token-file api.token --ca ca.pem peers`},
	"peers": {
		Long: "peers lists every configured peer with its session state and uptime, and how\n" +
			"many routes it sent, how many of them were accepted and how many rejected.",
		Example: "  rsctl peers\n  rsctl --json peers | jq '.[] | select(.state != \"established\") | .name'",
	},
	"peer": {
		Long:    "peer shows one peer in detail or changes its session: disable, enable, reset.",
		Example: "  rsctl peer show ix-a\n  rsctl peer disable ix-a --message \"maintenance until 22:00 UTC\"",
	},
	"peer show": {
		Long: "show prints one peer in detail: address, ASN, session state, route counts,\n" +
			"flap counters, max-prefix state, contacts, and the last error or shutdown message.",
		Example: "  rsctl peer show ix-a",
	},
	"peer disable": {
		Long: "disable ends the peer's session with a Cease (Administrative Shutdown) carrying\n" +
			"--message (RFC 8203), and keeps it down until `rsctl peer enable`.",
		Example: "  rsctl peer disable ix-a --message \"maintenance, ticket 4711\"",
	},
	"peer shutdown": {
		Long: "shutdown ends a peer's session. Without --graceful it is `peer disable`. With\n" +
			"--graceful (a member's planned maintenance, RFC 8326) every route of the peer is\n" +
			"first re-announced to the others tagged GRACEFUL_SHUTDOWN (65535:0), so they move\n" +
			"their traffic away; after --wait the session ends with the --message (RFC 8203).",
		Example: "  rsctl peer shutdown ix-a --graceful --wait 2m --message \"router swap, ticket 4711\"",
	},
	"shutdown": {
		Long: "shutdown --graceful tags every route the route server announces with\n" +
			"GRACEFUL_SHUTDOWN (RFC 8326) before the route server's own maintenance, as\n" +
			"ARouteServer's graceful_shutdown does; stop the daemon (SIGTERM) once traffic\n" +
			"has moved. --undo lifts the tag again.",
		Example: "  rsctl shutdown --graceful\n  rsctl shutdown --graceful --undo",
	},
	"peer enable": {
		Long:    "enable lets an administratively disabled peer (or one shut down by max-prefix) connect again.",
		Example: "  rsctl peer enable ix-a",
	},
	"peer reset": {
		Long: "reset re-evaluates the peer's stored routes against the filters in force now\n" +
			"(soft-in: the session stays up). --hard tears the session down instead; the\n" +
			"peer reconnects and sends everything again.",
		Example: "  rsctl peer reset ix-a\n  rsctl peer reset ix-a --hard",
	},
	"routes": {
		Long: "routes lists one peer's routes. --view received (the default view) shows what\n" +
			"it sent with each route's verdict, accepted and rejected narrow that down,\n" +
			"advertised shows what the route server sends it. --prefix, --ip and --reason\n" +
			"filter the list.",
		Example: "  rsctl routes --peer ix-a\n" +
			"  rsctl routes --peer ix-a --view advertised --ip 45.1.2.3\n" +
			"  rsctl routes --peer ix-a --view rejected --reason rpki_invalid",
	},
	"rejected": {
		Long: "rejected lists the routes the route server refused, with every reason each\n" +
			"one failed (not only the first), of one peer or of all.",
		Example: "  rsctl rejected\n" +
			"  rsctl rejected --peer ix-a --reason bogon_prefix --reason 13\n" +
			"  rsctl rejected --prefix 45.1.0.0/24",
	},
	"irr": {
		Long:    "irr shows the IRR data each peer's filter is built from, or refreshes it now.",
		Example: "  rsctl irr status\n  rsctl irr refresh --peer ix-a",
	},
	"irr status": {
		Long: "status prints, per peer, the AS-SET expanded, how many origins and IPv4/IPv6\n" +
			"prefixes it gave, the sources, when it was refreshed and how old it is, and\n" +
			"the last refresh error or a result the safety brake held back.",
		Example: "  rsctl irr status\n  rsctl irr status --peer ix-a",
	},
	"irr refresh": {
		Example: "  rsctl irr refresh\n  rsctl irr refresh --peer ix-a --force",
	},
	"dampened": {
		Long: "dampened lists routes with route-flap damping state (RFC 2439): penalty,\n" +
			"whether they are suppressed and when they will be reused. --state shows how the\n" +
			"state was restored when the daemon started, and what was lost.",
		Example: "  rsctl dampened\n  rsctl dampened --peer ix-a\n  rsctl dampened --state",
	},
	"dampening": {
		Long:    "dampening changes route-flap damping state.",
		Example: "  rsctl dampening clear --peer ix-a",
	},
	"dampening clear": {
		Long: "clear forgets the damping penalty of a peer's routes, all of them or one\n" +
			"--prefix, so a suppressed route is no longer held back by its flap history.",
		Example: "  rsctl dampening clear --peer ix-a\n  rsctl dampening clear --peer ix-a --prefix 45.1.0.0/24",
	},
	"config": {
		Long:    "config validates a config file on the server, or reloads the running one.",
		Example: "  rsctl config check /etc/rsguard/rsguard.toml.new\n  rsctl config reload",
	},
	"config check": {
		Long: "check validates PATH (default: the running config file) on the server and shows\n" +
			"what a reload would change, one line each. Every error names file:line: key.\n" +
			"Exit status 1 if a reload would be refused. Nothing is applied.",
		Example: "  rsctl config check\n  rsctl config check /etc/rsguard/rsguard.toml.new",
	},
	"config reload": {
		Long: "reload re-reads the running config file and applies it as a whole. On any\n" +
			"error nothing changes and the errors are printed (exit 1); a change that needs\n" +
			"a restart is refused the same way. Sending SIGHUP to the daemon reloads too\n" +
			"(systemctl reload rsguard), with errors in the daemon's log.",
		Example: "  rsctl config check && rsctl config reload",
	},
	"events": {
		Long: "events follows what happens in the daemon until Ctrl-C: session state changes,\n" +
			"rejected routes, damping, IRR refreshes and max-prefix events. --type narrows\n" +
			"it to peer_state, route_rejected, dampening, irr_refresh or max_prefix; with\n" +
			"--json each event is one JSON object per line.",
		Example: "  rsctl events\n" +
			"  rsctl events --peer ix-a --type peer_state --type max_prefix\n" +
			"  rsctl --json events --type route_rejected | jq .route_rejected.prefix",
	},
	"rpki": {
		Long:    "rpki shows RPKI origin validation: the VRPs in force and where they come from.",
		Example: "  rsctl rpki status",
	},
	"rpki status": {
		Long: "status prints how many VRPs are in force and each source (JSON files, RTR\n" +
			"caches, the SLURM file) with its VRP count, whether it is fresh, and its error.",
		Example: "  rsctl rpki status\n  rsctl --json rpki status",
	},
}
