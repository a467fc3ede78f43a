package mirror

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// topicPartition is one partition of a source topic.
type topicPartition struct {
	topic     string
	partition int32
}

// String is Java's TopicPartition.toString ("topic-partition"), the form
// task.assigned.partitions holds.
func (tp topicPartition) String() string {
	return tp.topic + "-" + strconv.FormatInt(int64(tp.partition), 10)
}

// decodeTopicPartition is Java's MirrorUtils.decodeTopicPartition: the
// partition number follows the last '-', so topic names may contain '-'.
func decodeTopicPartition(s string) (topicPartition, error) {
	i := strings.LastIndexByte(s, '-')
	if i < 0 {
		return topicPartition{}, fmt.Errorf("%q is not a topic-partition: no '-' before the partition number", s)
	}
	p, err := strconv.ParseInt(s[i+1:], 10, 32)
	if err != nil || p < 0 {
		return topicPartition{}, fmt.Errorf("%q is not a topic-partition: %q is not a partition number", s, s[i+1:])
	}
	return topicPartition{topic: s[:i], partition: int32(p)}, nil
}

// expandPartitions lists the partitions of the given topics (name ->
// partition count) in the connector's discovery order: topics sorted by
// name, then partitions in ascending order. TaskConfigs deals them out in
// this order, so task configs do not change unless the partitions do.
func expandPartitions(counts map[string]int32) []topicPartition {
	var out []topicPartition
	for topic, n := range counts {
		for p := int32(0); p < n; p++ {
			out = append(out, topicPartition{topic: topic, partition: p})
		}
	}
	slices.SortFunc(out, func(a, b topicPartition) int {
		return cmp.Or(cmp.Compare(a.topic, b.topic), cmp.Compare(a.partition, b.partition))
	})
	return out
}
