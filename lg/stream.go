package lg

import (
	"bufio"
	"encoding/json"
	"net/http"
)

// routeStream writes a route list as it is produced: the envelope, then
// each route, then the closing bracket. Nothing is collected, so memory
// does not grow with the table. If the request's deadline passes or the
// client goes away midway, the body is left unterminated: Alice then sees
// an error rather than a silently shortened list.
type routeStream struct {
	rp  *reply
	buf *bufio.Writer
	enc *json.Encoder
	n   int
	err error
}

func (rp *reply) stream() *routeStream {
	rp.header(http.StatusOK, true)
	buf := bufio.NewWriterSize(rp.out, 32<<10)
	s := &routeStream{rp: rp, buf: buf, enc: json.NewEncoder(buf)}
	api, at, ttl := rp.envelope()
	s.raw(`{"api":`)
	s.value(api)
	s.raw(`,"cached_at":`)
	s.value(at)
	s.raw(`,"ttl":`)
	s.value(ttl)
	s.raw(`,"routes":[`)
	return s
}

func (s *routeStream) raw(t string) {
	if s.err == nil {
		_, s.err = s.buf.WriteString(t)
	}
}

func (s *routeStream) value(v any) {
	if s.err == nil {
		s.err = s.enc.Encode(v)
	}
}

// add writes one route; false means stop (deadline, client gone).
func (s *routeStream) add(r routeJSON) bool {
	if s.err == nil {
		s.err = s.rp.ctx.Err()
	}
	if s.n > 0 {
		s.raw(",")
	}
	s.value(r)
	s.n++
	return s.err == nil
}

// end closes the list, or logs why it could not be finished.
func (s *routeStream) end() {
	s.raw("]}\n")
	if s.err == nil {
		s.err = s.buf.Flush()
	}
	if s.err != nil {
		s.rp.h.o.Log.WithError(s.err).WithField("routes_written", s.n).Warn("looking glass: route list cut short")
		// no gzip trailer either: the client must not take this for a
		// complete answer
		s.rp.gz = nil
	}
}

// empty answers an empty route list.
func (rp *reply) empty() { rp.stream().end() }

// acquire takes one of the MaxConcurrent route-list slots, waiting until
// the request's deadline; on timeout it has already answered 503.
func (rp *reply) acquire() bool {
	select {
	case rp.h.slot <- struct{}{}:
		return true
	case <-rp.ctx.Done():
		rp.fail(http.StatusServiceUnavailable, "looking glass busy: too many route lists at once, retry later")
		return false
	}
}

func (rp *reply) release() { <-rp.h.slot }
