package speakers

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// EnvRequireSpeakers names the variable CI sets to "1" so that a missing
// speaker binary fails the test instead of skipping it.
const EnvRequireSpeakers = "RSGUARD_REQUIRE_SPEAKERS"

// extraBinDirs are searched after $PATH: Debian installs bird and exabgp in
// /usr/sbin (not on a normal user's PATH) and FRR's daemons in /usr/lib/frr.
var extraBinDirs = []string{"/usr/sbin", "/usr/local/sbin", "/sbin", "/usr/lib/frr"}

// LookPath finds a speaker binary on $PATH or in the usual sbin and FRR
// directories. It returns "" when the binary is absent.
func LookPath(name string) string {
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	for _, dir := range extraBinDirs {
		p := filepath.Join(dir, name)
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
			return p
		}
	}
	return ""
}

// Require returns the path of binary name. When it is missing the test is
// skipped, or fails when RSGUARD_REQUIRE_SPEAKERS=1 (CI must not silently
// skip the interop tier).
func Require(t testing.TB, name string) string {
	t.Helper()
	if p := LookPath(name); p != "" {
		return p
	}
	skipOrFail(t, "speaker binary %q not found on $PATH or in %v", name, extraBinDirs)
	return ""
}

// skipOrFail skips the test, or fails it when the environment demands
// speakers. Use it only for "the environment cannot run this" conditions;
// a speaker that is present but misbehaves is always a failure.
func skipOrFail(t testing.TB, format string, args ...any) {
	t.Helper()
	if os.Getenv(EnvRequireSpeakers) == "1" {
		t.Fatalf(format+" ("+EnvRequireSpeakers+"=1)", args...)
	}
	t.Skipf(format+" (set "+EnvRequireSpeakers+"=1 to fail instead)", args...)
}

// frrBgpd is where Debian installs FRR's bgpd. The name "bgpd" alone is
// ambiguous: OpenBGPD installs /usr/sbin/bgpd, which comes first on $PATH.
const frrBgpd = "/usr/lib/frr/bgpd"

// RequireFRR returns the path of FRR's bgpd (never OpenBGPD's), skipping
// or failing like Require when FRR is not installed.
func RequireFRR(t testing.TB) string {
	t.Helper()
	if fi, err := os.Stat(frrBgpd); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
		return frrBgpd
	}
	skipOrFail(t, "FRR's bgpd not found at %s", frrBgpd)
	return ""
}
