package mirror

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/IBM/sarama"
)

// consumerSettings are the Java consumer properties the task honours beyond
// what kafkaclient.Parse translates.
type consumerSettings struct {
	// reset is auto.offset.reset: "earliest", "latest" or "none".
	reset string
	// maxPollRecords is max.poll.records: the largest batch Poll returns.
	maxPollRecords int
}

// DefaultPartitionFetchBytes is Ferry's max.partition.fetch.bytes when the
// consumer settings do not name one: 256 KiB, where Java's consumer has
// 1 MiB. Java keeps a fetched batch as bytes and decodes records as they
// are polled; sarama decodes a whole fetch response into records at once,
// about 250 bytes of Go objects per record beyond its bytes, so for small
// records the fetch size sets the consumer's memory. With 256 KiB the
// benchmark's peak RSS for 100-byte records fell by a quarter to a third
// at the same throughput (docs/benchmarks.md).
const DefaultPartitionFetchBytes = 256 << 10

// applyConsumerProps reads the consumer-only keys of props (the merged
// consumer settings) into sc and returns the ones the task applies itself.
// Unknown keys are ignored; a known key with a bad value is an error that
// names it.
func applyConsumerProps(props map[string]string, sc *sarama.Config) (consumerSettings, error) {
	s := consumerSettings{reset: "earliest", maxPollRecords: 500}
	if v, ok := props["auto.offset.reset"]; ok {
		switch r := strings.ToLower(strings.TrimSpace(v)); r {
		case "earliest", "latest", "none":
			s.reset = r
		default:
			return s, fmt.Errorf("invalid value %s for consumer configuration auto.offset.reset: expected earliest, latest or none", v)
		}
	}
	if v, ok := props["isolation.level"]; ok {
		switch strings.ToLower(strings.TrimSpace(v)) {
		case "read_uncommitted":
			sc.Consumer.IsolationLevel = sarama.ReadUncommitted
		case "read_committed":
			sc.Consumer.IsolationLevel = sarama.ReadCommitted
		default:
			return s, fmt.Errorf("invalid value %s for consumer configuration isolation.level: expected read_uncommitted or read_committed", v)
		}
	}
	sc.Consumer.Fetch.Default = DefaultPartitionFetchBytes
	ints := []struct {
		key string
		min int64
		set func(int64)
	}{
		{"max.poll.records", 1, func(n int64) { s.maxPollRecords = int(n) }},
		{"fetch.min.bytes", 0, func(n int64) { sc.Consumer.Fetch.Min = int32(n) }},
		{"max.partition.fetch.bytes", 1, func(n int64) { sc.Consumer.Fetch.Default = int32(n) }},
		{"fetch.max.wait.ms", 0, func(n int64) { sc.Consumer.MaxWaitTime = time.Duration(n) * time.Millisecond }},
		// fetch.max.bytes bounds a whole fetch response (KIP-74), as
		// sarama's Fetch.MaxBytes does; sarama's Fetch.Max is a cap on a
		// partition's fetch size past which it skips a record batch, which
		// Java's consumer never does. 0 asks for the least the broker
		// sends: the first batch, as 1 does (sarama refuses 0).
		{"fetch.max.bytes", 0, func(n int64) { sc.Consumer.Fetch.MaxBytes = int32(max(n, 1)) }},
	}
	for _, k := range ints {
		v, ok := props[k.key]
		if !ok {
			continue
		}
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 32)
		if err != nil || n < k.min {
			return s, fmt.Errorf("invalid value %s for consumer configuration %s: expected an integer of at least %d", v, k.key, k.min)
		}
		k.set(n)
	}
	if v := strings.TrimSpace(props["client.rack"]); v != "" {
		// Fetch from the closest replica (KIP-392), as Java's consumer does.
		sc.RackID = v
	}
	sc.Consumer.Return.Errors = true
	return s, nil
}
