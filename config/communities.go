package config

// Communities is the [communities] table: how the route server treats
// BGP communities on export (filters/export.go).
type Communities struct {
	// HonourWellKnown makes the route server act on NO_EXPORT and
	// NO_ADVERTISE itself instead of passing them to its clients. Off by
	// default, as on IXP route servers (BIRD: "interpret communities off").
	HonourWellKnown bool
}

// renderCommunities is [communities] in the normalized TOML.
type renderCommunities struct {
	HonourWellKnown bool `toml:"honour_well_known"`
}

func (d *decoder) communities(c *Communities, t *table) {
	if b, _, ok := t.boolean("honour_well_known"); ok {
		c.HonourWellKnown = b
	}
}
