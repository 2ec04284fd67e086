package dampening

import (
	"math"
	"strings"
	"testing"
	"time"
)

func TestParamsValidate(t *testing.T) {
	with := func(f func(*Params)) Params {
		p := DefaultParams()
		f(&p)
		return p
	}
	tests := []struct {
		name    string
		p       Params
		wantErr string // substring; empty = valid
	}{
		{"rfc7196 defaults", DefaultParams(), ""},
		{"cisco defaults", with(func(p *Params) { p.Suppress = 2000 }), ""},
		{"juniper defaults", with(func(p *Params) { p.Suppress = 3000; p.ReadvertisementPenalty = 1000 }), ""},
		{"ripe-229 /24", with(func(p *Params) { p.Suppress, p.Reuse, p.HalfLife = 3000, 2000, 30*time.Minute }), ""},
		{"suppress equal to ceiling", with(func(p *Params) { p.Suppress = 12000 }), ""},
		{"zero half life", with(func(p *Params) { p.HalfLife = 0 }), "half_life"},
		{"negative half life", with(func(p *Params) { p.HalfLife = -time.Minute }), "half_life"},
		{"zero max suppress", with(func(p *Params) { p.MaxSuppress = 0 }), "max_suppress"},
		{"zero reuse", with(func(p *Params) { p.Reuse = 0 }), "reuse must be positive"},
		{"suppress equal to reuse", with(func(p *Params) { p.Suppress = 750 }), "greater than reuse"},
		{"suppress below reuse", with(func(p *Params) { p.Suppress = 500 }), "greater than reuse"},
		{"negative withdrawal penalty", with(func(p *Params) { p.WithdrawalPenalty = -1 }), "negative"},
		{"negative attribute penalty", with(func(p *Params) { p.AttributeChangePenalty = -1 }), "negative"},
		// reuse 750, half-life 15m, max suppress 60m: ceiling 12000.
		{"suppress can never be reached", with(func(p *Params) { p.Suppress = 13000 }), "can never be reached"},
		{"max suppress 45m: ceiling 6000 = suppress", with(func(p *Params) { p.MaxSuppress = 45 * time.Minute }), ""},
		{"max suppress 30m: ceiling 3000 < suppress", with(func(p *Params) { p.MaxSuppress = 30 * time.Minute }), "can never be reached"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.p.Validate()
			checkErr(t, "Validate", err, tt.wantErr)
			_, err = New(tt.p)
			checkErr(t, "New", err, tt.wantErr)
		})
	}
}

// TestNewRejectsNonFinite covers what Validate alone lets through.
func TestNewRejectsNonFinite(t *testing.T) {
	with := func(f func(*Params)) Params {
		p := DefaultParams()
		f(&p)
		return p
	}
	tests := []struct {
		name    string
		p       Params
		wantErr string
	}{
		{"NaN reuse", with(func(p *Params) { p.Reuse = math.NaN() }), "reuse must be a finite number"},
		{"NaN suppress", with(func(p *Params) { p.Suppress = math.NaN() }), "suppress must be a finite number"},
		{"Inf suppress", with(func(p *Params) { p.Suppress = math.Inf(1) }), "suppress must be a finite number"},
		{"NaN withdrawal penalty", with(func(p *Params) { p.WithdrawalPenalty = math.NaN() }), "withdrawal_penalty"},
		{"Inf readvertisement penalty", with(func(p *Params) { p.ReadvertisementPenalty = math.Inf(1) }), "readvertisement_penalty"},
		{"ceiling overflows", with(func(p *Params) { p.HalfLife = time.Second; p.MaxSuppress = time.Hour }), "overflows"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.p)
			checkErr(t, "New", err, tt.wantErr)
		})
	}
}

func TestNewRejectsInvalidDefaultMode(t *testing.T) {
	if _, err := New(DefaultParams(), WithDefaultMode(Mode(9))); err == nil {
		t.Fatal("New with mode 9: want error")
	}
}

func TestCeiling(t *testing.T) {
	tests := []struct {
		p    Params
		want float64
	}{
		{DefaultParams(), 12000},
		{Params{Reuse: 2000, HalfLife: 30 * time.Minute, MaxSuppress: 60 * time.Minute}, 8000},
		{Params{Reuse: 1500, HalfLife: 10 * time.Minute, MaxSuppress: 30 * time.Minute}, 12000},
	}
	for _, tt := range tests {
		if got := tt.p.Ceiling(); math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("Ceiling(%+v) = %g, want %g", tt.p, got, tt.want)
		}
	}
}

func checkErr(t *testing.T, what string, err error, want string) {
	t.Helper()
	switch {
	case want == "" && err != nil:
		t.Errorf("%s: unexpected error %v", what, err)
	case want != "" && err == nil:
		t.Errorf("%s: no error, want one containing %q", what, want)
	case want != "" && !strings.Contains(err.Error(), want):
		t.Errorf("%s: error %q does not contain %q", what, err, want)
	}
}
