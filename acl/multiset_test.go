package acl

import (
	"strings"
	"testing"
)

// TestSeveralASSets: a peer with several AS-SETs (as_set = [...], kept
// comma-joined) renders in every format, naming all of them, and nft
// accepts the result.
func TestSeveralASSets(t *testing.T) {
	for _, f := range Formats {
		fx := fixtureFor("dual-stack", f)
		fx.ASSet = "AS-ALPHA,RIPE::AS-BETA"
		out, err := Render(f, fx)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if !strings.Contains(out, "AS-SET AS-ALPHA,RIPE::AS-BETA") {
			t.Errorf("%s: header does not name both sets:\n%s", f, out)
		}
	}
	t.Run("nft accepts it", func(t *testing.T) {
		nft := needTool(t, "nft")
		fx := fixtureFor("dual-stack", NFTables)
		fx.ASSet = "AS-ALPHA,RIPE::AS-BETA"
		out, err := Render(NFTables, fx)
		if err != nil {
			t.Fatal(err)
		}
		runTool(t, out, nft, "-c", "-f", "-")
	})
}
