package routeserver

import "unsafe"

// unsafePointer views the MD5 socket option's sockaddr storage as a
// concrete sockaddr; the kernel ABI defines that layout.
func unsafePointer[T any](p *T) unsafe.Pointer { return unsafe.Pointer(p) }
