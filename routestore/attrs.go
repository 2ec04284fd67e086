package routestore

import "fmt"

// Attrs are path attributes kept only to be shown (the looking glass);
// no check reads them.
type Attrs struct {
	Origin Origin
	MED    uint32
	HasMED bool
}

// Origin is the ORIGIN attribute (RFC 4271 §5.1.1).
type Origin uint8

const (
	OriginIGP        Origin = 0
	OriginEGP        Origin = 1
	OriginIncomplete Origin = 2
)

// String is the name BIRD and Alice-LG use.
func (o Origin) String() string {
	switch o {
	case OriginIGP:
		return "IGP"
	case OriginEGP:
		return "EGP"
	case OriginIncomplete:
		return "Incomplete"
	}
	return fmt.Sprintf("origin_%d", uint8(o))
}
