package filters

// ASNRange is an inclusive range of AS numbers with the reason it is special.
type ASNRange struct {
	Lo, Hi uint32
	Note   string
}

// BogonASNs are AS numbers that must never appear in a public AS_PATH
// (NLNOG bgpfilterguide, the ARouteServer BIRD template).
var BogonASNs = []ASNRange{
	{0, 0, "reserved, RFC 7607"},
	{23456, 23456, "AS_TRANS, RFC 6793"},
	{64496, 64511, "documentation, RFC 5398"},
	{64512, 65534, "private use, RFC 6996"},
	{65535, 65535, "reserved, RFC 7300"},
	{65536, 65551, "documentation, RFC 5398"},
	{65552, 131071, "reserved by IANA"},
	{4200000000, 4294967294, "private use, RFC 6996"},
	{4294967295, 4294967295, "reserved, RFC 7300"},
}

// BogonASN reports the range that makes asn a bogon.
func BogonASN(asn uint32) (ASNRange, bool) {
	for _, r := range BogonASNs {
		if asn >= r.Lo && asn <= r.Hi {
			return r, true
		}
	}
	return ASNRange{}, false
}
