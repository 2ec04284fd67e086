package table

// Export memo: which route-server clients a path was advertised to.
//
// GoBGP keeps no Adj-RIB-Out. When a path is withdrawn or replaced, the
// secondary-route export (pkg/server sendSecondaryRoutesWith) finds out
// which path a client holds by running the client's export policy again
// over every old path, for every client: at an IXP-sized fan-out that is
// as much policy work as the announcement was. The memo keeps the answer
// of the last export filtering instead: one bit per client slot, in a
// word Path had free.
//
// A bit is only ever a reason to send a withdrawal, never a reason to
// hold one back: a clear bit means "evaluate as before". So a stale set
// bit (a slot reused by another client, a client whose session
// restarted) can cost a withdrawal of a route the client does not hold,
// which a BGP speaker ignores, and never a route left behind.

// ExportSlots is how many route-server clients can have an export slot;
// clients beyond it are filtered without the memo.
const ExportSlots = 64

// ExportedTo reports whether the export policy of the client in slot
// (1..ExportSlots; 0 is "no slot") accepted path when it was last
// filtered for that client.
func (path *Path) ExportedTo(slot int) bool {
	if slot < 1 || slot > ExportSlots {
		return false
	}
	return path.exportedTo&(1<<(slot-1)) != 0
}

// NoteExport records the outcome of filtering path for the client in
// slot. Only the server loop filters paths for export, so the word needs
// no lock.
func (path *Path) NoteExport(slot int, accepted bool) {
	if slot < 1 || slot > ExportSlots {
		return
	}
	if accepted {
		path.exportedTo |= 1 << (slot - 1)
	} else {
		path.exportedTo &^= 1 << (slot - 1)
	}
}
