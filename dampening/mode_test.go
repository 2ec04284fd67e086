package dampening

import "testing"

func TestParseMode(t *testing.T) {
	tests := []struct {
		in      string
		want    Mode
		wantErr bool
	}{
		{"off", ModeOff, false},
		{"observe", ModeObserve, false},
		{"enforce", ModeEnforce, false},
		{"", ModeOff, true},
		{"Enforce", ModeOff, true},
		{"on", ModeOff, true},
	}
	for _, tt := range tests {
		got, err := ParseMode(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseMode(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
		if err == nil && got.String() != tt.in {
			t.Errorf("ParseMode(%q).String() = %q", tt.in, got.String())
		}
	}
}

func TestModeText(t *testing.T) {
	for _, m := range []Mode{ModeOff, ModeObserve, ModeEnforce} {
		b, err := m.MarshalText()
		if err != nil {
			t.Fatalf("MarshalText(%v): %v", m, err)
		}
		var back Mode
		if err := back.UnmarshalText(b); err != nil || back != m {
			t.Errorf("round trip %v: got %v, %v", m, back, err)
		}
	}
	if _, err := Mode(7).MarshalText(); err == nil {
		t.Error("MarshalText(7): want error")
	}
	if got := Mode(7).String(); got != "mode(7)" {
		t.Errorf("Mode(7).String() = %q", got)
	}
	var m Mode
	if err := m.UnmarshalText([]byte("bogus")); err == nil {
		t.Error("UnmarshalText(bogus): want error")
	}
}

func TestTransitionKindString(t *testing.T) {
	for k, want := range map[TransitionKind]string{
		TransitionNone: "none", TransitionSuppressed: "suppressed", TransitionReleased: "released", 9: "transition(9)",
	} {
		if got := k.String(); got != want {
			t.Errorf("%d.String() = %q, want %q", int(k), got, want)
		}
	}
}
