package main

import (
	"os"

	"github.com/rsguard/rsguard/config"
	"github.com/rsguard/rsguard/daemon"
	"github.com/sirupsen/logrus"
)

// newLogger builds the one logger everything (GoBGP included) writes to.
func newLogger(c config.Log) *logrus.Logger {
	l := logrus.New()
	l.SetOutput(os.Stderr)
	daemon.ApplyLogConfig(l, c)
	return l
}
