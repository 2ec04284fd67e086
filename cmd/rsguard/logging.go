package main

import (
	"os"

	"github.com/rsguard/rsguard/config"
	"github.com/sirupsen/logrus"
)

// newLogger builds the one logger everything (GoBGP included) writes to.
func newLogger(c config.Log) *logrus.Logger {
	l := logrus.New()
	l.SetOutput(os.Stderr)
	if lvl, err := logrus.ParseLevel(c.Level); err == nil {
		l.SetLevel(lvl)
	}
	if c.Format == config.LogJSON {
		l.SetFormatter(&logrus.JSONFormatter{})
	} else {
		l.SetFormatter(&logrus.TextFormatter{FullTimestamp: true})
	}
	return l
}
