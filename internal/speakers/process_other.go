//go:build !linux

package speakers

import "syscall"

// childAttrs has no parent-death signal outside Linux; cleanups still stop
// every speaker by PID.
func childAttrs() *syscall.SysProcAttr { return &syscall.SysProcAttr{} }
