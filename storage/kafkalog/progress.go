package kafkalog

import (
	"context"
	"time"
)

// progressInterval is how often a long initial read reports how far it got
// (a large offsets topic can take minutes to read at start-up).
const progressInterval = 5 * time.Second

// initialRead reads to the end at start-up, logging progress every
// progressInterval and a summary at the end.
func (l *Log) initialRead(ctx context.Context, start map[int32]int64) error {
	began := time.Now()
	done := make(chan struct{})
	defer close(done)
	go func() {
		tick := time.NewTicker(progressInterval)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				l.log.Info().Int64("records_read", l.readSince(start)).Dur("elapsed", time.Since(began)).
					Msg("still reading the compacted log to its end")
			}
		}
	}()
	if err := l.ReadToEnd(ctx); err != nil {
		return err
	}
	l.log.Info().Int64("records_read", l.readSince(start)).Dur("took", time.Since(began)).Msg("read the compacted log to its end")
	return nil
}

// readSince is how many offsets the reader has moved past since start, over
// all partitions (compaction gaps included).
func (l *Log) readSince(start map[int32]int64) int64 {
	l.posMu.Lock()
	defer l.posMu.Unlock()
	var n int64
	for p, off := range l.positions {
		n += off - start[p]
	}
	return n
}
