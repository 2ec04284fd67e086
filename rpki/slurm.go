package rpki

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/netip"
)

// SLURM is a parsed RFC 8416 file: local exceptions applied to the VRPs
// from every source. Only the origin-validation parts matter here; BGPsec
// and ASPA members (slurmVersion 2) are accepted and ignored.
type SLURM struct {
	Filters    []PrefixFilter
	Assertions []VRP
}

// PrefixFilter removes the VRPs it matches (RFC 8416 §3.3.1): those whose
// prefix lies inside Prefix (when set) and whose ASN is ASN (when HasASN).
type PrefixFilter struct {
	Prefix  netip.Prefix
	ASN     uint32
	HasASN  bool
	Comment string
}

// Matches reports whether the filter removes v.
func (f PrefixFilter) Matches(v VRP) bool {
	if f.HasASN && f.ASN != v.ASN {
		return false
	}
	if f.Prefix.IsValid() {
		return f.Prefix.Addr().Is4() == v.Prefix.Addr().Is4() &&
			f.Prefix.Bits() <= v.Prefix.Bits() && f.Prefix.Contains(v.Prefix.Addr())
	}
	return true
}

type slurmDoc struct {
	Version *int `json:"slurmVersion"`
	Filters *struct {
		Prefix []slurmEntry      `json:"prefixFilters"`
		BGPsec []json.RawMessage `json:"bgpsecFilters"`
		ASPA   []json.RawMessage `json:"aspaFilters"`
	} `json:"validationOutputFilters"`
	Assertions *struct {
		Prefix []slurmEntry      `json:"prefixAssertions"`
		BGPsec []json.RawMessage `json:"bgpsecAssertions"`
		ASPA   []json.RawMessage `json:"aspaAssertions"`
	} `json:"locallyAddedAssertions"`
}

type slurmEntry struct {
	Prefix    *string `json:"prefix"`
	ASN       *uint32 `json:"asn"`
	MaxLength *uint8  `json:"maxPrefixLength"`
	Comment   string  `json:"comment"`
}

// ParseSLURM parses a SLURM file strictly: unknown members are errors
// (RFC 8416 §3: a file an implementation does not fully understand must
// not be half applied).
func ParseSLURM(data []byte) (*SLURM, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var d slurmDoc
	if err := dec.Decode(&d); err != nil {
		return nil, fmt.Errorf("not a SLURM document: %w", err)
	}
	switch {
	case d.Version == nil:
		return nil, fmt.Errorf("slurmVersion missing")
	case *d.Version != 1 && *d.Version != 2:
		return nil, fmt.Errorf("slurmVersion %d not supported (1 or 2)", *d.Version)
	case d.Filters == nil:
		return nil, fmt.Errorf("validationOutputFilters missing")
	case d.Assertions == nil:
		return nil, fmt.Errorf("locallyAddedAssertions missing")
	}
	s := &SLURM{}
	for i, e := range d.Filters.Prefix {
		if e.MaxLength != nil {
			return nil, fmt.Errorf("prefixFilters[%d]: maxPrefixLength is not allowed in a filter", i)
		}
		f := PrefixFilter{Comment: e.Comment}
		if e.ASN != nil {
			f.ASN, f.HasASN = *e.ASN, true
		}
		if e.Prefix != nil {
			p, err := parseMaskedPrefix(*e.Prefix)
			if err != nil {
				return nil, fmt.Errorf("prefixFilters[%d]: %w", i, err)
			}
			f.Prefix = p
		}
		if !f.Prefix.IsValid() && !f.HasASN {
			return nil, fmt.Errorf("prefixFilters[%d]: needs a prefix, an asn or both", i)
		}
		s.Filters = append(s.Filters, f)
	}
	for i, e := range d.Assertions.Prefix {
		if e.Prefix == nil || e.ASN == nil {
			return nil, fmt.Errorf("prefixAssertions[%d]: needs both prefix and asn", i)
		}
		p, err := parseMaskedPrefix(*e.Prefix)
		if err != nil {
			return nil, fmt.Errorf("prefixAssertions[%d]: %w", i, err)
		}
		v := VRP{Prefix: p, ASN: *e.ASN, MaxLen: uint8(p.Bits())}
		if e.MaxLength != nil {
			v.MaxLen = *e.MaxLength
		}
		if err := v.Check(); err != nil {
			return nil, fmt.Errorf("prefixAssertions[%d]: %w", i, err)
		}
		s.Assertions = append(s.Assertions, v)
	}
	return s, nil
}

func parseMaskedPrefix(s string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("prefix: %w", err)
	}
	if p.Masked() != p {
		return netip.Prefix{}, fmt.Errorf("prefix %s has host bits set", s)
	}
	return p, nil
}

// Apply removes the filtered VRPs, then adds the assertions (RFC 8416
// §4.2: assertions are not subject to the filters).
func (s *SLURM) Apply(vrps Set) Set {
	if s == nil {
		return vrps
	}
	out := make([]VRP, 0, len(vrps)+len(s.Assertions))
	for _, v := range vrps {
		if !s.filtered(v) {
			out = append(out, v)
		}
	}
	return NewSet(out, s.Assertions)
}

func (s *SLURM) filtered(v VRP) bool {
	for _, f := range s.Filters {
		if f.Matches(v) {
			return true
		}
	}
	return false
}
