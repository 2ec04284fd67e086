package daemon

import (
	"github.com/rsguard/rsguard/config"
	"github.com/sirupsen/logrus"
)

// ApplyLogConfig sets the logger's level and format from [log]; `rsguard
// run` uses it at start and a reload uses it again, so both agree.
func ApplyLogConfig(l *logrus.Logger, c config.Log) {
	if lvl, err := logrus.ParseLevel(c.Level); err == nil {
		l.SetLevel(lvl)
	}
	if c.Format == config.LogJSON {
		l.SetFormatter(&logrus.JSONFormatter{})
	} else {
		l.SetFormatter(&logrus.TextFormatter{FullTimestamp: true})
	}
}
