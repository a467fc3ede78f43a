package runtime

import (
	"context"
	"fmt"

	"github.com/ferrykafka/ferry/storage"
)

// offsetReader is a connector's view of the offsets topic (Java's
// OffsetStorageReaderImpl): source partitions are encoded into the exact
// offsets-topic key bytes Java uses, so offsets written by Java workers are
// found, and the other way round.
type offsetReader struct {
	connector string
	store     storage.OffsetStore
}

func (r offsetReader) Offset(ctx context.Context, partition map[string]any) (map[string]any, error) {
	out, err := r.Offsets(ctx, []map[string]any{partition})
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

func (r offsetReader) Offsets(ctx context.Context, partitions []map[string]any) ([]map[string]any, error) {
	keys := make([][]byte, len(partitions))
	for i, p := range partitions {
		k, err := storage.OffsetKey(r.connector, p)
		if err != nil {
			return nil, fmt.Errorf("encode source partition %v: %w", p, err)
		}
		keys[i] = k
	}
	raw, err := r.store.Get(ctx, keys)
	if err != nil {
		return nil, fmt.Errorf("read offsets of connector %s: %w", r.connector, err)
	}
	out := make([]map[string]any, len(partitions))
	for i, k := range keys {
		v, ok := raw[string(k)]
		if !ok || v == nil {
			continue
		}
		off, err := storage.ParseOffsetValue(v)
		if err != nil {
			// A corrupt stored offset must not silently restart the
			// partition from scratch: surface it.
			return nil, fmt.Errorf("stored offset for %s is unreadable: %w", k, err)
		}
		out[i] = off
	}
	return out, nil
}

// encodeOffsets turns committable offsets into offsets-topic entries.
func encodeOffsets(offsets []committableOffset) ([]storage.OffsetEntry, error) {
	entries := make([]storage.OffsetEntry, 0, len(offsets))
	for _, o := range offsets {
		v, err := storage.OffsetValue(o.offset)
		if err != nil {
			return nil, fmt.Errorf("encode source offset %v: %w", o.offset, err)
		}
		entries = append(entries, storage.OffsetEntry{Key: []byte(o.key), Value: v})
	}
	return entries, nil
}
