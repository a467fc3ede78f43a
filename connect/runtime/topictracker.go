package runtime

import (
	"time"

	"github.com/ferrykafka/ferry/storage"
)

// topicRecheckInterval bounds how long a topic, once recorded, is taken as
// known without looking at the status cache again: after a reset of the
// connector's active topics (PUT /connectors/{c}/topics/reset) a topic in
// use is recorded again within about this long.
const topicRecheckInterval = 10 * time.Second

// topicTracker records the topics a task produced to as active topics of
// its connector in the status topic (Java's WorkerTask.recordActiveTopic),
// when topic.tracking.enable is on. It is owned by the task's ack loop.
type topicTracker struct {
	t       *workerTask
	enabled bool
	known   map[string]bool
	since   time.Time
	acks    int
}

func newTopicTracker(t *workerTask) *topicTracker {
	return &topicTracker{t: t, enabled: t.w.cfg.TopicTracking, known: map[string]bool{}, since: time.Now()}
}

// sent notes a record acknowledged by Kafka on topic.
func (tt *topicTracker) sent(topic string) {
	if !tt.enabled {
		return
	}
	if tt.acks++; tt.acks&63 == 0 && time.Since(tt.since) > topicRecheckInterval {
		clear(tt.known)
		tt.since = time.Now()
	}
	if tt.known[topic] {
		return
	}
	tt.known[topic] = true
	for _, s := range tt.t.w.statuses.Topics(tt.t.id.Connector) {
		if s.Topic == topic {
			return
		}
	}
	tt.t.w.statuses.PutTopic(storage.TopicStatus{
		Topic: topic, Connector: tt.t.id.Connector, Task: int32(tt.t.id.Task), DiscoverTimestamp: time.Now().UnixMilli(),
	})
}
