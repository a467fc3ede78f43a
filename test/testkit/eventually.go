package testkit

import (
	"testing"
	"time"
)

// Eventually polls cond every 20 ms until it returns nil or the timeout
// passes, then fails the test with the last error. It is the only way Ferry's
// tests wait for something.
func Eventually(t testing.TB, timeout time.Duration, cond func() error) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		err := cond()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("condition not met within %v: %v", timeout, err)
		}
		<-tick.C
	}
}
