package daemon

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/rsguard/rsguard/config"
	"github.com/sirupsen/logrus"
	"github.com/sirupsen/logrus/hooks/test"
)

// TestNewLogsConfigWarnings: `rsguard run` (daemon.New) logs every config
// warning at startup, with file, line and key, and still starts.
func TestNewLogsConfigWarnings(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "rsguard.toml")
	doc := `[global]
asn = 21000
router_id = "127.41.5.1"
listen_port = 0
state_dir = "state"

[[peers]]
name = "dead"
address = "127.41.5.9"
asn = 65000
passive = false
`
	cfg, err := config.Parse([]byte(doc), path, dir)
	if err != nil {
		t.Fatal(err)
	}
	log, hook := test.NewNullLogger()
	if _, err := New(path, cfg, log); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range hook.AllEntries() {
		if e.Level == logrus.WarnLevel {
			got = append(got, e.Message)
			if e.Data["file"] != path || e.Data["line"] == 0 || !strings.HasPrefix(e.Data["key"].(string), "peers[0] (dead)") {
				t.Errorf("warning %q fields %v", e.Message, e.Data)
			}
		}
	}
	if len(got) != 2 || !strings.Contains(got[0], "AS65000 is a bogon ASN") || !strings.Contains(got[1], "neither prefixes nor as_set") {
		t.Errorf("warnings logged: %q", got)
	}
}
