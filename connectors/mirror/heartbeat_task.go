package mirror

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/ferrykafka/ferry/connect"
	"github.com/ferrykafka/ferry/connectors/mirror/mirrorclient"
)

// MirrorHeartbeatTask writes a heartbeat record to the target cluster's
// heartbeats topic every emit.heartbeats.interval.seconds (Java's
// org.apache.kafka.connect.mirror.MirrorHeartbeatTask). Its records go
// through the runtime's producer, so the worker's converters apply: as
// for MirrorSourceTask, a ByteArrayConverter keeps the bytes Java writes.
type MirrorHeartbeatTask struct {
	sourceAlias string
	targetAlias string
	topic       string
	// interval is the pause before each heartbeat (0: none).
	interval time.Duration
	log      zerolog.Logger

	// stopped is closed by Stop; a Poll waiting for the interval returns.
	stopped  chan struct{}
	stopOnce sync.Once
}

// NewMirrorHeartbeatTask returns an unstarted task.
func NewMirrorHeartbeatTask() *MirrorHeartbeatTask { return &MirrorHeartbeatTask{} }

// Version is Ferry's version.
func (t *MirrorHeartbeatTask) Version() string { return connect.Version }

// Start reads the configuration (the connector's). An alias a heartbeat
// key cannot hold fails it here rather than at every Poll.
func (t *MirrorHeartbeatTask) Start(_ context.Context, tctx connect.SourceTaskContext, props map[string]string) error {
	cfg, err := parseHeartbeatConfig(props)
	if err != nil {
		return err
	}
	hb := mirrorclient.Heartbeat{SourceClusterAlias: cfg.sourceAlias, TargetClusterAlias: cfg.targetAlias}
	if _, err := hb.RecordKey(); err != nil {
		return fmt.Errorf("MirrorHeartbeatTask: %w", err)
	}
	t.sourceAlias, t.targetAlias = cfg.sourceAlias, cfg.targetAlias
	t.topic = cfg.heartbeatsTopic()
	t.interval = max(cfg.emitInterval(), 0)
	t.stopped = make(chan struct{})
	t.log = tctx.Logger().With().Str("source_cluster", cfg.sourceAlias).Str("target_cluster", cfg.targetAlias).Logger()
	if t.interval == 0 {
		// Java does the same (its wait of 0 ms returns at once); say so,
		// as it floods the topic.
		t.log.Warn().Str("topic", t.topic).Str("key", keyEmitHeartbeatsIntervalSeconds).
			Msg("heartbeat interval is 0: emitting a heartbeat on every poll, without pause")
	}
	t.log.Info().Str("topic", t.topic).Dur("interval", t.interval).Msg("emitting heartbeats")
	return nil
}

// Poll waits for the interval, then returns one heartbeat stamped with the
// current time. It returns no records, at once, when ctx is cancelled or
// the task is stopped.
func (t *MirrorHeartbeatTask) Poll(ctx context.Context) ([]*connect.SourceRecord, error) {
	if t.stopped == nil {
		return nil, errors.New("MirrorHeartbeatTask: Poll called before Start")
	}
	if t.interval > 0 {
		timer := time.NewTimer(t.interval)
		defer timer.Stop()
		select {
		case <-timer.C:
		case <-ctx.Done():
			return nil, nil
		case <-t.stopped:
			return nil, nil
		}
	} else {
		select {
		case <-ctx.Done():
			return nil, nil
		case <-t.stopped:
			return nil, nil
		default:
		}
	}
	// The record's timestamp is the heartbeat's, to the millisecond.
	now := time.UnixMilli(time.Now().UnixMilli())
	hb := mirrorclient.Heartbeat{SourceClusterAlias: t.sourceAlias, TargetClusterAlias: t.targetAlias, Timestamp: now.UnixMilli()}
	key, err := hb.RecordKey()
	if err != nil {
		return nil, fmt.Errorf("MirrorHeartbeatTask: %w", err)
	}
	rec := &connect.SourceRecord{
		SourcePartition: hb.ConnectPartition(),
		SourceOffset:    mirrorclient.HeartbeatConnectOffset(),
		Topic:           t.topic,
		Partition:       connect.PartitionOf(0),
		KeySchema:       connect.BytesSchema,
		Key:             key,
		ValueSchema:     connect.BytesSchema,
		Value:           hb.RecordValue(),
		Timestamp:       now,
	}
	t.log.Trace().Int64("timestamp", hb.Timestamp).Msg("heartbeat")
	return []*connect.SourceRecord{rec}, nil
}

// Commit does nothing: the task keeps no state.
func (t *MirrorHeartbeatTask) Commit(context.Context) error { return nil }

// CommitRecord does nothing.
func (t *MirrorHeartbeatTask) CommitRecord(context.Context, *connect.SourceRecord, *connect.RecordMetadata) error {
	return nil
}

// Stop ends a Poll waiting for the interval; later Polls return nothing.
func (t *MirrorHeartbeatTask) Stop(context.Context) error {
	t.stopOnce.Do(func() {
		if t.stopped != nil {
			close(t.stopped)
		}
	})
	return nil
}

var _ connect.SourceTask = (*MirrorHeartbeatTask)(nil)
