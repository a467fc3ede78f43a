package e2e

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/ferrykafka/ferry/test/testkit"
)

// TestOffsetSyncsMatchCopiedRecords: a worker mirroring a topic writes
// offset syncs to mm2-offset-syncs.<target alias>.internal on the source
// cluster that decode as Java's, and every pair names the same record on both
// sides: the upstream record at Upstream is the one copied at Downstream.
// The remote topic already holds a few records (so downstream offsets are
// not upstream ones), and one partition has transaction markers (gaps in
// the upstream offsets, so the distance between the two varies). Once the stream stops, the last record of every
// partition is synced by the next offset commit.
func TestOffsetSyncsMatchCopiedRecords(t *testing.T) {
	t.Parallel()
	ks := testkit.StartKafkas(t, "source", "target")
	source, target := ks[0], ks[1]
	topic := testkit.UniqueName("orders")
	remote := sourceAlias + "." + topic
	const parts, perPartition, lagMax = 3, 2000, 50
	const txns, perTxn = 10, 20
	// A target alias of its own names a syncs topic of its own. The test
	// creates that topic without compaction, so it sees every sync and not
	// only the latest one per partition (the in-process Kafka compacts
	// within 200 ms); the connector finds it there.
	targetAlias := testkit.UniqueName("target")
	syncsTopic := "mm2-offset-syncs." + targetAlias + ".internal"
	createTopic(t, source.Addrs(), syncsTopic, 1)
	createTopic(t, source.Addrs(), topic, parts)
	createTopic(t, target.Addrs(), remote, parts)
	shift := map[int32]int{0: 3, 1: 8, 2: 13}
	for p, n := range shift {
		produceTo(t, target.Addrs(), remote, p, n)
	}
	// Transactions first: readAll stops at the last data record, so no
	// partition may end with a commit marker.
	produceTransactions(t, source.Addrs(), topic, 0, txns, perTxn)
	produce(t, source.Addrs(), topic, parts, 0, parts*perPartition)

	w := startWorker(t, writeProps(t, workerProps(target.Addrs(), testkit.UniqueName("e2e-offsetsync"))))
	cfg := mirrorConfig(source.Addrs(), target.Addrs(), topic)
	cfg["offset.lag.max"] = fmt.Sprint(lagMax)
	cfg["target.cluster.alias"] = targetAlias
	code, body := call(t, http.MethodPost, w.restURL()+"/connectors", map[string]any{"name": "mirror", "config": cfg})
	if code != http.StatusCreated {
		t.Fatalf("create connector: %d %s", code, body)
	}

	src := readAll(t, source.Addrs(), topic)
	copied := 0
	for _, recs := range src {
		copied += len(recs)
	}
	_, tgt := saramaConfig(t, target.Addrs())
	testkit.Eventually(t, 120*time.Second, func() error {
		want := int64(copied + shift[0] + shift[1] + shift[2])
		if n := endOffsets(t, tgt, remote); n < want {
			return fmt.Errorf("%d of %d records on the target", n, want)
		}
		return nil
	})

	// The last record of each partition is synced by a commit
	// (offset.flush.interval.ms is 500).
	var syncs []offsetSyncRecord
	testkit.Eventually(t, 30*time.Second, func() error {
		syncs = readOffsetSyncs(t, source.Addrs(), syncsTopic)
		last := lastSyncs(syncs, topic)
		for p := int32(0); p < parts; p++ {
			recs := src[p]
			want := offsetSyncRecord{topic, p, recs[len(recs)-1].Offset, int64(shift[p] + len(recs) - 1)}
			if last[p] != want {
				return fmt.Errorf("partition %d: last sync %v; want %v", p, last[p], want)
			}
		}
		return nil
	})

	dst := readAll(t, target.Addrs(), remote)
	perPart := map[int32][]offsetSyncRecord{}
	for _, s := range syncs {
		if s.Topic != topic || s.Partition < 0 || s.Partition >= parts {
			t.Fatalf("sync for an unknown partition: %v", s)
		}
		perPart[s.Partition] = append(perPart[s.Partition], s)
	}
	for p := int32(0); p < parts; p++ {
		srcAt, dstAt := byOffset(src[p]), byOffset(dst[p])
		list := perPart[p]
		if first := (offsetSyncRecord{topic, p, src[p][0].Offset, int64(shift[p])}); list[0] != first {
			t.Errorf("partition %d: first sync %v; want %v (the first record)", p, list[0], first)
		}
		gaps := 0
		for i, s := range list {
			up, ok1 := srcAt[s.Upstream]
			down, ok2 := dstAt[s.Downstream]
			if !ok1 || !ok2 {
				t.Errorf("sync %v: no record upstream (%v) or downstream (%v)", s, ok1, ok2)
				continue
			}
			if err := sameRecords([]record{up}, []record{down}); err != nil {
				t.Errorf("sync %v pairs different records: %v", s, err)
			}
			if i > 0 && (s.Upstream <= list[i-1].Upstream || s.Downstream <= list[i-1].Downstream) {
				t.Errorf("partition %d: sync %v after %v", p, s, list[i-1])
			}
			if _, ok := srcAt[s.Upstream-1]; !ok && s.Upstream > 0 {
				// Synced right after a transaction marker. Not every gap
				// gets its sync: while 10 syncs are unacknowledged a newer
				// one of the partition replaces a waiting one, as in Java.
				gaps++
			}
		}
		// offset.lag.max keeps syncs sparse: one per lagMax+1 records,
		// plus gaps and commits; never one per record.
		if n := len(src[p]); len(list) > n/5 {
			t.Errorf("partition %d: %d syncs for %d records (offset.lag.max %d)", p, len(list), n, lagMax)
		}
		t.Logf("OFFSET SYNCS partition %d: %d records (downstream shifted by %d), %d syncs (%d right after a gap), first %v, last %v",
			p, len(src[p]), shift[p], len(list), gaps, list[0], list[len(list)-1])
	}
	w.stop()
}
