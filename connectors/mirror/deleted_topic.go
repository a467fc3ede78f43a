package mirror

import (
	"slices"
	"time"
)

// awaitTopic handles UNKNOWN_TOPIC_OR_PARTITION from the source. When the
// source cluster still lists the partition, the error was transient (a
// leader moving, metadata catching up): it counts as a failure and the
// caller retries. When the topic is gone, the partition is parked: one
// WARN says so, and the reader only checks every timing.topicRecheck
// whether the topic came back, instead of retrying and warning every
// backoff, until the connector's topic refresh reassigns the tasks without
// it. It returns false when the task stops.
func (r *partitionReader) awaitTopic(cause error) bool {
	health := r.task.faults.source
	gone, err := r.topicGone()
	if err != nil || !gone {
		if err != nil {
			r.log.Debug().Err(err).Msg("cannot check whether the source topic still exists")
		}
		health.failed(r.tp, cause, time.Now())
		return true
	}
	health.forget(r.tp, time.Now())
	r.log.Warn().Int64("next_offset", r.next).
		Msgf("source topic %q no longer exists on source cluster %q (deleted?): stopped replicating %s; "+
			"the connector drops it from the tasks at its next topic refresh (refresh.topics.interval.seconds)",
			r.tp.topic, r.task.cfg.sourceAlias, r.tp)
	for {
		if !r.wait(r.task.faults.timing.topicRecheck) {
			return false
		}
		gone, err := r.topicGone()
		switch {
		case err != nil:
			r.log.Debug().Err(err).Msg("cannot check whether the deleted source topic exists again")
		case !gone:
			r.log.Info().Int64("next_offset", r.next).
				Msgf("source topic %q exists again; resuming %s", r.tp.topic, r.tp)
			return true
		}
	}
}

// topicGone asks the source cluster for its topics and reports whether the
// partition's topic (or that partition of it) is missing.
func (r *partitionReader) topicGone() (bool, error) {
	client := r.task.sourceClient()
	if err := client.RefreshMetadata(); err != nil {
		return false, err
	}
	topics, err := client.Topics()
	if err != nil {
		return false, err
	}
	if !slices.Contains(topics, r.tp.topic) {
		return true, nil
	}
	partitions, err := client.Partitions(r.tp.topic)
	if err != nil {
		return false, err
	}
	return !slices.Contains(partitions, r.tp.partition), nil
}
