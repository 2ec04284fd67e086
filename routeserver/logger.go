package routeserver

import (
	gobgplog "github.com/osrg/gobgp/v3/pkg/log"
	"github.com/sirupsen/logrus"
)

// gobgpLogger routes GoBGP's structured log lines into our logrus logger so
// its fields sit beside ours (component=gobgp, keys in snake_case). Fatal is demoted
// to Error: an embedded library must never exit the daemon.
type gobgpLogger struct {
	e *logrus.Entry
	// onWarn, when set, sees every warning before it is logged (the route
	// server turns some into peer status, addressing.go).
	onWarn func(m string, f gobgplog.Fields)
	// onInfo sees the reason a session went down (session_state.go).
	onInfo func(m string, f gobgplog.Fields)
}

func newGoBGPLogger(l *logrus.Logger) gobgpLogger {
	return gobgpLogger{e: l.WithField("component", "gobgp")}
}

// enabled is checked before any field map is built: GoBGP logs at debug
// level per UPDATE, and building entries that are then dropped cost more
// than 70 MB of garbage per 100k routes.
func (g gobgpLogger) enabled(l logrus.Level) bool { return g.e.Logger.IsLevelEnabled(l) }

func (g gobgpLogger) with(f gobgplog.Fields) *logrus.Entry {
	return g.e.WithFields(gobgpFields(f)) // snake_case keys (logger_style.go)
}

func (g gobgpLogger) Panic(m string, f gobgplog.Fields) { g.with(f).Panic(m) }
func (g gobgpLogger) Fatal(m string, f gobgplog.Fields) { g.with(f).Error("fatal from gobgp: " + m) }
func (g gobgpLogger) Error(m string, f gobgplog.Fields) {
	if g.enabled(logrus.ErrorLevel) {
		g.with(f).Error(m)
	}
}

func (g gobgpLogger) Warn(m string, f gobgplog.Fields) {
	// Fires for each rejected path whose prefix other peers also announce,
	// and on every soft reset: noise, not a warning (notes §1).
	if m == "No matching path for withdraw found" {
		g.Debug(m, f)
		return
	}
	if g.onWarn != nil {
		g.onWarn(m, f)
		// the route server restated it with the peer's name (malformed_update.go)
		if restatedWarning(m) {
			g.Debug(m, f)
			return
		}
	}
	// A Cease that ends a session on purpose is what a normal shutdown or
	// reload looks like, not a warning (logger_style.go).
	if routineWarning(m, f) {
		g.Info(m, f)
		return
	}
	if g.enabled(logrus.WarnLevel) {
		g.with(f).Warn(m)
	}
}

func (g gobgpLogger) Info(m string, f gobgplog.Fields) {
	if g.onInfo != nil {
		g.onInfo(m, f)
	}
	if g.enabled(logrus.InfoLevel) {
		g.with(f).Info(m)
	}
}

func (g gobgpLogger) Debug(m string, f gobgplog.Fields) {
	if g.enabled(logrus.DebugLevel) {
		g.with(f).Debug(m)
	}
}
func (g gobgpLogger) SetLevel(v gobgplog.LogLevel) { g.e.Logger.SetLevel(logrus.Level(v)) }
func (g gobgpLogger) GetLevel() gobgplog.LogLevel  { return gobgplog.LogLevel(g.e.Logger.GetLevel()) }
