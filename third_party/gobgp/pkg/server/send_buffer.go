package server

import (
	"bufio"
	"io"
	"sync"
)

// sendBuffers holds the send loops' write buffers between batches. A
// buffer of its own for every session cost 64 KiB per peer (6 MB of a
// 104-session route server's heap) though a buffer holds data only from a
// batch's first write to its flush, and only as many loops as run at once
// write at the same time.
var sendBuffers = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, sendBufferSize) }}

// sendBuffer is a bufio.Writer taken from sendBuffers on the first write
// and given back once a flush has emptied it.
type sendBuffer struct {
	dst io.Writer
	w   *bufio.Writer
}

func newSendBuffer(dst io.Writer) *sendBuffer { return &sendBuffer{dst: dst} }

func (b *sendBuffer) Write(p []byte) (int, error) {
	if b.w == nil {
		b.w = sendBuffers.Get().(*bufio.Writer)
		b.w.Reset(b.dst)
	}
	return b.w.Write(p)
}

// Buffered is the number of bytes written but not yet flushed.
func (b *sendBuffer) Buffered() int {
	if b.w == nil {
		return 0
	}
	return b.w.Buffered()
}

// Flush writes out what is buffered. After a failed write the buffer keeps
// its error and is not given back (the session ends).
func (b *sendBuffer) Flush() error {
	if b.w == nil {
		return nil
	}
	if err := b.w.Flush(); err != nil {
		return err
	}
	b.w.Reset(nil) // drop the connection before pooling
	sendBuffers.Put(b.w)
	b.w = nil
	return nil
}
