package kafkastore

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/ferrykafka/ferry/connect/kafkaclient"
	"github.com/ferrykafka/ferry/storage"
	"github.com/ferrykafka/ferry/storage/kafkalog"
	"github.com/ferrykafka/ferry/test/testkit"
)

func ctxFor(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func options(t *testing.T, brokers []string, topic string) Options {
	t.Helper()
	c, err := kafkaclient.Parse(map[string]string{"bootstrap.servers": strings.Join(brokers, ",")})
	if err != nil {
		t.Fatal(err)
	}
	return Options{
		Brokers: brokers, Sarama: c.Sarama, Topic: topic,
		ReplicationFactor: 1, GroupID: "connect-cluster", WorkerID: "host:8083",
		Logger: testkit.Logger(t),
	}
}

type starter interface {
	Start(context.Context) error
	Stop(context.Context) error
}

// start starts a store and stops it when the test ends.
func start(t *testing.T, s starter) {
	t.Helper()
	if err := s.Start(ctxFor(t, 20*time.Second)); err != nil {
		t.Fatalf("start: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Stop(ctxFor(t, 10*time.Second)); err != nil {
			t.Errorf("stop: %v", err)
		}
	})
}

// rawTopic reads a topic's records as raw bytes, as a Java tool would.
type rawTopic struct {
	mu   sync.Mutex
	recs []*sarama.ConsumerMessage
	log  *kafkalog.Log
}

func readRaw(t *testing.T, cl *testkit.Cluster, topic string) *rawTopic {
	t.Helper()
	r := &rawTopic{}
	o := options(t, cl.Addrs(), topic)
	r.log = kafkalog.New(o.Brokers, o.Sarama, kafkalog.Config{Topic: topic, Partitions: 1, ReplicationFactor: 1}, func(m *sarama.ConsumerMessage) {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.recs = append(r.recs, m)
	}, o.Logger)
	start(t, r.log)
	return r
}

func (r *rawTopic) records(t *testing.T) []*sarama.ConsumerMessage {
	t.Helper()
	if err := r.log.ReadToEnd(ctxFor(t, 10*time.Second)); err != nil {
		t.Fatal(err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*sarama.ConsumerMessage(nil), r.recs...)
}

// write puts raw records (value "" = tombstone) into a topic, as a Java
// worker (or a corrupt producer) would.
func (r *rawTopic) write(t *testing.T, recs ...[2]string) {
	t.Helper()
	for _, rec := range recs {
		var v []byte
		if rec[1] != "" {
			v = []byte(rec[1])
		}
		if err := r.log.Send(ctxFor(t, 10*time.Second), []byte(rec[0]), v); err != nil {
			t.Fatal(err)
		}
	}
}

func show(recs []*sarama.ConsumerMessage) string {
	var b strings.Builder
	for _, m := range recs {
		v := "<tombstone>"
		if m.Value != nil {
			v = string(m.Value)
		}
		fmt.Fprintf(&b, "  %s = %s\n", m.Key, v)
	}
	return b.String()
}

// listener records config store callbacks.
type listener struct {
	mu    sync.Mutex
	calls []string
}

func (l *listener) add(s string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.calls = append(l.calls, s)
}

func (l *listener) OnConnectorConfigUpdate(c string)        { l.add("config " + c) }
func (l *listener) OnConnectorConfigRemove(c string)        { l.add("remove " + c) }
func (l *listener) OnConnectorTargetStateChange(c string)   { l.add("target " + c) }
func (l *listener) OnSessionKeyUpdate(k storage.SessionKey) { l.add("session-key " + k.Algorithm) }
func (l *listener) OnTaskConfigUpdate(ids []storage.ConnectorTaskID) {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = id.String()
	}
	l.add("tasks [" + strings.Join(parts, " ") + "]")
}
func (l *listener) OnRestartRequest(r storage.RestartRequest) {
	l.add(fmt.Sprintf("restart %s tasks=%v failed=%v", r.Connector, r.IncludeTasks, r.OnlyFailed))
}
func (l *listener) OnLoggingLevelUpdate(ns, level string) { l.add("level " + ns + "=" + level) }

func (l *listener) get() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.calls...)
}
