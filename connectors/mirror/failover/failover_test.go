package failover

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ferrykafka/ferry/connectors/mirror/mirrorclient"
	"github.com/ferrykafka/ferry/test/testkit"
)

const group = "orders-app"

// fixture is a failover scenario: group G consumed "orders" (3 partitions)
// and "payments" on A; MirrorMaker replicated "orders" to B as "A.orders"
// but "A.payments" is missing on B; the checkpoints topic on B holds, for
// G, an old and a newer checkpoint of A.orders-0, checkpoints for
// partitions 1 and 2 and for A.payments-0, plus one for another group.
type fixture struct{ a, b *kafka }

func newFixture(t *testing.T) fixture {
	t.Helper()
	f := fixture{a: newKafka(t), b: newKafka(t)}
	f.a.createTopic("orders", 3, nil)
	f.a.createTopic("payments", 1, nil)
	f.a.commit(group, map[string]map[int32]int64{"orders": {0: 120, 1: 50}})
	f.b.createTopic("A.orders", 3, nil)
	f.b.writeCheckpoints("A.checkpoints.internal",
		mirrorclient.Checkpoint{ConsumerGroupID: group, Topic: "A.orders", Partition: 0, UpstreamOffset: 80, DownstreamOffset: 70},
		mirrorclient.Checkpoint{ConsumerGroupID: group, Topic: "A.orders", Partition: 0, UpstreamOffset: 100, DownstreamOffset: 90, Metadata: "from-A"},
		mirrorclient.Checkpoint{ConsumerGroupID: group, Topic: "A.orders", Partition: 1, UpstreamOffset: 50, DownstreamOffset: 45},
		mirrorclient.Checkpoint{ConsumerGroupID: group, Topic: "A.orders", Partition: 2, UpstreamOffset: 10, DownstreamOffset: 8},
		mirrorclient.Checkpoint{ConsumerGroupID: group, Topic: "A.payments", Partition: 0, UpstreamOffset: 7, DownstreamOffset: 7},
		mirrorclient.Checkpoint{ConsumerGroupID: "someone-else", Topic: "A.orders", Partition: 0, UpstreamOffset: 5, DownstreamOffset: 5},
	)
	// G already ran on B once: partition 1 is ahead of its checkpoint,
	// partition 2 behind.
	f.b.commit(group, map[string]map[int32]int64{"A.orders": {1: 60, 2: 3}})
	return f
}

func (f fixture) options(apply bool) Options {
	return Options{Group: group, From: "A", To: "B", Target: f.b.props(), Source: f.a.props(),
		Apply: apply, Output: OutputTable, Timeout: 20 * time.Second}
}

func run(t *testing.T, o Options) (Outcome, string, error) {
	t.Helper()
	var out bytes.Buffer
	outcome, err := Run(context.Background(), o, &out)
	return outcome, out.String(), err
}

type wantRow struct {
	topic                  string
	partition              int32
	upstream               string
	srcCommitted, lag, tgt *int64
	ckptUp, translated     int64
	action                 string
}

func checkRows(t *testing.T, got []Row, want []wantRow) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d rows, want %d: %+v", len(got), len(want), got)
	}
	eq := func(a, b *int64) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }
	for i, w := range want {
		g := got[i]
		if g.Topic != w.topic || g.Partition != w.partition || g.UpstreamTopic != w.upstream ||
			!eq(g.SourceCommitted, w.srcCommitted) || g.CheckpointUpstream != w.ckptUp || !eq(g.CheckpointLag, w.lag) ||
			g.Translated != w.translated || !eq(g.TargetCommitted, w.tgt) || g.Action != w.action {
			t.Errorf("row %d = {%s %d up=%s srcCommitted=%s ckptUp=%d lag=%s translated=%d tgt=%s %q}, want %+v",
				i, g.Topic, g.Partition, g.UpstreamTopic, fmtPtr(g.SourceCommitted), g.CheckpointUpstream,
				fmtPtr(g.CheckpointLag), g.Translated, fmtPtr(g.TargetCommitted), g.Action, w)
		}
	}
}

func TestPlanAllColumns(t *testing.T) {
	f := newFixture(t)
	var out bytes.Buffer
	o := f.options(false)
	o.Output = OutputJSON
	outcome, err := Run(context.Background(), o, &out)
	if err != nil || outcome != OutcomePending {
		t.Fatalf("Run = %q, %v; output:\n%s", outcome, err, out.String())
	}
	var rep Report
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("JSON output does not decode: %v\n%s", err, out.String())
	}
	checkRows(t, rep.Rows, []wantRow{
		{"A.orders", 0, "orders", i64(120), i64(20), nil, 100, 90, "commit"},
		{"A.orders", 1, "orders", i64(50), i64(0), i64(60), 50, 45, "keep"},
		{"A.orders", 2, "orders", nil, nil, i64(3), 10, 8, "commit"},
		{"A.payments", 0, "payments", nil, nil, nil, 7, 7, "skip: topic missing on B"},
	})
	if rep.Rows[0].Metadata != "from-A" {
		t.Errorf("metadata of A.orders-0 = %q, want the latest checkpoint's", rep.Rows[0].Metadata)
	}
	if rep.Group != group || rep.From != "A" || rep.To != "B" || rep.CheckpointsTopic != "A.checkpoints.internal" ||
		!rep.Source.Queried || rep.Source.Error != "" || rep.Outcome != OutcomePending || rep.Applied != nil {
		t.Errorf("report header = %+v", rep)
	}
	if rep.TargetGroup.State != "Empty" || rep.TargetGroup.Members != 0 {
		t.Errorf("target group = %+v, want Empty with 0 members", rep.TargetGroup)
	}
	// A dry run commits nothing.
	if got := f.b.offsets(group); got["A.orders-0"] != 0 || got["A.orders-2"] != 3 {
		t.Errorf("offsets on B after a dry run = %v", got)
	}
}

func TestPlanTable(t *testing.T) {
	f := newFixture(t)
	outcome, out, err := run(t, f.options(false))
	if err != nil || outcome != OutcomePending {
		t.Fatalf("Run = %q, %v", outcome, err)
	}
	for _, want := range []string{
		"Failover of group orders-app from A to B",
		"Checkpoints: A.checkpoints.internal on B",
		"A reachable",
		"Group orders-app on B: state Empty, 0 members",
		"COMMITTED-ON-A", "COMMITTED-ON-B", "CHECKPOINT-LAG",
		"2 partitions to commit, 1 to keep, 1 skipped",
		"--apply",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	rows := tableRows(out)
	want := []string{
		"A.orders 0 orders 120 100 20 90 - commit",
		"A.orders 1 orders 50 50 0 45 60 keep",
		"A.orders 2 orders - 10 - 8 3 commit",
		"A.payments 0 payments - 7 - 7 - skip: topic missing on B",
	}
	if strings.Join(rows, "\n") != strings.Join(want, "\n") {
		t.Errorf("table rows:\n%s\nwant:\n%s\nfull output:\n%s", strings.Join(rows, "\n"), strings.Join(want, "\n"), out)
	}
}

// tableRows returns the table's partition rows, runs of spaces collapsed.
func tableRows(out string) []string {
	var rows []string
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "A.") {
			rows = append(rows, strings.Join(strings.Fields(l), " "))
		}
	}
	return rows
}

func TestPlanSourceUnreachable(t *testing.T) {
	f := newFixture(t)
	o := f.options(false)
	o.Source = map[string]string{"bootstrap.servers": testkit.ClosedAddr(t)}
	o.Timeout = 10 * time.Second
	outcome, out, err := run(t, o)
	if err != nil || outcome != OutcomePending {
		t.Fatalf("an unreachable A must not fail the plan: %q, %v\n%s", outcome, err, out)
	}
	if !strings.Contains(out, "A unreachable: ") {
		t.Errorf("output does not say A is unreachable:\n%s", out)
	}
	if rows := tableRows(out); len(rows) != 4 || rows[0] != "A.orders 0 orders - 100 - 90 - commit" ||
		rows[2] != "A.orders 2 orders - 10 - 8 3 commit" {
		t.Errorf("rows with A unreachable:\n%s", strings.Join(rows, "\n"))
	}
	o.Output = OutputJSON
	var buf bytes.Buffer
	if _, err := Run(context.Background(), o, &buf); err != nil {
		t.Fatal(err)
	}
	var rep Report
	if err := json.Unmarshal(buf.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if !rep.Source.Queried || rep.Source.Error == "" {
		t.Errorf("source status = %+v, want queried with an error", rep.Source)
	}
	checkRows(t, rep.Rows, []wantRow{
		{"A.orders", 0, "orders", nil, nil, nil, 100, 90, "commit"},
		{"A.orders", 1, "orders", nil, nil, i64(60), 50, 45, "keep"},
		{"A.orders", 2, "orders", nil, nil, i64(3), 10, 8, "commit"},
		{"A.payments", 0, "payments", nil, nil, nil, 7, 7, "skip: topic missing on B"},
	})
}

// TestPlanSourceSilent: a source that accepts connections but never
// answers costs at most the timeout, and is reported as unreachable.
func TestPlanSourceSilent(t *testing.T) {
	f := newFixture(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var conns []net.Conn
	var mu sync.Mutex
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		_ = l.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			_ = c.Close()
		}
	})
	o := f.options(false)
	o.Source = map[string]string{"bootstrap.servers": l.Addr().String()}
	o.Timeout = 2 * time.Second
	o.Output = OutputJSON
	start := time.Now()
	var out bytes.Buffer
	outcome, err := Run(context.Background(), o, &out)
	elapsed := time.Since(start)
	if err != nil || outcome != OutcomePending {
		t.Fatalf("Run = %q, %v", outcome, err)
	}
	if elapsed > 5*time.Second {
		t.Errorf("a silent source took %v, want about the 2s timeout", elapsed)
	}
	var rep Report
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Source.Error == "" || rep.Rows[0].SourceCommitted != nil {
		t.Errorf("silent source: status %+v, first row %+v", rep.Source, rep.Rows[0])
	}
}

func TestPlanSourceNotGiven(t *testing.T) {
	f := newFixture(t)
	o := f.options(false)
	o.Source = nil
	outcome, out, err := run(t, o)
	if err != nil || outcome != OutcomePending {
		t.Fatalf("Run = %q, %v", outcome, err)
	}
	if !strings.Contains(out, "A not queried") {
		t.Errorf("output does not say A was not queried:\n%s", out)
	}
}

// TestPlanFromMM2RolePrecedence runs the plan with an mm2.properties whose
// plain bootstrap.servers lead nowhere: A.* beats the top level, and on B
// the admin client (the command's connection) and the consumer (the
// checkpoint reader) each take their B.admin.* or B.consumer.* key over
// B.*, as Java's MirrorMakerConfig.clientConfig gives them.
func TestPlanFromMM2RolePrecedence(t *testing.T) {
	f := newFixture(t)
	dead := testkit.ClosedAddr(t)
	mm2 := "clusters = A, B\nbootstrap.servers = " + dead + "\nA.bootstrap.servers = " + f.a.addrs +
		"\nB.bootstrap.servers = " + dead + "\nB.admin.bootstrap.servers = " + f.b.addrs + "\n"
	options := func(content string, timeout time.Duration) Options {
		t.Helper()
		o, err := Inputs{Group: group, From: "A", To: "B", Config: writeFile(t, "mm2.properties", content),
			Output: OutputJSON, Timeout: timeout}.Options()
		if err != nil {
			t.Fatal(err)
		}
		return o
	}

	var out bytes.Buffer
	outcome, err := Run(context.Background(), options(mm2+"B.consumer.bootstrap.servers = "+f.b.addrs+"\n", 20*time.Second), &out)
	if err != nil || outcome != OutcomePending {
		t.Fatalf("Run = %q, %v; output:\n%s", outcome, err, out.String())
	}
	var rep Report
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("JSON output does not decode: %v\n%s", err, out.String())
	}
	if !rep.Source.Queried || rep.Source.Error != "" || len(rep.Rows) != 4 || rep.Rows[0].SourceCommitted == nil {
		t.Errorf("report = %s", out.String())
	}

	// Without B.consumer.bootstrap.servers the checkpoints are read from
	// B.bootstrap.servers, which leads nowhere.
	out.Reset()
	_, err = Run(context.Background(), options(mm2, 2*time.Second), &out)
	if err == nil || !strings.Contains(err.Error(), "cannot read the checkpoints") {
		t.Errorf("Run with the consumer on a dead address = %v; output:\n%s", err, out.String())
	}
}

func TestApplyCommitsForwardOnlyThenNothingToDo(t *testing.T) {
	f := newFixture(t)
	outcome, out, err := run(t, f.options(true))
	if err != nil || outcome != OutcomeApplied {
		t.Fatalf("apply = %q, %v\n%s", outcome, err, out)
	}
	got := f.b.offsets(group)
	want := map[string]int64{"A.orders-0": 90, "A.orders-1": 60, "A.orders-2": 8}
	if len(got) != len(want) {
		t.Errorf("offsets on B = %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("offset %s on B = %d, want %d (all: %v)", k, got[k], v, got)
		}
	}
	for _, line := range []string{"Committed 2 partitions of group orders-app on B", "A.orders-0: - -> 90", "A.orders-2: 3 -> 8"} {
		if !strings.Contains(out, line) {
			t.Errorf("apply output lacks %q:\n%s", line, out)
		}
	}
	if strings.Contains(out, "A.orders-1:") {
		t.Errorf("apply output reports a change to the kept partition 1:\n%s", out)
	}

	// The checkpoint's metadata was committed with the offset.
	resp, err := f.b.admin.ListConsumerGroupOffsets(group, map[string][]int32{"A.orders": {0}})
	if err != nil {
		t.Fatal(err)
	}
	if b := resp.GetBlock("A.orders", 0); b == nil || b.Metadata != "from-A" {
		t.Errorf("metadata of A.orders-0 on B = %+v, want from-A", b)
	}

	outcome, out, err = run(t, f.options(true))
	if err != nil || outcome != OutcomeNothingToDo {
		t.Fatalf("second apply = %q, %v, want nothing to do\n%s", outcome, err, out)
	}
	if !strings.Contains(out, "Nothing to commit") {
		t.Errorf("second apply output:\n%s", out)
	}
	if got2 := f.b.offsets(group); got2["A.orders-0"] != 90 || got2["A.orders-2"] != 8 || got2["A.orders-1"] != 60 {
		t.Errorf("offsets on B after the second apply = %v", got2)
	}
}

func TestApplyRefusedWithActiveMember(t *testing.T) {
	f := newFixture(t)
	f.b.joinGroup(group, "A.orders")
	before := f.b.offsets(group)

	outcome, out, err := run(t, f.options(true))
	var active *ActiveMembersError
	if !errors.As(err, &active) || outcome != OutcomeRefused {
		t.Fatalf("apply with an active member = %q, %v, want a refusal\n%s", outcome, err, out)
	}
	if active.Status.Members != 1 || !strings.Contains(err.Error(), "1 active member") ||
		!strings.Contains(err.Error(), "state Stable") || !strings.Contains(err.Error(), "stop the group's consumers on B first") {
		t.Errorf("refusal = %v (status %+v)", err, active.Status)
	}
	if !strings.Contains(out, "state Stable, 1 member") {
		t.Errorf("the plan does not show the group's state:\n%s", out)
	}
	after := f.b.offsets(group)
	if after["A.orders-0"] != before["A.orders-0"] || after["A.orders-2"] != before["A.orders-2"] {
		t.Errorf("offsets changed despite the refusal: before %v, after %v", before, after)
	}

	// A dry run still plans, and warns.
	outcome, out, err = run(t, f.options(false))
	if err != nil || outcome != OutcomePending || !strings.Contains(out, "--apply refuses until they are stopped") {
		t.Errorf("dry run with an active member = %q, %v\n%s", outcome, err, out)
	}
}

// TestCommitRejectedWhileMembersActive covers members joining between the
// describe and the commit: the coordinator's UNKNOWN_MEMBER_ID becomes
// errMembersJoined.
func TestCommitRejectedWhileMembersActive(t *testing.T) {
	b := newKafka(t)
	b.createTopic("A.orders", 1, nil)
	b.joinGroup(group, "A.orders")
	ctx := context.Background()
	c, err := connect(ctx, "B", b.props(), 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.close()
	err = c.commit(ctx, group, map[mirrorclient.TopicPartition]mirrorclient.OffsetAndMetadata{{Topic: "A.orders", Partition: 0}: {Offset: 5}})
	if !errors.Is(err, errMembersJoined) {
		t.Fatalf("commit to an active group = %v, want errMembersJoined", err)
	}
	if got := b.offsets(group); got["A.orders-0"] == 5 {
		t.Errorf("the rejected commit landed: %v", got)
	}
}

func TestNoCheckpointsForGroup(t *testing.T) {
	f := newFixture(t)
	o := f.options(true)
	o.Group = "never-checkpointed"
	outcome, out, err := run(t, o)
	if err != nil || outcome != OutcomeNothingToDo {
		t.Fatalf("Run = %q, %v, want nothing to do", outcome, err)
	}
	if !strings.Contains(out, "No checkpoints for group never-checkpointed in A.checkpoints.internal on B") {
		t.Errorf("output:\n%s", out)
	}
	if got := f.b.offsets("never-checkpointed"); len(got) != 0 {
		t.Errorf("offsets committed for a group without checkpoints: %v", got)
	}
}

func TestCheckpointsTopicMissing(t *testing.T) {
	b := newKafka(t)
	o := Options{Group: group, From: "A", To: "B", Target: b.props(), Output: OutputTable, Timeout: 10 * time.Second}
	_, out, err := run(t, o)
	var missing *CheckpointsMissingError
	if !errors.As(err, &missing) || missing.Topic != "A.checkpoints.internal" {
		t.Fatalf("err = %v, want the missing checkpoints topic", err)
	}
	for _, want := range []string{"A.checkpoints.internal", "MirrorCheckpointConnector", "A->B"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if out != "" {
		t.Errorf("printed a report on error:\n%s", out)
	}
	// Asking must not create the topic.
	if metas, err := b.admin.DescribeTopics([]string{"A.checkpoints.internal"}); err != nil || metas[0].Err == 0 {
		t.Errorf("the checkpoints topic exists after the check: %v", err)
	}
}

func TestTargetUnreachable(t *testing.T) {
	o := Options{Group: group, From: "A", To: "B", Target: map[string]string{"bootstrap.servers": testkit.ClosedAddr(t)},
		Output: OutputTable, Timeout: 5 * time.Second}
	_, _, err := run(t, o)
	if err == nil || IsUsageError(err) || !strings.Contains(err.Error(), "cannot connect to cluster B") {
		t.Fatalf("err = %v, want B unreachable", err)
	}
}

func TestCustomSeparatorPolicy(t *testing.T) {
	a, b := newKafka(t), newKafka(t)
	a.createTopic("orders", 1, nil)
	a.commit(group, map[string]map[int32]int64{"orders": {0: 30}})
	b.createTopic("A_orders", 1, nil)
	b.writeCheckpoints("A_checkpoints_internal",
		mirrorclient.Checkpoint{ConsumerGroupID: group, Topic: "A_orders", Partition: 0, UpstreamOffset: 25, DownstreamOffset: 20})
	target := b.props()
	target["replication.policy.separator"] = "_"
	o := Options{Group: group, From: "A", To: "B", Target: target, Source: a.props(), Output: OutputJSON, Timeout: 20 * time.Second}
	var out bytes.Buffer
	if _, err := Run(context.Background(), o, &out); err != nil {
		t.Fatal(err)
	}
	var rep Report
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	checkRows(t, rep.Rows, []wantRow{{"A_orders", 0, "orders", i64(30), i64(5), nil, 25, 20, "commit"}})
}

func TestUpstreamTopic(t *testing.T) {
	def, _ := mirrorclient.NewReplicationPolicy(mirrorclient.DefaultReplicationPolicyClass, nil)
	ident, _ := mirrorclient.NewReplicationPolicy(mirrorclient.IdentityReplicationPolicyClass, map[string]string{mirrorclient.SourceClusterAliasConfig: "A"})
	cases := []struct {
		policy     mirrorclient.ReplicationPolicy
		downstream string
		want       string
	}{
		{def, "A.orders", "orders"},
		{def, "A.C.orders", "C.orders"},
		{def, "orders", "B.orders"}, // round trip: the group read B's topic on A as B.orders
		{ident, "orders", "orders"},
	}
	for _, c := range cases {
		if got := upstreamTopic(c.policy, c.downstream, "A", "B"); got != c.want {
			t.Errorf("upstreamTopic(%s) = %s, want %s", c.downstream, got, c.want)
		}
	}
}

func TestBuildPlanActions(t *testing.T) {
	pol, _ := mirrorclient.NewReplicationPolicy(mirrorclient.DefaultReplicationPolicyClass, nil)
	tp := func(p int32) mirrorclient.TopicPartition {
		return mirrorclient.TopicPartition{Topic: "A.t", Partition: p}
	}
	p := buildPlan(planInput{
		group: "g", from: "A", to: "B", policy: pol,
		checkpoints: map[mirrorclient.TopicPartition]mirrorclient.Checkpoint{
			tp(0): {Topic: "A.t", Partition: 0, DownstreamOffset: 5},  // equal to B's: keep
			tp(1): {Topic: "A.t", Partition: 1, DownstreamOffset: 6},  // ahead of B's: commit
			tp(2): {Topic: "A.t", Partition: 2, DownstreamOffset: 9},  // partition beyond B's count
			tp(3): {Topic: "A.t", Partition: 3, DownstreamOffset: -1}, // (also beyond)
		},
		targetPartitions: map[string]int32{"A.t": 2},
		targetCommitted:  map[mirrorclient.TopicPartition]mirrorclient.OffsetAndMetadata{tp(0): {Offset: 5}, tp(1): {Offset: 5}},
		source:           SourceStatus{Queried: true, Error: "down"},
		sourceCommitted:  map[mirrorclient.TopicPartition]mirrorclient.OffsetAndMetadata{{Topic: "t", Partition: 0}: {Offset: 1}},
	})
	var actions []string
	for _, r := range p.Rows {
		actions = append(actions, r.Action)
		if r.SourceCommitted != nil {
			t.Errorf("row %d shows a source offset although the source failed", r.Partition)
		}
	}
	if got := strings.Join(actions, ","); got != "keep,commit,skip: topic missing on B,skip: topic missing on B" {
		t.Errorf("actions = %s", got)
	}
	if n := len(p.Commits()); n != 1 {
		t.Errorf("commits = %d", n)
	}
}

func TestGroupStatusActive(t *testing.T) {
	for _, c := range []struct {
		s    GroupStatus
		want bool
	}{
		{GroupStatus{}, false},
		{GroupStatus{State: "Empty"}, false},
		{GroupStatus{State: "Dead"}, false},
		{GroupStatus{State: "Stable", Members: 2}, true},
		{GroupStatus{State: "PreparingRebalance", Members: 1}, true},
		{GroupStatus{State: "CompletingRebalance"}, true},
	} {
		if got := c.s.Active(); got != c.want {
			t.Errorf("%+v.Active() = %v", c.s, got)
		}
	}
}
