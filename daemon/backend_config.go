package daemon

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/rsguard/rsguard/apiserver"
	"github.com/rsguard/rsguard/config"
	"github.com/rsguard/rsguard/filters"
)

// configErrors turns a config load error into the API's error list.
func configErrors(path string, err error) []apiserver.ConfigError {
	var errs *config.Errors
	if errors.As(err, &errs) {
		out := make([]apiserver.ConfigError, 0, len(errs.List))
		for _, e := range errs.List {
			out = append(out, apiserver.ConfigError{File: e.File, Line: e.Line, Key: e.Key, Message: e.Msg})
		}
		return out
	}
	return []apiserver.ConfigError{{File: path, Message: err.Error()}}
}

// CheckConfig validates a file without applying it. Only files in the
// running config's directory may be checked: over TCP, error messages
// would otherwise leak pieces of arbitrary files.
func (d *Daemon) CheckConfig(ctx context.Context, path string) (apiserver.CheckResult, error) {
	if path == "" {
		path = d.path
	}
	dir := filepath.Dir(d.path)
	abs, err := filepath.Abs(path)
	if err != nil {
		return apiserver.CheckResult{}, fmt.Errorf("path %q: %v: %w", path, err, apiserver.ErrInvalidArgument)
	}
	if absDir, _ := filepath.Abs(dir); filepath.Dir(abs) != absDir && !strings.HasPrefix(abs, absDir+string(filepath.Separator)) {
		return apiserver.CheckResult{}, fmt.Errorf("path %q is outside the config directory %s: %w", path, dir, apiserver.ErrInvalidArgument)
	}
	res := apiserver.CheckResult{Path: path}
	if _, err := config.Load(path); err != nil {
		res.Errors = configErrors(path, err)
	}
	return res, nil
}

// ReloadConfig re-reads the config file and applies it; on any error the
// running config stays as it is.
func (d *Daemon) ReloadConfig(ctx context.Context) (apiserver.ReloadResult, error) {
	d.reloadMu.Lock()
	defer d.reloadMu.Unlock()
	res := apiserver.ReloadResult{Path: d.path}
	cfg, err := config.Load(d.path)
	if err != nil {
		res.Errors = configErrors(d.path, err)
		d.log.WithField("file", d.path).WithError(err).Error("reload refused: the running config is unchanged")
		return res, nil
	}
	start := time.Now()
	changes, err := d.rs.ApplyConfig(ctx, cfg, d.filterSource)
	res.Changes = changes
	if err != nil {
		res.Errors = []apiserver.ConfigError{{File: d.path, Message: err.Error()}}
		d.log.WithField("file", d.path).WithError(err).Error("reload failed")
		return res, nil
	}
	if d.irr != nil {
		d.irr.Reconfigure(cfg)
	}
	res.Applied = true
	if err := d.applyMetrics(cfg); err != nil {
		// BGP and filters are applied; only the endpoint stays where it was
		res.Errors = []apiserver.ConfigError{{File: d.path, Key: "metrics.listen", Message: err.Error()}}
		d.log.WithError(err).Error("reload: the metrics endpoint keeps its old address")
	}
	d.warnConfig(cfg)
	d.log.WithField("changes", len(changes)).WithField("took", time.Since(start).Round(time.Millisecond)).Info("config reloaded")
	return res, nil
}

// filterSource gives a (new) peer's complete filter: IRR data when the
// peer has an as_set (last good result), plus its static prefixes.
func (d *Daemon) filterSource(p config.Peer) ([]filters.PrefixRange, *filters.OriginSet) {
	if d.irr != nil && p.ASSet != "" {
		if allowed, origins := d.irr.InitialFilter(p); allowed != nil || origins != nil {
			return allowed, origins
		}
	}
	return p.Prefixes, nil
}
