package main

import (
	"errors"
	"io"
)

// recvEach reads a server stream to its end, calling fn for each message;
// it returns the first error of the stream or of fn.
func recvEach[M any](recv func() (M, error), fn func(M) error) error {
	for {
		m, err := recv()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := fn(m); err != nil {
			return err
		}
	}
}
