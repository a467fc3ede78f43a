package runtime

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/ferrykafka/ferry/storage"
	"github.com/ferrykafka/ferry/test/testkit"
)

// A record the target topic refuses as too large fails the task, and the
// trace says which record: the topic and partition it was sent to (the
// record names its partition, as MirrorSourceTask's do), its source
// partition and offset, and its size.
func TestTaskRecordTooLargeForTheTarget(t *testing.T) {
	t.Parallel()
	cluster := testkit.NewCluster(t, 1, kfake.SeedTopics(outParts, outTopic))
	// Every record of the test connector is larger than 20 bytes.
	if err := cluster.Kfake().CreateTopic("tiny", 1, map[string]string{"max.message.bytes": "20"}); err != nil {
		t.Fatal(err)
	}
	e := newEnvOn(t, cluster, flushTimeout(500*time.Millisecond))
	id := taskID("c", 0)
	e.startTask(e.w, id, connProps("c", pRecords, "3", pBatch, "1", pTopic, "tiny", pFixedPartition, "0"), storage.TargetStarted)

	st := e.statuses.waitState(t, id, storage.StateFailed)
	for _, want := range []string{
		"task c-0 failed to send a record to topic tiny partition 0 (source partition {task=0}, source offset {seq=0}, ",
		" bytes): " + sarama.ErrMessageSizeTooLarge.Error(),
	} {
		if !strings.Contains(st.Trace, want) {
			t.Errorf("trace %q lacks %q", st.Trace, want)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	e.w.StopTasks(ctx, []storage.ConnectorTaskID{id})
}

func TestFormatSourceMap(t *testing.T) {
	cases := []struct {
		in   map[string]any
		want string
	}{
		{nil, "null"},
		{map[string]any{}, "{}"},
		{map[string]any{"topic": "orders", "partition": 3, "cluster": "east"}, "{cluster=east, partition=3, topic=orders}"},
		{map[string]any{"offset": int64(41)}, "{offset=41}"},
	}
	for _, c := range cases {
		if got := formatSourceMap(c.in); got != c.want {
			t.Errorf("formatSourceMap(%v) = %q; want %q", c.in, got, c.want)
		}
	}
}
