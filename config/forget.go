package config

// ForgetPositions drops the index of where each value was written, once
// nothing will name this config's lines again: Parse has validated it and
// its warnings have been logged. The index holds one path string per
// value, about 105 B for every prefix of a static list — most of the
// parsed config's heap (issue 11). Afterwards Validate and Warnings still
// work; they report line 0.
func (c *Config) ForgetPositions() { c.pos = nil }
