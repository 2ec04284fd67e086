package filters

import (
	"math/rand"
	"regexp"
	"strconv"
	"testing"
)

func TestASNRangeRegexp(t *testing.T) {
	cases := [][2]uint32{{0, 0}, {5, 15}, {23456, 23456}, {64496, 64511}, {64512, 65534},
		{65552, 131071}, {4200000000, 4294967294}, {1, 4294967295}, {99, 100}, {9, 10}}
	rng := rand.New(rand.NewSource(1))
	for _, c := range cases {
		re := regexp.MustCompile("^(" + ASNRangeRegexp(c[0], c[1]) + ")$")
		probe := []uint64{uint64(c[0]), uint64(c[1]), uint64(c[0]) + 1, uint64(c[1]) - 1}
		if c[0] > 0 {
			probe = append(probe, uint64(c[0])-1)
		}
		probe = append(probe, uint64(c[1])+1)
		for i := 0; i < 2000; i++ {
			probe = append(probe, uint64(rng.Int63n(int64(c[1])-int64(c[0])+1))+uint64(c[0]))
			probe = append(probe, uint64(rng.Uint32()))
		}
		for _, n := range probe {
			want := n >= uint64(c[0]) && n <= uint64(c[1])
			if got := re.MatchString(strconv.FormatUint(n, 10)); got != want {
				t.Fatalf("range %d-%d: %d matched=%v want %v (re %s)", c[0], c[1], n, got, want, re)
			}
		}
	}
}
