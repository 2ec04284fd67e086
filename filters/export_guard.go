package filters

// Export guards: reject-only export policies that run before a peer's own
// export policy (export_compile.go), so they see the route as the RIB
// holds it, before any scrubbing.
const (
	// ExportGuardTagged sends routes tagged as rejected (reject_policy =
	// "tag", RS:65520:*) to no one.
	ExportGuardTagged = "rs-out-guard-tagged"
	// ExportGuardNoBlackhole keeps BLACKHOLE routes from a peer with
	// accept_blackholes = false.
	ExportGuardNoBlackhole = "rs-out-guard-no-blackhole"

	setGuardTagged    = "rs-out-guard-tagged-set"
	setGuardBlackhole = "rs-out-guard-blackhole-set"
)

// CompileExportGuards compiles the shared guard policies; install them
// once, before any peer is added.
func CompileExportGuards(a ActionSettings) ExportCompiled {
	return ExportCompiled{
		Sets: []CommunitySetDef{
			{Name: setGuardTagged, Large: true, Patterns: []string{tagged(a.RSASN)}},
			{Name: setGuardBlackhole, Patterns: []string{lit(Blackhole)}},
		},
		Policies: []ExportPolicy{
			{Name: ExportGuardTagged, Statements: []ExportStatement{{Name: "tagged", Large: &CommunityMatch{Set: setGuardTagged}, Reject: true}}},
			{Name: ExportGuardNoBlackhole, Statements: []ExportStatement{{Name: "blackhole", Std: &CommunityMatch{Set: setGuardBlackhole}, Reject: true}}},
		},
	}
}

// ExportGuards names the guard policies toward one peer, in order.
func ExportGuards(a ActionSettings, acceptBlackholes bool) []string {
	var out []string
	if a.Tag {
		out = append(out, ExportGuardTagged)
	}
	if !acceptBlackholes {
		out = append(out, ExportGuardNoBlackhole)
	}
	return out
}
