// Package apiserver is the gRPC control API of the route server (package
// rsguard.v1 under proto/). Its handlers are thin translations between proto
// messages and the Backend interface, which the daemon implements; nothing
// here knows about GoBGP.
//
// Security model: by default the API listens only on a unix socket whose
// file permissions (0600, directory 0750) are the access control. An
// optional TCP listener is refused unless it has a TLS certificate and key
// and a bearer-token file; every call over TCP must carry
// "authorization: Bearer <token>".
//
// Errors: a Backend wraps ErrNotFound, ErrInvalidArgument or
// ErrFailedPrecondition with %w and the client sees NotFound,
// InvalidArgument or FailedPrecondition with the full message; any other
// error becomes Internal.
package apiserver
