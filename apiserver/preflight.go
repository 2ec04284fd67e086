package apiserver

import (
	"crypto/tls"
	"fmt"
)

// tcpCredentials loads what a TCP listener needs: the TLS key pair and the
// bearer token. Listen and Preflight share it, so `rsguard check` refuses
// exactly the files `rsguard run` would.
func (c ListenConfig) tcpCredentials() (tls.Certificate, []byte, error) {
	cert, err := tls.LoadX509KeyPair(c.TLSCertFile, c.TLSKeyFile)
	if err != nil {
		return tls.Certificate{}, nil, fmt.Errorf("api: TLS certificate/key: %w", err)
	}
	token, err := readTokenFile(c.TokenFile)
	if err != nil {
		return tls.Certificate{}, nil, fmt.Errorf("api: %w", err)
	}
	return cert, token, nil
}

// Preflight checks, without binding anything, what Listen would refuse in
// cfg: a TCP listener without TLS or token, an unreadable or invalid key
// pair, a missing, short or multi-word token.
func (c ListenConfig) Preflight() error {
	if err := c.Validate(); err != nil {
		return err
	}
	if c.TCPAddr == "" {
		return nil
	}
	_, _, err := c.tcpCredentials()
	return err
}
