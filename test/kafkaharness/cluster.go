package kafkaharness

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/IBM/sarama"

	"github.com/ferrykafka/ferry/connect/kafkaclient"
)

// Cluster is a single-node KRaft Kafka cluster (one JVM that is both broker
// and controller, node id 1) listening on 127.0.0.1.
type Cluster struct {
	name      string
	dir       string
	clusterID string
	port      int // PLAINTEXT broker listener
	ctrlPort  int // CONTROLLER listener
	proc      *proc
	startup   time.Duration
	formatDur time.Duration
	t         testing.TB

	mu      sync.Mutex
	stopped bool
}

// Option configures Start.
type Option func(*clusterConfig)

type clusterConfig struct {
	name         string
	brokerProps  map[string]string
	jvmArgs      []string
	heap         string
	startTimeout time.Duration
}

// WithName labels the cluster ("source", "target") in its directory name
// and in messages. The default is "kafka".
func WithName(name string) Option {
	return func(c *clusterConfig) { c.name = name }
}

// WithBrokerConfig sets one server.properties entry, overriding the
// harness's default for that key.
func WithBrokerConfig(key, value string) Option {
	return func(c *clusterConfig) { c.brokerProps[key] = value }
}

// WithBrokerConfigs sets several server.properties entries.
func WithBrokerConfigs(props map[string]string) Option {
	return func(c *clusterConfig) {
		for k, v := range props {
			c.brokerProps[k] = v
		}
	}
}

// WithHeap sets the broker JVM's -Xmx (default "512m").
func WithHeap(size string) Option {
	return func(c *clusterConfig) { c.heap = size }
}

// WithJVMArgs appends arguments to the broker's java command line (before
// the main class), e.g. -D system properties.
func WithJVMArgs(args ...string) Option {
	return func(c *clusterConfig) { c.jvmArgs = append(c.jvmArgs, args...) }
}

// WithStartTimeout bounds how long Start waits for the broker to serve
// metadata (default 2 minutes; a cold JVM on a busy two-core machine is slow).
func WithStartTimeout(d time.Duration) Option {
	return func(c *clusterConfig) { c.startTimeout = d }
}

// bindAttempts is how often Start and StartConnectWorker pick new ports after
// losing a port race to another process.
const bindAttempts = 3

// Start starts a single-node KRaft cluster and returns once a sarama client
// gets metadata listing the broker. The cluster is stopped (SIGTERM, then
// SIGKILL after 30 s) and its directory removed when the test ends; if the
// test failed, the tail of the broker log is logged first. Start calls
// RequireKafka, so it skips the test where Kafka cannot run.
//
// Defaults in server.properties (WithBrokerConfig overrides any):
// process.roles=broker,controller, node.id=1, controller.quorum.voters,
// PLAINTEXT and CONTROLLER listeners on free 127.0.0.1 ports, log.dirs in
// the cluster's directory, replication factor 1 and min ISR 1 and a single
// partition for the internal topics, group.initial.rebalance.delay.ms=0,
// num.partitions=1, auto.create.topics.enable=false.
func Start(t testing.TB, opts ...Option) *Cluster {
	t.Helper()
	RequireKafka(t)
	libDir := mustJars(t)
	cfg := newClusterConfig(opts)
	c, err := startWithRetry(t, libDir, cfg)
	if err != nil {
		t.Fatalf("kafkaharness: start cluster %q: %v", cfg.name, err)
	}
	return c
}

// StartClusters starts one cluster per name (source, target, ...) at the
// same time, each as Start would with opts, and returns them in the order
// of names once all serve. On two cores this saves a little wall time
// (two clusters: 7.3-8.7 s against 8.2-11.4 s one after the other; the
// JVMs compete for the CPU), more on bigger machines.
func StartClusters(t testing.TB, names []string, opts ...Option) []*Cluster {
	t.Helper()
	RequireKafka(t)
	libDir := mustJars(t)
	cs := make([]*Cluster, len(names))
	errs := make([]error, len(names))
	var wg sync.WaitGroup
	for i, name := range names {
		cfg := newClusterConfig(append(append([]Option(nil), opts...), WithName(name)))
		wg.Add(1)
		go func() {
			defer wg.Done()
			cs[i], errs[i] = startWithRetry(t, libDir, cfg)
			if errs[i] != nil {
				errs[i] = fmt.Errorf("start cluster %q: %w", name, errs[i])
			}
		}()
	}
	wg.Wait()
	// Clusters that did start are stopped by their own cleanups.
	if err := errors.Join(errs...); err != nil {
		t.Fatalf("kafkaharness: %v", err)
	}
	return cs
}

func newClusterConfig(opts []Option) clusterConfig {
	cfg := clusterConfig{
		name:         "kafka",
		brokerProps:  map[string]string{},
		heap:         "512m",
		startTimeout: 2 * time.Minute,
	}
	for _, o := range opts {
		o(&cfg)
	}
	return cfg
}

// startWithRetry starts a cluster, on new ports after a lost port race. It
// may run off the test goroutine: it only logs and registers the cleanup.
func startWithRetry(t testing.TB, libDir string, cfg clusterConfig) (*Cluster, error) {
	t.Helper()
	for attempt := 1; ; attempt++ {
		c, err := startCluster(t, libDir, cfg)
		if err == nil {
			t.Logf("kafkaharness: cluster %q (Kafka %s, id %s) at %s serving after %v (storage format %v); log %s",
				c.name, KafkaVersion, c.clusterID, c.Bootstrap(), c.startup.Round(time.Millisecond),
				c.formatDur.Round(time.Millisecond), c.proc.logPath)
			return c, nil
		}
		var bc errBindConflict
		if errors.As(err, &bc) && attempt < bindAttempts {
			t.Logf("kafkaharness: cluster %q lost a port race (%v); retrying on new ports", cfg.name, err)
			continue
		}
		return nil, err
	}
}

type errBindConflict struct{ error }

// startCluster makes one attempt. On failure it has already cleaned up.
func startCluster(t testing.TB, libDir string, cfg clusterConfig) (*Cluster, error) {
	ports, err := pickPorts(2)
	if err != nil {
		return nil, err
	}
	dir, err := makeProcDir("ferry-kafka-" + safeName(cfg.name) + "-")
	if err != nil {
		return nil, err
	}
	c := &Cluster{
		name:      cfg.name,
		dir:       dir,
		clusterID: newClusterID(),
		port:      ports[0],
		ctrlPort:  ports[1],
		t:         t,
	}
	fail := func(err error) (*Cluster, error) {
		if c.proc != nil {
			c.proc.kill()
		}
		if err != nil && c.proc != nil {
			err = fmt.Errorf("%w\n--- last lines of %s ---\n%s", err, c.proc.logPath, c.proc.tail(60))
		}
		if keepDirs() {
			keepDir(dir)
		} else {
			_ = os.RemoveAll(dir)
		}
		return nil, err
	}

	dataDir := filepath.Join(dir, "data")
	logPath := filepath.Join(dir, "kafka.log")
	props := map[string]string{
		"process.roles":                                    "broker,controller",
		"node.id":                                          "1",
		"controller.quorum.voters":                         fmt.Sprintf("1@127.0.0.1:%d", c.ctrlPort),
		"controller.listener.names":                        "CONTROLLER",
		"listeners":                                        fmt.Sprintf("PLAINTEXT://127.0.0.1:%d,CONTROLLER://127.0.0.1:%d", c.port, c.ctrlPort),
		"advertised.listeners":                             fmt.Sprintf("PLAINTEXT://127.0.0.1:%d", c.port),
		"inter.broker.listener.name":                       "PLAINTEXT",
		"listener.security.protocol.map":                   "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
		"log.dirs":                                         dataDir,
		"offsets.topic.replication.factor":                 "1",
		"offsets.topic.num.partitions":                     "1",
		"transaction.state.log.replication.factor":         "1",
		"transaction.state.log.min.isr":                    "1",
		"transaction.state.log.num.partitions":             "1",
		"share.coordinator.state.topic.replication.factor": "1",
		"share.coordinator.state.topic.min.isr":            "1",
		"group.initial.rebalance.delay.ms":                 "0",
		"num.partitions":                                   "1",
		"default.replication.factor":                       "1",
		"auto.create.topics.enable":                        "false",
	}
	for k, v := range cfg.brokerProps {
		props[k] = v
	}
	serverProps := filepath.Join(dir, "server.properties")
	if err := writeProperties(serverProps, "Written by Ferry's kafkaharness for cluster "+cfg.name, props); err != nil {
		return fail(err)
	}
	log4j := filepath.Join(dir, "log4j2.properties")
	if err := os.WriteFile(log4j, []byte(log4j2Config(logPath, logLevel(), nil)), 0o644); err != nil {
		return fail(err)
	}
	common := []string{
		"-Djava.awt.headless=true",
		"-Dlog4j2.configurationFile=" + log4j,
		"-Dkafka.logs.dir=" + dir,
		"-cp", classpath(libDir),
	}

	// Format the storage directory: a short-lived JVM, so skip the C2 JIT.
	start := time.Now()
	format := append([]string{"-Xmx256m", "-XX:TieredStopAtLevel=1"}, common...)
	format = append(format, "kafka.tools.StorageTool", "format",
		"--cluster-id", c.clusterID, "--config", serverProps)
	fp, err := startJava(cfg.name+" storage format", dir, logPath, format)
	if err != nil {
		return fail(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), cfg.startTimeout)
	defer cancel()
	select {
	case <-fp.done:
	case <-ctx.Done():
		fp.kill()
	}
	if fp.waitErr != nil || ctx.Err() != nil {
		return fail(fmt.Errorf("kafka.tools.StorageTool format: %s (%v)\n%s", fp.exitError(), ctx.Err(), fp.tail(40)))
	}
	c.formatDur = time.Since(start)

	args := []string{"-Xmx" + cfg.heap}
	args = append(args, common...)
	args = append(args, cfg.jvmArgs...)
	args = append(args, "kafka.Kafka", serverProps)
	c.proc, err = startJava(cfg.name+" broker", dir, logPath, args)
	if err != nil {
		return fail(err)
	}
	if err := c.waitReady(ctx); err != nil {
		var bc errBindConflict
		if errors.As(err, &bc) {
			_, _ = fail(nil) // kill, remove the directory; no log tail
			return nil, err
		}
		return fail(err)
	}
	c.startup = time.Since(start)
	t.Cleanup(c.cleanup)
	return c, nil
}

// brokerFatal is what the broker logs when start-up failed; the JVM can
// take half a minute to exit after it, so the harness stops waiting at once.
const brokerFatal = "Fatal error during broker startup"

// waitReady polls until a sarama client gets metadata that lists broker 1
// at its advertised address, the broker fails or exits, or ctx ends. A lost
// port race is an errBindConflict.
func (c *Cluster) waitReady(ctx context.Context) error {
	tick := time.NewTicker(pollInterval)
	defer tick.Stop()
	var lastErr error
	for {
		if lastErr = c.probe(); lastErr == nil {
			return nil
		}
		if found, ok := c.proc.scanLog(bindConflictMarker, brokerFatal); ok {
			if found == bindConflictMarker || c.proc.logContains(bindConflictMarker) {
				return errBindConflict{fmt.Errorf("port %d or %d taken", c.port, c.ctrlPort)}
			}
			return errors.New("the broker logged: " + found)
		}
		select {
		case <-c.proc.done:
			if c.proc.logContains(bindConflictMarker) {
				return errBindConflict{fmt.Errorf("port %d or %d taken", c.port, c.ctrlPort)}
			}
			return fmt.Errorf("broker exited during start-up: %s", c.proc.exitError())
		case <-ctx.Done():
			return fmt.Errorf("broker not serving metadata at %s: %v: %w", c.Bootstrap(), lastErr, ctx.Err())
		case <-tick.C:
		}
	}
}

func (c *Cluster) probe() error {
	cfg := sarama.NewConfig()
	cfg.Version = kafkaclient.Version
	cfg.ClientID = "ferry-kafkaharness"
	cfg.Net.DialTimeout = time.Second
	cfg.Net.ReadTimeout = 5 * time.Second
	cfg.Net.WriteTimeout = 5 * time.Second
	cfg.Metadata.Retry.Max = 0
	client, err := sarama.NewClient(c.Addrs(), cfg)
	if err != nil {
		return err
	}
	defer func() { _ = client.Close() }()
	for _, b := range client.Brokers() {
		if b.ID() == 1 && b.Addr() == c.Addrs()[0] {
			return nil
		}
	}
	return fmt.Errorf("metadata lists no broker 1 at %s", c.Addrs()[0])
}

// Addrs returns the bootstrap addresses ("127.0.0.1:port").
func (c *Cluster) Addrs() []string {
	return []string{net.JoinHostPort("127.0.0.1", strconv.Itoa(c.port))}
}

// Bootstrap returns the addresses joined for bootstrap.servers.
func (c *Cluster) Bootstrap() string { return strings.Join(c.Addrs(), ",") }

// ControllerAddr returns the KRaft controller listener's address.
func (c *Cluster) ControllerAddr() string {
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(c.ctrlPort))
}

// ClusterID returns the cluster id the storage was formatted with.
func (c *Cluster) ClusterID() string { return c.clusterID }

// Name returns the label given with WithName.
func (c *Cluster) Name() string { return c.name }

// Dir returns the cluster's temporary directory: server.properties,
// log4j2.properties, kafka.log and data/.
func (c *Cluster) Dir() string { return c.dir }

// LogPath returns the broker log file.
func (c *Cluster) LogPath() string { return c.proc.logPath }

// StartupTime returns how long Start took from formatting the storage to
// the first metadata answer.
func (c *Cluster) StartupTime() time.Duration { return c.startup }

// Stop shuts the broker down gracefully (SIGTERM; SIGKILL if it has not
// exited after 30 s) and waits for it. It is safe to call more than once;
// the directory stays until the test ends, so LogTail still works.
func (c *Cluster) Stop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stopped {
		return
	}
	c.stopped = true
	start := time.Now()
	if !c.proc.stop(stopTimeout) {
		c.t.Logf("kafkaharness: cluster %q ignored SIGTERM for %v; killed it", c.name, stopTimeout)
	} else {
		c.t.Logf("kafkaharness: cluster %q stopped in %v (%s)", c.name, time.Since(start).Round(time.Millisecond), c.proc.exitError())
	}
}

// Running reports whether the broker process is still alive.
func (c *Cluster) Running() bool { return !c.proc.exited() }

// LogTail returns the last n lines of the broker log (the JVM's stdout and
// stderr are in the same file).
func (c *Cluster) LogTail(n int) string { return c.proc.tail(n) }

func (c *Cluster) cleanup() {
	if c.t.Failed() {
		c.t.Logf("kafkaharness: last 50 lines of cluster %q log %s (FERRY_KAFKA_KEEP=1 keeps it):\n%s", c.name, c.proc.logPath, c.LogTail(50))
	}
	c.Stop()
	if keepDirs() {
		keepDir(c.dir)
		c.t.Logf("kafkaharness: kept cluster %q directory %s", c.name, c.dir)
		return
	}
	if err := os.RemoveAll(c.dir); err != nil {
		c.t.Logf("kafkaharness: remove %s: %v", c.dir, err)
	}
}

// newClusterID returns a random Kafka Uuid in its base64url form, not
// starting with '-' (which the command line would take for an option).
func newClusterID() string {
	for {
		var b [16]byte
		if _, err := rand.Read(b[:]); err != nil {
			panic(err)
		}
		id := base64.RawURLEncoding.EncodeToString(b[:])
		if id[0] != '-' {
			return id
		}
	}
}

// safeName keeps a label usable in a file name.
func safeName(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			return r
		}
		return '_'
	}, s)
}

// mustJars runs EnsureJars for a test, failing it with the reason.
func mustJars(t testing.TB) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	start := time.Now()
	cached := Cached()
	libDir, err := EnsureJars(ctx)
	if err != nil {
		t.Fatalf("kafkaharness: fetch Kafka %s jars: %v", KafkaVersion, err)
	}
	if !cached {
		t.Logf("kafkaharness: fetched Kafka %s jars into %s in %v", KafkaVersion, libDir, time.Since(start).Round(time.Millisecond))
	}
	return libDir
}
