package dampening

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"net/netip"
)

// The journal makes suppression state changes durable the moment they
// happen, between two snapshots. It is a text file of lines
//
//	<crc32c of the JSON, 8 hex digits> <JSON>\n
//
// whose first line is a header naming the format, version and the
// generation of the snapshot it follows, and every other line one record:
//
//	{"op":"suppress","route":{…savedRoute after the event…}}
//	{"op":"release","route":{…}}
//	{"op":"clear","route":{"peer":…,"prefix":…,"path_id":…}}
//	{"op":"drop_peer","route":{"peer":…}}
//
// A record carries the route's whole saved state, so replay is "last record
// wins" per route and never depends on arithmetic done at replay time.
// Lines, not length-prefixed frames, because a crash mid-append can only
// leave a last line without its newline or with a bad checksum: that torn
// tail is recognizable and is ignored; a bad line anywhere else is
// corruption and is reported.
const (
	journalFormat  = "rsguard-dampening-journal"
	journalVersion = 1
)

const (
	opSuppress = "suppress"
	opRelease  = "release"
	opClear    = "clear"
	opDropPeer = "drop_peer"
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

type journalHeader struct {
	Format     string `json:"format"`
	Version    int    `json:"version"`
	Generation uint64 `json:"generation"`
}

type journalRecord struct {
	Op    string     `json:"op"`
	Route savedRoute `json:"route"`
}

// appendLine appends one checksummed line holding v to dst.
func appendLine(dst []byte, v any) []byte {
	js, err := json.Marshal(v)
	if err != nil { // only plain structs of strings and numbers are passed
		panic(fmt.Sprintf("dampening journal: encoding %T: %v", v, err))
	}
	var sum [4]byte
	c := crc32.Checksum(js, castagnoli)
	sum[0], sum[1], sum[2], sum[3] = byte(c>>24), byte(c>>16), byte(c>>8), byte(c)
	dst = hex.AppendEncode(dst, sum[:])
	dst = append(dst, ' ')
	dst = append(dst, js...)
	return append(dst, '\n')
}

// checkLine verifies one line (without its newline) and returns its JSON.
func checkLine(line []byte) ([]byte, error) {
	sum, js, ok := bytes.Cut(line, []byte{' '})
	if !ok || len(sum) != 8 {
		return nil, fmt.Errorf("not a checksummed record")
	}
	var want [4]byte
	if _, err := hex.Decode(want[:], sum); err != nil {
		return nil, fmt.Errorf("checksum %q: not hex", sum)
	}
	got := crc32.Checksum(js, castagnoli)
	if got != uint32(want[0])<<24|uint32(want[1])<<16|uint32(want[2])<<8|uint32(want[3]) {
		return nil, fmt.Errorf("checksum mismatch")
	}
	return js, nil
}

// journalEntry is one verified record and the line it came from.
type journalEntry struct {
	line int
	rec  journalRecord
}

// parsedJournal is what could be read from one journal file.
type parsedJournal struct {
	generation uint64
	entries    []journalEntry
	// bad lists, by line, the records that were skipped (checksum or
	// decoding errors): each is a state change lost.
	bad []string
	// torn describes an ignored incomplete last record, "" when none.
	torn string
}

// parseJournal splits and verifies a journal. It fails only when the
// header is unusable, since then nothing says which snapshot the records
// follow; a torn header (a crash right after the file was created) is an
// empty journal.
func parseJournal(raw []byte) (*parsedJournal, error) {
	pj := &parsedJournal{}
	lines := bytes.Split(raw, []byte{'\n'})
	// After the last newline: "" for a complete file, else a torn record.
	if last := lines[len(lines)-1]; len(last) > 0 {
		pj.torn = fmt.Sprintf("line %d: %d bytes without a newline", len(lines), len(last))
	}
	lines = lines[:len(lines)-1]
	// A complete last line with a bad checksum is also a torn write: the
	// file size can reach the disk before the data does.
	if n := len(lines); n > 0 && pj.torn == "" {
		if _, err := checkLine(lines[n-1]); err != nil {
			pj.torn = fmt.Sprintf("line %d: %v", n, err)
			lines = lines[:n-1]
		}
	}
	if len(lines) == 0 {
		if pj.torn != "" && len(raw) > 0 {
			pj.torn = "header " + pj.torn
		}
		return pj, errEmptyJournal
	}
	js, err := checkLine(lines[0])
	if err != nil {
		return nil, fmt.Errorf("%w: line 1 (header): %v", ErrCorrupt, err)
	}
	var h journalHeader
	if err := strictUnmarshal(js, &h); err != nil {
		return nil, fmt.Errorf("%w: line 1 (header): %v", ErrCorrupt, err)
	}
	if h.Format != journalFormat {
		return nil, fmt.Errorf("%w: line 1 (header): format is %q, want %q", ErrCorrupt, h.Format, journalFormat)
	}
	if h.Version != journalVersion {
		return nil, fmt.Errorf("%w: line 1 (header): version %d (this build reads %d)", ErrUnsupportedVersion, h.Version, journalVersion)
	}
	pj.generation = h.Generation
	for i, line := range lines[1:] {
		n := i + 2
		js, err := checkLine(line)
		if err != nil {
			pj.bad = append(pj.bad, fmt.Sprintf("line %d: %v", n, err))
			continue
		}
		var rec journalRecord
		if err := strictUnmarshal(js, &rec); err != nil {
			pj.bad = append(pj.bad, fmt.Sprintf("line %d: %v", n, err))
			continue
		}
		pj.entries = append(pj.entries, journalEntry{line: n, rec: rec})
	}
	return pj, nil
}

// errEmptyJournal: no complete header, so no records; not an error for the
// caller, who reads it as "nothing to apply".
var errEmptyJournal = fmt.Errorf("empty journal")

func strictUnmarshal(js []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return fmt.Errorf("trailing data after the record")
	}
	return nil
}

// applyRecord replays one record onto the engine, validating it exactly as
// a snapshot route is validated. The caller holds e.mu.
func (e *Engine) applyRecord(rec journalRecord, now int64) error {
	switch rec.Op {
	case opSuppress, opRelease:
		k, r, err := e.restore(rec.Route, now)
		if err != nil {
			return fmt.Errorf("route%s", err)
		}
		if (rec.Op == opSuppress) != r.suppressed() {
			return fmt.Errorf("route.suppressed_since: a %s record must %s it", rec.Op, map[bool]string{true: "set", false: "not set"}[rec.Op == opSuppress])
		}
		e.putRestored(k, r)
	case opClear:
		prefix, err := netip.ParsePrefix(rec.Route.Prefix)
		if err != nil {
			return fmt.Errorf("route.prefix: %v", err)
		}
		rk, _ := makeRouteKey(prefix, rec.Route.PathID)
		if ps := e.peers[rec.Route.Peer]; ps != nil {
			if _, ok := ps.routes[rk]; ok {
				e.clearRoute(ps, rk)
			}
		}
	case opDropPeer:
		if ps := e.peers[rec.Route.Peer]; ps != nil {
			e.dropRoutes(ps)
		}
	default:
		return fmt.Errorf("op: unknown operation %q", rec.Op)
	}
	return nil
}

// putRestored installs a validated route from a snapshot or journal,
// replacing what the engine had, keeping the indexes and the
// suppression counters right. Routes of peers in ModeOff are not kept.
// The caller holds e.mu.
func (e *Engine) putRestored(k Key, r route) {
	if e.modeOf(e.peers[k.Peer]) == ModeOff || (!r.hasHistory() && e.peers[k.Peer] == nil) {
		return
	}
	rk, ok := makeRouteKey(k.Prefix, k.PathID)
	if !ok {
		return
	}
	ps := e.peer(k.Peer)
	old := ps.routes[rk]
	switch {
	case r.suppressed() && !old.suppressed():
		ps.suppressed[rk] = struct{}{}
		ps.counters.Suppressions++
	case !r.suppressed() && old.suppressed():
		delete(ps.suppressed, rk)
		ps.counters.Releases++
	}
	e.store(ps, rk, r)
}
