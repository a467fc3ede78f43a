package mirror

import (
	"testing"

	"github.com/ferrykafka/ferry/connect"
)

func TestExactlyOnceSupport(t *testing.T) {
	base := map[string]string{"source.cluster.alias": "A", "source.cluster.bootstrap.servers": "a:1", "target.cluster.bootstrap.servers": "b:1"}
	c := NewMirrorSourceConnector()
	if got := c.ExactlyOnceSupport(base); got != connect.ExactlyOnceUnsupported {
		t.Errorf("default consumer: %v", got)
	}
	with := func(k, v string) map[string]string {
		m := map[string]string{k: v}
		for bk, bv := range base {
			m[bk] = bv
		}
		return m
	}
	for _, key := range []string{"consumer.isolation.level", "source.consumer.isolation.level"} {
		if got := c.ExactlyOnceSupport(with(key, "read_committed")); got != connect.ExactlyOnceSupported {
			t.Errorf("%s=read_committed: %v", key, got)
		}
	}
	if got := c.ExactlyOnceSupport(with("consumer.poll.timeout.ms", "soon")); got != connect.ExactlyOnceUnsupported {
		t.Errorf("invalid config: %v", got)
	}
}
