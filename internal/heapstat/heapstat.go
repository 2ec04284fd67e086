// Package heapstat measures the live heap for the memory benchmarks
// (issue 11: bytes per route, per prefix, per entry).
package heapstat

import "runtime"

// Live is the heap in use after two collections: the second one sweeps
// what the first freed, so before/after differences count only what is
// still reachable.
func Live() uint64 {
	var m runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}
