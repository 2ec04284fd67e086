package main

import (
	"fmt"
	"io"
	"time"

	rsguardv1 "github.com/rsguard/rsguard/proto/rsguard/v1"
)

// maxPrefixStateJSON is a peer's max-prefix configuration and state in
// `rsctl peers --json` and `rsctl peer show --json`.
type maxPrefixStateJSON struct {
	LimitIPv4           uint32  `json:"limit_ipv4"` // 0 = no limit
	LimitIPv6           uint32  `json:"limit_ipv6"`
	Action              string  `json:"action"`
	RestartAfterSeconds int64   `json:"restart_after_seconds"`
	CountRejected       bool    `json:"count_rejected"`
	WarnPercent         uint32  `json:"warn_percent"`
	CountedIPv4         uint64  `json:"counted_ipv4"`
	CountedIPv6         uint64  `json:"counted_ipv6"`
	BlockedIPv4         uint64  `json:"blocked_ipv4"`
	BlockedIPv6         uint64  `json:"blocked_ipv6"`
	LastSanction        string  `json:"last_sanction"`
	LastSanctionTime    *string `json:"last_sanction_time"`
	RestartAt           *string `json:"restart_at"`
}

func toMaxPrefixStateJSON(m *rsguardv1.PeerMaxPrefix) maxPrefixStateJSON {
	out := maxPrefixStateJSON{LimitIPv4: m.GetLimitIpv4(), LimitIPv6: m.GetLimitIpv6(), Action: m.GetAction(),
		RestartAfterSeconds: int64(m.GetRestartAfter().AsDuration() / time.Second), CountRejected: m.GetCountRejected(),
		WarnPercent: m.GetWarnPercent(), CountedIPv4: m.GetCountedIpv4(), CountedIPv6: m.GetCountedIpv6(),
		BlockedIPv4: m.GetBlockedIpv4(), BlockedIPv6: m.GetBlockedIpv6(), LastSanction: m.GetLastSanction()}
	if m.GetLastSanctionTime() != nil {
		out.LastSanctionTime = jsonTime(m.GetLastSanctionTime().AsTime())
	}
	if m.GetRestartAt() != nil {
		out.RestartAt = jsonTime(m.GetRestartAt().AsTime())
	}
	return out
}

// printMaxPrefix writes the max-prefix lines of `rsctl peer show`.
func printMaxPrefix(w io.Writer, x *rsguardv1.Peer) {
	m := x.GetMaxPrefix()
	if m.GetLimitIpv4() == 0 && m.GetLimitIpv6() == 0 {
		fmt.Fprintf(w, "max-prefix:   no limit\n")
	} else {
		counted := "accepted"
		if m.GetCountRejected() {
			counted = "received"
		}
		action := m.GetAction()
		if d := m.GetRestartAfter(); d != nil {
			action += " after " + d.AsDuration().String()
		}
		fmt.Fprintf(w, "max-prefix:   IPv4 %s, IPv6 %s (%s routes counted); action %s; warn at %s\n",
			limitCell(m.GetCountedIpv4(), m.GetLimitIpv4()), limitCell(m.GetCountedIpv6(), m.GetLimitIpv6()),
			counted, action, warnCell(m.GetWarnPercent()))
		if b4, b6 := m.GetBlockedIpv4(), m.GetBlockedIpv6(); b4+b6 > 0 {
			fmt.Fprintf(w, "blocked:      %d IPv4, %d IPv6 routes refused (max_prefix_blocked)\n", b4, b6)
		}
		if s := m.GetLastSanction(); s != "" {
			fmt.Fprintf(w, "last limit:   %s at %s\n", s, humanTime(m.GetLastSanctionTime().AsTime()))
		}
		if m.GetRestartAt() != nil {
			fmt.Fprintf(w, "restart at:   %s\n", humanTime(m.GetRestartAt().AsTime()))
		}
	}
	fmt.Fprintf(w, "contacts:     noc %s, abuse %s\n", orDash(x.GetContactNoc()), orDash(x.GetContactAbuse()))
}

func limitCell(n uint64, limit uint32) string {
	if limit == 0 {
		return fmt.Sprintf("%d/no limit", n)
	}
	return fmt.Sprintf("%d/%d", n, limit)
}

func warnCell(pct uint32) string {
	if pct == 0 {
		return "off"
	}
	return fmt.Sprintf("%d%%", pct)
}
