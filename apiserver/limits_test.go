package apiserver_test

import (
	"context"
	"testing"
	"time"

	"github.com/rsguard/rsguard/apiserver"
	rsguardv1 "github.com/rsguard/rsguard/proto/rsguard/v1"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// TestStreamLimits: streaming calls beyond MaxStreams on one listener are
// refused at once with ResourceExhausted (event streams here, which never
// end on their own); unary calls still work; when a stream ends its slot
// is free again.
func TestStreamLimits(t *testing.T) {
	_, conn := memConn(t)
	events := rsguardv1.NewEventServiceClient(conn)
	var cancels []context.CancelFunc
	defer func() {
		for _, c := range cancels {
			c()
		}
	}()
	// open starts a stream and waits until the server has taken it or
	// refused it (headers or trailers are back); the channel gets what
	// ends it.
	open := func() chan error {
		ctx, cancel := context.WithCancel(context.Background())
		cancels = append(cancels, cancel)
		ended := make(chan error, 1)
		st, err := events.WatchEvents(ctx, &rsguardv1.WatchEventsRequest{})
		if err != nil {
			ended <- err
			return ended
		}
		_, _ = st.Header()
		go func() {
			_, err := st.Recv()
			ended <- err
		}()
		return ended
	}
	var streams []chan error
	for range apiserver.MaxStreams + 1 {
		streams = append(streams, open())
	}
	select {
	case err := <-streams[apiserver.MaxStreams]:
		if status.Code(err) != codes.ResourceExhausted {
			t.Fatalf("stream %d: %v, want ResourceExhausted", apiserver.MaxStreams+1, err)
		}
		t.Logf("stream %d: %v", apiserver.MaxStreams+1, err)
	case <-time.After(10 * time.Second):
		t.Fatalf("stream %d was not refused", apiserver.MaxStreams+1)
	}
	for i, c := range streams[:apiserver.MaxStreams] {
		select {
		case err := <-c:
			t.Fatalf("stream %d of %d ended: %v", i+1, apiserver.MaxStreams, err)
		default:
		}
	}
	if _, err := rsguardv1.NewPeerServiceClient(conn).ListPeers(testCtx(t), &rsguardv1.ListPeersRequest{}); err != nil {
		t.Fatalf("unary call with every stream slot taken: %v", err)
	}
	cancels[0]()
	<-streams[0]
	deadline := time.Now().Add(10 * time.Second)
	for { // the server frees the slot once it has seen the cancel
		c := open()
		select {
		case err := <-c:
			if status.Code(err) != codes.ResourceExhausted || time.Now().After(deadline) {
				t.Fatalf("after a stream ended: %v", err)
			}
			time.Sleep(20 * time.Millisecond)
			continue
		case <-time.After(500 * time.Millisecond):
		}
		break
	}
}
