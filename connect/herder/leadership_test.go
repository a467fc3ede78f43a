package herder

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/ferrykafka/ferry/connect"
	"github.com/ferrykafka/ferry/connect/group"
	"github.com/ferrykafka/ferry/test/testkit"
)

// hookRecorder is a leadership hook that counts its calls and, like
// MirrorMaker's, may still be running when the herder stops: each call
// waits for its context and records that it was cancelled.
type hookRecorder struct {
	mu        sync.Mutex
	calls     int
	cancelled int
}

func (r *hookRecorder) hook(ctx context.Context) {
	r.mu.Lock()
	r.calls++
	r.mu.Unlock()
	<-ctx.Done()
	r.mu.Lock()
	r.cancelled++
	r.mu.Unlock()
}

func (r *hookRecorder) counts() (calls, cancelled int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.calls, r.cancelled
}

func (r *hookRecorder) waitCalls(t *testing.T, name string, n int) {
	t.Helper()
	testkit.Eventually(t, groupWait, func() error {
		if calls, _ := r.counts(); calls != n {
			return fmt.Errorf("leadership hook of %s called %d times; want %d", name, calls, n)
		}
		return nil
	})
}

// stillCalls checks for a while that the hook was called exactly n times:
// a hook runs in a goroutine of its own, so a wrong call may come a moment
// after the assignment that caused it.
func (r *hookRecorder) stillCalls(t *testing.T, name string, n int) {
	t.Helper()
	consistently(t, 300*time.Millisecond, func() error {
		if calls, _ := r.counts(); calls != n {
			return fmt.Errorf("leadership hook of %s called %d times; want %d", name, calls, n)
		}
		return nil
	})
}

// The hook runs once when a worker becomes the leader, not again on
// rebalances it stays leader through, and its context is cancelled when
// the herder stops; the worker that takes over leadership runs its own.
func TestLeadershipHookInGroup(t *testing.T) {
	t.Parallel()
	cluster := newGroupCluster(t)
	var hookA, hookB hookRecorder
	a := newGroupWorker(t, cluster, "a", "http://127.0.0.1:1/", nil, WithLeadershipHook(hookA.hook))
	a.start()
	gen1 := waitStable(t, a)
	hookA.waitCalls(t, "a", 1)

	// b joins: a rebalance a stays leader through.
	b := newGroupWorker(t, cluster, "b", "http://127.0.0.1:2/", nil, WithLeadershipHook(hookB.hook))
	b.start()
	gen2 := waitStable(t, a, b)
	if gen2 <= gen1 {
		t.Fatalf("generation %d after b joined; was %d", gen2, gen1)
	}
	hookA.stillCalls(t, "a", 1)
	hookB.stillCalls(t, "b", 0)

	// A new connector changes the work: another rebalance.
	ctx, cancel := context.WithTimeout(context.Background(), groupWait)
	defer cancel()
	if _, _, err := a.herder.PutConnectorConfig(ctx, "c", connectorConfig("c"), false, nil); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, groupWait, func() error {
		g, err := stableGeneration(a, b)
		if err != nil {
			return err
		}
		if g <= gen2 {
			return fmt.Errorf("still generation %d", g)
		}
		return nil
	})
	hookA.stillCalls(t, "a", 1)
	hookB.stillCalls(t, "b", 0)
	if _, cancelled := hookA.counts(); cancelled != 0 {
		t.Fatalf("a's hook context cancelled while a runs")
	}

	// a stops: its hook's context is cancelled before Stop returns, and b
	// becomes the leader and runs its hook.
	a.stop()
	if calls, cancelled := hookA.counts(); calls != 1 || cancelled != 1 {
		t.Errorf("after a stopped: hook called %d times, cancelled %d times; want 1 and 1", calls, cancelled)
	}
	testkit.Eventually(t, groupWait, func() error {
		s, err := b.state()
		if err != nil {
			return err
		}
		if !s.joined || !s.leader {
			return fmt.Errorf("b: joined %v, leader %v", s.joined, s.leader)
		}
		return nil
	})
	hookB.waitCalls(t, "b", 1)
	hookB.stillCalls(t, "b", 1)
}

// noteLeadership, driven through every transition: the hook fires on
// each change from not leading to leading (including regaining
// leadership after losing it), never while leadership is kept, never for a
// worker that has not joined.
func TestLeadershipHookTransitions(t *testing.T) {
	member, err := group.NewMember(group.MemberConfig{GroupID: "g", Brokers: []string{"127.0.0.1:1"}, Protocols: Protocols("")}, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu    sync.Mutex
		calls int
		ctxs  []context.Context
	)
	h := New(Config{WorkerID: "w"}, connect.NewRegistry(), nil, nil, nil, nil, zerolog.Nop(),
		WithGroupMember(member),
		WithLeadershipHook(func(ctx context.Context) {
			mu.Lock()
			defer mu.Unlock()
			calls++
			ctxs = append(ctxs, ctx)
		}))
	t.Cleanup(func() { h.cancelSends(); h.sends.Wait() })

	// The loop is not running: the test owns the loop state. Each step
	// waits for the hook goroutines it may have started.
	step := func(name string, joined bool, leaderID string, wantCalls int) {
		t.Helper()
		h.ms.joined, h.ms.memberID, h.ms.leaderID = joined, "me", leaderID
		h.noteLeadership()
		h.sends.Wait()
		mu.Lock()
		got := calls
		mu.Unlock()
		if got != wantCalls {
			t.Fatalf("%s: hook called %d times in all; want %d", name, got, wantCalls)
		}
	}
	step("not joined yet", false, "me", 0)
	step("joined as a follower", true, "other", 0)
	step("became the leader", true, "me", 1)
	step("rebalanced, still the leader", true, "me", 1)
	step("rebalanced again, still the leader", true, "me", 1)
	step("lost leadership", true, "other", 1)
	step("regained leadership", true, "me", 2)
	step("follower again", true, "other", 2)
	step("leader once more", true, "me", 3)

	h.cancelSends()
	mu.Lock()
	defer mu.Unlock()
	for i, ctx := range ctxs {
		if ctx.Err() == nil {
			t.Errorf("context of hook call %d not cancelled when the herder's sends are", i+1)
		}
	}
}

// Without a hook noteLeadership only tracks leadership.
func TestLeadershipWithoutHook(t *testing.T) {
	member, err := group.NewMember(group.MemberConfig{GroupID: "g", Brokers: []string{"127.0.0.1:1"}, Protocols: Protocols("")}, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	h := New(Config{WorkerID: "w"}, connect.NewRegistry(), nil, nil, nil, nil, zerolog.Nop(), WithGroupMember(member))
	defer h.cancelSends()
	h.ms.joined, h.ms.memberID, h.ms.leaderID = true, "me", "me"
	h.noteLeadership()
	h.sends.Wait()
	if !h.ms.wasLeader {
		t.Error("wasLeader not recorded")
	}
}
