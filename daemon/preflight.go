package daemon

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"github.com/rsguard/rsguard/apiserver"
	"github.com/rsguard/rsguard/config"
	"github.com/sirupsen/logrus"
)

// listenConfig is the control API's listeners for cfg.
func listenConfig(cfg *config.Config) apiserver.ListenConfig {
	return apiserver.ListenConfig{Socket: cfg.API.Socket, TCPAddr: cfg.API.Listen,
		TLSCertFile: cfg.API.TLSCert, TLSKeyFile: cfg.API.TLSKey, TokenFile: cfg.API.TokenFile}
}

// Preflight reports, without starting or binding anything, what `run`
// would refuse in a config that passed config.Load: TLS and token files
// of the TCP API, a state_dir or socket directory that cannot be created
// or written, a socket path taken by another kind of file, an IRR setup
// the refresher cannot build. `rsguard check` and
// `rsguard run` both call it, so check never says OK for a config run
// refuses. Binding the BGP and API ports is not tried: a running daemon
// holds them.
func Preflight(cfg *config.Config) []error {
	var errs []error
	if err := listenConfig(cfg).Preflight(); err != nil {
		errs = append(errs, fmt.Errorf("%s: [api]: %w", cfg.Path, err))
	}
	if err := writableDir(cfg.Global.StateDir); err != nil {
		errs = append(errs, fmt.Errorf("%s: [global] state_dir: %w", cfg.Path, err))
	}
	socket := cfg.API.Socket
	if socket == "" {
		socket = apiserver.DefaultSocket
	}
	if err := writableDir(filepath.Dir(socket)); err != nil {
		errs = append(errs, fmt.Errorf("%s: [api] socket: %w", cfg.Path, err))
	} else if st, err := os.Lstat(socket); err == nil && st.Mode().Type() != fs.ModeSocket {
		// run refuses to replace it; a socket (a running daemon's or a
		// stale one) is fine here
		errs = append(errs, fmt.Errorf("%s: [api] socket: %s exists and is not a socket", cfg.Path, socket))
	}
	quiet := logrus.New()
	quiet.SetOutput(io.Discard)
	if _, err := newIRRService(cfg, quiet, nil); err != nil {
		errs = append(errs, fmt.Errorf("%s: [irr]: %w", cfg.Path, err))
	}
	return errs
}

// writableDir: dir exists as a writable directory, or MkdirAll could
// create it (its nearest existing parent is a writable directory).
func writableDir(dir string) error {
	for d := dir; ; d = filepath.Dir(d) {
		st, err := os.Stat(d)
		switch {
		case (errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)) && d != filepath.Dir(d):
			continue
		case err != nil:
			return err
		case !st.IsDir():
			return fmt.Errorf("%s is not a directory", d)
		}
		if err := syscall.Access(d, 2 /* W_OK */); err != nil {
			return fmt.Errorf("%s is not writable: %w", d, err)
		}
		return nil
	}
}
