package mirror

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/IBM/sarama"
	"github.com/rs/zerolog"

	"github.com/ferrykafka/ferry/connect"
	"github.com/ferrykafka/ferry/connect/kafkaclient"
	"github.com/ferrykafka/ferry/connectors/mirror/mirrorclient"
)

// MirrorCheckpointTask emits checkpoints for the consumer groups listed in
// its task.assigned.groups (Java's
// org.apache.kafka.connect.mirror.MirrorCheckpointTask): every
// emit.checkpoints.interval.seconds it reads each group's committed offsets
// on the source cluster, translates them to target offsets with the offset
// syncs MirrorSourceTasks write, and returns a Checkpoint record for every
// partition whose translation is new or moved forward. With
// sync.group.offsets.enabled it also writes the translated offsets to the
// groups on the target cluster while they have no active members
// (group_offset_sync.go).
type MirrorCheckpointTask struct {
	cfg    *checkpointConfig
	log    zerolog.Logger
	groups []string
	topic  string // the checkpoints topic

	store *checkpointStore
	syncs *offsetSyncStore
	// translator translates upstream offsets; it is syncs, or a stand-in
	// in tests.
	translator offsetTranslator

	// source and target are set by the initialisation goroutine before
	// ready is closed (target only with sync.group.offsets.enabled).
	source *clusterAdmin
	target *clusterAdmin
	ready  chan struct{}

	// run lives from Start to Stop; the goroutines and Poll watch it.
	run     context.Context
	stopRun context.CancelFunc
	// wg tracks the initialisation and group offset sync goroutines;
	// adminCalls the admin calls that outlived admin.timeout.ms.
	wg         sync.WaitGroup
	adminCalls sync.WaitGroup
	stopOnce   sync.Once

	// next is when Poll emits next (Poll's goroutine only).
	next time.Time
}

// offsetTranslator is what the task needs of the offset sync store.
type offsetTranslator interface {
	translateDownstream(group string, tp topicPartition, upstreamOffset int64) (int64, bool)
}

// NewMirrorCheckpointTask returns an unstarted task.
func NewMirrorCheckpointTask() *MirrorCheckpointTask { return &MirrorCheckpointTask{} }

// Version is Ferry's version.
func (t *MirrorCheckpointTask) Version() string { return connect.Version }

// Start checks the configuration and starts, in the background as Java
// does, what the task needs before it can emit: admin clients, the
// checkpoints already in the checkpoints topic (the latest per group and
// partition, so checkpoints stay monotonic across restarts) and the offset
// syncs. When the checkpoints topic cannot be read the task goes on without
// them and the offset sync store keeps only the syncs at the end of its
// topic, as Java 4.x does, so no checkpoint can go backwards. Failures to
// reach a cluster are logged and retried until Stop.
func (t *MirrorCheckpointTask) Start(ctx context.Context, tctx connect.SourceTaskContext, props map[string]string) error {
	cfg, err := parseCheckpointConfig(newCheckpointTaskConfigDef(), props)
	if err != nil {
		return err
	}
	cfg.isTask = true
	t.cfg, t.groups, t.topic = cfg, cfg.groups, cfg.checkpointsTopic()
	t.log = tctx.Logger().With().Str("source_cluster", cfg.sourceAlias).Str("target_cluster", cfg.targetAlias).Logger()

	// Client settings are checked now, so a bad one fails the task at
	// once instead of being retried.
	for _, p := range []struct {
		what  string
		props map[string]string
	}{
		{"source admin", cfg.sourceAdminProps(roleCheckpointSourceAdmin)},
		{"target admin", cfg.targetAdminProps(roleCheckpointTargetAdmin)},
		{"checkpoints consumer", cfg.targetConsumerProps(roleCheckpointsTargetConsumer)},
	} {
		if _, err := kafkaclient.Parse(p.props); err != nil {
			return fmt.Errorf("MirrorCheckpointTask %s settings: %w", p.what, err)
		}
	}
	if t.syncs, err = newOffsetSyncStore(cfg.offsetSyncsTopic(), cfg.offsetSyncsConsumerProps(), t.log); err != nil {
		return err
	}
	t.translator = t.syncs
	t.store = newCheckpointStore(t.groups)
	t.ready = make(chan struct{})
	t.run, t.stopRun = context.WithCancel(context.Background())
	if cfg.emitInterval > 0 {
		t.next = time.Now().Add(cfg.emitInterval)
	}
	t.wg.Add(1)
	go t.initialize()
	t.log.Info().Int("groups", len(t.groups)).Strs("group_ids", t.groups).
		Msgf("checkpointing %d consumer groups %s->%s", len(t.groups), cfg.sourceAlias, cfg.targetAlias)
	return nil
}

// Bounds of the delay between attempts to connect or start the offset sync
// store.
const (
	checkpointInitMinRetry = 500 * time.Millisecond
	checkpointInitMaxRetry = 30 * time.Second
)

// initialize connects the admin clients, loads the checkpoints and starts
// the offset sync store, then marks the task ready and starts the group
// offset sync. It retries what fails transiently until Stop.
func (t *MirrorCheckpointTask) initialize() {
	defer t.wg.Done()
	began := time.Now()
	ctx := t.run
	cfg := t.cfg
	var ok bool
	if t.source, ok = t.connectRetrying(ctx, "source", cfg.sourceAlias, cfg.sourceAdminProps(roleCheckpointSourceAdmin)); !ok {
		return
	}
	if cfg.syncGroupOffsetsInterval > 0 {
		if t.target, ok = t.connectRetrying(ctx, "target", cfg.targetAlias, cfg.targetAdminProps(roleCheckpointTargetAdmin)); !ok {
			return
		}
	}

	loadCtx, cancel := context.WithTimeout(ctx, cfg.adminTimeout)
	err := t.store.load(loadCtx, t.topic, cfg.targetConsumerProps(roleCheckpointsTargetConsumer), t.log)
	cancel()
	loaded := err == nil
	switch {
	case ctx.Err() != nil:
		return
	case loaded:
		t.log.Debug().Int("checkpoints", t.store.size()).Str("topic", t.topic).Msg("loaded previous checkpoints")
	default:
		ev := t.log.Info()
		if errors.Is(err, sarama.ErrTopicAuthorizationFailed) {
			ev = t.log.Warn()
		}
		ev.Err(err).Str("topic", t.topic).Msg("could not read the checkpoints topic; this may degrade offset translation, " +
			"as only checkpoints for offsets mirrored after the task started will be emitted")
	}

	delay := checkpointInitMinRetry
	for {
		err := t.syncs.start(ctx, !loaded)
		if err == nil {
			break
		}
		if ctx.Err() != nil {
			return
		}
		t.log.Warn().Err(err).Dur("retry_in", delay).Msg("could not read the offset syncs; no checkpoints until they are read")
		if !sleepCtx(ctx, delay) {
			return
		}
		delay = min(2*delay, checkpointInitMaxRetry)
	}
	close(t.ready)
	t.log.Info().Int("checkpoints_loaded", t.store.size()).Bool("checkpoints_topic_read", loaded).
		Dur("took", time.Since(began)).Msg("checkpoint task ready")

	if cfg.syncGroupOffsetsInterval > 0 {
		s := newGroupOffsetSync(t.target, t.store, t.log)
		t.wg.Add(1)
		go func() {
			defer t.wg.Done()
			s.loop(ctx, cfg.syncGroupOffsetsInterval)
		}()
	}
}

// connectRetrying opens an admin client, retrying with a growing delay
// until it connects or ctx ends (ok=false).
func (t *MirrorCheckpointTask) connectRetrying(ctx context.Context, side, alias string, props map[string]string) (*clusterAdmin, bool) {
	delay := checkpointInitMinRetry
	for {
		a, err := openClusterAdmin(ctx, side, alias, props, t.cfg.adminTimeout, &t.adminCalls, t.log)
		if err == nil {
			return a, true
		}
		if ctx.Err() != nil {
			return nil, false
		}
		ev := t.log.Warn()
		if !isRetriable(err) {
			ev = t.log.Error()
		}
		ev.Err(err).Dur("retry_in", delay).Msgf("cannot connect to %s cluster %q; no checkpoints until connected", side, alias)
		if !sleepCtx(ctx, delay) {
			return nil, false
		}
		delay = min(2*delay, checkpointInitMaxRetry)
	}
}

// sleepCtx waits d or until ctx ends; it reports whether d passed.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-timer.C:
		return true
	}
}

// isReady reports whether the initialisation finished.
func (t *MirrorCheckpointTask) isReady() bool {
	select {
	case <-t.ready:
		return true
	default:
		return false
	}
}

// Poll waits for the next emission (every emit.checkpoints.interval.seconds)
// and returns the checkpoints of that round, or nil when there are none.
// One call blocks at most consumer.poll.timeout.ms (when positive) and
// returns at once when ctx ends or the task stops. Failures to read a
// group's offsets are logged and that group is skipped until the next
// round, as in Java.
func (t *MirrorCheckpointTask) Poll(ctx context.Context) ([]*connect.SourceRecord, error) {
	if t.run == nil {
		return nil, errors.New("MirrorCheckpointTask: Poll called before Start")
	}
	if t.cfg.emitInterval <= 0 {
		// Checkpoints disabled (the connector starts no task then):
		// idle without spinning.
		t.idle(ctx, t.cfg.pollTimeout)
		return nil, nil
	}
	if !t.awaitEmission(ctx) {
		return nil, nil
	}
	t.next = time.Now().Add(t.cfg.emitInterval)
	return t.emitCheckpoints(ctx), nil
}

// idle waits d (or a second when d is not positive) unless ctx ends or the
// task stops.
func (t *MirrorCheckpointTask) idle(ctx context.Context, d time.Duration) {
	if d <= 0 {
		d = time.Second
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
	case <-ctx.Done():
	case <-t.run.Done():
	}
}

// awaitEmission waits, at most one poll timeout, until an emission is due
// and the task is ready; it reports whether both hold.
func (t *MirrorCheckpointTask) awaitEmission(ctx context.Context) bool {
	ready := t.isReady()
	wait := time.Until(t.next)
	if ready && wait <= 0 {
		return true
	}
	var readyC <-chan struct{}
	if !ready {
		readyC = t.ready
		if wait <= 0 {
			wait = t.cfg.emitInterval
		}
	}
	if t.cfg.pollTimeout > 0 {
		wait = min(wait, t.cfg.pollTimeout)
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case <-timer.C:
	case <-readyC:
	case <-ctx.Done():
		return false
	case <-t.run.Done():
		return false
	}
	return t.isReady() && !time.Now().Before(t.next)
}

// emitCheckpoints reads every group's committed offsets on the source and
// returns the records of the checkpoints to emit, updating the store.
func (t *MirrorCheckpointTask) emitCheckpoints(ctx context.Context) []*connect.SourceRecord {
	now := time.Now()
	var records []*connect.SourceRecord
	groupsWithNew := 0
	for _, group := range t.groups {
		if ctx.Err() != nil || t.run.Err() != nil {
			return nil
		}
		offsets, err := t.source.committedOffsetsOfGroup(ctx, group)
		if err != nil {
			if ctx.Err() == nil && t.run.Err() == nil {
				t.log.Error().Err(err).Str("group", group).Msgf("error querying offsets for consumer group on cluster %q", t.cfg.sourceAlias)
			}
			continue
		}
		var emitted []mirrorclient.Checkpoint
		for _, cp := range t.checkpointsForGroup(group, offsets) {
			rec, err := checkpointRecord(t.topic, cp, now)
			if err != nil {
				t.log.Warn().Err(err).Str("group", group).Str("topic", cp.Topic).Int32("partition", cp.Partition).
					Msg("cannot encode checkpoint; skipped")
				continue
			}
			records = append(records, rec)
			emitted = append(emitted, cp)
		}
		if len(emitted) > 0 {
			groupsWithNew++
			t.store.update(group, emitted)
		}
	}
	t.log.Debug().Int("checkpoints", len(records)).Int("groups", groupsWithNew).Msg("emitting checkpoints")
	if len(records) == 0 {
		return nil
	}
	return records
}

// checkpointsForGroup is Java's checkpointsForGroup: for each committed
// partition whose topic the topic filter accepts, the translated
// checkpoint, kept when it can be translated (a sync exists and is not
// ahead of the group) and is more recent than the last one emitted. The
// result is in (topic, partition) order.
func (t *MirrorCheckpointTask) checkpointsForGroup(group string, offsets map[topicPartition]committedOffset) []mirrorclient.Checkpoint {
	tps := sortedPartitions(offsets)
	last := t.store.get(group)
	var out []mirrorclient.Checkpoint
	for _, tp := range tps {
		if !t.cfg.topicFilter.shouldReplicateTopic(tp.topic) {
			continue
		}
		committed := offsets[tp]
		down, ok := t.translator.translateDownstream(group, tp, committed.offset)
		if !ok || down < 0 {
			continue
		}
		cp := mirrorclient.Checkpoint{
			ConsumerGroupID:  group,
			Topic:            t.renameTopic(tp.topic),
			Partition:        tp.partition,
			UpstreamOffset:   committed.offset,
			DownstreamOffset: down,
			Metadata:         committed.metadata,
		}
		if t.isMoreRecent(cp, last) {
			out = append(out, cp)
		}
	}
	return out
}

// isMoreRecent is Java's checkpointIsMoreRecent: a checkpoint is emitted
// when it is the first for its group or partition, when the group's
// upstream offset went back (checkpoints may then go back too), or when
// the downstream offset advanced. A repeated checkpoint, or one whose
// downstream offset would go back for the same or later upstream progress,
// is not.
func (t *MirrorCheckpointTask) isMoreRecent(cp mirrorclient.Checkpoint, last map[mirrorclient.TopicPartition]mirrorclient.Checkpoint) bool {
	ev := t.log.Trace()
	if ev.Enabled() {
		ev = ev.Str("group", cp.ConsumerGroupID).Str("topic", cp.Topic).Int32("partition", cp.Partition).
			Int64("upstream_offset", cp.UpstreamOffset).Int64("downstream_offset", cp.DownstreamOffset)
	}
	if last == nil {
		ev.Msg("emitting checkpoint (first for this group)")
		return true
	}
	prev, ok := last[cp.TopicPartition()]
	switch {
	case !ok:
		ev.Msg("emitting checkpoint (first for this partition)")
		return true
	case cp.UpstreamOffset < prev.UpstreamOffset:
		ev.Msg("emitting checkpoint (upstream offset rewind)")
		return true
	case cp.DownstreamOffset > prev.DownstreamOffset:
		ev.Msg("emitting checkpoint (downstream offset advanced)")
		return true
	case cp.DownstreamOffset != prev.DownstreamOffset:
		ev.Msg("skipping checkpoint (preventing downstream rewind)")
	default:
		ev.Msg("skipping checkpoint (repeated checkpoint)")
	}
	return false
}

// renameTopic is Java's renameTopicPartition: a topic that came from the
// target cluster goes back to its original name (a round trip, e.g.
// "target.orders" -> "orders"); any other gets the source's remote name
// ("orders" -> "source.orders").
func (t *MirrorCheckpointTask) renameTopic(topic string) string {
	if src, ok := t.cfg.policy.TopicSource(topic); ok && src == t.cfg.targetAlias {
		return t.cfg.policy.OriginalTopic(topic)
	}
	return t.cfg.policy.FormatRemoteTopic(t.cfg.sourceAlias, topic)
}

// checkpointRecord is Java's checkpointRecord: the checkpoint's key and
// value bytes (bytes schemas) to partition 0 of the checkpoints topic,
// stamped with the time the checkpoint was computed, with the checkpoint's
// Connect partition and offset.
func checkpointRecord(topic string, cp mirrorclient.Checkpoint, ts time.Time) (*connect.SourceRecord, error) {
	key, err := cp.RecordKey()
	if err != nil {
		return nil, err
	}
	value, err := cp.RecordValue()
	if err != nil {
		return nil, err
	}
	return &connect.SourceRecord{
		SourcePartition: cp.ConnectPartition(),
		SourceOffset:    mirrorclient.CheckpointConnectOffset(),
		Topic:           topic,
		Partition:       connect.PartitionOf(0),
		KeySchema:       connect.BytesSchema,
		Key:             key,
		ValueSchema:     connect.BytesSchema,
		Value:           value,
		Timestamp:       ts,
	}, nil
}

// Commit does nothing, as in Java.
func (t *MirrorCheckpointTask) Commit(ctx context.Context) error { return nil }

// CommitRecord does nothing: Java only records the checkpoint's latency
// metric there (Ferry has no MirrorMaker metrics yet). The store was
// updated when the checkpoint was emitted, as in Java.
func (t *MirrorCheckpointTask) CommitRecord(ctx context.Context, rec *connect.SourceRecord, meta *connect.RecordMetadata) error {
	return nil
}

// Stop ends the background work, waits for it (until ctx ends), then
// closes the offset sync store and the admin clients.
func (t *MirrorCheckpointTask) Stop(ctx context.Context) error {
	t.stopOnce.Do(func() {
		if t.stopRun == nil {
			return
		}
		began := time.Now()
		t.stopRun()
		if !waitGroup(ctx, &t.wg) {
			t.log.Warn().Msg("stopped before the checkpoint task's background work finished")
			return
		}
		t.syncs.close()
		for _, a := range []*clusterAdmin{t.source, t.target} {
			if a != nil {
				a.close()
			}
		}
		if !waitGroup(ctx, &t.adminCalls) {
			t.log.Warn().Msg("stopped before admin calls still running in the client finished")
		}
		t.log.Info().Dur("took", time.Since(began)).Msg("stopped checkpoint task")
	})
	return nil
}
