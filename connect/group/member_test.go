package group

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/ferrykafka/ferry/test/testkit"
)

// Timings small enough for fast tests and large enough for -race on two
// cores: heartbeats every 200 ms (so a coordinator is lost after ~200-400 ms
// without answers), sessions of 1 s.
const (
	mtSession   = time.Second
	mtRebalance = 3 * time.Second
	mtHeartbeat = 200 * time.Millisecond
	mtBackoff   = 20 * time.Millisecond
	mtWait      = 10 * time.Second // Eventually's limit
)

var mtAllProtocols = []string{ProtocolSessioned, ProtocolCompatible, ProtocolDefault}

func mtCluster(t *testing.T, brokers int) *testkit.Cluster {
	t.Helper()
	return testkit.NewCluster(t, brokers, kfake.GroupMinSessionTimeout(100*time.Millisecond))
}

// mtHandler is the test Handler: its metadata for protocol p is
// "<name>@<p>", and as leader it assigns each member
// "<protocol>|<member id>|<member's metadata>".
type mtHandler struct {
	name string

	mu        sync.Mutex
	metaCalls []string
	assigns   []mtAssign
	joins     []JoinResult
	assignErr error
}

type mtAssign struct {
	protocol, leader string
	members          []RawMember
}

func (h *mtHandler) Metadata(p string) ([]byte, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.metaCalls = append(h.metaCalls, p)
	return []byte(h.name + "@" + p), nil
}

func (h *mtHandler) Assign(p, leader string, members []RawMember) (map[string][]byte, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.assignErr != nil {
		return nil, h.assignErr
	}
	h.assigns = append(h.assigns, mtAssign{p, leader, slices.Clone(members)})
	out := make(map[string][]byte, len(members))
	for _, m := range members {
		out[m.ID] = []byte(p + "|" + m.ID + "|" + string(m.Metadata))
	}
	return out, nil
}

func (h *mtHandler) Joined(j JoinResult) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.joins = append(h.joins, j)
}

func (h *mtHandler) lastJoin() (JoinResult, int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.joins) == 0 {
		return JoinResult{Generation: -1}, 0
	}
	return h.joins[len(h.joins)-1], len(h.joins)
}

func (h *mtHandler) lastAssign() (mtAssign, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.assigns) == 0 {
		return mtAssign{}, false
	}
	return h.assigns[len(h.assigns)-1], true
}

// mtWorker is one member with its handler and a wake counter.
type mtWorker struct {
	name   string
	m      *Member
	h      *mtHandler
	wakes  atomic.Int32
	wakeCh chan struct{}
}

func mtNewWorker(t *testing.T, c *testkit.Cluster, group, name string, protocols []string, edit ...func(*MemberConfig)) *mtWorker {
	t.Helper()
	w := &mtWorker{name: name, h: &mtHandler{name: name}, wakeCh: make(chan struct{}, 1)}
	sc := sarama.NewConfig()
	sc.Version = sarama.V3_6_0_0
	cfg := MemberConfig{
		GroupID:           group,
		Brokers:           c.Addrs(),
		Sarama:            sc,
		SessionTimeout:    mtSession,
		RebalanceTimeout:  mtRebalance,
		HeartbeatInterval: mtHeartbeat,
		RetryBackoff:      mtBackoff,
		Protocols:         protocols,
		ClientID:          name,
		Wake: func() {
			w.wakes.Add(1)
			select {
			case w.wakeCh <- struct{}{}:
			default:
			}
		},
	}
	for _, e := range edit {
		e(&cfg)
	}
	m, err := NewMember(cfg, testkit.Logger(t).With().Str("worker", name).Logger())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), mtWait)
	defer cancel()
	if err := m.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := m.Stop(ctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
			t.Logf("%s: stop: %v", name, err)
		}
	})
	w.m = m
	return w
}

// loop runs a minimal herder loop: rejoin whenever needed, else wait for
// Wake. It stops when the test ends.
func (w *mtWorker) loop(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			if w.m.NeedsRejoin() {
				if err := w.m.EnsureActive(ctx, w.h); err != nil {
					if ctx.Err() == nil {
						t.Errorf("%s: EnsureActive: %v", w.name, err)
					}
					return
				}
				continue
			}
			select {
			case <-ctx.Done():
				return
			case <-w.wakeCh:
			}
		}
	}()
	t.Cleanup(func() { cancel(); <-done })
}

// join runs EnsureActive on a goroutine; the channel gets its result.
func (w *mtWorker) join(ctx context.Context) <-chan error {
	ch := make(chan error, 1)
	go func() { ch <- w.m.EnsureActive(ctx, w.h) }()
	return ch
}

func mtWaitErr(t *testing.T, ch <-chan error) error {
	t.Helper()
	select {
	case err := <-ch:
		return err
	case <-time.After(mtWait):
		t.Fatal("EnsureActive did not return")
		return nil
	}
}

// mtStable checks that every worker is in the same stable generation, of
// the given size, and got its own assignment for it.
func mtStable(size int, ws ...*mtWorker) error {
	gen := int32(-2)
	var protocol string
	for _, w := range ws {
		if w.m.NeedsRejoin() {
			return fmt.Errorf("%s needs a rejoin", w.name)
		}
		g, id, p := w.m.Generation()
		j, _ := w.h.lastJoin()
		if j.Generation != g || j.MemberID != id || j.Protocol != p {
			return fmt.Errorf("%s: generation %d/%s/%s, last join %+v", w.name, g, id, p, j)
		}
		if gen == -2 {
			gen, protocol = g, p
		} else if g != gen || p != protocol {
			return fmt.Errorf("%s: generation %d protocol %s, others %d %s", w.name, g, p, gen, protocol)
		}
		want := p + "|" + id + "|" + w.name + "@" + p
		if string(j.Assignment) != want {
			return fmt.Errorf("%s: assignment %q, want %q", w.name, j.Assignment, want)
		}
	}
	leaders := 0
	for _, w := range ws {
		j, _ := w.h.lastJoin()
		if !j.IsLeader() {
			continue
		}
		leaders++
		a, ok := w.h.lastAssign()
		if !ok || len(a.members) != size {
			return fmt.Errorf("leader %s assigned %+v, want %d members", w.name, a, size)
		}
		byID := map[string]string{}
		for _, rm := range a.members {
			byID[rm.ID] = string(rm.Metadata)
		}
		for _, o := range ws {
			_, id, _ := o.m.Generation()
			if got, want := byID[id], o.name+"@"+protocol; got != want {
				return fmt.Errorf("leader saw metadata %q for %s, want %q", got, o.name, want)
			}
		}
	}
	if leaders != 1 {
		return fmt.Errorf("%d leaders", leaders)
	}
	return nil
}

// mtObserve calls fn for every request of the key, leaving it to kfake.
func mtObserve(c *testkit.Cluster, key kmsg.Key, fn func(kmsg.Request)) {
	c.Kfake().ControlKey(int16(key), func(r kmsg.Request) (kmsg.Response, error, bool) {
		fn(r)
		return nil, nil, false
	})
}

func TestMemberTwoJoinTogether(t *testing.T) {
	start := time.Now()
	c := mtCluster(t, 1)
	var mu sync.Mutex
	var joins []kmsg.JoinGroupRequest
	mtObserve(c, kmsg.JoinGroup, func(r kmsg.Request) {
		mu.Lock()
		joins = append(joins, *r.(*kmsg.JoinGroupRequest))
		mu.Unlock()
	})
	a := mtNewWorker(t, c, "g-two", "a", mtAllProtocols)
	b := mtNewWorker(t, c, "g-two", "b", mtAllProtocols)
	a.loop(t)
	b.loop(t)
	testkit.Eventually(t, mtWait, func() error { return mtStable(2, a, b) })

	ja, na := a.h.lastJoin()
	_, nb := b.h.lastJoin()
	if ja.Protocol != ProtocolSessioned {
		t.Errorf("protocol %q, want sessioned", ja.Protocol)
	}
	// kfake has no group.initial.rebalance.delay.ms: the first member
	// usually completes generation 1 alone and the second forces a
	// generation 2; Kafka's 3 s delay usually gives one generation.
	t.Logf("final generation %d after %d and %d joins, %v", ja.Generation, na, nb, time.Since(start))

	mu.Lock()
	defer mu.Unlock()
	firstByClient := map[string]bool{}
	for _, j := range joins {
		if j.SessionTimeoutMillis != 1000 || j.RebalanceTimeoutMillis != 3000 || j.ProtocolType != "connect" {
			t.Errorf("JoinGroup timeouts/type %d %d %q", j.SessionTimeoutMillis, j.RebalanceTimeoutMillis, j.ProtocolType)
		}
		var names []string
		for _, p := range j.Protocols {
			names = append(names, p.Name)
		}
		if !slices.Equal(names, mtAllProtocols) {
			t.Errorf("protocols %v", names)
		}
		if j.Version < 4 {
			t.Errorf("JoinGroup v%d, want v4+ (MEMBER_ID_REQUIRED)", j.Version)
		}
		if j.Version >= 8 && j.Reason == nil {
			t.Error("JoinGroup v8 without a reason")
		}
		client := strings.SplitN(string(j.Protocols[0].Metadata), "@", 2)[0]
		if !firstByClient[client] {
			firstByClient[client] = true
			if j.MemberID != "" {
				t.Errorf("first JoinGroup of %s carried member id %q", client, j.MemberID)
			}
		} else if !strings.HasPrefix(j.MemberID, client+"-") {
			t.Errorf("later JoinGroup of %s carried member id %q", client, j.MemberID)
		}
	}
	// Metadata is asked for every offered protocol at every JoinGroup.
	a.h.mu.Lock()
	if len(a.h.metaCalls)%3 != 0 || len(a.h.metaCalls) < 6 {
		t.Errorf("metadata calls %v", a.h.metaCalls)
	}
	a.h.mu.Unlock()
}

// A member joining a stable group: the existing member's heartbeat reports
// the rebalance (NeedsRejoin, Wake), it rejoins, and both end in the next
// generation.
func TestMemberNewMemberTriggersRebalance(t *testing.T) {
	c := mtCluster(t, 1)
	ctx, cancel := context.WithTimeout(context.Background(), mtWait)
	defer cancel()
	a := mtNewWorker(t, c, "g-new", "a", mtAllProtocols)
	if err := a.m.EnsureActive(ctx, a.h); err != nil {
		t.Fatal(err)
	}
	if err := mtStable(1, a); err != nil {
		t.Fatal(err)
	}
	g1, _, _ := a.m.Generation()
	if err := a.m.EnsureActive(ctx, a.h); err != nil { // stable: nothing to do
		t.Fatal(err)
	}
	if _, n := a.h.lastJoin(); n != 1 {
		t.Fatalf("EnsureActive on a stable member joined again (%d joins)", n)
	}

	b := mtNewWorker(t, c, "g-new", "b", mtAllProtocols)
	bDone := b.join(ctx)
	testkit.Eventually(t, mtWait, func() error {
		if !a.m.NeedsRejoin() || a.wakes.Load() == 0 {
			return fmt.Errorf("a: needs rejoin %v, wakes %d", a.m.NeedsRejoin(), a.wakes.Load())
		}
		return nil
	})
	if a.m.CoordinatorLost() {
		t.Fatal("a rebalance is not a lost coordinator")
	}
	if err := a.m.EnsureActive(ctx, a.h); err != nil {
		t.Fatal(err)
	}
	if err := mtWaitErr(t, bDone); err != nil {
		t.Fatal(err)
	}
	if err := mtStable(2, a, b); err != nil {
		t.Fatal(err)
	}
	if g2, _, _ := a.m.Generation(); g2 != g1+1 {
		t.Fatalf("generation %d after %d", g2, g1)
	}
	if _, n := b.h.lastJoin(); n != 1 {
		t.Fatalf("b joined %d times", n)
	}
}

// Two members join a stable group of one at the same time: all three land
// in one generation, and each newcomer joins exactly once.
func TestMemberThreeJoinOneGeneration(t *testing.T) {
	c := mtCluster(t, 1)
	ctx, cancel := context.WithTimeout(context.Background(), mtWait)
	defer cancel()
	var rejoining sync.Map // client name -> true once its JoinGroup with a member id arrived
	mtObserve(c, kmsg.JoinGroup, func(r kmsg.Request) {
		if j := r.(*kmsg.JoinGroupRequest); j.MemberID != "" {
			rejoining.Store(strings.SplitN(j.MemberID, "-", 2)[0], true)
		}
	})
	a := mtNewWorker(t, c, "g-three", "a", mtAllProtocols)
	if err := a.m.EnsureActive(ctx, a.h); err != nil {
		t.Fatal(err)
	}
	g1, _, _ := a.m.Generation()
	b := mtNewWorker(t, c, "g-three", "b", mtAllProtocols)
	cc := mtNewWorker(t, c, "g-three", "c", mtAllProtocols)
	bDone, cDone := b.join(ctx), cc.join(ctx)
	testkit.Eventually(t, mtWait, func() error {
		for _, n := range []string{"b", "c"} {
			if _, ok := rejoining.Load(n); !ok {
				return fmt.Errorf("%s has not joined yet", n)
			}
		}
		if !a.m.NeedsRejoin() {
			return errors.New("a does not know of the rebalance yet")
		}
		return nil
	})
	if err := a.m.EnsureActive(ctx, a.h); err != nil {
		t.Fatal(err)
	}
	for _, ch := range []<-chan error{bDone, cDone} {
		if err := mtWaitErr(t, ch); err != nil {
			t.Fatal(err)
		}
	}
	if err := mtStable(3, a, b, cc); err != nil {
		t.Fatal(err)
	}
	if g, _, _ := a.m.Generation(); g != g1+1 {
		t.Fatalf("generation %d after %d", g, g1)
	}
	for _, w := range []*mtWorker{b, cc} {
		if _, n := w.h.lastJoin(); n != 1 {
			t.Fatalf("%s joined %d times", w.name, n)
		}
	}
}

// kfake votes like Kafka: each member votes for its most preferred protocol
// among those every member supports.
func TestMemberProtocolSelection(t *testing.T) {
	c := mtCluster(t, 1)
	cases := []struct {
		name    string
		members [][]string
		want    string
	}{
		{"all sessioned", [][]string{mtAllProtocols, mtAllProtocols}, ProtocolSessioned},
		{"one eager member forces default", [][]string{mtAllProtocols, {ProtocolDefault}}, ProtocolDefault},
		{"one compatible member", [][]string{mtAllProtocols, mtAllProtocols, {ProtocolCompatible, ProtocolDefault}}, ProtocolCompatible},
		{"majority vote", [][]string{{ProtocolDefault, ProtocolCompatible}, {ProtocolDefault, ProtocolCompatible}, {ProtocolCompatible, ProtocolDefault}}, ProtocolDefault},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			group := fmt.Sprintf("g-proto-%d", i)
			var ws []*mtWorker
			for j, protos := range tc.members {
				w := mtNewWorker(t, c, group, fmt.Sprintf("w%d", j), protos)
				w.loop(t)
				ws = append(ws, w)
			}
			testkit.Eventually(t, mtWait, func() error { return mtStable(len(ws), ws...) })
			if _, _, p := ws[0].m.Generation(); p != tc.want {
				t.Fatalf("protocol %q, want %q", p, tc.want)
			}
		})
	}
}

// LeaveGroup makes the rest rebalance; with the eager-only member gone the
// group goes back to sessioned.
func TestMemberLeave(t *testing.T) {
	c := mtCluster(t, 1)
	ctx, cancel := context.WithTimeout(context.Background(), mtWait)
	defer cancel()
	a := mtNewWorker(t, c, "g-leave", "a", mtAllProtocols)
	a.loop(t)
	testkit.Eventually(t, mtWait, func() error { return mtStable(1, a) }) // before b, which has no loop
	b := mtNewWorker(t, c, "g-leave", "b", []string{ProtocolDefault})
	if err := mtWaitErr(t, b.join(ctx)); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, mtWait, func() error { return mtStable(2, a, b) })
	g, _, p := a.m.Generation()
	if p != ProtocolDefault {
		t.Fatalf("protocol %q", p)
	}
	if err := b.m.Leave(ctx); err != nil {
		t.Fatal(err)
	}
	if bg, bid, bp := b.m.Generation(); bg != -1 || bid != "" || bp != "" || !b.m.NeedsRejoin() {
		t.Fatalf("after Leave: %d %q %q needs rejoin %v", bg, bid, bp, b.m.NeedsRejoin())
	}
	testkit.Eventually(t, mtWait, func() error {
		if g2, _, _ := a.m.Generation(); g2 <= g {
			return fmt.Errorf("a still in generation %d", g2)
		}
		return mtStable(1, a)
	})
	if _, _, p := a.m.Generation(); p != ProtocolSessioned {
		t.Fatalf("protocol %q after the eager member left", p)
	}
	if err := b.m.Leave(ctx); err != nil { // nothing to leave
		t.Fatal(err)
	}
}

// A member whose heartbeats stop is evicted after the session timeout; its
// next heartbeat gets UNKNOWN_MEMBER_ID, which resets it and wakes its herder.
func TestMemberEvictedAfterSessionTimeout(t *testing.T) {
	c := mtCluster(t, 1)
	ctx, cancel := context.WithTimeout(context.Background(), mtWait)
	defer cancel()
	a := mtNewWorker(t, c, "g-evict", "a", mtAllProtocols)
	a.loop(t)
	testkit.Eventually(t, mtWait, func() error { return mtStable(1, a) }) // before b, which has no loop
	b := mtNewWorker(t, c, "g-evict", "b", mtAllProtocols)
	if err := mtWaitErr(t, b.join(ctx)); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, mtWait, func() error { return mtStable(2, a, b) })
	bGen, bID, _ := b.m.Generation()

	paused := time.Now()
	mtPauseHeartbeats(b.m)
	testkit.Eventually(t, mtWait, func() error {
		if g, _, _ := a.m.Generation(); g <= bGen {
			return fmt.Errorf("a still in generation %d", g)
		}
		return mtStable(1, a)
	})
	if d := time.Since(paused); d < mtSession-mtHeartbeat {
		t.Fatalf("evicted after %v, before the session timeout", d)
	}
	wakes := b.wakes.Load()
	mtResumeHeartbeats(b.m)
	testkit.Eventually(t, mtWait, func() error {
		if g, id, _ := b.m.Generation(); g != -1 || id != "" {
			return fmt.Errorf("b still at %d %q", g, id)
		}
		if !b.m.NeedsRejoin() || b.wakes.Load() == wakes {
			return errors.New("b not woken for a rejoin")
		}
		return nil
	})
	if r := mtRejoinReason(b.m); !strings.Contains(r, "UNKNOWN_MEMBER_ID") {
		t.Fatalf("rejoin reason %q", r)
	}
	if err := b.m.EnsureActive(ctx, b.h); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, mtWait, func() error { return mtStable(2, a, b) })
	if _, id, _ := b.m.Generation(); id == bID {
		t.Fatal("b rejoined with its evicted member id")
	}
}

// The coordinator stops answering heartbeats: after about
// heartbeat.interval.ms the member reports CoordinatorLost and wakes its
// herder; once the coordinator answers again it rejoins.
func TestMemberCoordinatorLostUnanswered(t *testing.T) {
	c := mtCluster(t, 1)
	ctx, cancel := context.WithTimeout(context.Background(), mtWait)
	defer cancel()
	a := mtNewWorker(t, c, "g-lost", "a", mtAllProtocols)
	if err := a.m.EnsureActive(ctx, a.h); err != nil {
		t.Fatal(err)
	}
	var swallow atomic.Bool
	var heartbeats atomic.Int32
	c.Kfake().ControlKey(int16(kmsg.Heartbeat), func(kmsg.Request) (kmsg.Response, error, bool) {
		if !swallow.Load() {
			heartbeats.Add(1)
			return nil, nil, false
		}
		c.Kfake().KeepControl()
		return nil, nil, true // no answer at all
	})
	testkit.Eventually(t, mtWait, func() error {
		if heartbeats.Load() < 2 {
			return errors.New("no heartbeats yet")
		}
		return nil
	})
	if a.m.CoordinatorLost() || a.m.NeedsRejoin() {
		t.Fatal("lost before anything happened")
	}
	swallow.Store(true)
	since := time.Now()
	testkit.Eventually(t, mtWait, func() error {
		if !a.m.CoordinatorLost() || a.wakes.Load() == 0 || !a.m.NeedsRejoin() {
			return errors.New("coordinator loss not reported")
		}
		return nil
	})
	d := time.Since(since)
	t.Logf("coordinator loss detected after %v", d)
	if d < mtHeartbeat/2 || d > 4*mtHeartbeat {
		t.Errorf("coordinator loss detected after %v, want about one to two heartbeat intervals", d)
	}
	swallow.Store(false)
	if err := a.m.EnsureActive(ctx, a.h); err != nil {
		t.Fatal(err)
	}
	if a.m.CoordinatorLost() {
		t.Fatal("still lost after rejoining")
	}
	if err := mtStable(1, a); err != nil {
		t.Fatal(err)
	}
	n := heartbeats.Load()
	testkit.Eventually(t, mtWait, func() error {
		if heartbeats.Load() < n+2 {
			return errors.New("heartbeats did not resume")
		}
		return nil
	})
}

// The coordinator drops the connection on every heartbeat: rediscovery
// keeps failing, so the coordinator is lost.
func TestMemberCoordinatorLostDisconnects(t *testing.T) {
	c := mtCluster(t, 1)
	ctx, cancel := context.WithTimeout(context.Background(), mtWait)
	defer cancel()
	a := mtNewWorker(t, c, "g-drop", "a", mtAllProtocols)
	if err := a.m.EnsureActive(ctx, a.h); err != nil {
		t.Fatal(err)
	}
	var drop atomic.Bool
	drop.Store(true)
	c.Kfake().ControlKey(int16(kmsg.Heartbeat), func(kmsg.Request) (kmsg.Response, error, bool) {
		if !drop.Load() {
			return nil, nil, false
		}
		c.Kfake().KeepControl()
		return nil, errors.New("dropped"), true // closes the connection
	})
	testkit.Eventually(t, mtWait, func() error {
		if !a.m.CoordinatorLost() || a.wakes.Load() == 0 {
			return errors.New("coordinator loss not reported")
		}
		return nil
	})
	drop.Store(false)
	if err := a.m.EnsureActive(ctx, a.h); err != nil {
		t.Fatal(err)
	}
	if a.m.CoordinatorLost() {
		t.Fatal("still lost after rejoining")
	}
}

// The whole cluster goes away: the coordinator is lost, and EnsureActive is
// bounded by its context.
func TestMemberCoordinatorLostClusterClosed(t *testing.T) {
	c := mtCluster(t, 1)
	ctx, cancel := context.WithTimeout(context.Background(), mtWait)
	defer cancel()
	a := mtNewWorker(t, c, "g-closed", "a", mtAllProtocols)
	if err := a.m.EnsureActive(ctx, a.h); err != nil {
		t.Fatal(err)
	}
	// b is rejoining (no heartbeats) when the cluster goes away.
	b := mtNewWorker(t, c, "g-closed-b", "b", mtAllProtocols)
	if err := b.m.EnsureActive(ctx, b.h); err != nil {
		t.Fatal(err)
	}
	b.m.RequestRejoin("test")
	c.Kfake().Close()
	bctx, cancelB := context.WithTimeout(ctx, 3*mtHeartbeat)
	defer cancelB()
	if err := b.m.EnsureActive(bctx, b.h); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("b: EnsureActive: %v", err)
	}
	if !b.m.CoordinatorLost() {
		t.Fatal("b: an unreachable coordinator while joining must count as lost")
	}
	testkit.Eventually(t, mtWait, func() error {
		if !a.m.CoordinatorLost() || a.wakes.Load() == 0 {
			return errors.New("coordinator loss not reported")
		}
		return nil
	})
	short, cancelShort := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancelShort()
	start := time.Now()
	err := a.m.EnsureActive(short, a.h)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("EnsureActive: %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("EnsureActive took %v with a 300ms context", d)
	}
	stopCtx, cancelStop := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancelStop()
	if err := a.m.Stop(stopCtx); err != nil {
		t.Fatalf("stop: %v", err)
	}
}

// The coordinator moves to another broker: NOT_COORDINATOR on heartbeats
// leads to rediscovery, without a rebalance or a coordinator loss.
func TestMemberCoordinatorMoves(t *testing.T) {
	c := mtCluster(t, 3)
	ctx, cancel := context.WithTimeout(context.Background(), mtWait)
	defer cancel()
	a := mtNewWorker(t, c, "g-move", "a", mtAllProtocols)
	if err := a.m.EnsureActive(ctx, a.h); err != nil {
		t.Fatal(err)
	}
	g, _, _ := a.m.Generation()
	var mu sync.Mutex
	nodes := map[int32]int{}
	mtObserve(c, kmsg.Heartbeat, func(kmsg.Request) {
		mu.Lock()
		nodes[c.Kfake().CurrentNode()]++
		mu.Unlock()
	})
	old := c.Kfake().CoordinatorFor("g-move")
	for c.Kfake().CoordinatorFor("g-move") == old {
		c.Kfake().RehashCoordinators()
	}
	moved := c.Kfake().CoordinatorFor("g-move")
	testkit.Eventually(t, mtWait, func() error {
		mu.Lock()
		defer mu.Unlock()
		if nodes[moved] < 2 {
			return fmt.Errorf("heartbeats per node %v, want some at %d", nodes, moved)
		}
		return nil
	})
	if a.m.CoordinatorLost() || a.m.NeedsRejoin() {
		t.Fatalf("lost %v, needs rejoin %v", a.m.CoordinatorLost(), a.m.NeedsRejoin())
	}
	if g2, _, _ := a.m.Generation(); g2 != g {
		t.Fatalf("generation %d, was %d", g2, g)
	}
}

// A JoinGroup that waits for a member that does not rejoin is abandoned when
// the context ends; the member can join later.
func TestMemberEnsureActiveContext(t *testing.T) {
	c := mtCluster(t, 1)
	ctx, cancel := context.WithTimeout(context.Background(), mtWait)
	defer cancel()
	a := mtNewWorker(t, c, "g-ctx", "a", mtAllProtocols)
	if err := a.m.EnsureActive(ctx, a.h); err != nil {
		t.Fatal(err)
	}
	b := mtNewWorker(t, c, "g-ctx", "b", mtAllProtocols)
	short, cancelShort := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancelShort()
	start := time.Now()
	err := b.m.EnsureActive(short, b.h) // the group waits for a, up to the rebalance timeout
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("EnsureActive: %v", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Fatalf("EnsureActive returned after %v with a 300ms context", d)
	}
	if !b.m.NeedsRejoin() {
		t.Fatal("an abandoned join must leave the member needing a rejoin")
	}
	a.loop(t)
	if err := mtWaitErr(t, b.join(ctx)); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, mtWait, func() error { return mtStable(2, a, b) })
}

// Error responses injected into JoinGroup, SyncGroup and Heartbeat are
// handled as AbstractCoordinator does.
func TestMemberErrorResponses(t *testing.T) {
	c := mtCluster(t, 1)
	inject := func(key kmsg.Key, code int16) {
		c.Kfake().ControlKey(int16(key), func(r kmsg.Request) (kmsg.Response, error, bool) {
			switch req := r.(type) {
			case *kmsg.JoinGroupRequest:
				if req.MemberID == "" {
					return nil, nil, false // let the member id be assigned first
				}
				resp := req.ResponseKind().(*kmsg.JoinGroupResponse)
				resp.ErrorCode = code
				return resp, nil, true
			case *kmsg.SyncGroupRequest:
				resp := req.ResponseKind().(*kmsg.SyncGroupResponse)
				resp.ErrorCode = code
				return resp, nil, true
			case *kmsg.HeartbeatRequest:
				resp := req.ResponseKind().(*kmsg.HeartbeatResponse)
				resp.ErrorCode = code
				return resp, nil, true
			}
			return nil, nil, false
		})
	}
	retriable := []struct {
		key  kmsg.Key
		code *kerr.Error
	}{
		{kmsg.JoinGroup, kerr.NotCoordinator},
		{kmsg.JoinGroup, kerr.CoordinatorNotAvailable},
		{kmsg.JoinGroup, kerr.CoordinatorLoadInProgress},
		{kmsg.JoinGroup, kerr.RebalanceInProgress},
		{kmsg.JoinGroup, kerr.UnknownMemberID},
		{kmsg.SyncGroup, kerr.RebalanceInProgress},
		{kmsg.SyncGroup, kerr.NotCoordinator},
		{kmsg.SyncGroup, kerr.IllegalGeneration},
		{kmsg.SyncGroup, kerr.UnknownMemberID},
	}
	for i, tc := range retriable {
		t.Run(fmt.Sprintf("%s %s", tc.key.Name(), tc.code.Message), func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), mtWait)
			defer cancel()
			w := mtNewWorker(t, c, fmt.Sprintf("g-err-%d", i), "w", mtAllProtocols)
			inject(tc.key, tc.code.Code) // answers one request, then is dropped
			if err := w.m.EnsureActive(ctx, w.h); err != nil {
				t.Fatal(err)
			}
			if err := mtStable(1, w); err != nil {
				t.Fatal(err)
			}
		})
	}

	t.Run("JoinGroup GROUP_AUTHORIZATION_FAILED is fatal", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), mtWait)
		defer cancel()
		w := mtNewWorker(t, c, "g-err-auth", "w", mtAllProtocols)
		inject(kmsg.JoinGroup, kerr.GroupAuthorizationFailed.Code)
		err := w.m.EnsureActive(ctx, w.h)
		if !errors.Is(err, sarama.ErrGroupAuthorizationFailed) {
			t.Fatalf("EnsureActive: %v", err)
		}
		if !w.m.NeedsRejoin() {
			t.Fatal("not marked for rejoin")
		}
	})

	t.Run("a consumer group of the same name is inconsistent", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), mtWait)
		defer cancel()
		w := mtNewWorker(t, c, "g-err-type", "w", mtAllProtocols)
		if err := w.m.EnsureActive(ctx, w.h); err != nil {
			t.Fatal(err)
		}
		other := mtNewWorker(t, c, "g-err-type", "x", mtAllProtocols)
		mtSetProtocolType(t, c, "consumer")
		err := other.m.EnsureActive(ctx, other.h)
		if !errors.Is(err, sarama.ErrInconsistentGroupProtocol) {
			t.Fatalf("EnsureActive: %v", err)
		}
	})

	t.Run("Assign error is returned", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), mtWait)
		defer cancel()
		w := mtNewWorker(t, c, "g-err-assign", "w", mtAllProtocols)
		w.h.assignErr = errors.New("no config snapshot")
		if err := w.m.EnsureActive(ctx, w.h); err == nil || !strings.Contains(err.Error(), "no config snapshot") {
			t.Fatalf("EnsureActive: %v", err)
		}
		w.h.mu.Lock()
		w.h.assignErr = nil
		w.h.mu.Unlock()
		if err := w.m.EnsureActive(ctx, w.h); err != nil {
			t.Fatal(err)
		}
	})

	heartbeatCases := []struct {
		code   *kerr.Error
		keepID bool
	}{
		{kerr.IllegalGeneration, true},
		{kerr.UnknownMemberID, false},
	}
	for i, tc := range heartbeatCases {
		t.Run("Heartbeat "+tc.code.Message, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), mtWait)
			defer cancel()
			w := mtNewWorker(t, c, fmt.Sprintf("g-err-hb-%d", i), "w", mtAllProtocols)
			if err := w.m.EnsureActive(ctx, w.h); err != nil {
				t.Fatal(err)
			}
			_, id, _ := w.m.Generation()
			inject(kmsg.Heartbeat, tc.code.Code)
			testkit.Eventually(t, mtWait, func() error {
				if g, _, _ := w.m.Generation(); g != -1 || !w.m.NeedsRejoin() || w.wakes.Load() == 0 {
					return errors.New("generation not reset")
				}
				return nil
			})
			if _, id2, _ := w.m.Generation(); (id2 == id) != tc.keepID {
				t.Fatalf("member id %q after %q (keep %v)", id2, id, tc.keepID)
			}
			if w.m.CoordinatorLost() {
				t.Fatal("an error answer is not a lost coordinator")
			}
			if err := w.m.EnsureActive(ctx, w.h); err != nil {
				t.Fatal(err)
			}
		})
	}

	t.Run("Heartbeat NOT_COORDINATOR is retried", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), mtWait)
		defer cancel()
		w := mtNewWorker(t, c, "g-err-hb-nc", "w", mtAllProtocols)
		if err := w.m.EnsureActive(ctx, w.h); err != nil {
			t.Fatal(err)
		}
		var answered atomic.Int32
		inject(kmsg.Heartbeat, kerr.NotCoordinator.Code)
		mtObserve(c, kmsg.Heartbeat, func(kmsg.Request) { answered.Add(1) })
		testkit.Eventually(t, mtWait, func() error {
			if answered.Load() < 3 {
				return errors.New("heartbeats did not go on")
			}
			return nil
		})
		if w.m.NeedsRejoin() || w.m.CoordinatorLost() {
			t.Fatal("one NOT_COORDINATOR must not end the generation")
		}
	})
}

// mtSetProtocolType makes the next JoinGroup look like a consumer's.
func mtSetProtocolType(t *testing.T, c *testkit.Cluster, typ string) {
	t.Helper()
	c.Kfake().ControlKey(int16(kmsg.JoinGroup), func(r kmsg.Request) (kmsg.Response, error, bool) {
		r.(*kmsg.JoinGroupRequest).ProtocolType = typ
		c.Kfake().DropControl()
		return nil, nil, false
	})
}

func TestMemberStopLeavesGroup(t *testing.T) {
	c := mtCluster(t, 1)
	ctx, cancel := context.WithTimeout(context.Background(), mtWait)
	defer cancel()
	a := mtNewWorker(t, c, "g-stop", "a", mtAllProtocols)
	a.loop(t)
	testkit.Eventually(t, mtWait, func() error { return mtStable(1, a) }) // before b, which has no loop
	b := mtNewWorker(t, c, "g-stop", "b", mtAllProtocols)
	if err := mtWaitErr(t, b.join(ctx)); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, mtWait, func() error { return mtStable(2, a, b) })
	g, _, _ := a.m.Generation()
	var left atomic.Bool
	mtObserve(c, kmsg.LeaveGroup, func(kmsg.Request) { left.Store(true) })
	start := time.Now()
	if err := b.m.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	t.Logf("stop took %v", time.Since(start))
	if !left.Load() {
		t.Fatal("Stop sent no LeaveGroup")
	}
	if err := b.m.EnsureActive(ctx, b.h); !errors.Is(err, ErrMemberStopped) {
		t.Fatalf("EnsureActive after Stop: %v", err)
	}
	testkit.Eventually(t, mtWait, func() error {
		if g2, _, _ := a.m.Generation(); g2 <= g {
			return errors.New("a did not rebalance")
		}
		return mtStable(1, a)
	})
}

// With sarama's default config (version 2.8: JoinGroup v7, no reason).
func TestMemberDefaultSaramaConfig(t *testing.T) {
	c := mtCluster(t, 1)
	ctx, cancel := context.WithTimeout(context.Background(), mtWait)
	defer cancel()
	w := mtNewWorker(t, c, "g-default", "w", mtAllProtocols, func(cfg *MemberConfig) { cfg.Sarama = nil })
	if err := w.m.EnsureActive(ctx, w.h); err != nil {
		t.Fatal(err)
	}
	if err := mtStable(1, w); err != nil {
		t.Fatal(err)
	}
}

func TestNewMemberConfig(t *testing.T) {
	base := func() MemberConfig {
		return MemberConfig{GroupID: "g", Brokers: []string{"127.0.0.1:1"}, Protocols: []string{ProtocolDefault}}
	}
	m, err := NewMember(base(), testkit.Logger(t))
	if err != nil {
		t.Fatal(err)
	}
	if m.cfg.SessionTimeout != 10*time.Second || m.cfg.RebalanceTimeout != time.Minute ||
		m.cfg.HeartbeatInterval != 3*time.Second || m.cfg.RetryBackoff != 100*time.Millisecond {
		t.Fatalf("defaults %+v", m.cfg)
	}
	if m.scfg.Net.ReadTimeout < time.Minute+5*time.Second {
		t.Fatalf("read timeout %v does not exceed the rebalance timeout", m.scfg.Net.ReadTimeout)
	}
	if g, id, p := m.Generation(); g != -1 || id != "" || p != "" || !m.NeedsRejoin() || m.CoordinatorLost() {
		t.Fatalf("initial state %d %q %q", g, id, p)
	}
	if err := m.EnsureActive(context.Background(), &mtHandler{}); !errors.Is(err, ErrMemberNotStarted) {
		t.Fatalf("EnsureActive before Start: %v", err)
	}

	sc := sarama.NewConfig()
	sc.ClientID = "orig"
	cfg := base()
	cfg.Sarama = sc
	cfg.ClientID = "worker-1"
	cfg.RebalanceTimeout = 2 * time.Second
	m, err = NewMember(cfg, testkit.Logger(t))
	if err != nil {
		t.Fatal(err)
	}
	if m.scfg.ClientID != "worker-1" || sc.ClientID != "orig" || sc.Net.Proxy.Enable {
		t.Fatal("the caller's sarama config was modified or not copied")
	}
	if m.scfg.Net.ReadTimeout != sc.Net.ReadTimeout {
		t.Fatalf("read timeout %v, want the configured %v (already above 7s)", m.scfg.Net.ReadTimeout, sc.Net.ReadTimeout)
	}

	bad := []struct {
		name string
		edit func(*MemberConfig)
		msg  string
	}{
		{"no group", func(c *MemberConfig) { c.GroupID = "" }, "group.id is required"},
		{"no brokers", func(c *MemberConfig) { c.Brokers = nil }, "no bootstrap servers"},
		{"no protocols", func(c *MemberConfig) { c.Protocols = nil }, "no protocols"},
		{"duplicate protocol", func(c *MemberConfig) { c.Protocols = []string{"default", "default"} }, "offered twice"},
		{"negative session", func(c *MemberConfig) { c.SessionTimeout = -time.Second }, "session.timeout.ms must be"},
		{"heartbeat too long", func(c *MemberConfig) { c.HeartbeatInterval = 10 * time.Second }, "must be lower than session.timeout.ms"},
	}
	for _, tc := range bad {
		cfg := base()
		tc.edit(&cfg)
		if _, err := NewMember(cfg, testkit.Logger(t)); err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.msg)
		}
	}
}

// Test hooks into the heartbeat loop.

func mtPauseHeartbeats(m *Member) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.stopHeartbeatLocked()
}

func mtResumeHeartbeats(m *Member) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.startHeartbeatLocked()
}

func mtRejoinReason(m *Member) string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.rejoinReason
}
