package bench

import (
	"context"
	"encoding/binary"
	"testing"
	"time"

	"github.com/ferrykafka/ferry/test/testkit"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// The loader writes lz4 batches as frames of the block size asked for, and
// they read back whole.
func TestLoadDatasetLZ4Framing(t *testing.T) {
	cl := testkit.NewCluster(t, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	client, err := NewClient(cl.Addrs())
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	d := newDataset(2000, 100, "lz4")
	// The block size is the frame descriptor's BD byte, bits 4-6.
	for block, wantID := range map[string]byte{"64KB": 4, "4mb": 7} {
		topic := testkit.UniqueName("lz4")
		if err := CreateTopic(ctx, client, topic, 1); err != nil {
			t.Fatal(err)
		}
		if err := LoadDataset(ctx, cl.Addrs(), topic, 1, d, block); err != nil {
			t.Fatalf("load with %s blocks: %v", block, err)
		}
		// The client picks the fetch version, which may name the topic
		// by its ID.
		meta := kmsg.NewPtrMetadataRequest()
		mt := kmsg.NewMetadataRequestTopic()
		mt.Topic = kmsg.StringPtr(topic)
		meta.Topics = append(meta.Topics, mt)
		mresp, err := meta.RequestWith(ctx, client)
		if err != nil || len(mresp.Topics) != 1 {
			t.Fatalf("metadata of %s: %v", topic, err)
		}
		req := kmsg.NewPtrFetchRequest()
		req.MaxBytes = 50 << 20
		rt := kmsg.NewFetchRequestTopic()
		rt.Topic = topic
		rt.TopicID = mresp.Topics[0].TopicID
		rp := kmsg.NewFetchRequestTopicPartition()
		rp.PartitionMaxBytes = 50 << 20
		rt.Partitions = append(rt.Partitions, rp)
		req.Topics = append(req.Topics, rt)
		resp, err := req.RequestWith(ctx, client)
		if err != nil {
			t.Fatal(err)
		}
		if len(resp.Topics) != 1 || len(resp.Topics[0].Partitions) != 1 || resp.Topics[0].Partitions[0].ErrorCode != 0 {
			t.Fatalf("%s: fetch response %+v", block, resp.Topics)
		}
		raw := resp.Topics[0].Partitions[0].RecordBatches
		batches, records := 0, 0
		for len(raw) >= 61 {
			size := 12 + int(binary.BigEndian.Uint32(raw[8:12]))
			batch := raw[:size]
			if codec := binary.BigEndian.Uint16(batch[21:23]) & 7; codec != 3 {
				t.Fatalf("%s: batch codec %d; want lz4 (3)", block, codec)
			}
			frame := batch[61:]
			if binary.LittleEndian.Uint32(frame) != 0x184D2204 {
				t.Fatalf("%s: batch does not hold an LZ4 frame: % x", block, frame[:8])
			}
			if id := frame[5] >> 4 & 7; id != wantID {
				t.Errorf("%s: frame declares block size id %d; want %d", block, id, wantID)
			}
			records += int(binary.BigEndian.Uint32(batch[57:61]))
			batches++
			raw = raw[size:]
		}
		if batches == 0 || records != d.Records {
			t.Errorf("%s: %d batches holding %d records; want %d records", block, batches, records, d.Records)
		}
		consumer, err := NewClient(cl.Addrs(), kgo.ConsumeTopics(topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
		if err != nil {
			t.Fatal(err)
		}
		read := 0
		for read < d.Records && ctx.Err() == nil {
			fs := consumer.PollFetches(ctx)
			fs.EachRecord(func(r *kgo.Record) {
				if len(r.Value) != d.ValueBytes {
					t.Errorf("%s: a %d-byte value; want %d", block, len(r.Value), d.ValueBytes)
				}
				read++
			})
		}
		consumer.Close()
		if read != d.Records {
			t.Errorf("%s: read back %d records; want %d", block, read, d.Records)
		}
	}
	if _, _, err := parseLZ4Block("2MB"); err == nil {
		t.Error("a 2MB block size was accepted")
	}
}
