package dampening

import "fmt"

// Mode says what damping does for a peer.
type Mode int

const (
	// ModeOff keeps no state and reports nothing (use it for iBGP peers).
	ModeOff Mode = iota
	// ModeObserve computes penalties and reports would-be suppressions, but
	// never asks the BGP engine to hide a route (RFC 7196 §6 test mode).
	ModeObserve
	// ModeEnforce suppresses routes whose penalty reaches Suppress.
	ModeEnforce
)

var modeNames = [...]string{ModeOff: "off", ModeObserve: "observe", ModeEnforce: "enforce"}

// ParseMode accepts "off", "observe" or "enforce".
func ParseMode(s string) (Mode, error) {
	for m, name := range modeNames {
		if s == name {
			return Mode(m), nil
		}
	}
	return ModeOff, fmt.Errorf("dampening mode %q: want off, observe or enforce", s)
}

// String returns the configuration word for m.
func (m Mode) String() string {
	if m.valid() {
		return modeNames[m]
	}
	return fmt.Sprintf("mode(%d)", int(m))
}

// MarshalText makes Mode usable as a TOML/JSON value.
func (m Mode) MarshalText() ([]byte, error) {
	if !m.valid() {
		return nil, fmt.Errorf("invalid dampening mode %d", int(m))
	}
	return []byte(modeNames[m]), nil
}

// UnmarshalText makes Mode usable as a TOML/JSON value.
func (m *Mode) UnmarshalText(b []byte) error {
	v, err := ParseMode(string(b))
	if err != nil {
		return err
	}
	*m = v
	return nil
}

func (m Mode) valid() bool { return m >= ModeOff && m <= ModeEnforce }

// orObserve maps an out-of-range Mode to ModeObserve: the value that computes
// everything and enforces nothing is the safe reading of a bad value.
func (m Mode) orObserve() Mode {
	if m.valid() {
		return m
	}
	return ModeObserve
}
