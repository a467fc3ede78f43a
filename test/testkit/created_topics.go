package testkit

import (
	"sync"

	"github.com/twmb/franz-go/pkg/kmsg"
)

// RecordCreatedTopics records the topic of every CreateTopics request the
// cluster receives from now on (the requests still go through) and
// returns a function that gives them in the order they arrived.
func (c *Cluster) RecordCreatedTopics() func() []string {
	var mu sync.Mutex
	var topics []string
	c.kc.ControlKey(int16(kmsg.CreateTopics), func(req kmsg.Request) (kmsg.Response, error, bool) {
		c.kc.KeepControl()
		mu.Lock()
		defer mu.Unlock()
		for _, t := range req.(*kmsg.CreateTopicsRequest).Topics {
			topics = append(topics, t.Topic)
		}
		return nil, nil, false
	})
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), topics...)
	}
}
