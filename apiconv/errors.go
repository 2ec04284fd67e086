package apiconv

import "errors"

// ErrInvalidArgument marks a value the API cannot accept. The API server
// re-exports it (apiserver.ErrInvalidArgument is this same value), so a
// conversion error wrapped with it reaches a client as InvalidArgument.
var ErrInvalidArgument = errors.New("invalid argument")
