package daemon

import "github.com/rsguard/rsguard/config"

// warnConfig logs every warning of a config being started or applied: a
// dead peer is worth a line in the log each time it is (re)configured.
// That is the last time anything names the config's lines, so their index
// (most of a static prefix list's heap, issue 11) is dropped here.
func (d *Daemon) warnConfig(cfg *config.Config) {
	for _, w := range cfg.Warnings() {
		d.log.WithField("file", w.File).WithField("line", w.Line).WithField("key", w.Key).Warn(w.Msg)
	}
	cfg.ForgetPositions()
}
