package rpki

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/netip"
)

// RTR PDU types (RFC 8210 §5).
const (
	pduSerialNotify  = 0
	pduSerialQuery   = 1
	pduResetQuery    = 2
	pduCacheResponse = 3
	pduIPv4Prefix    = 4
	pduIPv6Prefix    = 6
	pduEndOfData     = 7
	pduCacheReset    = 8
	pduRouterKey     = 9
	pduErrorReport   = 10
)

// RTR error codes (RFC 8210 §12) this package sends or acts on.
const (
	errCorruptData        = 0
	errNoDataAvailable    = 2
	errInvalidRequest     = 3
	errUnsupportedVersion = 4
	errUnsupportedPDU     = 5
)

// maxPDULen bounds a PDU read from the network; the largest legitimate one
// is an Error Report carrying a PDU and some text.
const maxPDULen = 64 << 10

// pdu is one decoded RTR PDU. Fields not used by a type stay zero.
type pdu struct {
	Version uint8
	Type    uint8
	Session uint16 // session id, or error code in an Error Report
	Serial  uint32
	// Prefix PDUs.
	Announce bool
	VRP      VRP
	// End of Data, version 1.
	Refresh, Retry, Expire uint32
	// Error Report.
	Text string
}

func (p pdu) marshal() []byte {
	var b []byte
	hdr := func(n int) {
		b = make([]byte, n)
		b[0], b[1] = p.Version, p.Type
		binary.BigEndian.PutUint16(b[2:], p.Session)
		binary.BigEndian.PutUint32(b[4:], uint32(n))
	}
	switch p.Type {
	case pduSerialNotify, pduSerialQuery:
		hdr(12)
		binary.BigEndian.PutUint32(b[8:], p.Serial)
	case pduResetQuery, pduCacheResponse, pduCacheReset:
		hdr(8)
	case pduIPv4Prefix, pduIPv6Prefix:
		n := 20
		if p.Type == pduIPv6Prefix {
			n = 32
		}
		hdr(n)
		b[2], b[3] = 0, 0
		if p.Announce {
			b[8] = 1
		}
		b[9], b[10] = uint8(p.VRP.Prefix.Bits()), p.VRP.MaxLen
		copy(b[12:n-4], p.VRP.Prefix.Addr().AsSlice())
		binary.BigEndian.PutUint32(b[n-4:], p.VRP.ASN)
	case pduEndOfData:
		if p.Version == 0 {
			hdr(12)
		} else {
			hdr(24)
			binary.BigEndian.PutUint32(b[12:], p.Refresh)
			binary.BigEndian.PutUint32(b[16:], p.Retry)
			binary.BigEndian.PutUint32(b[20:], p.Expire)
		}
		binary.BigEndian.PutUint32(b[8:], p.Serial)
	case pduErrorReport:
		hdr(16 + len(p.Text))
		// No encapsulated PDU: its length is zero.
		binary.BigEndian.PutUint32(b[12:], uint32(len(p.Text)))
		copy(b[16:], p.Text)
	default:
		panic(fmt.Sprintf("rpki: marshal of PDU type %d", p.Type))
	}
	return b
}

// errPDU is a protocol error to report to the peer with an Error Report.
type errPDU struct {
	code uint16
	msg  string
}

func (e *errPDU) Error() string { return e.msg }

func protoErr(code uint16, format string, a ...any) error {
	return &errPDU{code: code, msg: fmt.Sprintf(format, a...)}
}

// readPDU reads one PDU. Router Key PDUs (BGPsec) and ASPA PDUs are
// returned with their type and otherwise skipped.
func readPDU(r io.Reader) (pdu, error) {
	var h [8]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return pdu{}, err
	}
	n := binary.BigEndian.Uint32(h[4:])
	if n < 8 || n > maxPDULen {
		return pdu{}, protoErr(errCorruptData, "PDU length %d out of range", n)
	}
	b := make([]byte, n)
	copy(b, h[:])
	if _, err := io.ReadFull(r, b[8:]); err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return pdu{}, err
	}
	return parsePDU(b)
}

// parsePDU decodes one complete PDU.
func parsePDU(b []byte) (pdu, error) {
	if len(b) < 8 || binary.BigEndian.Uint32(b[4:]) != uint32(len(b)) {
		return pdu{}, protoErr(errCorruptData, "PDU length mismatch")
	}
	p := pdu{Version: b[0], Type: b[1], Session: binary.BigEndian.Uint16(b[2:])}
	if p.Version > 1 {
		return p, protoErr(errUnsupportedVersion, "RTR version %d not supported", p.Version)
	}
	want := func(n int) error {
		if len(b) != n {
			return protoErr(errCorruptData, "PDU type %d: length %d, want %d", p.Type, len(b), n)
		}
		return nil
	}
	switch p.Type {
	case pduSerialNotify, pduSerialQuery:
		if err := want(12); err != nil {
			return p, err
		}
		p.Serial = binary.BigEndian.Uint32(b[8:])
	case pduResetQuery, pduCacheResponse, pduCacheReset:
		if err := want(8); err != nil {
			return p, err
		}
	case pduIPv4Prefix, pduIPv6Prefix:
		n, alen := 20, 4
		if p.Type == pduIPv6Prefix {
			n, alen = 32, 16
		}
		if err := want(n); err != nil {
			return p, err
		}
		addr, _ := netip.AddrFromSlice(b[12 : 12+alen])
		bits := int(b[9])
		if bits > alen*8 {
			return p, protoErr(errCorruptData, "prefix length %d", bits)
		}
		p.Announce = b[8]&1 == 1
		p.VRP = VRP{Prefix: netip.PrefixFrom(addr, bits).Masked(), MaxLen: b[10], ASN: binary.BigEndian.Uint32(b[n-4:])}
		if err := p.VRP.Check(); err != nil {
			return p, protoErr(errCorruptData, "%v", err)
		}
	case pduEndOfData:
		if p.Version == 0 {
			if err := want(12); err != nil {
				return p, err
			}
		} else {
			if err := want(24); err != nil {
				return p, err
			}
			p.Refresh = binary.BigEndian.Uint32(b[12:])
			p.Retry = binary.BigEndian.Uint32(b[16:])
			p.Expire = binary.BigEndian.Uint32(b[20:])
		}
		p.Serial = binary.BigEndian.Uint32(b[8:])
	case pduErrorReport:
		if len(b) < 16 {
			return p, protoErr(errCorruptData, "short Error Report")
		}
		el := binary.BigEndian.Uint32(b[8:])
		if uint64(el) > uint64(len(b)-16) {
			return p, protoErr(errCorruptData, "Error Report: encapsulated PDU too long")
		}
		off := 12 + int(el)
		tl := binary.BigEndian.Uint32(b[off:])
		if uint64(off)+4+uint64(tl) != uint64(len(b)) {
			return p, protoErr(errCorruptData, "Error Report: text length mismatch")
		}
		p.Text = string(b[off+4:])
	default:
		// Router Key (9), ASPA (11) and future types carry nothing for
		// origin validation; the caller skips them.
	}
	return p, nil
}
