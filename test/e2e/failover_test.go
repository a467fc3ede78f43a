package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/IBM/sarama"

	"github.com/ferrykafka/ferry/connectors/mirror/mirrorclient"
	"github.com/ferrykafka/ferry/test/kafkaharness"
	"github.com/ferrykafka/ferry/test/testkit"
)

// TestFailoverEndToEnd fails a consumer group over from cluster A to
// cluster B the way an operator would with Ferry alone: MirrorMaker 2's
// three connectors run on a Ferry worker whose cluster is B (A->B: copies,
// checkpoints, heartbeats), a second Ferry worker on A writes B->A
// heartbeats (as the reverse flow of an active/active pair would), and the
// connect-mirror-maker failover command moves group G to B. The group then
// reads on B everything it had not read on A, and re-reads at most
// offset.lag.max records per partition.
//
// G's position matters for that bound. MirrorMaker translates an offset
// with the newest offset sync at or before it that its OffsetSyncStore
// still holds, and the store thins out older syncs exponentially (Java's
// invariants, KAFKA-14666): near the head of a partition the translation
// is within offset.lag.max, far behind it may not be (with the 1000
// records of a partition already synced, G at 370 would translate to 1).
// Checkpoints never go back, though, so the checkpoint emitted while G was
// near the head is kept. The test therefore writes each partition up to a
// few records past G's position, lets G commit and checkpoints follow,
// then writes the rest (G is at 37%, 50% and 81% of its partitions in the
// end), as happens to a group that keeps up with its topic until A fails.
func TestFailoverEndToEnd(t *testing.T) {
	t.Parallel()
	began := time.Now()
	ks := testkit.StartKafkas(t, "a", "b")
	f := newFoFlow(t, ks[0], ks[1], "failover", 3)
	group := testkit.UniqueName("failover-group")
	const (
		metadata     = "failover-e2e"
		perPartition = 1000
		lagMax       = 100 // offset.lag.max, at its default
		ahead        = 10  // records past G's position written before G commits
	)
	stops := map[int32]int64{0: 370, 1: 500, 2: 810}
	parts := []int32{0, 1, 2}

	// A: B->A heartbeats in `heartbeats`.
	wa := foStartWorker(t, f.a.Addrs(), "1000")
	foCreateConnector(t, wa, "heartbeats-b-a", foHeartbeatConfig(f.aliasB, f.aliasA, f.b.Addrs(), f.a.Addrs(), f.rfA), 1)
	testkit.Eventually(t, 120*time.Second, func() error {
		return foHasHeartbeat(t, f.a.Addrs(), "heartbeats", f.aliasB, f.aliasA)
	})

	// B: the A->B flow.
	wb := foStartWorker(t, f.b.Addrs(), "1000")
	foCreateConnector(t, wb, "mirror-source", f.sourceConfig(), 1)
	foCreateConnector(t, wb, "mirror-heartbeat", foHeartbeatConfig(f.aliasA, f.aliasB, f.a.Addrs(), f.b.Addrs(), f.rfB), 1)
	setupDone := time.Now()

	// Phase 1: each partition up to a few records past G's position.
	phase1 := map[int32]int64{}
	for _, p := range parts {
		phase1[p] = stops[p] + ahead
		f.produce(t, p, 0, phase1[p])
	}
	f.waitCopiedAndSynced(t, phase1, 120*time.Second)

	// G reads its part on A and commits.
	onA := readAll(t, f.a.Addrs(), f.topic)
	for _, p := range parts {
		if int64(len(onA[p])) != phase1[p] {
			t.Fatalf("partition %d of %s holds %d records; want %d", p, f.topic, len(onA[p]), phase1[p])
		}
	}
	foCommit(t, f.a.Addrs(), group, f.topic, stops, metadata)
	committedAt := time.Now()

	foCreateConnector(t, wb, "mirror-checkpoint", f.checkpointConfig([]string{group}, nil), 1)
	cps := f.waitCheckpoints(t, group, stops, metadata, 120*time.Second)
	checkpointedAt := time.Now()
	translated := map[int32]int64{}
	for _, p := range parts {
		translated[p] = cps[p].DownstreamOffset
		t.Logf("CHECKPOINT %s-%d: upstream %d -> downstream %d (re-read %d)", f.remote, p, cps[p].UpstreamOffset,
			cps[p].DownstreamOffset, stops[p]-cps[p].DownstreamOffset)
	}

	// Phase 2: the rest of the topic. The checkpoints stay: with the new
	// syncs the store would translate G's offsets no better.
	ends := map[int32]int64{}
	for _, p := range parts {
		ends[p] = perPartition
		f.produce(t, p, phase1[p], perPartition)
	}
	f.waitCopiedAndSynced(t, ends, 180*time.Second)
	copiedAt := time.Now()
	later := f.modelTranslation(t, stops)
	for _, p := range parts {
		t.Logf("with every sync of the full partition, Java's OffsetSyncStore would translate %s-%d@%d to %d (re-read %d); the checkpoint keeps %d",
			f.topic, p, stops[p], later[p], stops[p]-later[p], translated[p])
	}
	if got, err := f.checkpoints(t, group); err != nil {
		t.Fatal(err)
	} else if !foSameCheckpoints(got, cps) {
		t.Fatalf("checkpoints of %s changed after the rest of the topic was copied: %v; were %v", group, got, cps)
	}

	// (a) Heartbeats and what mirrorclient makes of B's topics.
	remoteHeartbeats := f.aliasA + ".heartbeats"
	testkit.Eventually(t, 120*time.Second, func() error {
		if err := foHasHeartbeat(t, f.b.Addrs(), remoteHeartbeats, f.aliasB, f.aliasA); err != nil {
			return err
		}
		return foHasHeartbeat(t, f.b.Addrs(), "heartbeats", f.aliasA, f.aliasB)
	})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	nowhere := testkit.UniqueName("nowhere")
	if hops, err := f.client.ReplicationHops(ctx, f.aliasA); err != nil || hops != 1 {
		t.Errorf("ReplicationHops(%s) on B = %d, %v; want 1", f.aliasA, hops, err)
	}
	if hops, err := f.client.ReplicationHops(ctx, nowhere); err != nil || hops != -1 {
		t.Errorf("ReplicationHops(%s) on B = %d, %v; want -1", nowhere, hops, err)
	}
	upstream, err := f.client.UpstreamClusters(ctx)
	if err == nil {
		err = foContains(upstream, f.aliasA)
	}
	if err != nil {
		t.Errorf("UpstreamClusters on B: %v", err)
	}
	hbTopics, err := f.client.HeartbeatTopics(ctx)
	if err == nil {
		err = foContains(hbTopics, "heartbeats", remoteHeartbeats)
	}
	if err != nil {
		t.Errorf("HeartbeatTopics on B: %v", err)
	}
	cpTopics, err := f.client.CheckpointTopics(ctx)
	if err == nil {
		err = foContains(cpTopics, f.checkpointsTopic)
	}
	if err != nil {
		t.Errorf("CheckpointTopics on B: %v", err)
	}
	remoteTopics, err := f.client.RemoteTopics(ctx)
	if err == nil {
		err = foContains(remoteTopics, f.remote, remoteHeartbeats)
	}
	if err != nil {
		t.Errorf("RemoteTopics on B: %v", err)
	}
	bProps := map[string]string{"bootstrap.servers": join(f.b.Addrs())}
	offsets, err := mirrorclient.TranslateOffsets(ctx, bProps, f.aliasA, group)
	if err != nil {
		t.Fatalf("TranslateOffsets: %v", err)
	}
	if len(offsets) != len(parts) {
		t.Errorf("TranslateOffsets gave %d partitions: %v; want %d", len(offsets), offsets, len(parts))
	}
	for _, p := range parts {
		got := offsets[mirrorclient.TopicPartition{Topic: f.remote, Partition: p}]
		if got != (mirrorclient.OffsetAndMetadata{Offset: translated[p], Metadata: metadata}) {
			t.Errorf("TranslateOffsets %s-%d = %+v; want %d %q", f.remote, p, got, translated[p], metadata)
		}
	}

	// (b) Java's RemoteClusterUtils says the same.
	// (RunJavaProgram would skip the rest of the test where real Kafka is
	// not wanted: FERRY_SKIP_KAFKA=1 or -short.)
	javaOK, why := false, "it is asked on real Kafka only (FERRY_TEST_KAFKA=real)"
	switch {
	case testkit.KafkaMode() == testkit.KafkaInProcess:
	case os.Getenv("FERRY_SKIP_KAFKA") == "1" || testing.Short():
		why = "FERRY_SKIP_KAFKA=1 or -short"
	default:
		javaOK, why = kafkaharness.Available()
	}
	if !javaOK {
		t.Logf("Java's RemoteClusterUtils not asked: %s", why)
	} else {
		aliases := []string{f.aliasA, f.aliasB, nowhere}
		java := kafkaharness.RunJavaProgram(t, 3*time.Minute, filepath.Join("testdata", "java", "MirrorClientQuery.java"),
			append([]string{join(f.b.Addrs()), group, f.aliasA}, aliases...)...)
		ferry := foMirrorClientAnswers(ctx, t, bProps, group, f.aliasA, aliases)
		if !slices.Equal(java, ferry) {
			t.Errorf("Java's RemoteClusterUtils and Ferry's mirrorclient disagree about B.\nJava:  %s\nFerry: %s",
				kafkaharness.JavaProgramError(java), strings.Join(ferry, "\n"))
		} else {
			t.Logf("Java's RemoteClusterUtils and Ferry's mirrorclient agree (%d answers):\n%s", len(java), strings.Join(java, "\n"))
		}
	}

	// (c) The failover command: plan, apply, nothing left to do.
	cli := []string{"--group", group, "--from", f.aliasA, "--to", f.aliasB,
		"--bootstrap-server", join(f.b.Addrs()), "--source-bootstrap-server", join(f.a.Addrs()), "--output", "json"}
	dry := runFailoverCommand(t, cli...)
	if dry.code != 0 {
		t.Fatalf("failover dry run: want exit 0, got %v", dry)
	}
	plan := dry.report(t)
	if plan.Outcome != "pending" || plan.Group != group || plan.From != f.aliasA || plan.To != f.aliasB ||
		plan.CheckpointsTopic != f.checkpointsTopic || !plan.Source.Queried || plan.Source.Error != "" ||
		plan.TargetGroup.Members != 0 || len(plan.Partitions) != len(parts) {
		t.Fatalf("failover dry run: unexpected report\n%v", dry)
	}
	for i, row := range plan.Partitions {
		p := int32(i)
		if row.Topic != f.remote || row.Partition != p || row.UpstreamTopic != f.topic || row.Action != "commit" ||
			row.SourceCommitted == nil || *row.SourceCommitted != stops[p] || row.CheckpointUpstream != stops[p] ||
			row.CheckpointLag == nil || *row.CheckpointLag != 0 || row.Translated != translated[p] ||
			row.TargetCommitted != nil || row.Metadata != metadata {
			t.Fatalf("failover dry run: row %d is %+v; want commit of %d for %s-%d\n%v", i, row, translated[p], f.remote, p, dry)
		}
	}
	if got := foCommitted(t, f.b.Addrs(), group, f.remote, f.partitions); len(got) != 0 {
		t.Fatalf("the dry run committed offsets on B: %v", got)
	}
	apply := runFailoverCommand(t, append(cli, "--apply")...)
	if apply.code != 0 {
		t.Fatalf("failover --apply: want exit 0, got %v", apply)
	}
	if rep := apply.report(t); rep.Outcome != "applied" || len(rep.Applied) != len(parts) {
		t.Fatalf("failover --apply: unexpected report\n%v", apply)
	}
	onB := foCommitted(t, f.b.Addrs(), group, f.remote, f.partitions)
	for _, p := range parts {
		if got := onB[p]; got != (foOffset{translated[p], metadata}) {
			t.Fatalf("after --apply, %s-%d of %s on B is %+v; want %d %q", f.remote, p, group, got, translated[p], metadata)
		}
	}
	again := runFailoverCommand(t, append(cli, "--apply")...)
	if again.code != 3 {
		t.Fatalf("failover --apply a second time: want exit 3 (nothing to do), got %v", again)
	}
	if rep := again.report(t); rep.Outcome != "nothing-to-do" {
		t.Fatalf("failover --apply a second time: unexpected report\n%v", again)
	}
	appliedAt := time.Now()

	// (d) G consumes on B from the applied offsets to the end.
	member := foJoin(t, f.b.Addrs(), group, []string{f.remote}, true)
	testkit.Eventually(t, 120*time.Second, func() error {
		read := member.read()
		for _, p := range parts {
			recs := read[p]
			if len(recs) == 0 || recs[len(recs)-1].Offset+1 < perPartition {
				return fmt.Errorf("partition %d: %d records read on B so far (errors %v)", p, len(recs), member.errors())
			}
		}
		return nil
	})
	foWaitMember(t, f.b.Addrs(), group)

	// (e) With G's member active on B, --apply refuses.
	refused := runFailoverCommand(t, append(cli, "--apply")...)
	if refused.code != 4 {
		t.Fatalf("failover --apply with a member of %s active on B: want exit 4, got %v", group, refused)
	}
	if rep := refused.report(t); rep.Outcome != "refused" || rep.TargetGroup.Members != 1 {
		t.Fatalf("failover --apply with an active member: unexpected report\n%v", refused)
	}
	member.stop()
	consumedAt := time.Now()

	onA = readAll(t, f.a.Addrs(), f.topic)
	read := member.read()
	var report []string
	for _, p := range parts {
		if int64(len(onA[p])) != perPartition {
			t.Fatalf("partition %d of %s holds %d records; want %d", p, f.topic, len(onA[p]), perPartition)
		}
		consumed, unread := map[string]bool{}, map[string]bool{}
		for i, r := range onA[p] {
			if int64(i) < stops[p] {
				consumed[string(r.Key)+"\x00"+string(r.Value)] = true
			} else {
				unread[string(r.Key)+"\x00"+string(r.Value)] = true
			}
		}
		if first := read[p][0].Offset; first != translated[p] {
			t.Errorf("partition %d: G's first record on B is at offset %d; want the applied offset %d", p, first, translated[p])
		}
		seen := map[string]bool{}
		reread, foreign := 0, 0
		for _, r := range read[p] {
			kv := string(r.Key) + "\x00" + string(r.Value)
			if seen[kv] {
				continue
			}
			seen[kv] = true
			switch {
			case consumed[kv]:
				reread++
			case !unread[kv]:
				foreign++
			}
		}
		skipped := 0
		for kv := range unread {
			if !seen[kv] {
				skipped++
			}
		}
		report = append(report, fmt.Sprintf("partition %d: G at %d of %d on A, resumed on B at %d: re-read %d, skipped %d, read %d distinct (%d deliveries)",
			p, stops[p], perPartition, translated[p], reread, skipped, len(seen), len(read[p])))
		switch {
		case skipped != 0:
			t.Errorf("partition %d: %d records G had not read on A were not read on B", p, skipped)
		case foreign != 0:
			t.Errorf("partition %d: %d records read on B are not records of %s-%d", p, foreign, f.topic, p)
		case int64(reread) != stops[p]-translated[p]:
			t.Errorf("partition %d: %d records re-read; want %d (from the applied offset %d to G's position %d)",
				p, reread, stops[p]-translated[p], translated[p], stops[p])
		case reread > lagMax:
			t.Errorf("partition %d: %d records re-read; want at most offset.lag.max (%d)", p, reread, lagMax)
		}
	}
	t.Logf("FAILOVER of %s from %s to %s:\n%s", group, f.aliasA, f.aliasB, strings.Join(report, "\n"))

	for _, c := range []string{"mirror-source", "mirror-checkpoint", "mirror-heartbeat"} {
		if err := runningStatus(t, wb.restURL(), c, 1); err != nil {
			t.Errorf("%s on B's worker: %v", c, err)
		}
	}
	if got, err := f.checkpoints(t, group); err != nil || !foSameCheckpoints(got, cps) {
		t.Errorf("checkpoints of %s at the end: %v, %v; want still %v", group, got, err, cps)
	}
	wb.stop()
	wa.stop()
	t.Logf("WALL TIME: setup %v, phase 1 + commit %v, first checkpoints %v after the commit, rest copied %v, checks + failover command %v, consumption on B %v, total %v",
		setupDone.Sub(began).Round(time.Millisecond), committedAt.Sub(setupDone).Round(time.Millisecond),
		checkpointedAt.Sub(committedAt).Round(time.Millisecond), copiedAt.Sub(checkpointedAt).Round(time.Millisecond),
		appliedAt.Sub(copiedAt).Round(time.Millisecond), consumedAt.Sub(appliedAt).Round(time.Millisecond),
		time.Since(began).Round(time.Millisecond))
}

// TestSyncGroupOffsetsEndToEnd: with sync.group.offsets.enabled,
// MirrorCheckpointConnector writes a group's translated offsets to the same
// group on B: they appear when the group commits on A and move forward when
// it commits further, but not while the group has a member on B (its
// consumers own its offsets there), and they catch up once it leaves.
//
// That nothing is written while the member runs is shown with a fence: a
// second group F, synced by the same task's loop, commits on A after H's
// new checkpoint is out; once F's offsets reach B, a sync pass has run with
// H's new checkpoint in hand and left H alone.
func TestSyncGroupOffsetsEndToEnd(t *testing.T) {
	t.Parallel()
	ks := testkit.StartKafkas(t, "a", "b")
	f := newFoFlow(t, ks[0], ks[1], "syncgroups", 2)
	h, fence := testkit.UniqueName("sync-h"), testkit.UniqueName("sync-fence")
	const step = 200
	w := foStartWorker(t, f.b.Addrs(), "1000")
	foCreateConnector(t, w, "mirror-source", f.sourceConfig(), 1)

	// Every step writes step records to each partition and waits until
	// they are copied and their last one synced: a group committed at the
	// end then translates to the same offset on B (the remote topic holds
	// the same records at the same offsets).
	end := int64(0)
	advance := func() map[int32]int64 {
		ends := map[int32]int64{}
		for p := int32(0); p < f.partitions; p++ {
			f.produce(t, p, end, end+step)
			ends[p] = end + step
		}
		end += step
		f.waitCopiedAndSynced(t, ends, 120*time.Second)
		return ends
	}
	// waitOnB waits until group's checkpoints on B are for upstream and
	// group's offsets on B are those checkpoints' downstream offsets,
	// equal to upstream.
	waitOnB := func(group string, upstream map[int32]int64, metadata string) {
		t.Helper()
		testkit.Eventually(t, 120*time.Second, func() error {
			cps, err := f.checkpoints(t, group)
			if err != nil {
				return err
			}
			onB := foCommitted(t, f.b.Addrs(), group, f.remote, f.partitions)
			for p, up := range upstream {
				cp := cps[p]
				if cp.UpstreamOffset != up || cp.DownstreamOffset != up {
					return fmt.Errorf("group %s partition %d: checkpoint %v; want %d -> %d", group, p, cp, up, up)
				}
				if got := onB[p]; got != (foOffset{cp.DownstreamOffset, metadata}) {
					return fmt.Errorf("group %s partition %d: offset on B %+v; want the checkpoint's %d %q", group, p, got, cp.DownstreamOffset, metadata)
				}
			}
			return nil
		})
	}

	first := advance()
	foCommit(t, f.a.Addrs(), h, f.topic, first, "h-1")
	foCommit(t, f.a.Addrs(), fence, f.topic, first, "fence-1")
	foCreateConnector(t, w, "mirror-checkpoint", f.checkpointConfig([]string{h, fence}, map[string]string{
		"sync.group.offsets.enabled":          "true",
		"sync.group.offsets.interval.seconds": "1",
	}), 1)
	waitOnB(h, first, "h-1")
	waitOnB(fence, first, "fence-1")
	t.Logf("group %s on B after its first commit on A: %v", h, foCommitted(t, f.b.Addrs(), h, f.remote, f.partitions))

	// H commits further on A: B follows.
	second := advance()
	foCommit(t, f.a.Addrs(), h, f.topic, second, "h-2")
	waitOnB(h, second, "h-2")
	t.Logf("group %s on B after its second commit on A: %v", h, foCommitted(t, f.b.Addrs(), h, f.remote, f.partitions))

	// A member of H runs on B (it commits nothing itself).
	member := foJoin(t, f.b.Addrs(), h, []string{f.remote}, false)
	foWaitMember(t, f.b.Addrs(), h)
	third := advance()
	foCommit(t, f.a.Addrs(), h, f.topic, third, "h-3")
	f.waitCheckpoints(t, h, third, "h-3", 120*time.Second)
	// The fence: F's commit after H's checkpoint is out reaches B.
	foCommit(t, f.a.Addrs(), fence, f.topic, third, "fence-3")
	waitOnB(fence, third, "fence-3")
	onB := foCommitted(t, f.b.Addrs(), h, f.remote, f.partitions)
	for p := int32(0); p < f.partitions; p++ {
		if got := onB[p]; got != (foOffset{second[p], "h-2"}) {
			t.Errorf("partition %d: group %s on B moved to %+v while a member ran there; want it left at %d", p, h, got, second[p])
		}
	}
	if state, members, err := foGroupState(t, f.b.Addrs(), h); err != nil || state != "Stable" || members != 1 {
		t.Errorf("group %s on B: %s with %d members (%v); want the member still there", h, state, members, err)
	}
	if err := runningStatus(t, w.restURL(), "mirror-checkpoint", 1); err != nil {
		t.Errorf("MirrorCheckpointConnector while a group it syncs is active on B: %v", err)
	}
	if out := w.output(); !strings.Contains(out, "consumer group has active members on the target cluster") || !strings.Contains(out, h) {
		t.Errorf("the worker's log does not say that it leaves %s alone while it has members on B", h)
	}
	t.Logf("group %s on B while a member ran there (its checkpoints at %v): %v", h, third, onB)

	// The member leaves: B catches up.
	member.stop()
	waitOnB(h, third, "h-3")
	for _, c := range []string{"mirror-source", "mirror-checkpoint"} {
		if err := runningStatus(t, w.restURL(), c, 1); err != nil {
			t.Errorf("%s: %v", c, err)
		}
	}
	t.Logf("group %s on B once its member left: %v", h, foCommitted(t, f.b.Addrs(), h, f.remote, f.partitions))
	w.stop()
}

// foHasHeartbeat returns nil once topic on addrs holds a heartbeat keyed
// (source, target), and fails the test on a record that is not one.
func foHasHeartbeat(t *testing.T, addrs []string, topic, source, target string) error {
	t.Helper()
	_, client := saramaConfig(t, addrs)
	ends, err := foEnds(client, topic)
	if err != nil {
		return fmt.Errorf("%s: %w", topic, err)
	}
	// Heartbeats topics are compacted: the broker may drop older records
	// while we read, so only the newest record of each partition (always
	// kept: the latest of its key) is read.
	consumer, err := sarama.NewConsumerFromClient(client)
	if err != nil {
		return err
	}
	defer func() { _ = consumer.Close() }()
	var seen []string
	for p, end := range ends {
		if end == 0 {
			continue
		}
		pc, err := consumer.ConsumePartition(topic, p, end-1)
		if err != nil {
			return fmt.Errorf("consume %s-%d at %d: %w", topic, p, end-1, err)
		}
		var m *sarama.ConsumerMessage
		select {
		case m = <-pc.Messages():
		case cerr := <-pc.Errors():
			err = cerr
		case <-time.After(30 * time.Second):
			err = fmt.Errorf("no record at offset %d within 30s", end-1)
		}
		_ = pc.Close()
		if err != nil {
			return fmt.Errorf("consume %s-%d: %w", topic, p, err)
		}
		hb, err := mirrorclient.DecodeHeartbeat(m.Key, m.Value)
		if err != nil {
			t.Fatalf("%s-%d offset %d is not a heartbeat: %v", topic, p, m.Offset, err)
		}
		if hb.SourceClusterAlias == source && hb.TargetClusterAlias == target {
			return nil
		}
		seen = append(seen, hb.SourceClusterAlias+"->"+hb.TargetClusterAlias)
	}
	if len(seen) == 0 {
		return fmt.Errorf("%s is empty", topic)
	}
	return fmt.Errorf("%s holds no heartbeat %s->%s as its newest record (%d others: %v)", topic, source, target, len(seen), foDistinct(seen))
}

// foSameCheckpoints compares two sets of checkpoints.
func foSameCheckpoints(a, b map[int32]mirrorclient.Checkpoint) bool {
	if len(a) != len(b) {
		return false
	}
	for p, cp := range a {
		if b[p] != cp {
			return false
		}
	}
	return true
}

// foMirrorClientAnswers is what MirrorClientQuery.java prints, asked of
// Ferry's mirrorclient instead of Java's RemoteClusterUtils.
func foMirrorClientAnswers(ctx context.Context, t *testing.T, props map[string]string, group, remote string, aliases []string) []string {
	t.Helper()
	var out []string
	offsets, err := mirrorclient.TranslateOffsets(ctx, props, remote, group)
	if err != nil {
		t.Fatal(err)
	}
	for tp, om := range offsets {
		out = append(out, fmt.Sprintf("offset\t%s\t%d\t%d\t%s", tp.Topic, tp.Partition, om.Offset, om.Metadata))
	}
	for _, a := range aliases {
		hops, err := mirrorclient.ReplicationHopsOn(ctx, props, a)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("hops\t%s\t%d", a, hops))
	}
	for _, q := range []struct {
		label string
		fn    func(context.Context, map[string]string) ([]string, error)
	}{
		{"upstream", mirrorclient.UpstreamClustersOn},
		{"heartbeats", mirrorclient.HeartbeatTopicsOn},
		{"checkpoints", mirrorclient.CheckpointTopicsOn},
	} {
		list, err := q.fn(ctx, props)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range list {
			out = append(out, q.label+"\t"+s)
		}
	}
	sort.Strings(out)
	return out
}
