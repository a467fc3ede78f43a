package kafkaclient

import (
	"encoding/binary"
	"errors"
	"slices"
	"time"

	"github.com/IBM/sarama"
)

// FetchedRecord is one data record of a fetch response, with its absolute
// offset. Timestamp is the broker's append time when the topic uses
// LogAppendTime, the producer's otherwise. Legacy (v0/v1) messages carry no
// headers.
type FetchedRecord struct {
	Offset    int64
	Key       []byte
	Value     []byte
	Timestamp time.Time
	Headers   []*sarama.RecordHeader
}

// Fetched sums up what FetchedRecords found in one partition's response.
type Fetched struct {
	// Next is the position after every batch seen: offsets held by
	// compacted-away records, transaction markers and aborted records
	// count as read. It is never below the position given.
	Next int64
	// Complete: at least one whole batch (or legacy message) arrived.
	Complete bool
	// Partial: the response ended with a batch cut short by the fetch
	// size.
	Partial bool
}

// ErrBatchTooLarge is returned by NextFetchSize when a single record batch
// does not fit in the largest fetch response sarama accepts.
var ErrBatchTooLarge = errors.New("a record batch is larger than the largest fetch response")

// NextFetchSize is the per-partition fetch size for the next request:
// base again after a response with a whole batch, twice current after one
// holding nothing but a partial batch (the batch is larger than the fetch
// size), current otherwise. It fails with ErrBatchTooLarge once doubling
// would pass the largest response.
func (f Fetched) NextFetchSize(current, base int32) (int32, error) {
	switch {
	case f.Complete:
		return base, nil
	case f.Partial:
		if current >= sarama.MaxResponseSize/2 {
			return current, ErrBatchTooLarge
		}
		return current * 2, nil
	}
	return current, nil
}

// FetchedRecords hands fn, in offset order, the data records of one
// partition's fetch response at or after from, and says where the next
// fetch starts. It reads record batches (message format v2) and legacy
// message sets (v0/v1, compressed wrappers included). Control batches
// (transaction markers) are stepped over; with readCommitted, so are the
// records of the aborted transactions the response lists, as Java's
// consumer does under isolation.level=read_committed.
func FetchedRecords(blk *sarama.FetchResponseBlock, from int64, readCommitted bool, fn func(FetchedRecord)) Fetched {
	res := Fetched{Next: from}
	if blk == nil {
		return res
	}
	var aborted []*sarama.AbortedTransaction
	if readCommitted {
		aborted = slices.Clone(blk.AbortedTransactions)
		slices.SortFunc(aborted, func(a, b *sarama.AbortedTransaction) int {
			switch {
			case a.FirstOffset < b.FirstOffset:
				return -1
			case a.FirstOffset > b.FirstOffset:
				return 1
			}
			return 0
		})
	}
	// Producers whose open transaction was aborted, until its marker.
	abortedPIDs := map[int64]bool{}
	for _, set := range blk.RecordsSet {
		switch {
		case set == nil:
		case set.RecordBatch != nil:
			b := set.RecordBatch
			if b.PartialTrailingRecord {
				res.Partial = true
				continue
			}
			res.Complete = true
			last := b.FirstOffset + int64(b.LastOffsetDelta)
			for len(aborted) > 0 && aborted[0].FirstOffset <= last {
				abortedPIDs[aborted[0].ProducerID] = true
				aborted = aborted[1:]
			}
			if last < res.Next {
				continue
			}
			if b.Control {
				if len(b.Records) > 0 && b.Records[0] != nil && isAbortMarker(b.Records[0].Key) {
					delete(abortedPIDs, b.ProducerID)
				}
				res.Next = last + 1
				continue
			}
			skip := readCommitted && b.IsTransactional && abortedPIDs[b.ProducerID]
			for _, rec := range b.Records {
				if rec == nil {
					continue
				}
				off := b.FirstOffset + rec.OffsetDelta
				if off < res.Next {
					continue
				}
				if !skip {
					ts := b.FirstTimestamp.Add(rec.TimestampDelta)
					if b.LogAppendTime {
						ts = b.MaxTimestamp
					}
					fn(FetchedRecord{Offset: off, Key: rec.Key, Value: rec.Value, Timestamp: ts, Headers: rec.Headers})
				}
				res.Next = off + 1
			}
			res.Next = max(res.Next, last+1)
		case set.MsgSet != nil:
			if set.MsgSet.PartialTrailingMessage {
				res.Partial = true
			}
			if legacyRecords(set.MsgSet, &res.Next, fn) {
				res.Complete = true
			}
		}
	}
	return res
}

// legacyRecords handles a message set of format v0/v1 (brokers before
// 0.11, or topics kept on the old format), moving *next past each message
// handed to fn. It reports whether any message was seen.
func legacyRecords(set *sarama.MessageSet, next *int64, fn func(FetchedRecord)) bool {
	seen := false
	for _, mb := range set.Messages {
		if mb == nil || mb.Msg == nil {
			continue
		}
		inner := mb.Messages()
		base := int64(0)
		if mb.Msg.Set != nil && mb.Msg.Version >= 1 && len(inner) > 0 {
			// A compressed v1 wrapper holds the absolute offset of its
			// last message; the offsets inside are relative.
			base = mb.Offset - inner[len(inner)-1].Offset
		}
		for _, m := range inner {
			if m == nil || m.Msg == nil {
				continue
			}
			seen = true
			off := base + m.Offset
			if off < *next {
				continue
			}
			ts := m.Msg.Timestamp
			if mb.Msg.LogAppendTime {
				ts = mb.Msg.Timestamp
			}
			fn(FetchedRecord{Offset: off, Key: m.Msg.Key, Value: m.Msg.Value, Timestamp: ts})
			*next = off + 1
		}
	}
	return seen
}

// isAbortMarker reads the key of a control record: INT16 version, INT16
// type (0 abort, 1 commit).
func isAbortMarker(key []byte) bool {
	return len(key) >= 4 && binary.BigEndian.Uint16(key[2:4]) == 0
}
