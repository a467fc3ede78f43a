package producer

import (
	"fmt"
	"time"

	"github.com/IBM/sarama"

	"github.com/ferrykafka/ferry/connect/kafkaclient"
)

// topicWaits holds the records of topics whose partitions the client
// cannot find yet, in order, as Java's producer blocks a send on metadata
// for up to max.block.ms: a topic created a moment ago (a remote topic, the
// heartbeats topic) is known to the controller before the broker that
// answers metadata has it. The dispatcher goroutine alone uses it.
type topicWaits map[string]*topicWait

type topicWait struct {
	recs    []*Record
	since   time.Time // the first lookup that failed
	tries   int
	retryAt time.Time
}

// unknownTopic: the lookup failed because the topic (or a leader) is not
// in metadata yet (UNKNOWN_TOPIC_OR_PARTITION, LEADER_NOT_AVAILABLE), or
// the cluster could not be asked; worth waiting for.
func unknownTopic(err error) bool { return kafkaclient.Retriable(err) }

// hold appends r to its topic's waiting records, if the topic waits; the
// records of a waiting topic keep their order.
func (w *topicWaits) hold(r *Record) bool {
	t := (*w)[r.Topic]
	if t == nil {
		return false
	}
	t.recs = append(t.recs, r)
	return true
}

// start makes r's topic wait, r first.
func (w *topicWaits) start(r *Record, now time.Time) {
	if *w == nil {
		*w = topicWaits{}
	}
	(*w)[r.Topic] = &topicWait{recs: []*Record{r}, since: now, retryAt: now.Add(kafkaclient.LeaderPoll(0))}
}

// due takes the topics whose next lookup is due: those whose partitions
// are now found give back their records, in order, to be routed first;
// those that waited longer than max.block.ms fail, with Java's message;
// the others wait on (20 ms between lookups at first, then backing off).
func (w *topicWaits) due(p *Producer, now time.Time) (ready []*Record, failed []*Result) {
	for topic, t := range *w {
		if now.Before(t.retryAt) {
			continue
		}
		parts, err := kafkaclient.LookupLeaders(p.client, topic)
		switch {
		case err == nil && len(parts) > 0:
			ready = append(ready, t.recs...)
			delete(*w, topic)
		case now.Sub(t.since) >= p.set.maxBlock:
			if err == nil {
				err = sarama.ErrUnknownTopicOrPartition
			}
			err = fmt.Errorf("topic %s not present in metadata after %d ms: %w", topic, p.set.maxBlock.Milliseconds(), err)
			for _, r := range t.recs {
				failed = append(failed, &Result{Records: []*Record{r}, Err: err})
			}
			delete(*w, topic)
		default:
			t.tries++
			t.retryAt = now.Add(kafkaclient.LeaderPoll(t.tries))
			if t.tries == 1 || t.tries%25 == 0 {
				p.log.Debug().Err(err).Str("topic", topic).Int("records", len(t.recs)).
					Dur("waited", now.Sub(t.since)).Msg("waiting for the topic to show up in metadata")
			}
		}
	}
	return ready, failed
}

// next is how long the dispatcher may sleep before a lookup is due.
func (w topicWaits) next() time.Duration {
	d := time.Hour
	for _, t := range w {
		d = min(d, max(time.Until(t.retryAt), time.Millisecond))
	}
	return d
}
