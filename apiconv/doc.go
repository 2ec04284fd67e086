// Package apiconv holds what both ends of the control API share: the
// conversions between proto messages (package rsguard.v1) and the route
// server's own types, the AS path syntax operators type, and the rendering
// of a config error. The daemon's API server and the rsctl client both use
// it, so the client depends on the API's types and not on the server
// (cmd/rsctl/deps_test.go holds it to that).
package apiconv
