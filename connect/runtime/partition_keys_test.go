package runtime

import (
	"math"
	"testing"

	"github.com/ferrykafka/ferry/storage"
)

// The cached key is always what storage.OffsetKey gives for the map as it
// is now, however the task builds or reuses its maps.
func TestPartitionKeysMatchOffsetKey(t *testing.T) {
	c := newPartitionKeys()
	reused := map[string]any{"cluster": "A", "topic": "t", "partition": 0}
	cases := []map[string]any{
		nil,
		{},
		{"cluster": "A", "topic": "t", "partition": 0},
		{"cluster": "A", "topic": "t", "partition": 1},
		{"cluster": "A", "topic": "t", "partition": int64(1)}, // another type, the same JSON
		{"cluster": "A", "topic": "t", "partition": 0},        // a new map equal to an earlier one
		{"b": []byte("x")},
		{"b": []byte("y")},
		{"f": math.NaN()}, // never equal to itself: encoded every time
		{"n": nil, "s": "v"},
		reused,
	}
	check := func(p map[string]any) {
		t.Helper()
		want, err := storage.OffsetKey("conn", p)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 2; i++ { // the second time from the cache
			got, err := c.key("conn", p)
			if err != nil || got != string(want) {
				t.Fatalf("key(%v) = %q, %v; want %q", p, got, err, want)
			}
		}
	}
	for _, p := range cases {
		check(p)
	}
	// A map changed after it was first seen gets its new key.
	reused["partition"] = 5
	check(reused)
	reused["topic"] = "u"
	check(reused)
	// Values that are not primitives are refused, as OffsetKey refuses them.
	if _, err := c.key("conn", map[string]any{"m": map[string]any{}}); err == nil {
		t.Error("a nested map was accepted")
	}
	if c.n > len(cases)+3 {
		t.Errorf("%d entries cached for %d distinct partitions", c.n, len(cases)+3)
	}
}

func BenchmarkPartitionKey(b *testing.B) {
	c := newPartitionKeys()
	for i := 0; i < b.N; i++ {
		p := map[string]any{"cluster": "A", "topic": "bench", "partition": i % 12}
		if _, err := c.key("MirrorSourceConnector", p); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkOffsetKeyUncached(b *testing.B) {
	for i := 0; i < b.N; i++ {
		p := map[string]any{"cluster": "A", "topic": "bench", "partition": i % 12}
		if _, err := storage.OffsetKey("MirrorSourceConnector", p); err != nil {
			b.Fatal(err)
		}
	}
}
