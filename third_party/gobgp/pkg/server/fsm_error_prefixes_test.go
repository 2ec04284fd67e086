package server

import (
	"fmt"
	"sync"
	"testing"

	"github.com/osrg/gobgp/v3/pkg/log"
	"github.com/osrg/gobgp/v3/pkg/packet/bgp"
	"github.com/stretchr/testify/assert"
)

// warnRecorder keeps the warnings logged through it.
type warnRecorder struct {
	log.Logger
	mu    sync.Mutex
	warns map[string]log.Fields
}

func (r *warnRecorder) Warn(msg string, fields log.Fields) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.warns[msg] = fields
}

// rawUpdate builds an UPDATE from its path attributes and NLRI octets.
func rawUpdate(attrs, nlri []byte) []byte {
	n := 19 + 2 + 2 + len(attrs) + len(nlri)
	b := make([]byte, 0, n)
	for i := 0; i < 16; i++ {
		b = append(b, 0xff)
	}
	b = append(b, byte(n>>8), byte(n), bgp.BGP_MSG_UPDATE, 0, 0, byte(len(attrs)>>8), byte(len(attrs)))
	return append(append(b, attrs...), nlri...)
}

var (
	attrOrigin = []byte{0x40, 1, 1, 0}
	attrASPath = []byte{0x40, 2, 6, 2, 1, 0, 0, 0x52, 0x09} // AS_SEQUENCE 21001 (2-octet)
	attrNH     = []byte{0x40, 3, 4, 192, 0, 2, 1}
)

func cat(bs ...[]byte) []byte {
	var out []byte
	for _, b := range bs {
		out = append(out, b...)
	}
	return out
}

// An UPDATE handled by treat-as-withdraw or attribute discard (RFC 7606)
// is logged with the prefixes it announced, at most maxLoggedPrefixes of
// them, and their count; before, the line named only the peer and the
// error, so nobody could tell which routes had been dropped.
func TestHandlingErrorLogsPrefixes(t *testing.T) {
	many := []byte{}
	var manyNames []string
	for i := 0; i < 100; i++ {
		many = append(many, 24, 45, 23, byte(i))
		manyNames = append(manyNames, fmt.Sprintf("45.23.%d.0/24", i))
	}
	for _, tc := range []struct {
		name     string
		msg      []byte
		handling bgp.ErrorHandling
		logLine  string
		prefixes []string
		count    int
	}{
		{"next hop of 5 octets", rawUpdate(cat(attrOrigin, attrASPath, []byte{0x40, 3, 5, 192, 0, 2, 1, 9}), []byte{24, 45, 23, 1, 16, 45, 24}),
			bgp.ERROR_HANDLING_TREAT_AS_WITHDRAW, "the received Update message was treated as withdraw", []string{"45.23.1.0/24", "45.24.0.0/16"}, 2},
		{"origin of 2 octets", rawUpdate(cat([]byte{0x40, 1, 2, 0, 0}, attrASPath, attrNH), []byte{24, 45, 23, 1}),
			bgp.ERROR_HANDLING_TREAT_AS_WITHDRAW, "the received Update message was treated as withdraw", []string{"45.23.1.0/24"}, 1},
		{"100 prefixes", rawUpdate(cat(attrOrigin, attrASPath, []byte{0x40, 3, 5, 192, 0, 2, 1, 9}), many),
			bgp.ERROR_HANDLING_TREAT_AS_WITHDRAW, "the received Update message was treated as withdraw", manyNames[:maxLoggedPrefixes], 100},
		{"malformed AS4_PATH", rawUpdate(cat(attrOrigin, attrASPath, attrNH, []byte{0xc0, 17, 3, 2, 1, 0}), []byte{24, 45, 23, 2}),
			bgp.ERROR_HANDLING_ATTRIBUTE_DISCARD, "Some attributes were discarded", []string{"45.23.2.0/24"}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert := assert.New(t)
			_, h := makePeerAndHandler()
			rec := &warnRecorder{Logger: h.fsm.logger, warns: map[string]log.Fields{}}
			h.fsm.logger = rec
			m, err := bgp.ParseBGPMessage(tc.msg)
			if !assert.Error(err) || !assert.NotNil(m) {
				return
			}
			assert.Equal(tc.handling, h.handlingError(m, err, true))
			f, ok := rec.warns[tc.logLine]
			if !assert.True(ok, "logged %v", rec.warns) {
				return
			}
			assert.Equal(tc.prefixes, f["Prefixes"])
			assert.Equal(tc.count, f["PrefixCount"])
			assert.Equal(err, f["Error"])
		})
	}
}

// MP_REACH_NLRI prefixes are named too, after those of the NLRI field.
func TestUpdatePrefixesMpReach(t *testing.T) {
	u := bgp.NewBGPUpdateMessage(nil, []bgp.PathAttributeInterface{
		bgp.NewPathAttributeMpReachNLRI("2001:db8::1", []bgp.AddrPrefixInterface{
			bgp.NewIPv6AddrPrefix(32, "2a0a:4580::"), bgp.NewIPv6AddrPrefix(48, "2a0a:4581::")}),
	}, []*bgp.IPAddrPrefix{bgp.NewIPAddrPrefix(24, "45.23.1.0")}).Body.(*bgp.BGPUpdate)
	got, n := updatePrefixes(u, 2)
	assert.Equal(t, []string{"45.23.1.0/24", "2a0a:4580::/32"}, got)
	assert.Equal(t, 3, n)
}
