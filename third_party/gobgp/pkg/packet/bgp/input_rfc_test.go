package bgp

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// RFC 4271 §6.3: a syntactically incorrect NLRI field (a prefix length
// over 32, or a prefix running past the message) is an UPDATE Message
// Error with subcode Invalid Network Field (3/10).
func TestUpdateNLRIErrorIsInvalidNetworkField(t *testing.T) {
	for name, nlri := range map[string][]byte{
		"length 33":        {33, 45, 10, 4, 0, 0},
		"length 255":       {255, 45, 10, 4, 0},
		"prefix cut short": {24, 45, 10},
	} {
		t.Run(name, func(t *testing.T) {
			body := append([]byte{0, 0, 0, 0}, nlri...) // no withdrawn routes, no attributes
			err := (&BGPUpdate{}).DecodeFromBytes(body)
			require.Error(t, err)
			e, ok := err.(*MessageError)
			require.True(t, ok, "error %v", err)
			assert.Equal(t, uint8(BGP_ERROR_UPDATE_MESSAGE_ERROR), e.TypeCode)
			assert.Equal(t, uint8(BGP_ERROR_SUB_INVALID_NETWORK_FIELD), e.SubTypeCode)
		})
	}
}

// RFC 4271 §6.2: a Capabilities optional parameter (RFC 5492 §4) that is
// malformed is an OPEN Message Error with subcode 0 (Unspecific).
func TestOpenMalformedCapabilityIsOpenMessageError(t *testing.T) {
	head := []byte{4, 0x52, 0x09, 0, 90, 45, 10, 0, 2} // version, AS, hold time, ID
	param := func(caps ...byte) []byte { return append([]byte{2, byte(len(caps))}, caps...) }
	for name, params := range map[string][]byte{
		// RFC 4760 §8: 4 octets
		"multiprotocol capability of 2 octets": param(1, 2, 0, 1),
		// RFC 6793 §3: 4 octets
		"4-octet AS capability of 2 octets": param(65, 2, 0x52, 0x09),
		// the capability's length runs past its parameter
		"capability longer than its parameter": append(param(1, 4, 0, 1, 0, 1), 2, 4, 250, 10, 0, 0),
	} {
		t.Run(name, func(t *testing.T) {
			body := append(append(append([]byte{}, head...), byte(len(params))), params...)
			err := (&BGPOpen{}).DecodeFromBytes(body)
			require.Error(t, err)
			e, ok := err.(*MessageError)
			require.True(t, ok, "error %v", err)
			assert.Equal(t, uint8(BGP_ERROR_OPEN_MESSAGE_ERROR), e.TypeCode)
			assert.Equal(t, uint8(0), e.SubTypeCode)
		})
	}
	ok := param(1, 4, 0, 1, 0, 1, 65, 4, 0, 0, 0x52, 0x09, 2, 0)
	assert.NoError(t, (&BGPOpen{}).DecodeFromBytes(append(append(append([]byte{}, head...), byte(len(ok))), ok...)))
}

// RFC 6793 §6: a malformed AS4_PATH or AS4_AGGREGATOR is discarded
// ("attribute discard") and the UPDATE processed without it; the route
// is not withdrawn.
func TestMalformedAS4AttributesAreDiscarded(t *testing.T) {
	origin := []byte{0x40, 1, 1, 0}
	aspath := []byte{0x40, 2, 4, 2, 1, 0x52, 0x09}
	nexthop := []byte{0x40, 3, 4, 45, 10, 0, 1}
	for name, bad := range map[string][]byte{
		// segment length 3 with one ASN
		"AS4_PATH segment overrun": {0xc0, 17, 6, 2, 3, 0, 0, 0x52, 0x09},
		// length not a multiple of two
		"AS4_PATH of 5 octets": {0xc0, 17, 5, 2, 1, 0, 0, 0x52},
		// RFC 6793 §6: AS4_AGGREGATOR is 8 octets
		"AS4_AGGREGATOR of 6 octets": {0xc0, 18, 6, 0, 0, 0x52, 0x09, 45, 10},
	} {
		t.Run(name, func(t *testing.T) {
			attrs := append(append(append(append([]byte{}, origin...), aspath...), nexthop...), bad...)
			body := append([]byte{0, 0, 0, byte(len(attrs))}, attrs...)
			body = append(body, 24, 45, 10, 5)
			u := &BGPUpdate{}
			err := u.DecodeFromBytes(body)
			require.Error(t, err)
			e, ok := err.(*MessageError)
			require.True(t, ok, "error %v", err)
			assert.Equal(t, ERROR_HANDLING_ATTRIBUTE_DISCARD, e.ErrorHandling)
			assert.Len(t, u.PathAttributes, 3, "the malformed attribute is left out")
			assert.Len(t, u.NLRI, 1, "the route stays")
		})
	}
}

// RFC 4271 §6.2: the NOTIFICATION for an unsupported version carries the
// supported version, 4, as a 2-octet Data field.
func TestUnsupportedVersionData(t *testing.T) {
	for _, v := range []uint8{3, 5} {
		m := NewBGPOpenMessage(65001, 90, "10.0.0.1", nil).Body.(*BGPOpen)
		m.Version = v
		_, err := ValidateOpenMsg(m, 65001, 65000, nil)
		e, ok := err.(*MessageError)
		require.True(t, ok, "error %v", err)
		assert.Equal(t, uint8(BGP_ERROR_SUB_UNSUPPORTED_VERSION_NUMBER), e.SubTypeCode)
		assert.Equal(t, []byte{0, 4}, e.Data)
	}
}

// RFC 4760 §7: MP_REACH_NLRI or MP_UNREACH_NLRI of a family that was not
// negotiated, if it ends the session, ends it with 3/9 (Optional
// Attribute Error); error code 0 is not defined (RFC 4271 §4.5).
func TestUnnegotiatedFamilyIsOptionalAttributeError(t *testing.T) {
	v6 := []AddrPrefixInterface{NewIPv6AddrPrefix(48, "2a0a:4580:10::")}
	for name, a := range map[string]PathAttributeInterface{
		"MP_REACH_NLRI":   NewPathAttributeMpReachNLRI("2a0a:4580::2", v6),
		"MP_UNREACH_NLRI": NewPathAttributeMpUnreachNLRI(v6),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := ValidateAttribute(a, map[RouteFamily]BGPAddPathMode{RF_IPv4_UC: BGP_ADD_PATH_NONE}, true, false, false)
			e, ok := err.(*MessageError)
			require.True(t, ok, "error %v", err)
			assert.Equal(t, uint8(BGP_ERROR_UPDATE_MESSAGE_ERROR), e.TypeCode)
			assert.Equal(t, uint8(BGP_ERROR_SUB_OPTIONAL_ATTRIBUTE_ERROR), e.SubTypeCode)
			assert.Contains(t, e.Error(), "not available for")
		})
	}
}
