package server

import (
	"bytes"
	"errors"
	"testing"
)

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("connection reset") }

// TestSendBuffer: writes reach the destination only on Flush, in order; an
// empty buffer holds no pooled writer; a failed flush reports the error.
func TestSendBuffer(t *testing.T) {
	var dst bytes.Buffer
	b := newSendBuffer(&dst)
	if b.w != nil || b.Buffered() != 0 {
		t.Fatal("a new buffer holds a writer")
	}
	if err := b.Flush(); err != nil {
		t.Fatalf("flushing an empty buffer: %v", err)
	}
	for _, s := range []string{"abc", "def"} {
		if _, err := b.Write([]byte(s)); err != nil {
			t.Fatal(err)
		}
	}
	if dst.Len() != 0 || b.Buffered() != 6 {
		t.Fatalf("before Flush: destination %d bytes, buffered %d; want 0 and 6", dst.Len(), b.Buffered())
	}
	if err := b.Flush(); err != nil {
		t.Fatal(err)
	}
	if dst.String() != "abcdef" {
		t.Fatalf("destination %q, want abcdef", dst.String())
	}
	if b.w != nil {
		t.Fatal("a flushed buffer kept its pooled writer")
	}
	big := bytes.Repeat([]byte{0xff}, 3*sendBufferSize)
	if _, err := b.Write(big); err != nil {
		t.Fatal(err)
	}
	if err := b.Flush(); err != nil || dst.Len() != 6+len(big) {
		t.Fatalf("after a write larger than the buffer: %d bytes (err %v), want %d", dst.Len(), err, 6+len(big))
	}

	f := newSendBuffer(failingWriter{})
	if _, err := f.Write([]byte("x")); err != nil {
		t.Fatal(err)
	}
	if err := f.Flush(); err == nil {
		t.Fatal("a failed write was not reported")
	}
}
