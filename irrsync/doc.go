// Package irrsync keeps every peer's IRR-derived filter current in a
// running route server.
//
// For each peer with an as_set it expands the AS-SET (or ASN) through the
// configured IRR sources (whois servers and local RPSL dumps read as one
// registry, irr.Merged: a set from the first that has it, route objects
// from all, any of them failing fails the refresh), aggregates the prefixes and widens them to the peer's
// irr_max_length_ipv4/6 like `bgpq4 -A -R`, merges them with the peer's
// static prefixes and hands the complete list and the origin set to the
// route server, which applies them by diff without resetting the session.
//
// Safety, following stayrtr's "last good" model:
//
//   - A refresh that fails (registry unreachable, protocol error) changes
//     nothing: the last good filter stays in force and Status shows the
//     error and the age of the data in force.
//   - The safety brake holds back a refresh that would shrink a peer's
//     prefix list by more than [irr] max_shrink, or that comes back empty
//     (no origins or no prefixes) for a peer that had entries. The old list
//     stays in force, the refusal is logged with the numbers and shown in
//     Status; Refresh with force applies it anyway.
//   - Every applied result is saved under <state_dir>/irr, one JSON file per
//     peer, and InitialFilter hands it to the route server at start, so a
//     restart while the registry is down keeps the peer's filters instead of
//     falling back to default deny.
//   - The lists are held once in memory, by the route server's filter. The
//     syncer remembers a summary of the last good data (counts, sources,
//     time, a digest to recognise an unchanged refresh) and reads the lists
//     back from the cache when a reload rebuilds a peer's filter. While the
//     cache cannot be written it keeps them itself; a cache lost behind its
//     back leaves the rebuilt filter at default deny and the peer is
//     refreshed at once.
//
// Lifecycle: New (reads the cache), routeserver.New with InitialFilter,
// Attach, start the route server, Run. Refresh serves on-demand refreshes
// (force overrides the brake), Status the per-peer state, and Reconfigure
// follows a config reload (new and changed peers are refreshed at once).
//
// Concurrency: one refresh at a time per peer (Run and Refresh share the
// per-peer lock); up to [irr] concurrency peers refresh in parallel, peers
// still at default deny first. Each whois query batch has an absolute
// deadline ([irr] query_timeout) and each expansion another
// (refresh_timeout), so registries that hang cannot hold the others up.
// Each refresh opens its own whois session, because registries close idle
// sessions long before the next periodic refresh.
//
// The cache is validated like fresh data (irr.Result.Validate): a cache
// entry holding a bogon, a default route or an over-broad range is
// refused whole and the peer starts at default deny.
package irrsync
