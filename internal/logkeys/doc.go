// Package logkeys holds only a test: every log field key written in
// rsguard's source (WithField("k", …), logrus.Fields{"k": …}) is
// snake_case, the one style of the daemon's logs. GoBGP's keys are
// converted at run time (routeserver/logger_style.go) and tested there.
package logkeys
