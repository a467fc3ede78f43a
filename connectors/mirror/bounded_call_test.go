package mirror

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestBoundedCall(t *testing.T) {
	var wg sync.WaitGroup
	v, err := boundedCall(context.Background(), time.Second, &wg, func() (int, error) { return 42, nil }, nil)
	if v != 42 || err != nil {
		t.Fatalf("fast call = %d, %v", v, err)
	}

	// A call that outlives the timeout returns promptly; its late result
	// is released and tracked by the WaitGroup.
	unblock := make(chan struct{})
	released := make(chan int, 1)
	began := time.Now()
	_, err = boundedCall(context.Background(), 50*time.Millisecond, &wg,
		func() (int, error) { <-unblock; return 7, nil },
		func(v int, err error) { released <- v })
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "admin.timeout.ms") {
		t.Fatalf("slow call error = %v", err)
	}
	if d := time.Since(began); d > time.Second {
		t.Errorf("slow call returned after %v", d)
	}
	close(unblock)
	if got := <-released; got != 7 {
		t.Errorf("released %d", got)
	}
	if !waitGroup(context.Background(), &wg) {
		t.Fatal("wait group did not finish")
	}

	// A cancelled context ends the wait too.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	block := make(chan struct{})
	defer close(block)
	if _, err := boundedCall(ctx, time.Hour, &wg, func() (int, error) { <-block; return 0, nil }, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled call error = %v", err)
	}
}
