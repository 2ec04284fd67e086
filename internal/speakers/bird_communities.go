package speakers

import (
	"fmt"
	"strconv"
	"strings"
)

// RouteCommunities are the communities a BIRD static route carries:
// standard "asn:value" and large "global:local1:local2".
type RouteCommunities struct {
	Std   []string
	Large []string
}

// birdTuple turns "a:b[:c]" into BIRD's "(a,b[,c])", checking each part is
// a number and the count is want.
func birdTuple(s string, want int, max uint64) (string, error) {
	parts := strings.Split(s, ":")
	if len(parts) != want {
		return "", fmt.Errorf("community %q: want %d numbers separated by ':'", s, want)
	}
	for _, p := range parts {
		if _, err := strconv.ParseUint(p, 10, 64); err != nil {
			return "", fmt.Errorf("community %q: %q is not a number", s, p)
		}
		if n, _ := strconv.ParseUint(p, 10, 64); n > max {
			return "", fmt.Errorf("community %q: %s is above %d", s, p, max)
		}
	}
	return "(" + strings.Join(parts, ",") + ")", nil
}

// WithCommunities returns c as a Raw config in which the static routes
// named in m carry those communities (BIRD sets them in the static route's
// attribute block, so every neighbor sees them). The other builder fields
// keep their meaning; c must validate, and every prefix in m must be one of
// c's Static4 or Static6 routes.
func (c BIRDConfig) WithCommunities(m map[string]RouteCommunities) (BIRDConfig, error) {
	if c.Raw != "" {
		return BIRDConfig{}, fmt.Errorf("WithCommunities: config is already Raw")
	}
	if err := c.Validate(); err != nil {
		return BIRDConfig{}, err
	}
	const logMark = "/rsguard-log-placeholder"
	text := c.Render(logMark)
	// StartBIRD puts its own preamble in front of a Raw config.
	if i := strings.Index(text, birdPreamble(logMark)); i >= 0 {
		text = text[i+len(birdPreamble(logMark)):]
	}
	for prefix, rc := range m {
		old := fmt.Sprintf("\troute %s blackhole;\n", prefix)
		if !strings.Contains(text, old) {
			return BIRDConfig{}, fmt.Errorf("WithCommunities: %s is not a static route of this config", prefix)
		}
		var stmts []string
		for _, s := range rc.Std {
			t, err := birdTuple(s, 2, 65535)
			if err != nil {
				return BIRDConfig{}, err
			}
			stmts = append(stmts, "bgp_community.add("+t+");")
		}
		for _, s := range rc.Large {
			t, err := birdTuple(s, 3, 1<<32-1)
			if err != nil {
				return BIRDConfig{}, err
			}
			stmts = append(stmts, "bgp_large_community.add("+t+");")
		}
		text = strings.Replace(text, old, fmt.Sprintf("\troute %s blackhole { %s };\n", prefix, strings.Join(stmts, " ")), 1)
	}
	return BIRDConfig{Raw: text}, nil
}
