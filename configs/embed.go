// Package configs holds the example and demo configurations. The demo
// config is embedded so that `rsguard demo` runs from a fresh clone with no
// setup and no Internet.
package configs

import _ "embed"

// Demo is configs/demo.toml.
//
//go:embed demo.toml
var Demo []byte
