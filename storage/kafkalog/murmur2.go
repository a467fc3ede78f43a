package kafkalog

import (
	"sync/atomic"

	"github.com/IBM/sarama"
)

// Murmur2 is Kafka's Utils.murmur2: the 32-bit MurmurHash2 variant the Java
// producer's default partitioner applies to serialized keys.
func Murmur2(data []byte) int32 {
	const (
		seed = 0x9747b28c
		m    = 0x5bd1e995
		r    = 24
	)
	length := len(data)
	h := uint32(seed) ^ uint32(length)
	n4 := length / 4
	for i := 0; i < n4; i++ {
		j := i * 4
		k := uint32(data[j]) | uint32(data[j+1])<<8 | uint32(data[j+2])<<16 | uint32(data[j+3])<<24
		k *= m
		k ^= k >> r
		k *= m
		h *= m
		h ^= k
	}
	tail := data[n4*4:]
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

// PartitionForKey is the Java producer's choice for a keyed record:
// toPositive(murmur2(key)) % numPartitions.
func PartitionForKey(key []byte, numPartitions int32) int32 {
	return (Murmur2(key) & 0x7fffffff) % numPartitions
}

// murmur2Partitioner places keyed records where a Java producer would, so a
// compacted key written by Java and by Ferry lands in the same partition.
// Records without a key go round-robin (Java's sticky partitioner differs,
// but Connect's internal topics always have keys).
type murmur2Partitioner struct {
	next atomic.Uint32
}

// NewMurmur2Partitioner is a sarama.PartitionerConstructor for
// Config.Producer.Partitioner.
func NewMurmur2Partitioner(topic string) sarama.Partitioner { return &murmur2Partitioner{} }

func (p *murmur2Partitioner) Partition(msg *sarama.ProducerMessage, numPartitions int32) (int32, error) {
	if msg.Key != nil {
		key, err := msg.Key.Encode()
		if err != nil {
			return -1, err
		}
		if key != nil {
			return PartitionForKey(key, numPartitions), nil
		}
	}
	return int32((p.next.Add(1) - 1) % uint32(numPartitions)), nil
}

func (p *murmur2Partitioner) RequiresConsistency() bool { return true }

// MessageRequiresConsistency lets keyless records go to any available
// partition while keyed ones always go to their hash partition.
func (p *murmur2Partitioner) MessageRequiresConsistency(msg *sarama.ProducerMessage) bool {
	return msg.Key != nil
}
