package mirrorclient

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/IBM/sarama"

	"github.com/ferrykafka/ferry/connect/kafkaclient"
)

// Configuration keys the client reads besides the Kafka client settings
// (Java's MirrorClientConfig).
const (
	// ReplicationPolicyClassConfig names the replication policy; the
	// default is DefaultReplicationPolicy.
	ReplicationPolicyClassConfig = "replication.policy.class"
	// AdminClientPrefix and ConsumerClientPrefix prefix settings meant for
	// one of the client's two roles only ("admin.bootstrap.servers"
	// overrides "bootstrap.servers" when listing topics;
	// "consumer.sasl.jaas.config" overrides "sasl.jaas.config" when reading
	// checkpoints), as MirrorClientConfig's adminConfig and consumerConfig.
	AdminClientPrefix    = "admin."
	ConsumerClientPrefix = "consumer."
)

// defaultAPITimeout bounds a topic listing as Java's admin client's
// default.api.timeout.ms default does (MirrorClientConfig does not pass that
// key to its admin client, so Java always waits at most a minute).
const defaultAPITimeout = 60 * time.Second

// maxSkippedKept is how many undecodable records a CheckpointsRead lists;
// SkippedCount counts them all.
const maxSkippedKept = 100

// ErrClientClosed is returned by the methods of a closed Client.
var ErrClientClosed = errors.New("mirrorclient: client is closed")

// ErrTopicNotFound is wrapped by the errors of the checkpoint reads
// (ReadCheckpoints, Checkpoints, RemoteConsumerOffsets, TranslateOffsets)
// when the checkpoints topic does not exist on the cluster.
//
// Java's MirrorClient has no such answer: its consumer either has the topic
// auto-created by the broker (and then finds no checkpoints) or gives up
// after default.api.timeout.ms. Ferry never creates the topic and says so
// at once, so a mistyped alias is not mistaken for a group without
// checkpoints; callers that want Java's empty answer can test
// errors.Is(err, ErrTopicNotFound).
var ErrTopicNotFound = errors.New("topic does not exist")

// OffsetAndMetadata is a consumer group offset with its commit metadata
// (Java's org.apache.kafka.clients.consumer.OffsetAndMetadata, without the
// leader epoch, which checkpoints do not carry).
type OffsetAndMetadata struct {
	Offset   int64
	Metadata string
}

// Client answers questions about MirrorMaker's topics on one Kafka cluster:
// which clusters replicate into it (heartbeats), which topics are remote
// copies, and where consumer groups of a remote cluster should resume here
// (checkpoints). It is the Go counterpart of Java's
// org.apache.kafka.connect.mirror.MirrorClient.
//
// A Client is safe for concurrent use. It connects lazily: NewClient only
// checks the settings, and every method takes a context that bounds its
// network calls.
type Client struct {
	policy   ReplicationPolicy
	admin    *kafkaclient.Config // topic listings
	consumer *kafkaclient.Config // checkpoint reads

	// sem admits one topic listing at a time; its holder owns conn and
	// next.
	sem  chan struct{}
	conn *sarama.Broker // the listing connection, nil when none is open
	next int            // index of the bootstrap address to dial next

	mu       sync.Mutex
	closed   bool
	lastList error           // the last listing failure, for callers that waited for sem
	closeCtx context.Context // ends when the Client is closed
	cancel   context.CancelFunc
}

// NewClient returns a Client for the cluster props describe. props are Java
// client properties, read as Java's MirrorClientConfig reads them:
//
//   - bootstrap.servers, security.protocol and the ssl.* and sasl.* keys
//     configure the connections (other client keys are ignored, as in Java);
//     keys prefixed "admin." or "consumer." override them for topic listings
//     or checkpoint reads respectively;
//   - replication.policy.class (default DefaultReplicationPolicy),
//     replication.policy.separator and
//     replication.policy.internal.topic.separator.enabled configure the
//     replication policy (source.cluster.alias too, for the identity
//     policy).
//
// It does not contact the cluster; errors are about the settings.
func NewClient(props map[string]string) (*Client, error) {
	if v, ok := props[InternalTopicSeparatorEnabledConfig]; ok {
		// MirrorClientConfig declares the key BOOLEAN.
		if s := strings.TrimSpace(v); !strings.EqualFold(s, "true") && !strings.EqualFold(s, "false") {
			return nil, fmt.Errorf("mirrorclient: invalid value %s for configuration %s: expected value to be either true or false",
				v, InternalTopicSeparatorEnabledConfig)
		}
	}
	className, ok := props[ReplicationPolicyClassConfig]
	if !ok {
		className = DefaultReplicationPolicyClass
	}
	policy, err := NewReplicationPolicy(className, props)
	if err != nil {
		return nil, fmt.Errorf("mirrorclient: %s: %w", ReplicationPolicyClassConfig, err)
	}
	admin, err := clientConfig(props, AdminClientPrefix)
	if err != nil {
		return nil, fmt.Errorf("mirrorclient: admin client settings: %w", err)
	}
	consumer, err := clientConfig(props, ConsumerClientPrefix)
	if err != nil {
		return nil, fmt.Errorf("mirrorclient: consumer settings: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Client{
		policy:   policy,
		admin:    admin,
		consumer: consumer,
		sem:      make(chan struct{}, 1),
		closeCtx: ctx,
		cancel:   cancel,
	}, nil
}

// clientConfig is MirrorClientConfig.clientConfig(prefix): every key, with
// the prefixed ones overriding their unprefixed names, kept only when it is
// a connection setting, then parsed into a sarama configuration.
func clientConfig(props map[string]string, prefix string) (*kafkaclient.Config, error) {
	merged := map[string]string{}
	for k, v := range props {
		if !strings.HasPrefix(k, prefix) && isConnectionKey(k) {
			merged[k] = v
		}
	}
	for k, v := range props {
		if name, ok := strings.CutPrefix(k, prefix); ok && isConnectionKey(name) {
			merged[name] = v
		}
	}
	cfg, err := kafkaclient.Parse(merged)
	if err != nil {
		return nil, err
	}
	sc := cfg.Sarama
	// Asking about a topic must never create it.
	sc.Metadata.AllowAutoTopicCreation = false
	// Connect on first use, and only learn about the topics asked for.
	sc.Metadata.Full = false
	// Java's consumer default: read every record, committed or not.
	sc.Consumer.IsolationLevel = sarama.ReadUncommitted
	return cfg, nil
}

// isConnectionKey reports whether MirrorClientConfig passes key to its
// clients: bootstrap.servers, security.protocol and the SSL and SASL
// settings.
func isConnectionKey(key string) bool {
	return key == "bootstrap.servers" || key == "security.protocol" ||
		strings.HasPrefix(key, "ssl.") || strings.HasPrefix(key, "sasl.")
}

// Close closes the client's connection. Calls in progress end with an error
// soon after; later calls return ErrClientClosed. Close does not wait for a
// connection attempt still dialling (sarama's own timeouts end it).
func (c *Client) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	c.cancel()
	c.mu.Unlock()
	// A listing in progress holds sem and sees closeCtx end; it drops its
	// connection itself. Otherwise the connection is ours to close.
	select {
	case c.sem <- struct{}{}:
		if c.conn != nil {
			closeBroker(c.conn)
			c.conn = nil
		}
		<-c.sem
	default:
	}
	return nil
}

// Policy returns the replication policy the client interprets topic names
// with, built from replication.policy.class and its settings.
func (c *Client) Policy() ReplicationPolicy { return c.policy }

// ReplicationHops returns the fewest replication hops between
// upstreamClusterAlias and this cluster, judged by the heartbeats topics
// here (1 when it replicates straight into this cluster), or -1 when no
// heartbeats came from it.
func (c *Client) ReplicationHops(ctx context.Context, upstreamClusterAlias string) (int, error) {
	topics, err := c.ListTopics(ctx)
	if err != nil {
		return 0, err
	}
	return ReplicationHops(c.policy, topics, upstreamClusterAlias), nil
}

// HeartbeatTopics returns this cluster's heartbeats topics, its own and
// those replicated from other clusters, sorted.
func (c *Client) HeartbeatTopics(ctx context.Context) ([]string, error) {
	topics, err := c.ListTopics(ctx)
	if err != nil {
		return nil, err
	}
	return HeartbeatTopics(c.policy, topics), nil
}

// CheckpointTopics returns this cluster's checkpoints topics, sorted.
func (c *Client) CheckpointTopics(ctx context.Context) ([]string, error) {
	topics, err := c.ListTopics(ctx)
	if err != nil {
		return nil, err
	}
	return CheckpointTopics(c.policy, topics), nil
}

// UpstreamClusters returns every cluster that replicates into this one,
// directly or through other clusters, as seen from the heartbeats topics,
// sorted.
func (c *Client) UpstreamClusters(ctx context.Context) ([]string, error) {
	topics, err := c.ListTopics(ctx)
	if err != nil {
		return nil, err
	}
	return UpstreamClusters(c.policy, topics), nil
}

// RemoteTopics returns the topics of this cluster that are replicas of
// another cluster's topics, internal topics excluded, sorted.
func (c *Client) RemoteTopics(ctx context.Context) ([]string, error) {
	topics, err := c.ListTopics(ctx)
	if err != nil {
		return nil, err
	}
	return RemoteTopics(c.policy, topics), nil
}

// RemoteTopicsFrom returns the remote topics replicated directly from the
// cluster source, sorted.
func (c *Client) RemoteTopicsFrom(ctx context.Context, source string) ([]string, error) {
	topics, err := c.ListTopics(ctx)
	if err != nil {
		return nil, err
	}
	return RemoteTopicsFrom(c.policy, topics, source), nil
}

// ListTopics returns the names of the cluster's topics, unsorted, without
// those the broker marks internal (__consumer_offsets,
// __transaction_state), as Java's Admin.listTopics() with default options.
//
// It asks the bootstrap servers in turn, retrying with backoff, until one
// answers, ctx ends or a minute passes (Java's default.api.timeout.ms). The
// error then names the servers and the last failure. A failure retrying
// cannot mend (authentication, authorization, TLS) is returned at once.
func (c *Client) ListTopics(ctx context.Context) ([]string, error) {
	ctx, cancel := context.WithTimeout(ctx, defaultAPITimeout)
	defer cancel()
	stop := context.AfterFunc(c.closeCtx, cancel)
	defer stop()

	select {
	case c.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, c.listError(ctx, nil)
	}
	defer func() {
		// Close may have run while this listing held the connection.
		if c.isClosed() && c.conn != nil {
			closeBroker(c.conn)
			c.conn = nil
		}
		<-c.sem
	}()

	var lastErr error
	for attempt := 0; ; attempt++ {
		if c.isClosed() {
			return nil, ErrClientClosed
		}
		resp, err := c.metadata(ctx)
		c.setLastListErr(ctx, err)
		if err == nil {
			names := make([]string, 0, len(resp.Topics))
			for _, t := range resp.Topics {
				if t == nil || t.Name == "" || t.IsInternal {
					continue
				}
				names = append(names, t.Name)
			}
			return names, nil
		}
		if ctx.Err() == nil && !retriable(err) {
			return nil, fmt.Errorf("mirrorclient: listing topics (bootstrap.servers %s): %w",
				strings.Join(c.admin.Brokers, ","), err)
		}
		if ctx.Err() == nil || lastErr == nil {
			lastErr = err
		}
		if !kafkaclient.Sleep(ctx, backoff(attempt)) {
			return nil, c.listError(ctx, lastErr)
		}
	}
}

// setLastListErr records the outcome of a listing attempt: a failure that
// is not just ctx ending, or success (nil).
func (c *Client) setLastListErr(ctx context.Context, err error) {
	if err != nil && ctx.Err() != nil {
		return
	}
	c.mu.Lock()
	c.lastList = err
	c.mu.Unlock()
}

func (c *Client) listError(ctx context.Context, last error) error {
	if c.isClosed() {
		return ErrClientClosed
	}
	if last == nil || errors.Is(last, ctx.Err()) {
		// This call waited for another listing to finish (and maybe got
		// its turn only as ctx ended); that one's failure is the likely
		// cause.
		c.mu.Lock()
		if c.lastList != nil {
			last = c.lastList
		}
		c.mu.Unlock()
	}
	msg := fmt.Sprintf("mirrorclient: listing topics (bootstrap.servers %s)", strings.Join(c.admin.Brokers, ","))
	if last != nil && !errors.Is(last, ctx.Err()) {
		return fmt.Errorf("%s: %w (last error: %w)", msg, ctx.Err(), last)
	}
	return fmt.Errorf("%s: %w", msg, ctx.Err())
}

// metadata sends one all-topics metadata request on the listing connection,
// opening it to the next bootstrap address when there is none. The caller
// holds sem. A failed or abandoned connection is closed, so the next
// attempt dials afresh (and the abandoned call ends).
func (c *Client) metadata(ctx context.Context) (*sarama.MetadataResponse, error) {
	if c.conn == nil {
		addr := c.admin.Brokers[c.next%len(c.admin.Brokers)]
		c.next++
		b := sarama.NewBroker(addr)
		if err := b.Open(c.admin.Sarama); err != nil && !errors.Is(err, sarama.ErrAlreadyConnected) {
			return nil, fmt.Errorf("%s: %w", addr, err)
		}
		c.conn = b
	}
	b := c.conn
	req := sarama.NewMetadataRequest(c.admin.Sarama.Version, nil)
	req.AllowAutoTopicCreation = false
	resp, err := kafkaclient.Bounded(ctx, func() (*sarama.MetadataResponse, error) { return b.GetMetadata(req) }, nil)
	if err != nil {
		c.conn = nil
		closeBroker(b)
		return nil, fmt.Errorf("%s: %w", b.Addr(), err)
	}
	return resp, nil
}

func (c *Client) isClosed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closed
}

// SkippedRecord is a record of a checkpoints topic that could not be read
// as a checkpoint and was skipped.
type SkippedRecord struct {
	Offset int64
	Err    error
}

// CheckpointsRead is what one read of a checkpoints topic found for a
// consumer group.
type CheckpointsRead struct {
	// Topic is the checkpoints topic read. As in Java, only its partition
	// 0 is read (MirrorMaker creates it with one partition).
	Topic string
	// EndOffset is the partition's end offset when the read began: every
	// record before it was read.
	EndOffset int64
	// Records counts the records read, those of other groups included.
	Records int64
	// Checkpoints holds the group's latest checkpoint of each downstream
	// partition: a later record replaces an earlier one for the same
	// partition.
	Checkpoints map[TopicPartition]Checkpoint
	// Skipped lists the first undecodable records met (null keys or
	// values, truncated or corrupt bytes); SkippedCount counts them all.
	Skipped      []SkippedRecord
	SkippedCount int
}

// ReadCheckpoints reads the checkpoints of group that MirrorMaker wrote on
// this cluster for the remote cluster remoteClusterAlias: the topic
// Policy().CheckpointsTopic(remoteClusterAlias), partition 0, from its
// beginning to its end offset as of the call.
//
// Java's remoteConsumerOffsets logs and skips a record it cannot decode;
// here such records are skipped too and listed in the result's Skipped, and
// records without a key or value (which would stop Java's read with a
// NullPointerException) are skipped the same way. Records of transaction
// markers are stepped over.
//
// A missing topic gives an error wrapping ErrTopicNotFound (see there for
// how Java differs). The read retries transient failures until ctx ends;
// the error then names the topic and how far the read got. Failures
// retrying cannot mend (authorization, authentication, TLS) end it at once.
func (c *Client) ReadCheckpoints(ctx context.Context, group, remoteClusterAlias string) (*CheckpointsRead, error) {
	if c.isClosed() {
		return nil, ErrClientClosed
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := context.AfterFunc(c.closeCtx, cancel)
	defer stop()

	r := &checkpointReader{
		cfg:   c.consumer,
		group: group,
		read: &CheckpointsRead{
			Topic:       c.policy.CheckpointsTopic(remoteClusterAlias),
			EndOffset:   -1,
			Checkpoints: map[TopicPartition]Checkpoint{},
		},
	}
	err := r.run(ctx)
	if err != nil && c.isClosed() {
		return nil, ErrClientClosed
	}
	if err != nil {
		return nil, err
	}
	return r.read, nil
}

// Checkpoints returns the latest checkpoint of group for each downstream
// partition, read as ReadCheckpoints does (undecodable records skipped
// silently). Tools use the upstream offsets, e.g. to show checkpoint lag.
func (c *Client) Checkpoints(ctx context.Context, group, remoteClusterAlias string) (map[TopicPartition]Checkpoint, error) {
	read, err := c.ReadCheckpoints(ctx, group, remoteClusterAlias)
	if err != nil {
		return nil, err
	}
	return read.Checkpoints, nil
}

// RemoteConsumerOffsets translates the offsets group committed on the
// remote cluster remoteClusterAlias into offsets on this cluster: for each
// downstream (renamed) partition, the downstream offset and metadata of the
// group's latest checkpoint. It is Java's MirrorClient.remoteConsumerOffsets,
// with ctx in place of the timeout; see ReadCheckpoints for what is read
// and the errors.
func (c *Client) RemoteConsumerOffsets(ctx context.Context, group, remoteClusterAlias string) (map[TopicPartition]OffsetAndMetadata, error) {
	checkpoints, err := c.Checkpoints(ctx, group, remoteClusterAlias)
	if err != nil {
		return nil, err
	}
	offsets := make(map[TopicPartition]OffsetAndMetadata, len(checkpoints))
	for tp, cp := range checkpoints {
		offsets[tp] = OffsetAndMetadata{Offset: cp.DownstreamOffset, Metadata: cp.Metadata}
	}
	return offsets, nil
}

// checkpointReader is one read of a checkpoints topic's partition 0 with a
// sarama client of its own, as Java opens a consumer per read.
type checkpointReader struct {
	cfg   *kafkaclient.Config
	group string
	read  *CheckpointsRead

	client        sarama.Client
	pos           int64 // next offset to read; everything before it was read
	fetchSize     int32
	baseFetchSize int32
	lastErr       error
}

const checkpointsPartition int32 = 0

func (r *checkpointReader) run(ctx context.Context) error {
	client, err := sarama.NewClient(r.cfg.Brokers, r.cfg.Sarama)
	if err != nil {
		return fmt.Errorf("mirrorclient: reading checkpoints topic %s: %w", r.read.Topic, err)
	}
	r.client = client
	// Closing the client ends its calls still in flight when ctx ends.
	defer func() { go func() { _ = client.Close() }() }()
	r.baseFetchSize = max(r.cfg.Sarama.Consumer.Fetch.Default, 64<<10)
	r.fetchSize = r.baseFetchSize

	// The bounds: where the records start and where they end now.
	start, err := r.offset(ctx, sarama.OffsetOldest)
	if err != nil {
		return err
	}
	end, err := r.offset(ctx, sarama.OffsetNewest)
	if err != nil {
		return err
	}
	r.pos, r.read.EndOffset = start, end

	for attempt := 0; r.pos < r.read.EndOffset; {
		progressed, err := r.fetch(ctx)
		switch {
		case err != nil && ctx.Err() == nil && !retriable(err):
			return fmt.Errorf("mirrorclient: reading checkpoints topic %s partition %d at offset %d: %w",
				r.read.Topic, checkpointsPartition, r.pos, err)
		case err != nil:
			r.lastErr = err
			if !kafkaclient.Sleep(ctx, backoff(attempt)) {
				return r.stopped(ctx)
			}
			attempt++
		case progressed:
			attempt = 0
		}
		if ctx.Err() != nil {
			return r.stopped(ctx)
		}
	}
	return nil
}

// offset asks for the partition's oldest or newest offset, retrying until
// ctx ends. A topic the cluster does not know is an ErrTopicNotFound error
// at once.
func (r *checkpointReader) offset(ctx context.Context, which int64) (int64, error) {
	for attempt := 0; ; attempt++ {
		off, err := kafkaclient.Bounded(ctx, func() (int64, error) {
			off, err := kafkaclient.PartitionOffset(r.client, r.read.Topic, checkpointsPartition, which,
				r.cfg.Sarama.Consumer.IsolationLevel)
			if err != nil && !errors.Is(err, sarama.ErrUnknownTopicOrPartition) {
				// The leader may have moved: ask again next time.
				_ = r.client.RefreshMetadata(r.read.Topic)
			}
			return off, err
		}, nil)
		if err == nil {
			return off, nil
		}
		if errors.Is(err, sarama.ErrUnknownTopicOrPartition) {
			return 0, fmt.Errorf("mirrorclient: checkpoints topic %s: %w on %s",
				r.read.Topic, ErrTopicNotFound, strings.Join(r.cfg.Brokers, ","))
		}
		if ctx.Err() == nil && !retriable(err) {
			return 0, fmt.Errorf("mirrorclient: checkpoints topic %s: %w", r.read.Topic, err)
		}
		if ctx.Err() == nil || r.lastErr == nil {
			r.lastErr = err
		}
		if !kafkaclient.Sleep(ctx, backoff(attempt)) {
			return 0, r.stopped(ctx)
		}
	}
}

// stopped is the error of a read that ctx ended: the topic, how far the
// read got, and the last failure seen.
func (r *checkpointReader) stopped(ctx context.Context) error {
	var where string
	if r.read.EndOffset < 0 {
		where = "before its end offset was known"
	} else {
		where = fmt.Sprintf("at offset %d of end offset %d (%d records read)", r.pos, r.read.EndOffset, r.read.Records)
	}
	err := fmt.Errorf("mirrorclient: reading checkpoints topic %s partition %d stopped %s: %w",
		r.read.Topic, checkpointsPartition, where, ctx.Err())
	if r.lastErr != nil && !errors.Is(r.lastErr, ctx.Err()) {
		err = fmt.Errorf("%w (last error: %w)", err, r.lastErr)
	}
	return err
}

// fetch sends one fetch from the position and consumes what comes back. It
// reports whether the position moved.
func (r *checkpointReader) fetch(ctx context.Context) (bool, error) {
	topic := r.read.Topic
	broker, err := kafkaclient.Bounded(ctx, func() (*sarama.Broker, error) { return r.client.Leader(topic, checkpointsPartition) }, nil)
	if err != nil {
		return false, err
	}
	req := &sarama.FetchRequest{
		Version:      11,
		MaxWaitTime:  500,
		MinBytes:     1,
		MaxBytes:     sarama.MaxResponseSize,
		Isolation:    sarama.ReadUncommitted,
		SessionEpoch: -1, // no fetch session
	}
	req.AddBlock(topic, checkpointsPartition, r.pos, r.fetchSize, -1)
	resp, err := kafkaclient.Bounded(ctx, func() (*sarama.FetchResponse, error) { return broker.Fetch(req) }, nil)
	if err == nil && resp == nil {
		err = sarama.ErrIncompleteResponse
	}
	if err != nil {
		if ctx.Err() == nil {
			// A broken connection: let the client reopen it and find the
			// leader again.
			_ = broker.Close()
			_, _ = kafkaclient.Bounded(ctx, func() (struct{}, error) { return struct{}{}, r.client.RefreshMetadata(topic) }, nil)
		}
		return false, fmt.Errorf("fetch from %s: %w", broker.Addr(), err)
	}
	blk := resp.GetBlock(topic, checkpointsPartition)
	switch {
	case blk == nil:
		return false, fmt.Errorf("fetch from %s: %w", broker.Addr(), sarama.ErrIncompleteResponse)
	case errors.Is(blk.Err, sarama.ErrNoError):
	case errors.Is(blk.Err, sarama.ErrOffsetOutOfRange):
		return r.outOfRange(ctx)
	default:
		_, _ = kafkaclient.Bounded(ctx, func() (struct{}, error) { return struct{}{}, r.client.RefreshMetadata(topic) }, nil)
		return false, fmt.Errorf("fetch from %s: %w", broker.Addr(), blk.Err)
	}
	before := r.pos
	if err := r.consume(blk); err != nil {
		return false, err
	}
	if r.pos == before && blk.HighWaterMarkOffset >= 0 && blk.HighWaterMarkOffset < r.read.EndOffset {
		// The log shrank below the end seen at the start (truncated after
		// a leader change): what is left is all there is to read.
		r.read.EndOffset = max(blk.HighWaterMarkOffset, r.pos)
	}
	return r.pos != before, nil
}

// outOfRange handles a position the broker no longer has: records removed
// by retention are skipped to the log start; a log truncated below the
// position ends the read at its new end.
func (r *checkpointReader) outOfRange(ctx context.Context) (bool, error) {
	start, err := r.offset(ctx, sarama.OffsetOldest)
	if err != nil {
		return false, err
	}
	if r.pos < start {
		r.pos = start
		return true, nil
	}
	end, err := r.offset(ctx, sarama.OffsetNewest)
	if err != nil {
		return false, err
	}
	if end < r.read.EndOffset {
		r.read.EndOffset = max(end, start)
		if r.pos > r.read.EndOffset {
			r.pos = r.read.EndOffset
		}
		return true, nil
	}
	return false, fmt.Errorf("offset %d is out of range for a log of offsets %d to %d", r.pos, start, end)
}

// consume takes the records of one fetch at or after the position and
// before the end, and moves the position past every complete batch seen
// (transaction markers and compacted-away offsets included).
func (r *checkpointReader) consume(blk *sarama.FetchResponseBlock) error {
	got := kafkaclient.FetchedRecords(blk, r.pos, false, func(rec kafkaclient.FetchedRecord) {
		r.record(rec.Offset, rec.Key, rec.Value)
	})
	r.pos = got.Next
	size, err := got.NextFetchSize(r.fetchSize, r.baseFetchSize)
	if err != nil {
		return fmt.Errorf("at offset %d: %w (%d bytes)", r.pos, err, sarama.MaxResponseSize)
	}
	r.fetchSize = size
	return nil
}

// record handles the record at offset: those before the position or at
// or after the end are not part of this read.
func (r *checkpointReader) record(offset int64, key, value []byte) {
	if offset < r.pos || offset >= r.read.EndOffset {
		return
	}
	r.read.Records++
	var cp Checkpoint
	var err error
	switch {
	case key == nil:
		err = errors.New("record has no key")
	case value == nil:
		err = errors.New("record has no value")
	default:
		cp, err = DecodeCheckpoint(key, value)
	}
	if err != nil {
		r.read.SkippedCount++
		if len(r.read.Skipped) < maxSkippedKept {
			r.read.Skipped = append(r.read.Skipped, SkippedRecord{Offset: offset, Err: err})
		}
		return
	}
	if cp.ConsumerGroupID == r.group {
		r.read.Checkpoints[cp.TopicPartition()] = cp
	}
}

// retriable is kafkaclient's verdict on err (connection failures and
// retriable broker errors are; authentication, authorization and TLS
// failures are not), with an incomplete response retried too.
func retriable(err error) bool {
	return errors.Is(err, sarama.ErrIncompleteResponse) || kafkaclient.Retriable(err)
}

// closeBroker closes b without waiting: closing waits for a dial in
// progress to end.
func closeBroker(b *sarama.Broker) {
	go func() { _ = b.Close() }()
}

// backoff is the wait before retry attempt+1: 100 ms doubling to 2 s.
func backoff(attempt int) time.Duration {
	return kafkaclient.Backoff(attempt, 100*time.Millisecond, 2*time.Second)
}
