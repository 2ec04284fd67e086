package apiserver

import (
	"errors"
	"fmt"
)

// A config reload changes the API's listeners without a restart: the
// daemon keeps the unix socket and the TCP listener as separate Listenings
// (Listen with an empty TCPAddr, ListenTCP), rebinds the one whose address
// changed, and swaps TLS key pair and token of a TCP listener in place.

// ListenTCP binds only the TCP listener of cfg (TLS and token mandatory),
// without the unix socket.
func (s *Server) ListenTCP(cfg ListenConfig) (*Listening, error) {
	if cfg.TCPAddr == "" {
		return nil, errors.New("api: ListenTCP without a TCP address")
	}
	return s.listen(cfg, false)
}

// UpdateTCPCredentials re-reads the TLS key pair and token of cfg and puts
// them in force on this TCP listener: new connections get the new
// certificate, every call from now on needs the new token. On error the
// old ones stay.
func (l *Listening) UpdateTCPCredentials(cfg ListenConfig) error {
	if l.tcpGRPC == nil || l.auth == nil {
		return fmt.Errorf("api: no TCP listener to update")
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	cert, token, err := cfg.tcpCredentials()
	if err != nil {
		return err
	}
	l.cert.Store(&cert)
	l.auth.set(token)
	return nil
}
