package kafkaclient

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestBounded(t *testing.T) {
	v, err := Bounded(context.Background(), func() (int, error) { return 7, nil }, nil)
	if v != 7 || err != nil {
		t.Fatalf("%d, %v", v, err)
	}
	boom := errors.New("boom")
	if _, err := Bounded(context.Background(), func() (int, error) { return 0, boom }, nil); !errors.Is(err, boom) {
		t.Fatalf("error %v, want boom", err)
	}

	// An abandoned call: ctx's error at once, and late gets the value.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	release := make(chan struct{})
	released := make(chan int, 1)
	_, err = Bounded(ctx, func() (int, error) { <-release; return 9, nil }, func(v int) { released <- v })
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
	close(release)
	select {
	case v := <-released:
		if v != 9 {
			t.Fatalf("late got %d, want 9", v)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("late never called")
	}
}

func TestBackoff(t *testing.T) {
	want := []time.Duration{100, 200, 400, 800, 1000, 1000}
	for n, w := range want {
		if got := Backoff(n, 100*time.Millisecond, time.Second); got != w*time.Millisecond {
			t.Errorf("Backoff(%d) = %v, want %v", n, got, w*time.Millisecond)
		}
	}
	if got := Backoff(1000, time.Millisecond, time.Hour); got != time.Hour {
		t.Errorf("a large n: %v", got)
	}
}

func TestSleep(t *testing.T) {
	if !Sleep(context.Background(), time.Millisecond) {
		t.Error("Sleep with a live ctx returned false")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if Sleep(ctx, time.Hour) {
		t.Error("Sleep with an ended ctx returned true")
	}
}
