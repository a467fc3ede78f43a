package mirror

import "testing"

func TestTopicPartitionEncoding(t *testing.T) {
	for s, want := range map[string]topicPartition{
		"orders-0":       {"orders", 0},
		"my-topic-12":    {"my-topic", 12},
		"a--1":           {"a-", 1},
		"A.orders-7":     {"A.orders", 7},
		"-3":             {"", 3},
		"big-2147483647": {"big", 2147483647},
	} {
		got, err := decodeTopicPartition(s)
		if err != nil || got != want {
			t.Errorf("decode(%q) = %v, %v; want %v", s, got, err, want)
		}
		if got.String() != s {
			t.Errorf("%v.String() = %q; want %q", got, got.String(), s)
		}
	}
	for _, bad := range []string{"orders", "orders-", "orders-x", "orders-2147483648", "orders-1.5", ""} {
		if tp, err := decodeTopicPartition(bad); err == nil {
			t.Errorf("decode(%q) = %v; want an error", bad, tp)
		}
	}
}

func TestExpandPartitionsOrder(t *testing.T) {
	got := expandPartitions(map[string]int32{"b": 2, "a": 1, "c": 0, "a.b": 3})
	want := []topicPartition{{"a", 0}, {"a.b", 0}, {"a.b", 1}, {"a.b", 2}, {"b", 0}, {"b", 1}}
	if len(got) != len(want) {
		t.Fatalf("got %v; want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("got %v; want %v", got, want)
		}
	}
}
