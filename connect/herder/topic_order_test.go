package herder

import (
	"slices"
	"testing"

	"github.com/ferrykafka/ferry/test/testkit"
)

// The herder's stores create their topics in order, the config topic
// first: every step of a start writes to it, and a broker sets up new
// partitions in the order their topics were created.
func TestStartCreatesTheConfigTopicFirst(t *testing.T) {
	cluster := testkit.NewCluster(t, 1)
	recorded := cluster.RecordCreatedTopics()
	w := newGroupWorker(t, cluster, "w1", "http://127.0.0.1:1", nil)
	w.start()
	created := recorded()
	want := []string{"herder-group-configs", "herder-group-offsets", "herder-group-status"}
	if len(created) != 3 || created[0] != want[0] || !slices.Contains(created, want[1]) || !slices.Contains(created, want[2]) {
		t.Fatalf("CreateTopics for %v; want %s first, then %v", created, want[0], want[1:])
	}
}
