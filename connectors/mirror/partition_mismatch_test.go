package mirror

import (
	"context"
	"testing"
	"time"

	"github.com/ferrykafka/ferry/test/testkit"
)

// Remote topics with fewer partitions than their source get the missing
// ones at start; remote topics with more are left as they are and
// reported once, since records keep their partition number.
func TestConnectorStartRemotePartitionCounts(t *testing.T) {
	src, tgt := testkit.NewCluster(t, 1), testkit.NewCluster(t, 1)
	createTopics(t, newAdmin(t, src), map[string]int32{"fewer": 3, "more": 2, "same": 2})
	tgtAdmin := newAdmin(t, tgt)
	createTopics(t, tgtAdmin, map[string]int32{"source.fewer": 1, "source.more": 5, "source.same": 2})

	logs, log := newLogCapture(t)
	cctx := newConnectorContext(t)
	cctx.log = log
	c := NewMirrorSourceConnector()
	props := baseProps(src, tgt)
	props["topics"] = "fewer,more,same"
	if err := c.Start(context.Background(), cctx, props); err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = c.Stop(ctx)
	})

	parts, _ := topicCounts(t, tgtAdmin)
	for topic, want := range map[string]int32{"source.fewer": 3, "source.more": 5, "source.same": 2} {
		if parts[topic] != want {
			t.Errorf("%s has %d partitions; want %d", topic, parts[topic], want)
		}
	}
	more := logs.find("warn", `remote topic "source.more" has 5 partitions, more than the 2 of source topic "more"`,
		"partitions 2 to 4 of \"source.more\" stay empty")
	if len(more) != 1 || more[0]["remote_topic"] != "source.more" || number(more[0], "source_partitions") != 2 ||
		number(more[0], "remote_partitions") != 5 {
		t.Errorf("report of the larger remote topic: %v", more)
	}
	if n := len(logs.find("warn", "more than the")); n != 1 {
		t.Errorf("%d reports; want only the one for source.more", n)
	}
}
