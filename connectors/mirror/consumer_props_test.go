package mirror

import (
	"strings"
	"testing"
	"time"

	"github.com/IBM/sarama"
)

func TestApplyConsumerProps(t *testing.T) {
	sc := sarama.NewConfig()
	s, err := applyConsumerProps(map[string]string{
		"auto.offset.reset":         " Latest ",
		"isolation.level":           "read_committed",
		"max.poll.records":          "10",
		"fetch.min.bytes":           "100",
		"max.partition.fetch.bytes": "2048",
		"fetch.max.wait.ms":         "50",
		"fetch.max.bytes":           "4096",
		"client.rack":               "eu-west-1a",
		"unknown.key":               "ignored",
	}, sc)
	if err != nil {
		t.Fatal(err)
	}
	if s.reset != "latest" || s.maxPollRecords != 10 || sc.Consumer.IsolationLevel != sarama.ReadCommitted ||
		sc.Consumer.Fetch.Min != 100 || sc.Consumer.Fetch.Default != 2048 || sc.Consumer.MaxWaitTime != 50*time.Millisecond ||
		sc.Consumer.Fetch.MaxBytes != 4096 || sc.Consumer.Fetch.Max != 0 || sc.RackID != "eu-west-1a" ||
		!sc.Consumer.Return.Errors {
		t.Errorf("settings %+v, sarama consumer %+v", s, sc.Consumer)
	}
	dc := sarama.NewConfig()
	d, err := applyConsumerProps(nil, dc)
	if err != nil || d.reset != "earliest" || d.maxPollRecords != 500 || dc.Consumer.Fetch.Default != 256<<10 {
		t.Errorf("defaults %+v, %v, max.partition.fetch.bytes %d", d, err, dc.Consumer.Fetch.Default)
	}
	for key, value := range map[string]string{
		"auto.offset.reset": "by_duration:PT1H",
		"isolation.level":   "serializable",
		"max.poll.records":  "0",
		"fetch.max.wait.ms": "soon",
		"fetch.max.bytes":   "-1",
	} {
		_, err := applyConsumerProps(map[string]string{key: value}, sarama.NewConfig())
		if err == nil || !strings.Contains(err.Error(), key) {
			t.Errorf("%s=%s: error %v does not name the key", key, value, err)
		}
	}
}
