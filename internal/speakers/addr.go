package speakers

import "fmt"

// Loopback address blocks, one per Go test package. `go test ./...` runs
// packages in parallel processes and every speaker binds port 179 on its own
// address, so each package owns 127.<pkg>.0.0/24 and two packages never
// collide. Linux answers for all of 127.0.0.0/8 on lo without configuration.
const (
	PkgRouteServer byte = 10 // routeserver/
	PkgIRR         byte = 20 // irr/
	PkgDampening   byte = 30 // dampening/
	PkgAPI         byte = 40 // apiserver/ and proto handlers
	PkgCmd         byte = 50 // cmd/rsguard, cmd/rsctl
	PkgSpeakers    byte = 60 // this package's self-tests
	PkgIRRSync     byte = 21 // irrsync/
	PkgDaemon      byte = 41 // daemon/ (end-to-end with rsctl)
)

// Addr returns "127.<pkg>.0.<host>": the loopback address of speaker host
// in the block owned by test package pkg (see the Pkg constants).
func Addr(pkg, host byte) string {
	return fmt.Sprintf("127.%d.0.%d", pkg, host)
}

// Port6 returns the TCP port speaker n of test package pkg uses on ::1.
// There is only one IPv6 loopback address, so IPv6-transport tests cannot
// separate speakers by address as Addr does; they use ::1 with a port each:
// 10000 + 100*pkg + n, which stays below the ephemeral range (32768+) for
// every package number above. It panics when n >= 100, because two
// packages' ranges would then overlap: that is a bug in the calling test.
func Port6(pkg, n byte) int {
	if n >= 100 {
		panic(fmt.Sprintf("speakers.Port6: n=%d out of range 0..99", n))
	}
	return 10000 + 100*int(pkg) + int(n)
}
