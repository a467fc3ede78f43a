package kafkaclient_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/ferrykafka/ferry/connect/kafkaclient"
	"github.com/ferrykafka/ferry/test/testkit"
)

// collect runs FetchedRecords and returns the offsets and values handed over.
func collect(blk *sarama.FetchResponseBlock, from int64, readCommitted bool) ([]int64, []string, kafkaclient.Fetched) {
	var offs []int64
	var vals []string
	got := kafkaclient.FetchedRecords(blk, from, readCommitted, func(r kafkaclient.FetchedRecord) {
		offs = append(offs, r.Offset)
		vals = append(vals, string(r.Value))
	})
	return offs, vals, got
}

func batch(first int64, lastDelta int32, deltas ...int64) *sarama.Records {
	b := &sarama.RecordBatch{FirstOffset: first, LastOffsetDelta: lastDelta, Version: 2}
	for _, d := range deltas {
		b.Records = append(b.Records, &sarama.Record{OffsetDelta: d, Value: []byte{byte('a' + first + d)}})
	}
	return &sarama.Records{RecordBatch: b}
}

// TestFetchedRecordsCompactionGap: records removed by compaction leave
// holes inside and between batches; the position moves past the end of
// every batch all the same, and records before the position are not
// handed over again.
func TestFetchedRecordsCompactionGap(t *testing.T) {
	blk := &sarama.FetchResponseBlock{RecordsSet: []*sarama.Records{
		batch(0, 4, 1, 3), // offsets 0, 2 and 4 compacted away
		batch(8, 3, 0),    // 5..7 gone entirely; 9..11 compacted away
	}}
	offs, _, got := collect(blk, 0, false)
	if !reflect.DeepEqual(offs, []int64{1, 3, 8}) || got.Next != 12 || !got.Complete || got.Partial {
		t.Fatalf("offsets %v, result %+v; want [1 3 8], next 12, complete", offs, got)
	}
	offs, _, got = collect(blk, 2, false)
	if !reflect.DeepEqual(offs, []int64{3, 8}) || got.Next != 12 {
		t.Fatalf("from 2: offsets %v, next %d; want [3 8], 12", offs, got.Next)
	}
	offs, _, got = collect(blk, 20, false)
	if len(offs) != 0 || got.Next != 20 {
		t.Fatalf("from 20: offsets %v, next %d; want none, 20", offs, got.Next)
	}
}

// TestFetchedRecordsPartialBatch: a response holding only the start of a
// batch larger than the fetch size asks for twice the size, up to the
// largest response.
func TestFetchedRecordsPartialBatch(t *testing.T) {
	blk := &sarama.FetchResponseBlock{RecordsSet: []*sarama.Records{
		{RecordBatch: &sarama.RecordBatch{FirstOffset: 5, PartialTrailingRecord: true}},
	}}
	offs, _, got := collect(blk, 5, false)
	if len(offs) != 0 || got.Next != 5 || got.Complete || !got.Partial {
		t.Fatalf("offsets %v, result %+v", offs, got)
	}
	if size, err := got.NextFetchSize(1024, 512); err != nil || size != 2048 {
		t.Fatalf("next fetch size %d, %v; want 2048", size, err)
	}
	if _, err := got.NextFetchSize(sarama.MaxResponseSize/2, 512); err != kafkaclient.ErrBatchTooLarge {
		t.Fatalf("at the largest size: %v, want ErrBatchTooLarge", err)
	}
	done := kafkaclient.Fetched{Next: 9, Complete: true, Partial: true}
	if size, err := done.NextFetchSize(4096, 512); err != nil || size != 512 {
		t.Fatalf("after a whole batch: %d, %v; want 512", size, err)
	}
}

// TestFetchedRecordsEmpty: an empty response (or none) leaves everything
// as it was.
func TestFetchedRecordsEmpty(t *testing.T) {
	for _, blk := range []*sarama.FetchResponseBlock{nil, {}, {RecordsSet: []*sarama.Records{nil}}} {
		offs, _, got := collect(blk, 7, true)
		if len(offs) != 0 || got != (kafkaclient.Fetched{Next: 7}) {
			t.Fatalf("%+v: offsets %v, result %+v", blk, offs, got)
		}
		if size, err := got.NextFetchSize(100, 50); err != nil || size != 100 {
			t.Fatalf("next fetch size %d, %v; want 100", size, err)
		}
	}
}

// TestFetchedRecordsLegacy: message format v0/v1, with a compressed v1
// wrapper whose inner offsets are relative to its last absolute offset.
func TestFetchedRecordsLegacy(t *testing.T) {
	inner := &sarama.MessageSet{Messages: []*sarama.MessageBlock{
		{Offset: 0, Msg: &sarama.Message{Version: 1, Value: []byte("x")}},
		{Offset: 1, Msg: &sarama.Message{Version: 1, Value: []byte("y")}},
	}}
	set := &sarama.MessageSet{Messages: []*sarama.MessageBlock{
		{Offset: 3, Msg: &sarama.Message{Version: 1, Value: []byte("w")}},
		{Offset: 6, Msg: &sarama.Message{Version: 1, Codec: sarama.CompressionGZIP, Set: inner}},
	}, PartialTrailingMessage: true}
	blk := &sarama.FetchResponseBlock{RecordsSet: []*sarama.Records{{MsgSet: set}}}
	offs, vals, got := collect(blk, 0, false)
	if !reflect.DeepEqual(offs, []int64{3, 5, 6}) || !reflect.DeepEqual(vals, []string{"w", "x", "y"}) ||
		got.Next != 7 || !got.Complete || !got.Partial {
		t.Fatalf("offsets %v, values %v, result %+v", offs, vals, got)
	}
	if offs, _, got = collect(blk, 6, false); !reflect.DeepEqual(offs, []int64{6}) || got.Next != 7 {
		t.Fatalf("from 6: offsets %v, next %d", offs, got.Next)
	}
}

// TestFetchedRecordsTransactions reads transactional records from a broker:
// commit a, abort b, commit c, then d outside any transaction. Every marker
// is stepped over; read_committed also drops b.
func TestFetchedRecordsTransactions(t *testing.T) {
	cluster := testkit.NewCluster(t, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	const topic = "txn"
	conf := sarama.NewConfig()
	conf.Version = sarama.V2_8_0_0
	client, err := sarama.NewClient(cluster.Addrs(), conf)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = client.Close() }()
	admin, err := sarama.NewClusterAdminFromClient(client)
	if err != nil {
		t.Fatal(err)
	}
	if err := admin.CreateTopic(topic, &sarama.TopicDetail{NumPartitions: 1, ReplicationFactor: 1}, false); err != nil {
		t.Fatal(err)
	}
	kc, err := kgo.NewClient(kgo.SeedBrokers(cluster.Addrs()...), kgo.TransactionalID("fetch-records-test"),
		kgo.DefaultProduceTopic(topic))
	if err != nil {
		t.Fatal(err)
	}
	defer kc.Close()
	txn := func(value string, end kgo.TransactionEndTry) {
		t.Helper()
		if err := kc.BeginTransaction(); err != nil {
			t.Fatal(err)
		}
		if err := kc.ProduceSync(ctx, &kgo.Record{Key: []byte("k"), Value: []byte(value)}).FirstErr(); err != nil {
			t.Fatal(err)
		}
		if err := kc.EndTransaction(ctx, end); err != nil {
			t.Fatal(err)
		}
	}
	txn("a", kgo.TryCommit)
	txn("b", kgo.TryAbort)
	txn("c", kgo.TryCommit)
	plain, err := kgo.NewClient(kgo.SeedBrokers(cluster.Addrs()...), kgo.DefaultProduceTopic(topic))
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	if err := plain.ProduceSync(ctx, &kgo.Record{Key: []byte("k"), Value: []byte("d")}).FirstErr(); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		isolation sarama.IsolationLevel
		want      []string
	}{
		{sarama.ReadCommitted, []string{"a", "c", "d"}},
		{sarama.ReadUncommitted, []string{"a", "b", "c", "d"}},
	} {
		start, err := kafkaclient.PartitionOffset(client, topic, 0, sarama.OffsetOldest, tc.isolation)
		if err != nil {
			t.Fatal(err)
		}
		end, err := kafkaclient.PartitionOffset(client, topic, 0, sarama.OffsetNewest, tc.isolation)
		if err != nil {
			t.Fatal(err)
		}
		if start != 0 || end != 7 {
			t.Fatalf("isolation %d: offsets %d to %d, want 0 to 7 (four records, three markers)", tc.isolation, start, end)
		}
		var got []string
		pos := start
		for pos < end {
			blk := fetch(t, client, topic, pos, tc.isolation)
			_, vals, res := collect(blk, pos, tc.isolation == sarama.ReadCommitted)
			if res.Next <= pos {
				t.Fatalf("isolation %d: no progress at offset %d", tc.isolation, pos)
			}
			got, pos = append(got, vals...), res.Next
		}
		if !reflect.DeepEqual(got, tc.want) || pos != end {
			t.Errorf("isolation %d: values %v up to %d, want %v up to %d", tc.isolation, got, pos, tc.want, end)
		}
		// At the end: an empty fetch, nothing moves.
		if offs, _, res := collect(fetch(t, client, topic, end, tc.isolation), end, true); len(offs) != 0 || res.Next != end {
			t.Errorf("fetch at the end: offsets %v, next %d", offs, res.Next)
		}
	}

	if _, err := kafkaclient.PartitionOffset(client, "no-such-topic", 0, sarama.OffsetNewest, sarama.ReadUncommitted); err == nil {
		t.Error("an offset of a missing topic")
	}
}

func fetch(t *testing.T, client sarama.Client, topic string, pos int64, isolation sarama.IsolationLevel) *sarama.FetchResponseBlock {
	t.Helper()
	leader, err := client.Leader(topic, 0)
	if err != nil {
		t.Fatal(err)
	}
	req := &sarama.FetchRequest{Version: 11, MaxWaitTime: 10, MinBytes: 1, MaxBytes: sarama.MaxResponseSize,
		Isolation: isolation, SessionEpoch: -1}
	req.AddBlock(topic, 0, pos, 1<<20, -1)
	resp, err := leader.Fetch(req)
	if err != nil {
		t.Fatal(err)
	}
	blk := resp.GetBlock(topic, 0)
	if blk == nil || blk.Err != sarama.ErrNoError {
		t.Fatalf("fetch at %d: %+v", pos, blk)
	}
	return blk
}
