package e2e

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ferrykafka/ferry/test/testkit"
)

// TestKafkasOwnWorkerProperties starts a worker from the
// connect-distributed.properties file that ships with Apache Kafka, changing
// only what a test must (the bootstrap servers, the REST listener, unique
// names) and adding a key Ferry ignores; it then mirrors a topic with the
// file's JsonConverter (schemas enabled) and checks the target holds the
// envelopes Java's converter writes.
func TestKafkasOwnWorkerProperties(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile(filepath.Join("..", "..", "connect", "workerconfig", "testdata", "connect-distributed.properties"))
	if err != nil {
		t.Fatal(err)
	}
	ks := testkit.StartKafkas(t, "source", "target")
	source, target := ks[0], ks[1]
	group := testkit.UniqueName("connect-cluster")
	var lines []string
	for _, l := range strings.Split(string(raw), "\n") {
		switch {
		case strings.HasPrefix(l, "bootstrap.servers="):
			l = "bootstrap.servers=" + join(target.Addrs())
		case strings.HasPrefix(l, "group.id="):
			l = "group.id=" + group
		case strings.HasPrefix(l, "offset.storage.topic="), strings.HasPrefix(l, "config.storage.topic="), strings.HasPrefix(l, "status.storage.topic="):
			l += "-" + group
		}
		lines = append(lines, l)
	}
	lines = append(lines, "listeners=http://127.0.0.1:0", "plugin.path=/usr/share/java,/opt/connectors")
	path := filepath.Join(t.TempDir(), "connect-distributed.properties")
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")), 0o600); err != nil {
		t.Fatal(err)
	}
	w := startWorker(t, path)
	if n := strings.Count(w.output(), `"key":"plugin.path"`); n != 1 {
		t.Errorf("want one warning line for plugin.path, got %d:\n%s", n, w.output())
	}

	topic := testkit.UniqueName("orders")
	createTopic(t, source.Addrs(), topic, 1)
	produce(t, source.Addrs(), topic, 1, 0, 3)
	cfg := mirrorConfig(source.Addrs(), target.Addrs(), topic)
	code, body := call(t, http.MethodPost, w.restURL()+"/connectors", map[string]any{"name": "mirror", "config": cfg})
	if code != http.StatusCreated {
		t.Fatalf("create: %d %s", code, body)
	}
	_, tgt := saramaConfig(t, target.Addrs())
	remote := sourceAlias + "." + topic
	testkit.Eventually(t, 60*time.Second, func() error {
		if n := endOffsets(t, tgt, remote); n < 3 {
			return fmt.Errorf("%d copied", n)
		}
		return nil
	})
	src := readAll(t, source.Addrs(), topic)[0]
	dst := readAll(t, target.Addrs(), remote)[0]
	for i := range src {
		// JsonConverter with schemas: the value is Java's BYTES envelope.
		var env struct {
			Schema struct {
				Type     string `json:"type"`
				Optional bool   `json:"optional"`
			} `json:"schema"`
			Payload string `json:"payload"`
		}
		if err := json.Unmarshal(dst[i].Value, &env); err != nil {
			t.Fatalf("record %d: value %q is not a JSON envelope: %v", i, dst[i].Value, err)
		}
		payload, err := base64.StdEncoding.DecodeString(env.Payload)
		if env.Schema.Type != "bytes" || env.Schema.Optional || err != nil || string(payload) != string(src[i].Value) {
			t.Errorf("record %d: value %s does not wrap %q", i, dst[i].Value, src[i].Value)
		}
		wantKey := fmt.Sprintf(`{"schema":{"type":"bytes","optional":true},"payload":"%s"}`, base64.StdEncoding.EncodeToString(src[i].Key))
		if string(dst[i].Key) != wantKey {
			t.Errorf("record %d: key %s, want %s", i, dst[i].Key, wantKey)
		}
	}
	w.stop()
}
