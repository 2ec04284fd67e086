package routestore

import (
	"testing"
	"unsafe"
)

// TestEntryAllocationClass: AttrHash must not push an entry into the next
// allocation size class (320 bytes), or keeping it here costs memory.
func TestEntryAllocationClass(t *testing.T) {
	if s := unsafe.Sizeof(Entry{}); s > 320 {
		t.Errorf("Entry is %d bytes, above the 320-byte size class", s)
	}
}
