package mirror

import (
	"time"

	"github.com/IBM/sarama"
)

// How a MirrorSourceTask makes faults visible.
//
// The runtime lets a task be RUNNING or FAILED, and puts a trace only on
// FAILED: SourceTaskContext offers no way to attach a message to a RUNNING
// task. So a fault the task rides out (Java's task stays RUNNING through
// them too) is said in the log: a WARN when it starts, naming the cluster
// alias, the topic-partitions and the error, a WARN again every
// faultTiming.report while it lasts, with how long it has lasted, and an INFO
// when it ends. Faults the task cannot ride out fail it, and the trace
// names the cluster, topic, partition and offset.
//
//   - Source unreachable at start: the task starts anyway and keeps
//     connecting with backoff (source_conn.go).
//   - Source partitions failing while running (broker down, no leader):
//     sarama retries; sourceHealth reports (source_health.go).
//   - Target not acknowledging records (unreachable, or a remote
//     partition missing): the worker's producer retries; ackWatch reports
//     (target_acks.go).
//   - Source topic deleted: its partitions are parked without retrying
//     until the connector reassigns the tasks (deleted_topic.go).
//   - Offset out of range (retention deleted records not copied yet): the
//     gap is logged with its size and replication goes on per
//     auto.offset.reset (offset_reset.go).

// faultTiming are the intervals of fault reporting. Zero fields take their
// defaults (withDefaults); tests shorten them.
type faultTiming struct {
	// tick is how often the watcher looks at the trackers.
	tick time.Duration
	// report is how often an ongoing fault is logged again.
	report time.Duration
	// stall is how long records handed to the runtime may wait for an
	// acknowledgement before the target is reported as not taking them.
	stall time.Duration
	// quiet is how long a failing partition must go without an error
	// before it is probed to see whether it recovered.
	quiet time.Duration
	// topicRecheck is how often a partition of a deleted topic checks
	// whether the topic exists again.
	topicRecheck time.Duration
}

const (
	defaultFaultTick         = time.Second
	defaultFaultReport       = 30 * time.Second
	defaultAckStall          = 30 * time.Second
	defaultTopicRecheck      = 30 * time.Second
	maxSourceReconnectDelay  = 10 * time.Second
	minSourceReconnectDelay  = 100 * time.Millisecond
	maxInRangeOutOfRangeHits = 3
)

// withDefaults fills the zero fields. A partition is probed once sarama has
// been silent about it for a retry backoff and a second: sarama reports a
// failing partition at least every retry backoff.
func (ft faultTiming) withDefaults(retryBackoff time.Duration) faultTiming {
	if ft.tick <= 0 {
		ft.tick = defaultFaultTick
	}
	if ft.report <= 0 {
		ft.report = defaultFaultReport
	}
	if ft.stall <= 0 {
		ft.stall = defaultAckStall
	}
	if ft.quiet <= 0 {
		ft.quiet = retryBackoff + time.Second
	}
	if ft.topicRecheck <= 0 {
		ft.topicRecheck = defaultTopicRecheck
	}
	return ft
}

// taskFaults are a task's fault trackers.
type taskFaults struct {
	timing faultTiming
	source *sourceHealth
	target *ackWatch
	status faultStatus
}

// initFaults creates the trackers; Start calls it before any partition
// reader runs.
func (t *MirrorSourceTask) initFaults() {
	t.faults.timing = t.faults.timing.withDefaults(t.retryBackoff)
	t.faults.source = newSourceHealth(t.cfg.sourceAlias, len(t.cfg.partitions), t.faults.timing, t.log)
	t.faults.target = newAckWatch(t.cfg.targetAlias, t.faults.timing, t.log)
}

// watchFaults runs until the task stops, letting the trackers report
// ongoing faults and notice recoveries.
func (t *MirrorSourceTask) watchFaults() {
	defer t.wg.Done()
	ticker := time.NewTicker(t.faults.timing.tick)
	defer ticker.Stop()
	for {
		select {
		case <-t.done:
			return
		case <-ticker.C:
		}
		now := time.Now()
		t.faults.source.check(now, t.probePartition)
		t.faults.target.check(now)
		t.faults.status.publish(t.problemText(now))
	}
}

// probePartition asks the partition's leader for its end offset: an
// answer means the partition can be consumed again.
func (t *MirrorSourceTask) probePartition(tp topicPartition) error {
	client := t.sourceClient()
	if client == nil {
		return sarama.ErrNotConnected
	}
	_, err := client.GetOffset(tp.topic, tp.partition, sarama.OffsetNewest)
	return err
}

// roundDuration shortens a duration for messages: whole seconds from a
// second on, milliseconds below.
func roundDuration(d time.Duration) time.Duration {
	if d >= time.Second {
		return d.Round(time.Second)
	}
	return d.Round(time.Millisecond)
}
