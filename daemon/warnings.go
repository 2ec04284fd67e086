package daemon

import "github.com/rsguard/rsguard/config"

// warnConfig logs every warning of a config being started or applied: a
// dead peer is worth a line in the log each time it is (re)configured.
func (d *Daemon) warnConfig(cfg *config.Config) {
	for _, w := range cfg.Warnings() {
		d.log.WithField("file", w.File).WithField("line", w.Line).WithField("key", w.Key).Warn(w.Msg)
	}
}
