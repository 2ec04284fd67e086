// Package config loads rsguard's TOML configuration strictly.
//
// Contract:
//   - Every key is known: a misspelt or misplaced key is an error, never
//     silently ignored.
//   - Every problem in a document is reported in one run, as an *Errors whose
//     entries read "file:line: key: message" with the key written as in the
//     file ("peers[1] (ix-a).prefixes[0]").
//   - A returned *Config is complete: defaults are filled in, relative paths
//     are resolved against the config file's directory, password_file has
//     been read, and names (AS-SETs, IRR sources, log level) are normalized.
//   - Parse does no network I/O; it reads only the files the config names
//     (password files) and stats those it must check (IRR dumps, TLS files).
//
// configs/rsguard.example.toml documents every key.
package config
