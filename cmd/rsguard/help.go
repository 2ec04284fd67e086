package main

import "github.com/rsguard/rsguard/internal/clihelp"

// helpTexts teach each command by example (`rsguard X --help`), keyed by
// the command path after "rsguard"; a command that sets its own Long or
// Example keeps it (clihelp.Apply). help_test.go fails on a command
// without both.
var helpTexts = map[string]clihelp.Text{
	"": {
		Long: "rsguard is a BGP route server (RFC 7947) that filters every client's routes\n" +
			"(bogons, IRR, RPKI, max-prefix and more) and explains each rejection. GoBGP\n" +
			"does the BGP. `rsguard run` is the daemon; rsctl controls it while it runs.",
		Example: "  rsguard demo                                   # see it work, no setup\n" +
			"  rsguard check -c /etc/rsguard/rsguard.toml\n" +
			"  rsguard run -c /etc/rsguard/rsguard.toml",
	},
	"run": {
		Long: "run starts the route server on the config file and serves until SIGTERM or\n" +
			"SIGINT, which end every session with a Cease (Administrative Shutdown).\n" +
			"SIGHUP reloads the file: applied as a whole, or on any error not at all (the\n" +
			"errors are logged, the running config stays). The file is checked as\n" +
			"`rsguard check` does before anything starts. Logs go to stderr.\n" +
			"configs/rsguard.service runs it under systemd as an unprivileged user.",
		Example: "  rsguard run -c /etc/rsguard/rsguard.toml\n" +
			"  kill -HUP $(pidof rsguard)                     # reload; or: systemctl reload rsguard",
	},
	"check": {
		Long: "check validates a config file without starting anything: every error in the\n" +
			"file at once as file:line: key: message, then what `run` would refuse beyond\n" +
			"the file (token and TLS files, directories, IRR). Exit status 1 on any error.\n" +
			"Warnings (a config that is valid but cannot do what it looks meant to) are\n" +
			"printed and exit 0. -v prints the normalized config, passwords redacted.",
		Example: "  rsguard check -c /etc/rsguard/rsguard.toml\n" +
			"  rsguard check -c rsguard.toml.new && cp rsguard.toml.new /etc/rsguard/rsguard.toml && systemctl reload rsguard\n" +
			"  rsguard check -v -c rsguard.toml > normalized.toml",
	},
	"demo": {
		Long: "demo runs the route server on an embedded config with in-process BGP peers on\n" +
			"loopback (port 1179: no root needed) and prints what happens: sessions coming\n" +
			"up, routes accepted and rejected with every reason, and what each peer\n" +
			"receives. No setup, no Internet. It runs until Ctrl-C or --duration.",
		Example: "  rsguard demo\n  rsguard demo --duration 10s",
	},
	"irr": {
		Long: "irr holds the IRR tools: serve local RPSL dumps over the whois protocol, and\n" +
			"expand an AS-SET the way the daemon does.",
		Example: "  rsguard irr expand AS-EXAMPLE -c /etc/rsguard/rsguard.toml",
	},
	"irr serve": {
		Long: "serve loads RPSL dump files (plain or gzip) and answers IRRd-style whois\n" +
			"queries for them until Ctrl-C, so bgpq4 and rsguard's [irr] servers can use a\n" +
			"local mirror. It listens on 127.0.0.1:4343 unless --listen says otherwise.",
		Example: "  rsguard irr serve ripe.db.route.gz ripe.db.as-set.gz\n" +
			"  bgpq4 -h 127.0.0.1:4343 -4 AS-EXAMPLE",
	},
	"irr expand": {
		Example: "  rsguard irr expand AS-EXAMPLE -c /etc/rsguard/rsguard.toml\n" +
			"  rsguard irr expand RIPE::AS-EXAMPLE --server whois.example.net:43 --ipv6\n" +
			"  rsguard irr expand AS21001 --file ripe.db.route.gz --max-length 24 --json",
	},
}
