package apiserver

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

const (
	socketDirMode = 0o750
	socketMode    = 0o600
)

// listenUnix binds path as a unix socket that only its owner can use. The
// socket is created under a temporary name, chmodded, then renamed into
// place, so it is never reachable by its final name with looser permissions.
// A stale socket left by a crashed daemon is removed; a live one is an error.
func listenUnix(path string) (net.Listener, fs.FileInfo, error) {
	dir := filepath.Dir(path)
	if err := ensureSocketDir(dir); err != nil {
		return nil, nil, err
	}
	if err := removeStaleSocket(path); err != nil {
		return nil, nil, err
	}
	tmp := filepath.Join(dir, "."+filepath.Base(path)+"."+strconv.Itoa(os.Getpid())+".tmp")
	_ = os.Remove(tmp) // our own leftover from an earlier run with the same pid, if any
	ln, err := net.Listen("unix", tmp)
	if err != nil {
		return nil, nil, fmt.Errorf("api: listen on %s: %w", path, err)
	}
	ul := ln.(*net.UnixListener)
	ul.SetUnlinkOnClose(false) // it would unlink tmp, which is gone; we remove path ourselves
	fail := func(err error) (net.Listener, fs.FileInfo, error) {
		_ = ul.Close()
		_ = os.Remove(tmp)
		return nil, nil, fmt.Errorf("api: socket %s: %w", path, err)
	}
	if err := os.Chmod(tmp, socketMode); err != nil {
		return fail(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fail(err)
	}
	info, err := os.Lstat(path)
	if err != nil {
		return fail(err)
	}
	return ln, info, nil
}

// ensureSocketDir creates dir with mode 0750 if it is missing. An existing
// directory is left as the operator set it up.
func ensureSocketDir(dir string) error {
	st, err := os.Stat(dir)
	switch {
	case err == nil && !st.IsDir():
		return fmt.Errorf("api: socket directory %s is not a directory", dir)
	case err == nil:
		return nil
	case !errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("api: socket directory: %w", err)
	}
	if err := os.MkdirAll(dir, socketDirMode); err != nil {
		return fmt.Errorf("api: socket directory: %w", err)
	}
	// MkdirAll's mode is filtered by the umask; set it exactly.
	if err := os.Chmod(dir, socketDirMode); err != nil {
		return fmt.Errorf("api: socket directory: %w", err)
	}
	return nil
}

// removeStaleSocket removes path if it is a socket nobody answers on.
func removeStaleSocket(path string) error {
	st, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("api: socket %s: %w", path, err)
	}
	if st.Mode().Type() != fs.ModeSocket {
		return fmt.Errorf("api: socket %s: exists and is not a socket; refusing to replace it", path)
	}
	conn, err := net.DialTimeout("unix", path, time.Second)
	if err == nil {
		_ = conn.Close()
		return fmt.Errorf("api: socket %s: in use by another running process", path)
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("api: removing stale socket %s: %w", path, err)
	}
	return nil
}

// removeOwnSocket removes path only if it is still the socket we created,
// never one a newer daemon put in its place.
func removeOwnSocket(path string, ours fs.FileInfo) {
	if ours == nil {
		return
	}
	if st, err := os.Lstat(path); err == nil && os.SameFile(st, ours) {
		_ = os.Remove(path) // best effort at shutdown; a stale socket is removed at the next start
	}
}
