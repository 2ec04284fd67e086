package irrsync

import (
	"time"

	"github.com/rsguard/rsguard/config"
	"github.com/rsguard/rsguard/irr"
)

// Registry is the IRR registry the daemon expands as_sets against, built
// from [irr]: a whois client over the servers (tried in order for
// failover) first, then the parsed files (db, nil without files), read as
// one irr.Merged: a set from the first that has it, route objects from
// all, either failing fails the query. pinned ("RIPE" of "RIPE::AS-FOO")
// narrows both to one IRR source, else [irr] sources applies.
// queryTimeout is the client's absolute deadline per query batch (0: [irr]
// query_timeout, else the default). client is the whois client (nil
// without servers): close it when done.
func Registry(c config.IRR, db *irr.DB, pinned string, queryTimeout time.Duration) (src irr.Merged, client *irr.Client) {
	sources := c.Sources
	if pinned != "" {
		sources = []string{pinned}
	}
	if queryTimeout <= 0 {
		queryTimeout = c.QueryTimeout
	}
	if queryTimeout <= 0 {
		queryTimeout = config.DefaultIRRQueryTimeout
	}
	if len(c.Servers) > 0 {
		client = irr.NewClient(irr.ClientOptions{Servers: c.Servers, Sources: sources, Timeout: queryTimeout, Name: "rsguard"})
		src = append(src, client) // servers first
	}
	if db != nil {
		src = append(src, irr.DBSource{DB: db, Select: sources})
	}
	return src, client
}
