package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"go.uber.org/fx"

	"github.com/ferrykafka/ferry/connect/kafkaclient"
	"github.com/ferrykafka/ferry/storage"
	"github.com/ferrykafka/ferry/test/testkit"
)

// inProcessWorker is one worker of an in-process cluster, assembled by the
// same fx graph as connect-distributed.
type inProcessWorker struct {
	app    *fx.App
	worker *Worker
}

func startInProcessWorker(t *testing.T, props WorkerProps) *inProcessWorker {
	t.Helper()
	var w *Worker
	a := New(testkit.Logger(t), fx.Supply(props), WorkerModule, fx.Populate(&w))
	if err := a.Err(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), StartTimeout)
	defer cancel()
	if err := a.Start(ctx); err != nil {
		t.Fatal(err)
	}
	p := &inProcessWorker{app: a, worker: w}
	t.Cleanup(func() { p.stop(t) })
	return p
}

func (p *inProcessWorker) stop(t *testing.T) {
	if p.app == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), StopTimeout)
	defer cancel()
	if err := p.app.Stop(ctx); err != nil {
		t.Errorf("stop worker %s: %v", p.worker.ID, err)
	}
	p.app = nil
}

// sample is what one worker ran at one moment.
type sample struct {
	worker     string
	generation int32
	tasks      []storage.ConnectorTaskID
	connectors []string
}

// sampler polls every live worker's running work and checks that within one
// group generation no task (and no connector) ever ran on two workers.
type sampler struct {
	mu      sync.Mutex
	workers map[string]*inProcessWorker
	// seen[generation][task] = worker
	seenTasks map[int32]map[storage.ConnectorTaskID]string
	seenConns map[int32]map[string]string
	errs      []string
	samples   int
}

func newSampler() *sampler {
	return &sampler{workers: map[string]*inProcessWorker{},
		seenTasks: map[int32]map[storage.ConnectorTaskID]string{}, seenConns: map[int32]map[string]string{}}
}

func (s *sampler) add(w *inProcessWorker) {
	s.mu.Lock()
	s.workers[w.worker.ID] = w
	s.mu.Unlock()
}

func (s *sampler) remove(w *inProcessWorker) {
	s.mu.Lock()
	delete(s.workers, w.worker.ID)
	s.mu.Unlock()
}

func (s *sampler) poll(ctx context.Context) []sample {
	s.mu.Lock()
	ws := make([]*inProcessWorker, 0, len(s.workers))
	for _, w := range s.workers {
		ws = append(ws, w)
	}
	s.mu.Unlock()
	var out []sample
	for _, w := range ws {
		gen, conns, tasks, err := w.worker.Herder.Running(ctx)
		if err != nil {
			continue // stopping
		}
		out = append(out, sample{worker: w.worker.ID, generation: gen, tasks: tasks, connectors: conns})
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.samples++
	for _, sm := range out {
		if s.seenTasks[sm.generation] == nil {
			s.seenTasks[sm.generation] = map[storage.ConnectorTaskID]string{}
			s.seenConns[sm.generation] = map[string]string{}
		}
		for _, id := range sm.tasks {
			if other, ok := s.seenTasks[sm.generation][id]; ok && other != sm.worker {
				s.errs = append(s.errs, fmt.Sprintf("generation %d: task %s ran on %s and %s", sm.generation, id, other, sm.worker))
			}
			s.seenTasks[sm.generation][id] = sm.worker
		}
		for _, c := range sm.connectors {
			if other, ok := s.seenConns[sm.generation][c]; ok && other != sm.worker {
				s.errs = append(s.errs, fmt.Sprintf("generation %d: connector %s ran on %s and %s", sm.generation, c, other, sm.worker))
			}
			s.seenConns[sm.generation][c] = sm.worker
		}
	}
	return out
}

// balanced checks a stable cluster: every task runs exactly once, each
// worker runs floor or ceil of the tasks and connectors, all in one
// generation.
func balanced(samples []sample, workers, connectors, tasks int) error {
	if len(samples) != workers {
		return fmt.Errorf("%d workers answered, want %d", len(samples), workers)
	}
	gen := samples[0].generation
	runs := map[storage.ConnectorTaskID]int{}
	conns := map[string]int{}
	desc := []string{}
	for _, s := range samples {
		if s.generation != gen {
			return fmt.Errorf("workers are in generations %d and %d", gen, s.generation)
		}
		if n := len(s.tasks); n < tasks/workers || n > (tasks+workers-1)/workers {
			return fmt.Errorf("worker %s runs %d tasks; want %d or %d", s.worker, n, tasks/workers, (tasks+workers-1)/workers)
		}
		if n := len(s.connectors); n < connectors/workers || n > (connectors+workers-1)/workers {
			return fmt.Errorf("worker %s runs %d connectors; want %d or %d", s.worker, n, connectors/workers, (connectors+workers-1)/workers)
		}
		for _, id := range s.tasks {
			runs[id]++
		}
		for _, c := range s.connectors {
			conns[c]++
		}
		desc = append(desc, fmt.Sprintf("%s:%dc/%dt", s.worker, len(s.connectors), len(s.tasks)))
	}
	if len(runs) != tasks || len(conns) != connectors {
		return fmt.Errorf("%d distinct tasks and %d connectors run; want %d and %d (%v)", len(runs), len(conns), tasks, connectors, desc)
	}
	for id, n := range runs {
		if n != 1 {
			return fmt.Errorf("task %s runs %d times", id, n)
		}
	}
	return nil
}

// TestInProcessClusterBalancesAndRebalances runs three workers in one
// process over in-process Kafka: three connectors with four tasks each are
// spread evenly; a fourth worker joins and a worker leaves, and the work is
// rebalanced each time; no task or connector ever runs on two workers in
// the same generation.
func TestInProcessClusterBalancesAndRebalances(t *testing.T) {
	for _, protocol := range []string{"sessioned", "compatible", "eager"} {
		t.Run(protocol, func(t *testing.T) { testInProcessCluster(t, protocol) })
	}
}

func testInProcessCluster(t *testing.T, protocol string) {
	source := testkit.NewCluster(t, 1)
	target := testkit.NewCluster(t, 1)
	const nConnectors, tasksEach = 3, 4
	var topics []string
	admin := clusterAdmin(t, source.Addrs())
	for i := 0; i < nConnectors; i++ {
		topic := fmt.Sprintf("t%d", i)
		if err := admin.CreateTopic(topic, &sarama.TopicDetail{NumPartitions: tasksEach, ReplicationFactor: 1}, false); err != nil {
			t.Fatal(err)
		}
		topics = append(topics, topic)
	}
	props := WorkerProps{
		"bootstrap.servers": strings.Join(target.Addrs(), ","), "group.id": "inproc",
		"config.storage.topic": "inproc-configs", "offset.storage.topic": "inproc-offsets", "status.storage.topic": "inproc-status",
		"config.storage.replication.factor": "1", "offset.storage.replication.factor": "1", "status.storage.replication.factor": "1",
		"key.converter": "org.apache.kafka.connect.converters.ByteArrayConverter", "value.converter": "org.apache.kafka.connect.converters.ByteArrayConverter",
		"listeners": "http://127.0.0.1:0", "session.timeout.ms": "6000", "heartbeat.interval.ms": "1000", "rebalance.timeout.ms": "20000",
		"scheduled.rebalance.max.delay.ms": "0", "offset.flush.interval.ms": "1000", "connect.protocol": protocol,
	}
	s := newSampler()
	var workers []*inProcessWorker
	for i := 0; i < 3; i++ {
		w := startInProcessWorker(t, props)
		workers = append(workers, w)
		s.add(w)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(25 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				s.poll(ctx)
			}
		}
	}()

	rest := workers[1].worker.REST.URLs()[0]
	for i, topic := range topics {
		cfg := map[string]string{
			"connector.class": "MirrorSourceConnector", "source.cluster.alias": "src", "tasks.max": fmt.Sprint(tasksEach),
			"source.cluster.bootstrap.servers": strings.Join(source.Addrs(), ","), "target.cluster.bootstrap.servers": strings.Join(target.Addrs(), ","),
			"topics": topic, "replication.factor": "1", "offset-syncs.topic.replication.factor": "1",
		}
		body, _ := json.Marshal(map[string]any{"name": fmt.Sprintf("c%d", i), "config": cfg})
		testkit.Eventually(t, 60*time.Second, func() error {
			resp, err := http.Post(rest+"/connectors", "application/json", bytes.NewReader(body))
			if err != nil {
				return err
			}
			defer func() { _ = resp.Body.Close() }()
			if resp.StatusCode != http.StatusCreated {
				return fmt.Errorf("create: %d", resp.StatusCode)
			}
			return nil
		})
	}
	total := nConnectors * tasksEach
	waitBalanced := func(what string, n int, began time.Time) {
		testkit.Eventually(t, 90*time.Second, func() error { return balanced(s.poll(ctx), n, nConnectors, total) })
		t.Logf("REBALANCE %s: balanced over %d workers in %v", what, n, time.Since(began).Round(10*time.Millisecond))
	}
	waitBalanced("initial", 3, time.Now())

	began := time.Now()
	extra := startInProcessWorker(t, props)
	s.add(extra)
	waitBalanced("after a fourth worker joined (from its start)", 4, began)

	leaving := workers[0]
	s.remove(leaving)
	began = time.Now()
	leaving.stop(t)
	waitBalanced("after a worker left gracefully (from its stop)", 3, began)

	cancel()
	<-done
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, e := range s.errs {
		t.Error(e)
	}
	t.Logf("%d samples over %d generations", s.samples, len(s.seenTasks))
}

func clusterAdmin(t *testing.T, addrs []string) sarama.ClusterAdmin {
	kc, err := kafkaclient.Parse(map[string]string{"bootstrap.servers": strings.Join(addrs, ",")})
	if err != nil {
		t.Fatal(err)
	}
	a, err := sarama.NewClusterAdmin(kc.Brokers, kc.Sarama)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = a.Close() })
	return a
}
