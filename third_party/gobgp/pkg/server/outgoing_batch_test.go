package server

import (
	"fmt"
	"testing"
	"time"

	"github.com/osrg/gobgp/v3/internal/pkg/table"
)

// queuedMessages takes what is queued for p without blocking for long.
func queuedMessages(t *testing.T, p *peer) []*fsmOutgoingMsg {
	t.Helper()
	var out []*fsmOutgoingMsg
	for p.fsm.outgoingCh.Len() > 0 {
		select {
		case o := <-p.fsm.outgoingCh.Out():
			out = append(out, o.(*fsmOutgoingMsg))
		case <-time.After(time.Second):
			t.Fatal("queue length promised a message that did not come")
		}
	}
	return out
}

func TestOutgoingBatchOneMessagePerPeer(t *testing.T) {
	s := &BgpServer{}
	p1, _ := makePeerAndHandler()
	p2, _ := makePeerAndHandler()
	a := batchTestPath("45.1.0.0/24", 1, false)
	b := batchTestPath("45.2.0.0/24", 1, false)
	c := batchTestPath("45.1.0.0/24", 1, true)

	end := s.beginOutgoingBatch()
	inner := s.beginOutgoingBatch() // a nested call joins the batch
	s.sendPaths(p1, []*table.Path{a})
	s.sendPaths(p2, []*table.Path{b})
	inner()
	s.sendPaths(p1, []*table.Path{c})
	if n := p1.fsm.outgoingCh.Len() + p2.fsm.outgoingCh.Len(); n != 0 {
		t.Fatalf("%d messages queued before the batch ended", n)
	}
	end()

	m1, m2 := queuedMessages(t, p1), queuedMessages(t, p2)
	if len(m1) != 1 || len(m1[0].Paths) != 2 || m1[0].Paths[0] != a || m1[0].Paths[1] != c {
		t.Errorf("peer 1: want one message with the announcement then the withdrawal, got %d messages", len(m1))
	}
	if len(m2) != 1 || len(m2[0].Paths) != 1 || m2[0].Paths[0] != b {
		t.Errorf("peer 2: want one message with its path, got %d messages", len(m2))
	}

	// outside a batch, paths are queued at once
	s.sendPaths(p1, []*table.Path{a})
	if m := queuedMessages(t, p1); len(m) != 1 || m[0].Paths[0] != a {
		t.Errorf("without a batch: got %d messages", len(m))
	}
}

func TestOutgoingBatchBounded(t *testing.T) {
	s := &BgpServer{}
	p, _ := makePeerAndHandler()
	end := s.beginOutgoingBatch()
	for i := 0; i < outgoingBatchMaxPaths+1; i++ {
		s.sendPaths(p, []*table.Path{batchTestPath(fmt.Sprintf("45.%d.%d.0/24", i/256, i%256), 1, false)})
	}
	if n := p.fsm.outgoingCh.Len(); n != 1 {
		t.Fatalf("%d messages queued at the bound, want 1", n)
	}
	end()
	m := queuedMessages(t, p)
	if len(m) != 2 || len(m[0].Paths) != outgoingBatchMaxPaths || len(m[1].Paths) != 1 {
		t.Fatalf("got %d messages, want %d paths then 1", len(m), outgoingBatchMaxPaths)
	}
	if m[1].Paths[0].GetNlri().String() != fmt.Sprintf("45.%d.%d.0/24", outgoingBatchMaxPaths/256, outgoingBatchMaxPaths%256) {
		t.Errorf("last path out of order: %s", m[1].Paths[0].GetNlri())
	}
}
