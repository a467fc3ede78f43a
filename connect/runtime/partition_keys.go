package runtime

import (
	"bytes"
	"hash/maphash"
	"maps"
	"reflect"
	"unsafe"

	"github.com/ferrykafka/ferry/storage"
)

// maxCachedPartitionKeys bounds the partition key cache of one task.
const maxCachedPartitionKeys = 100_000

// partitionKeys caches the offsets-topic key of each source partition a
// task sends records for: encoding it (Java's JSON, in Java's HashMap
// order) for every record cost a quarter of the CPU of a mirroring run.
// A partition is found by a hash of its entries and confirmed by comparing
// them, so a task that builds a new map per record, or reuses and changes
// one, still gets the right key. Only maps of primitive values are cached;
// it is used by the task's poll goroutine only.
//
// Within one Poll batch the records of a partition usually share one map:
// batchKey finds those by the map's identity alone (maps of one batch
// exist side by side, so one map object has one content for the whole
// batch).
type partitionKeys struct {
	seed    maphash.Seed
	entries map[uint64][]partitionKey
	n       int
	// inBatch is the maps seen in the current batch, by identity.
	inBatch []batchEntry
}

type batchEntry struct {
	m   unsafe.Pointer
	key string
}

// maxBatchEntries bounds inBatch: a batch with more partitions than this
// looks the rest up by content.
const maxBatchEntries = 32

type partitionKey struct {
	partition map[string]any // a copy
	key       string
}

func newPartitionKeys() *partitionKeys {
	return &partitionKeys{seed: maphash.MakeSeed(), entries: map[uint64][]partitionKey{}}
}

// newBatch starts a new Poll batch: maps are not recognised by identity
// across batches (a task may change a map between two Polls).
func (c *partitionKeys) newBatch() {
	clear(c.inBatch)
	c.inBatch = c.inBatch[:0]
}

// batchKey is key for a record of the current batch.
func (c *partitionKeys) batchKey(connector string, p map[string]any) (string, error) {
	id := reflect.ValueOf(p).UnsafePointer()
	for i := len(c.inBatch) - 1; i >= 0; i-- {
		if c.inBatch[i].m == id {
			return c.inBatch[i].key, nil
		}
	}
	k, err := c.key(connector, p)
	if err == nil && len(c.inBatch) < maxBatchEntries {
		c.inBatch = append(c.inBatch, batchEntry{m: id, key: k})
	}
	return k, err
}

// key returns the offsets-topic key of connector's source partition p.
func (c *partitionKeys) key(connector string, p map[string]any) (string, error) {
	h, cacheable := c.hash(p)
	if cacheable {
		for _, e := range c.entries[h] {
			if samePartition(e.partition, p) {
				return e.key, nil
			}
		}
	}
	k, err := storage.OffsetKey(connector, p)
	if err != nil {
		return "", err
	}
	if cacheable && c.n < maxCachedPartitionKeys {
		c.entries[h] = append(c.entries[h], partitionKey{partition: maps.Clone(p), key: string(k)})
		c.n++
	}
	return string(k), nil
}

// hash combines the entries' hashes independently of their order; false
// when a value is not a primitive the cache compares.
func (c *partitionKeys) hash(p map[string]any) (uint64, bool) {
	if p == nil {
		return 0, true
	}
	var h uint64 = 1
	for k, v := range p {
		vh, ok := c.hashValue(v)
		if !ok {
			return 0, false
		}
		h += maphash.String(c.seed, k)*31 + vh
	}
	return h, true
}

func (c *partitionKeys) hashValue(v any) (uint64, bool) {
	switch x := v.(type) {
	case nil:
		return 7, true
	case []byte:
		return maphash.Bytes(c.seed, x), true
	case string:
		return maphash.String(c.seed, x), true
	case bool, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, float32, float64:
		return maphash.Comparable(c.seed, v), true
	}
	return 0, false
}

// samePartition compares two maps of primitive values (a value's type
// counts: int 1 and int64 1 are different entries, with equal keys).
func samePartition(a, b map[string]any) bool {
	if (a == nil) != (b == nil) || len(a) != len(b) {
		return false
	}
	for k, av := range a {
		bv, ok := b[k]
		if !ok {
			return false
		}
		if ab, isBytes := av.([]byte); isBytes {
			bb, ok := bv.([]byte)
			if !ok || !bytes.Equal(ab, bb) {
				return false
			}
			continue
		}
		if _, isBytes := bv.([]byte); isBytes || av != bv {
			return false
		}
	}
	return true
}
