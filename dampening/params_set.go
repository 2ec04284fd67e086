package dampening

// SetParams switches a running engine to new parameters, as a config
// reload does: penalties and suppression episodes are kept and from now
// on decay, release and suppress under p (the next Tick releases routes
// whose penalty is already below the new reuse). A restart restores the
// same state under the same parameters, so a reload and a restart agree.
func (e *Engine) SetParams(p Params) error {
	if err := checkParams(p); err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.params, e.calc = p, newCalc(p)
	return nil
}
