package speakers

import "syscall"

// childAttrs makes the kernel kill a speaker if the test binary dies
// without running its cleanups (e.g. `go test -timeout` panics), so no
// daemon keeps port 179 on a test address afterwards.
func childAttrs() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
