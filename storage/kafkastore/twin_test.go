package kafkastore

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/ferrykafka/ferry/storage"
	"github.com/ferrykafka/ferry/storage/memstore"
	"github.com/ferrykafka/ferry/test/testkit"
)

// configWriter is what the twin test drives on both stores.
type configWriter interface {
	storage.ConfigStore
	PutSessionKey(context.Context, storage.SessionKey) error
	PutRestartRequest(context.Context, storage.RestartRequest) error
	PutTaskCountRecord(context.Context, string, int) error
	PutLoggerLevel(context.Context, string, string) error
	TaskCountRecords() map[string]int
	PendingFencing() []string
}

// The in-memory twin ends in the same state, with the same listener calls,
// as the Kafka store after the same writes.
func TestMemstoreConfigTwinMatchesKafkaStore(t *testing.T) {
	cl := testkit.NewCluster(t, 1)
	ks := newConfigStore(t, cl, "configs")
	ms := memstore.NewConfigStore()
	var kl, ml listener
	ks.SetUpdateListener(&kl)
	ms.SetUpdateListener(&ml)
	start(t, ks)
	start(t, ms)
	ctx := ctxFor(t, 60*time.Second)
	for _, s := range []configWriter{ks, ms} {
		paused, stopped := storage.TargetPaused, storage.TargetStopped
		for _, err := range []error{
			s.PutConnectorConfig(ctx, "a", map[string]string{"k": "v"}, &paused),
			s.PutConnectorConfig(ctx, "b", map[string]string{"x": "y"}, nil),
			s.PutTaskConfigs(ctx, "a", []map[string]string{{"t": "0"}, {"t": "1"}}),
			s.PutTaskConfigs(ctx, "a", []map[string]string{{"t": "only"}}),
			s.PutTaskConfigs(ctx, "b", nil),
			s.PutTargetState(ctx, "a", storage.TargetStarted),
			s.PutTargetState(ctx, "ghost", storage.TargetPaused),
			s.PutConnectorConfig(ctx, "a", map[string]string{"k": "v2"}, &stopped),
			s.PutSessionKey(ctx, storage.SessionKey{Key: []byte{9}, Algorithm: "HmacSHA256", CreationTime: 3}),
			s.PutRestartRequest(ctx, storage.RestartRequest{Connector: "a", OnlyFailed: true, IncludeTasks: true}),
			s.PutTaskCountRecord(ctx, "a", 1),
			s.PutLoggerLevel(ctx, "ns", "TRACE"),
			s.RemoveConnectorConfig(ctx, "b"),
			s.Refresh(ctx),
		} {
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	testkit.Eventually(t, 10*time.Second, func() error {
		if k, m := kl.get(), ml.get(); !reflect.DeepEqual(k, m) {
			return fmt.Errorf("listener calls differ:\nkafka %q\nmem   %q", k, m)
		}
		return nil
	})
	if k, m := ks.Snapshot(), ms.Snapshot(); !reflect.DeepEqual(k, m) {
		t.Fatalf("snapshots differ:\nkafka %+v\nmem   %+v", k, m)
	}
	if !reflect.DeepEqual(ks.TaskCountRecords(), ms.TaskCountRecords()) || !reflect.DeepEqual(ks.PendingFencing(), ms.PendingFencing()) {
		t.Fatalf("fencing state differs: %v %v / %v %v", ks.TaskCountRecords(), ks.PendingFencing(), ms.TaskCountRecords(), ms.PendingFencing())
	}
}
