package rsbench

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/rsguard/rsguard/internal/speakers"
)

// GoBGPVersion is the gobgpd rsbench compares against: the GoBGP rsguard
// embeds.
const GoBGPVersion = "v3.37.0"

// FindBins locates every executable. rsguard is built from the module at
// root into dir unless rsguardBin is given; gobgpd is looked for in PATH
// and in root/.bin/bench (where `make bench-rs` installs it); OpenBGPD's
// bgpd in /usr/sbin (FRR's bgpd lives in /usr/lib/frr, so no confusion).
// BIRD is required: the clients are BIRDs.
func FindBins(ctx context.Context, root, dir, rsguardBin, gobgpdBin, bgpdBin string) (Bins, error) {
	b := Bins{Missing: map[string]string{}}
	if b.BIRD = speakers.LookPath("bird"); b.BIRD == "" {
		return b, fmt.Errorf("bird not found (apt-get install bird2): the clients are BIRDs")
	}
	b.RSGuard = rsguardBin
	if b.RSGuard == "" {
		b.RSGuard = filepath.Join(dir, "rsguard")
		bctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(bctx, "go", "build", "-o", b.RSGuard, "./cmd/rsguard")
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			return b, fmt.Errorf("building rsguard: %v\n%s", err, out)
		}
	}
	b.GoBGPD = firstExecutable(gobgpdBin, lookPath("gobgpd"), filepath.Join(root, ".bin", "bench", "gobgpd"))
	if b.GoBGPD == "" {
		b.Missing["gobgpd"] = "gobgpd not found; install it with `GOBIN=$PWD/.bin/bench go install github.com/osrg/gobgp/v3/cmd/gobgpd@" + GoBGPVersion + "` (make bench-rs does)"
	}
	b.BGPD = firstExecutable(bgpdBin, "/usr/sbin/bgpd")
	if b.BGPD == "" {
		b.Missing["openbgpd"] = "OpenBGPD's bgpd not found in /usr/sbin; install the Debian package openbgpd (check `apt-cache policy openbgpd`)"
	} else if err := os.MkdirAll("/run/openbgpd", 0o755); err != nil {
		// bgpd chroots into its user's home, which tmpfs /run loses at boot.
		b.Missing["openbgpd"] = fmt.Sprintf("bgpd needs its chroot /run/openbgpd: %v", err)
		b.BGPD = ""
	}
	return b, nil
}

func lookPath(name string) string {
	p, _ := exec.LookPath(name)
	return p
}

func firstExecutable(paths ...string) string {
	for _, p := range paths {
		if p == "" {
			continue
		}
		if st, err := os.Stat(p); err == nil && !st.IsDir() && st.Mode()&0o111 != 0 {
			return p
		}
	}
	return ""
}
