package producer

import (
	"errors"
	"sync"
	"time"

	"github.com/IBM/sarama"
	"github.com/rs/zerolog"
)

// ErrClosed is returned by Send after Close.
var ErrClosed = errors.New("the producer is closed")

// defaultBufferMemory is buffer.memory when unset: 4 MiB, not Java's
// 32 MiB. Java copies records into its own buffers; here a record waits as
// the caller's objects, which keep the consumer's fetch buffers they were
// cut from alive, so the buffer is most of a mirroring process's memory.
// 4 MiB holds a request in flight (at most half of it) and the next one
// filling; with 100-byte records, 32 MiB raised peak RSS from 90 to
// 116-162 MiB (lz4: 138 to 206-335 MiB) and did not raise throughput
// (make bench-quick).
const defaultBufferMemory = 4 << 20

// Options are the settings that have no sarama equivalent.
type Options struct {
	// BufferMemory bounds the bytes held between Send and Result (Java's
	// buffer.memory); each record counts its ByteSize plus 512 bytes of
	// bookkeeping. Zero means defaultBufferMemory (4 MiB).
	BufferMemory int
	// MaxBlock is how long records wait for their topic to show up in
	// metadata (Java's max.block.ms) before they fail; a topic created a
	// moment ago may be unknown to the broker answering for a while. Zero
	// means 60 s, Java's default.
	MaxBlock time.Duration
	Log      zerolog.Logger
}

// defaultMaxBlock is MaxBlock when unset: Java's max.block.ms default.
const defaultMaxBlock = 60 * time.Second

// settings are the producer's settings, from the client's sarama.Config.
type settings struct {
	acks           sarama.RequiredAcks
	timeout        time.Duration
	codec          sarama.CompressionCodec
	level          int
	maxRequestSize int
	linger         time.Duration
	batchSize      int
	maxRetries     int
	backoff        func(retries int) time.Duration
	bufferMemory   int
	maxBlock       time.Duration
	requestVersion int16
}

func newSettings(c *sarama.Config, o Options) settings {
	s := settings{acks: c.Producer.RequiredAcks, timeout: c.Producer.Timeout, codec: c.Producer.Compression,
		level: c.Producer.CompressionLevel, maxRequestSize: c.Producer.MaxMessageBytes,
		linger: c.Producer.Flush.Frequency, batchSize: c.Producer.Flush.Bytes, maxRetries: c.Producer.Retry.Max,
		bufferMemory: o.BufferMemory, maxBlock: o.MaxBlock, requestVersion: produceVersion(c.Version)}
	if s.bufferMemory <= 0 {
		s.bufferMemory = defaultBufferMemory
	}
	if s.maxBlock <= 0 {
		s.maxBlock = defaultMaxBlock
	}
	if s.maxRequestSize <= 0 {
		s.maxRequestSize = 1 << 20
	}
	s.backoff = func(retries int) time.Duration { return c.Producer.Retry.Backoff }
	if f := c.Producer.Retry.BackoffFunc; f != nil {
		s.backoff = func(retries int) time.Duration { return f(retries, c.Producer.Retry.Max) }
	}
	return s
}

// produceVersion is the Produce request version for a protocol version
// (v3, record batches, at least: every broker since Kafka 0.11).
func produceVersion(v sarama.KafkaVersion) int16 {
	switch {
	case v.IsAtLeast(sarama.V3_7_0_0):
		return 10
	case v.IsAtLeast(sarama.V2_8_0_0):
		return 9
	case v.IsAtLeast(sarama.V2_4_0_0):
		return 8
	case v.IsAtLeast(sarama.V2_1_0_0):
		return 7
	case v.IsAtLeast(sarama.V2_0_0_0):
		return 6
	case v.IsAtLeast(sarama.V1_0_0_0):
		return 5
	}
	return 3
}

// Producer sends records to Kafka. Send, Space, Results and Close may be
// called from any goroutine; Results must be drained until it is closed.
type Producer struct {
	client sarama.Client
	set    settings
	log    zerolog.Logger

	// mu guards everything below and every partQueue and sender list.
	mu         sync.Mutex
	intake     []*Record
	spare      []*Record
	held       int // records between Send and their Result
	heldBytes  int
	closing    bool
	finished   bool
	queues     map[topicPartition]*partQueue
	senders    map[int32]*sender
	unresolved []*partQueue

	// waiting holds the records of topics not in metadata yet (the
	// dispatcher goroutine's alone).
	waiting topicWaits

	wakeDispatch chan struct{}
	space        chan struct{}
	results      chan *Result
	quit         chan struct{} // closed when everything is done after Close
	workers      sync.WaitGroup
}

// New starts a producer over client, which it closes when it is done.
func New(client sarama.Client, o Options) *Producer {
	p := &Producer{client: client, set: newSettings(client.Config(), o), log: o.Log,
		queues: map[topicPartition]*partQueue{}, senders: map[int32]*sender{},
		wakeDispatch: make(chan struct{}, 1), space: make(chan struct{}, 1),
		results: make(chan *Result, 64), quit: make(chan struct{})}
	p.workers.Add(1)
	go p.dispatch()
	go func() {
		p.workers.Wait()
		close(p.results)
		if err := client.Close(); err != nil {
			p.log.Debug().Err(err).Msg("closing the producer's client")
		}
	}()
	return p
}

// Send takes records from the front of recs, in order, while buffer.memory
// allows (always at least one when nothing is held, so a record larger
// than the buffer still goes), and returns how many it took. It never
// blocks: when it took fewer than len(recs), wait on Space and call it
// again with the rest.
func (p *Producer) Send(recs []*Record) (int, error) {
	p.mu.Lock()
	if p.closing {
		p.mu.Unlock()
		return 0, ErrClosed
	}
	n := 0
	for _, r := range recs {
		c := r.cost()
		if p.heldBytes > 0 && p.heldBytes+c > p.set.bufferMemory {
			break
		}
		p.heldBytes += c
		n++
	}
	p.held += n
	p.intake = append(p.intake, recs[:n]...)
	p.mu.Unlock()
	if n > 0 {
		signal(p.wakeDispatch)
	}
	return n, nil
}

// Space receives after records were released from the buffer.
func (p *Producer) Space() <-chan struct{} { return p.space }

// Results delivers the outcome of every record taken by Send, each
// partition's in order; it is closed after Close once every record has its
// result.
func (p *Producer) Results() <-chan *Result { return p.results }

// Close stops taking records; those taken are still sent (with retries),
// then Results is closed and the client too. It does not wait.
func (p *Producer) Close() {
	p.mu.Lock()
	p.closing = true
	p.maybeFinish()
	p.mu.Unlock()
	signal(p.wakeDispatch)
}

// maybeFinish ends the workers once closing and nothing is held (mu held).
func (p *Producer) maybeFinish() {
	if p.closing && p.held == 0 && !p.finished {
		p.finished = true
		close(p.quit)
	}
}

// deliver hands results over (mu not held), then releases their records.
func (p *Producer) deliver(rs []*Result) {
	if len(rs) == 0 {
		return
	}
	n, bytes := 0, 0
	for _, r := range rs {
		for _, rec := range r.Records {
			bytes += rec.cost()
		}
		n += len(r.Records)
		p.results <- r
	}
	p.mu.Lock()
	p.held -= n
	p.heldBytes -= bytes
	p.maybeFinish()
	p.mu.Unlock()
	signal(p.space)
}

// signal wakes whoever waits on c (capacity 1) without blocking.
func signal(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}
