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
