package config

import (
	"net"
	"strconv"
)

// Metrics is the [metrics] table: a Prometheus endpoint, off by default.
type Metrics struct {
	// Listen is "host:port" for GET /metrics over plain HTTP; "" = off.
	// It carries no secrets, but peer names and counts: bind it to a
	// management address.
	Listen string
	// Advertised adds rsguard_peer_routes{view="advertised"}: GoBGP
	// counts the routes exported to each peer by walking that peer's RIB
	// on its server loop at every scrape, so it is off by default.
	Advertised bool
}

func (d *decoder) metrics(m *Metrics, t *table) {
	if s, at, ok := t.str("listen"); ok && s != "" { // "" = off, as when absent
		host, port, err := net.SplitHostPort(s)
		n, perr := strconv.Atoi(port)
		switch {
		case err != nil:
			d.c.addf(at, "%q is not host:port: %v", s, err)
		case perr != nil || n < 1 || n > 65535:
			d.c.addf(at, "%q: port must be 1..65535", s)
		case host == "":
			d.c.addf(at, "%q: give the address to listen on (e.g. 127.0.0.1:9179): the endpoint is not bound to every address by accident", s)
		default:
			m.Listen = s
		}
	}
	if b, _, ok := t.boolean("advertised"); ok {
		m.Advertised = b
	}
}
