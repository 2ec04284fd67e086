package rpki

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// JSONFile is a parsed VRP export. The four common validators share one
// shape, {"roas": [{"prefix", "maxLength", "asn", ...}]}, and differ in
// details this parser accepts all of: the ASN as a number (rpki-client,
// stayrtr) or as "AS64496" (Routinator, OctoRPKI); per-VRP "expires"
// (rpki-client, stayrtr); a file-wide metadata.valid deadline (OctoRPKI).
type JSONFile struct {
	VRPs []VRP
	// Expired counts VRPs dropped because their "expires" has passed.
	Expired int
	// ValidUntil is OctoRPKI's metadata.valid; zero when absent. A file past
	// it must not be used at all: its VRPs may have been revoked since.
	ValidUntil time.Time
}

type jsonDoc struct {
	Metadata struct {
		Valid json.Number `json:"valid"`
	} `json:"metadata"`
	ROAs *[]jsonROA `json:"roas"`
}

type jsonROA struct {
	Prefix    string          `json:"prefix"`
	MaxLength json.Number     `json:"maxLength"`
	ASN       json.RawMessage `json:"asn"`
	Expires   json.Number     `json:"expires"`
}

// ParseJSON parses a VRP export. now decides which VRPs have expired. Any
// malformed VRP fails the whole file, naming its index: a validator that
// writes one bad entry may have written others, and a partial set could
// turn valid routes invalid.
func ParseJSON(data []byte, now time.Time) (*JSONFile, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var d jsonDoc
	if err := dec.Decode(&d); err != nil {
		return nil, fmt.Errorf("not a VRP JSON document: %w", err)
	}
	if d.ROAs == nil {
		return nil, fmt.Errorf(`no "roas" array`)
	}
	out := &JSONFile{VRPs: make([]VRP, 0, len(*d.ROAs))}
	if d.Metadata.Valid != "" {
		sec, err := d.Metadata.Valid.Int64()
		if err != nil {
			return nil, fmt.Errorf("metadata.valid %q: not a Unix time", d.Metadata.Valid)
		}
		out.ValidUntil = time.Unix(sec, 0)
	}
	for i, r := range *d.ROAs {
		v, err := r.vrp()
		if err != nil {
			return nil, fmt.Errorf("roas[%d]: %w", i, err)
		}
		if r.Expires != "" {
			sec, err := r.Expires.Int64()
			if err != nil {
				return nil, fmt.Errorf("roas[%d]: expires %q: not a Unix time", i, r.Expires)
			}
			if time.Unix(sec, 0).Before(now) {
				out.Expired++
				continue
			}
		}
		out.VRPs = append(out.VRPs, v)
	}
	return out, nil
}

func (r jsonROA) vrp() (VRP, error) {
	p, err := netip.ParsePrefix(r.Prefix)
	if err != nil {
		return VRP{}, fmt.Errorf("prefix: %w", err)
	}
	ml, err := strconv.ParseUint(string(r.MaxLength), 10, 8)
	if err != nil {
		return VRP{}, fmt.Errorf("maxLength %q: %w", r.MaxLength, err)
	}
	asn, err := parseASNField(r.ASN)
	if err != nil {
		return VRP{}, err
	}
	v := VRP{Prefix: p, MaxLen: uint8(ml), ASN: asn}
	return v, v.Check()
}

// parseASNField accepts 64496, "64496" and "AS64496".
func parseASNField(raw json.RawMessage) (uint32, error) {
	s := strings.TrimSpace(string(raw))
	if s == "" {
		return 0, fmt.Errorf("asn: missing")
	}
	if s[0] == '"' {
		if err := json.Unmarshal(raw, &s); err != nil {
			return 0, fmt.Errorf("asn: %w", err)
		}
	}
	return ParseASN(s)
}

// ParseASN accepts "64496" and "AS64496" (any case).
func ParseASN(s string) (uint32, error) {
	t := s
	if len(t) > 2 && strings.EqualFold(t[:2], "as") {
		t = t[2:]
	}
	n, err := strconv.ParseUint(t, 10, 32)
	if err != nil {
		return 0, fmt.Errorf("asn %q: not an AS number", s)
	}
	return uint32(n), nil
}
