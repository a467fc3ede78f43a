package e2e

import (
	"fmt"
	"testing"
	"time"

	"github.com/ferrykafka/ferry/test/testkit"
)

// TestMirrorIdentityPolicy: with Java's IdentityReplicationPolicy class name
// the topic keeps its name on the target (no alias prefix), every record
// arrives in its partition, and no renamed copy is created.
func TestMirrorIdentityPolicy(t *testing.T) {
	t.Parallel()
	ks := testkit.StartKafkas(t, "source", "target")
	source, target := ks[0], ks[1]
	topic := testkit.UniqueName("identity")
	createTopic(t, source.Addrs(), topic, 2)
	produce(t, source.Addrs(), topic, 2, 0, 50)

	cfg := mirrorConfig(source.Addrs(), target.Addrs(), topic)
	cfg["replication.policy.class"] = "org.apache.kafka.connect.mirror.IdentityReplicationPolicy"
	startMirror(t, target.Addrs(), "identity", cfg)

	_, tgt := saramaConfig(t, target.Addrs())
	testkit.Eventually(t, 60*time.Second, func() error {
		if n := endOffsets(t, tgt, topic); n != 50 {
			return fmt.Errorf("%d of 50 records copied to %s", n, topic)
		}
		return nil
	})
	src, dst := readAll(t, source.Addrs(), topic), readAll(t, target.Addrs(), topic)
	for _, p := range partitionsOf(src) {
		if err := sameRecords(src[p], dst[p]); err != nil {
			t.Errorf("partition %d: %v", p, err)
		}
	}
	if err := tgt.RefreshMetadata(); err != nil {
		t.Fatal(err)
	}
	names, err := tgt.Topics()
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		if n == sourceAlias+"."+topic {
			t.Errorf("the identity policy created the renamed topic %s", n)
		}
	}
}
