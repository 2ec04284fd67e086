package lg

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
)

// FuzzRequestPath: whatever path and query a client sends, the answer is
// JSON (except /version) with a status, never a panic or a bare page.
func FuzzRequestPath(f *testing.F) {
	for _, s := range []string{"/status", "//protocols/bgp", "/routes/protocol/AS21001_45_0_0_1", "/routes/filtered/%2e%2e",
		"/routes/table/master4/filtered", "/routes/prefix?prefix=45.1.0.0/24", "/route/net/2a0a:4582::1", "/route/net/45.1.0.0/99",
		"/routes/count/protocol/x", "/../../etc/passwd", "/routes/prefix?prefix=%00", ""} {
		f.Add(s)
	}
	h := NewHandler(newFake(), Options{RSASN: 21000})
	f.Fuzz(func(t *testing.T, p string) {
		u, err := url.ParseRequestURI("http://lg" + p)
		if err != nil || u.Path == "/version" {
			return
		}
		req := httptest.NewRequest(http.MethodGet, "http://lg/", nil)
		req.URL = u
		req.RemoteAddr = "127.0.0.1:1234"
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code == 0 || !json.Valid(w.Body.Bytes()) {
			t.Fatalf("%q: %d %q", p, w.Code, w.Body.String())
		}
	})
}
