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
