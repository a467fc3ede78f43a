package herder

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"testing"

	"github.com/ferrykafka/ferry/connect/configprovider"
	"github.com/ferrykafka/ferry/connect/runtime"
	"github.com/ferrykafka/ferry/storage"
	"github.com/ferrykafka/ferry/test/testkit"
)

// A connector config with config-provider references: the config topic and
// GET /connectors/{c}/config keep the references; the connector, its tasks
// and validation see the values (Java's WorkerConfigTransformer); the task
// configs the connector generates are stored with the references
// (reverseTransform).
func TestConfigProviderReferences(t *testing.T) {
	t.Parallel()
	secrets := t.TempDir()
	for name, content := range map[string]string{"records": "2", "marker": "secret-marker"} {
		if err := os.WriteFile(filepath.Join(secrets, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	tr, err := configprovider.New(map[string]string{
		"config.providers":           "dir",
		"config.providers.dir.class": configprovider.DirectoryConfigProviderClass,
	}, configprovider.Options{})
	if err != nil {
		t.Fatal(err)
	}
	x := newHarnessWithWorker(t, func(c *runtime.Config) { c.ConfigTransformer = tr })
	x.start()

	ref := func(key string) string { return "${dir:" + secrets + ":" + key + "}" }
	raw := connectorConfig("c", keyRecords, ref("records"), keyMarker, ref("marker"))
	resolved := maps.Clone(raw)
	resolved[keyRecords] = "2"
	resolved[keyMarker] = "secret-marker"

	// records is an INT: it validates only once resolved.
	infos, err := x.herder.ValidateConfig(x.ctx(), raw)
	if err != nil || infos.ErrorCount != 0 {
		t.Fatalf("validate = %+v, %v; want no errors", infos, err)
	}
	bad := connectorConfig("c", keyRecords, ref("no-such-file"))
	if infos, err := x.herder.ValidateConfig(x.ctx(), bad); err != nil || infos.ErrorCount != 1 {
		t.Errorf("validate with an unresolvable INT = %+v, %v; want one error", infos, err)
	}

	x.create("c", raw, 2)

	got, err := x.herder.ConnectorConfig(x.ctx(), "c")
	if err != nil || !maps.Equal(got, raw) {
		t.Errorf("ConnectorConfig = %v, %v; want the raw config", got, err)
	}
	if stored := x.configs.Snapshot().ConnectorConfigs["c"]; !maps.Equal(stored, raw) {
		t.Errorf("config topic holds %v, want the raw config", stored)
	}
	starts := x.plugin.connectorStarts("c")
	if len(starts) == 0 || !maps.Equal(starts[len(starts)-1], resolved) {
		t.Errorf("connector started with %v, want %v", starts, resolved)
	}
	// The generated task configs copy records: stored as the reference,
	// run with the value.
	x.waitCommitted("c", x.plugin.committed(raw, 4))
	x.waitRunningTasks("c", x.plugin.committed(resolved, 4))
	infosTasks, err := x.herder.TaskConfigs(x.ctx(), "c")
	if err != nil || len(infosTasks) != 2 || infosTasks[0].Config[keyRecords] != ref("records") {
		t.Errorf("TaskConfigs = %+v, %v", infosTasks, err)
	}
	for i := range 2 {
		id := storage.ConnectorTaskID{Connector: "c", Task: i}
		testkit.Eventually(t, waitTimeout, func() error {
			if n := x.plugin.ackedRecords(id); n != 2 {
				return fmt.Errorf("task %s acknowledged %d records, want 2", id, n)
			}
			return nil
		})
	}
	// Nothing made the herder rewrite the task configs: the reverse
	// transformed ones equal the stored ones.
	if n := x.configs.taskConfigWrites("c"); n != 1 {
		t.Errorf("task configs written %d times, want 1", n)
	}
}
