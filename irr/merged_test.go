package irr

import (
	"context"
	"errors"
	"net/netip"
	"slices"
	"strings"
	"testing"
)

func dbFrom(t *testing.T, rpsl string) *DB {
	t.Helper()
	db := NewDB()
	warns, err := ParseRPSL(strings.NewReader(rpsl), "test.rpsl", db.Add)
	if err != nil || len(warns) > 0 {
		t.Fatalf("test RPSL: %v %v", err, warns)
	}
	return db
}

// The server half and the file half of one registry: AS-SPLIT lives in the
// file and names AS-SRV, which only the server has; each half holds the
// route objects of one ASN. AS-BOTH is in both with different members.
const (
	mergedServerHalf = `
as-set: AS-SRV
members: AS21002
mnt-by: TEST-MNT
source: SRV

as-set: AS-BOTH
members: AS21002
mnt-by: TEST-MNT
source: SRV

route: 45.82.0.0/16
origin: AS21002
mnt-by: TEST-MNT
source: SRV

route: 45.81.0.0/16
origin: AS21001
mnt-by: TEST-MNT
source: SRV
`
	mergedFileHalf = `
as-set: AS-SPLIT
members: AS21001, AS-SRV
mnt-by: TEST-MNT
source: DUMP

as-set: AS-BOTH
members: AS21001
mnt-by: TEST-MNT
source: DUMP

route: 45.81.0.0/16
origin: AS21001
mnt-by: TEST-MNT
source: DUMP

route: 45.83.0.0/16
origin: AS21001
mnt-by: TEST-MNT
source: DUMP
`
)

type failingSource struct{ Source }

var errSourceDown = errors.New("source down (test)")

func (failingSource) SetMembers(context.Context, []string) (map[string][]string, error) {
	return nil, errSourceDown
}

func TestMergedSources(t *testing.T) {
	srv := DBSource{DB: dbFrom(t, mergedServerHalf)}
	file := DBSource{DB: dbFrom(t, mergedFileHalf)}
	ctx := context.Background()

	// A set split across both halves is expanded across both; a route
	// object found in both counts once.
	res, err := Expand(ctx, Merged{srv, file}, "AS-SPLIT", ExpandOptions{NoIPv6: true})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Origins, []uint32{21001, 21002}) || len(res.IPv4) != 3 {
		t.Fatalf("split set: origins %v, ipv4 %v, warnings %v", res.Origins, res.IPv4, res.Warnings)
	}
	if !slices.Equal(res.Sources, []string{"SRV", "DUMP"}) {
		t.Errorf("sources %v", res.Sources)
	}

	// A set in both: the first member (priority) wins, not a union.
	for _, tc := range []struct {
		m    Merged
		want uint32
	}{{Merged{srv, file}, 21002}, {Merged{file, srv}, 21001}} {
		res, err := Expand(ctx, tc.m, "AS-BOTH", ExpandOptions{NoIPv6: true})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(res.Origins, []uint32{tc.want}) {
			t.Errorf("AS-BOTH origins %v, want [%d] from the first member", res.Origins, tc.want)
		}
	}

	// One member down: the expansion fails, it does not fall back to the
	// other member's part of the data.
	_, err = Expand(ctx, Merged{failingSource{srv}, file}, "AS-SPLIT", ExpandOptions{})
	if !errors.Is(err, errSourceDown) || !strings.Contains(err.Error(), "irr source 1 of 2") {
		t.Fatalf("member down: want its error, got %v", err)
	}

	// Route objects: the union, sorted, once each.
	m, _, err := Merged{srv, file}.OriginPrefixes(ctx, []uint32{21001}, true, false)
	if err != nil {
		t.Fatal(err)
	}
	want := []netip.Prefix{netip.MustParsePrefix("45.81.0.0/16"), netip.MustParsePrefix("45.83.0.0/16")}
	if !slices.Equal(m[21001], want) {
		t.Errorf("route objects %v, want %v", m[21001], want)
	}
}
