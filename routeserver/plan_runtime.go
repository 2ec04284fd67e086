package routeserver

// [global] needs a restart as a whole (the BGP identity and listeners), but
// memory_limit and gc_percent only tune the Go runtime of this process:
// the daemon applies them in place (daemon/runtime_tuning.go), so a reload
// that changes nothing else in [global] is not refused for them.
var liveKeysOfRestartSection = map[string]map[string]bool{
	"Global": {"memory_limit": true, "gc_percent": true},
}

const runtimeLiveEffect = "Go runtime memory limit / GC percent applied in place (unless GOMEMLIMIT / GOGC is set in the environment), sessions kept"

// splitLiveKeys separates the keys of a restart-only section that are
// applied live from the rest.
func splitLiveKeys(section string, keys []string) (live, rest []string) {
	lk := liveKeysOfRestartSection[section]
	if lk == nil {
		return nil, keys
	}
	for _, k := range keys {
		if lk[k] {
			live = append(live, k)
		} else {
			rest = append(rest, k)
		}
	}
	return live, rest
}
