package kafkaclient

import (
	"math/rand/v2"

	"github.com/IBM/sarama"
)

// Murmur2 is Kafka's murmur2 hash (Utils.murmur2), used by the Java
// producer's default partitioner for keyed records.
func Murmur2(data []byte) int32 {
	const (
		seed uint32 = 0x9747b28c
		m    uint32 = 0x5bd1e995
		r           = 24
	)
	n := len(data)
	h := seed ^ uint32(n)
	for i := 0; i+4 <= n; i += 4 {
		k := uint32(data[i]) | uint32(data[i+1])<<8 | uint32(data[i+2])<<16 | uint32(data[i+3])<<24
		k *= m
		k ^= k >> r
		k *= m
		h *= m
		h ^= k
	}
	tail := data[n&^3:]
	switch len(tail) {
	case 3:
		h ^= uint32(tail[2]) << 16
		fallthrough
	case 2:
		h ^= uint32(tail[1]) << 8
		fallthrough
	case 1:
		h ^= uint32(tail[0])
		h *= m
	}
	h ^= h >> 13
	h *= m
	h ^= h >> 15
	return int32(h)
}

// KeyPartition is the partition Java's default partitioner picks for a
// non-null key: toPositive(murmur2(key)) % numPartitions.
func KeyPartition(key []byte, numPartitions int32) int32 {
	return (Murmur2(key) & 0x7fffffff) % numPartitions
}

// ExplicitPartition marks a message whose Partition field was chosen by its
// producer (a connector); set it as the message's Metadata or embed it.
type ExplicitPartition interface{ PartitionIsExplicit() bool }

// JavaPartitioner returns a sarama partitioner that behaves like the Java
// producer's: a message whose Metadata says its partition is explicit keeps
// it; a keyed message goes to murmur2(key); a message without a key goes to
// a random partition.
func JavaPartitioner(string) sarama.Partitioner { return javaPartitioner{} }

type javaPartitioner struct{}

func (javaPartitioner) Partition(msg *sarama.ProducerMessage, numPartitions int32) (int32, error) {
	if e, ok := msg.Metadata.(ExplicitPartition); ok && e.PartitionIsExplicit() {
		if msg.Partition < 0 || msg.Partition >= numPartitions {
			return -1, sarama.ErrInvalidPartition
		}
		return msg.Partition, nil
	}
	if msg.Key == nil {
		return rand.Int32N(numPartitions), nil
	}
	key, err := msg.Key.Encode()
	if err != nil {
		return -1, err
	}
	if key == nil {
		return rand.Int32N(numPartitions), nil
	}
	return KeyPartition(key, numPartitions), nil
}

func (javaPartitioner) RequiresConsistency() bool { return true }

// MessageRequiresConsistency lets keyless records go to any available
// partition, while keyed and explicitly placed ones keep theirs.
func (javaPartitioner) MessageRequiresConsistency(msg *sarama.ProducerMessage) bool {
	if e, ok := msg.Metadata.(ExplicitPartition); ok && e.PartitionIsExplicit() {
		return true
	}
	return msg.Key != nil
}
