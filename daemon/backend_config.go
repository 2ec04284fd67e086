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
	"github.com/rsguard/rsguard/routeserver"
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
	cfg, err := config.Load(path)
	if err != nil {
		res.Errors = configErrors(path, err)
		return res, nil
	}
	prep, err := d.prepareReload(cfg)
	res.Plan = prep.plan.Lines()
	if err != nil {
		res.Errors = []apiserver.ConfigError{{File: path, Message: err.Error()}}
	}
	return res, nil
}

// reloadPrep is a reload decided but not applied: the plan, and the
// components the new config needs that do not run yet.
type reloadPrep struct {
	plan     routeserver.ReloadPlan
	irr      irrService
	irrFresh bool
}

// prepareReload is the one place that decides whether and how cfg can be
// applied to the running daemon; `config check` and the reload both call
// it, so a check says exactly what a reload would refuse or do. It builds
// what the new config needs (an IRR refresher when the first as_set
// appears) without starting it or touching anything running.
func (d *Daemon) prepareReload(cfg *config.Config) (reloadPrep, error) {
	prep := reloadPrep{plan: routeserver.PlanReload(d.rs.Config(), cfg)}
	if err := prep.plan.Refused(); err != nil {
		return prep, err
	}
	if prep.plan.Changes("[api]") {
		if err := listenConfig(cfg).Preflight(); err != nil {
			return prep, fmt.Errorf("[api]: %w", err)
		}
		if err := d.api.Load().probe(listenConfig(cfg)); err != nil {
			return prep, fmt.Errorf("[api]: %w", err)
		}
	}
	lgDone, err := d.applyLG(cfg) // binds a changed listen: in use refuses
	if err != nil {
		return prep, fmt.Errorf("[lg]: %w", err)
	}
	lgDone(false)
	prep.irr, prep.irrFresh, err = d.irr.prepare(cfg)
	if err != nil {
		return prep, err
	}
	return prep, nil
}

// ReloadConfig re-reads the config file and applies it; on any error the
// running config stays as it is. Each component follows the new config
// through the same path as at start: the route server (peers, [filters],
// [dampening]), the IRR refresher (built, reconfigured or stopped), [log].
func (d *Daemon) ReloadConfig(ctx context.Context) (apiserver.ReloadResult, error) {
	d.reloadMu.Lock()
	defer d.reloadMu.Unlock()
	res := apiserver.ReloadResult{Path: d.path}
	fail := func(err error) (apiserver.ReloadResult, error) {
		d.log.WithField("file", d.path).WithError(err).Error("reload refused: the running config is unchanged")
		return res, nil
	}
	cfg, err := config.Load(d.path)
	if err != nil {
		res.Errors = configErrors(d.path, err)
		return fail(err)
	}
	prep, err := d.prepareReload(cfg)
	if err != nil {
		res.Errors = []apiserver.ConfigError{{File: d.path, Message: err.Error()}}
		return fail(err)
	}
	// The new listeners are bound before anything changes, so an address
	// in use refuses the reload as a whole.
	var apiPrep apiPrep
	api := d.api.Load()
	if prep.plan.Changes("[api]") && api != nil {
		if apiPrep, err = api.prepare(listenConfig(cfg)); err != nil {
			res.Errors = []apiserver.ConfigError{{File: d.path, Message: fmt.Sprintf("[api]: %v", err)}}
			return fail(err)
		}
	}
	lgDone, err := d.applyLG(cfg)
	if err != nil {
		apiPrep.abort()
		res.Errors = []apiserver.ConfigError{{File: d.path, Key: "lg.listen", Message: err.Error()}}
		return fail(err)
	}
	mprep, err := d.metrics.prepare(cfg)
	if err != nil {
		lgDone(false)
		apiPrep.abort()
		res.Errors = []apiserver.ConfigError{{File: d.path, Key: "metrics.listen", Message: err.Error()}}
		return fail(err)
	}
	start := time.Now()
	changes, err := d.rs.ApplyConfig(ctx, cfg, filterSource(prep.irr))
	res.Changes = changes
	if err != nil {
		lgDone(false)
		apiPrep.abort()
		mprep.abort()
		res.Errors = []apiserver.ConfigError{{File: d.path, Message: err.Error()}}
		d.log.WithField("file", d.path).WithError(err).Error("reload failed")
		return res, nil
	}
	if prep.plan.Changes("[api]") && api != nil {
		api.commit(apiPrep)
	}
	lgDone(true)
	d.irr.commit(cfg, prep.irr, prep.irrFresh, d.rs)
	d.metrics.commit(mprep)
	if prep.plan.Changes("[log]") {
		ApplyLogConfig(d.log, cfg.Log)
	}
	if prep.plan.Changes("[global]") { // only its live keys pass Refused
		d.applyRuntime(cfg.Global, false)
	}
	res.Applied = true
	d.warnConfig(cfg)
	d.log.WithField("changes", len(changes)).WithField("took", time.Since(start).Round(time.Millisecond)).Info("config reloaded")
	return res, nil
}

// filterSource gives a (new) peer's complete filter: IRR data when the
// peer has an as_set (last good result), plus its static prefixes.
func filterSource(irr irrService) routeserver.FilterSource {
	return func(p config.Peer) ([]filters.PrefixRange, *filters.OriginSet) {
		if irr != nil && p.ASSet != "" {
			if allowed, origins := irr.InitialFilter(p); allowed != nil || origins != nil {
				return allowed, origins
			}
		}
		return p.Prefixes, nil
	}
}
