package runtime

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ferrykafka/ferry/connect/configprovider"
	"github.com/ferrykafka/ferry/connect/converters"
	"github.com/ferrykafka/ferry/storage"
)

// withProviders gives the worker a directory provider "dir" and a file
// provider "file" (whose files hold one value, under the key "k").
func withProviders(t *testing.T) envOption {
	t.Helper()
	tr, err := configprovider.New(map[string]string{
		"config.providers":            "dir,file",
		"config.providers.dir.class":  configprovider.DirectoryConfigProviderClass,
		"config.providers.file.class": configprovider.FileConfigProviderClass,
	}, configprovider.Options{ParseProperties: func(b []byte) (map[string]string, error) {
		return map[string]string{"k": string(b)}, nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	return func(c *Config) { c.ConfigTransformer = tr }
}

func secretFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// The connector and its tasks get their configs resolved by the worker's
// config providers; the task configs the connector generates keep the
// references of the stored connector config (Java's reverseTransform).
func TestWorkerResolvesConfigProviderReferences(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withProviders(t))
	secrets := secretFiles(t, map[string]string{
		"records":   "3",
		"password":  "s3cret",
		"converter": converters.StringConverterClass,
	})
	ref := func(key string) string { return "${dir:" + secrets + ":" + key + "}" }
	conn := connProps("c", KeyTasksMax, "2",
		pRecords, ref("records"),
		"connection.password", ref("password"),
		"connection.url", "jdbc://db?password="+ref("password"),
		"unresolvable", ref("nope"),
		"elsewhere", "${vault:secret/db:password}",
		KeyValueConverter, ref("converter"),
	)
	stored := maps.Clone(conn)
	if err := e.w.StartConnector("c", conn, storage.TargetStarted, e.events); err != nil {
		t.Fatal(err)
	}
	e.statuses.waitState(t, connID("c"), storage.StateRunning)
	if !maps.Equal(conn, stored) {
		t.Errorf("StartConnector modified the stored config: %v", conn)
	}
	resolved := maps.Clone(stored)
	resolved[pRecords] = "3"
	resolved["connection.password"] = "s3cret"
	resolved["connection.url"] = "jdbc://db?password=s3cret"
	resolved[KeyValueConverter] = converters.StringConverterClass
	var seen map[string]string
	e.probe.with(func() { seen = maps.Clone(e.probe.connProps) })
	if !maps.Equal(seen, resolved) {
		t.Errorf("connector started with %v\nwant %v", seen, resolved)
	}

	configs, err := e.w.ConnectorTaskConfigs(context.Background(), "c")
	if err != nil {
		t.Fatal(err)
	}
	if len(configs) != 2 {
		t.Fatalf("%d task configs", len(configs))
	}
	var generated []map[string]string
	e.probe.with(func() { generated = e.probe.generated })
	for i, tc := range configs {
		// What the connector generated holds the resolved values ...
		if generated[i]["connection.password"] != "s3cret" {
			t.Errorf("connector generated %v", generated[i])
		}
		// ... what the worker hands back for storing, the references.
		want := taskProps(i, stored)
		if !maps.Equal(tc, want) {
			t.Errorf("task config %d = %v\nwant %v", i, tc, want)
		}
	}

	for i, tc := range configs {
		if err := e.w.StartTask(taskID("c", i), stored, tc, storage.TargetStarted); err != nil {
			t.Fatal(err)
		}
	}
	// Each task emits test.records = 3 records: it got the value.
	waitRecords(t, e.cluster.Addrs(), outTopic, 6)
	if got, _ := e.w.TaskConfig(taskID("c", 1)); !maps.Equal(got, configs[1]) {
		t.Errorf("TaskConfig = %v, want the stored config %v", got, configs[1])
	}
	got, err := e.w.TransformConfig(stored)
	if err != nil || !maps.Equal(got, resolved) {
		t.Errorf("TransformConfig = %v, %v", got, err)
	}
}

// A reference the providers cannot read fails the connector or task with
// the provider's message, as Java does when it starts them.
func TestWorkerFailsOnUnreadableReference(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withProviders(t))
	missing := filepath.Join(t.TempDir(), "missing.properties")
	bad := connProps("bad", "secret", "${file:"+missing+":k}")
	err := e.w.StartConnector("bad", bad, storage.TargetStarted, e.events)
	want := "Could not read properties from file " + missing
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("StartConnector = %v, want %q", err, want)
	}
	if st, ok := e.statuses.last(connID("bad")); !ok || st.State != storage.StateFailed || !strings.HasPrefix(st.Trace, want) {
		t.Errorf("connector status %+v", st)
	}
	if len(e.w.Connectors()) != 0 {
		t.Errorf("connectors running: %v", e.w.Connectors())
	}

	good := connProps("good", pRecords, "1")
	id := taskID("good", 0)
	err = e.w.StartTask(id, good, map[string]string{KeyTaskClass: testTaskClass, "secret": "${file:" + missing + ":k}"}, storage.TargetStarted)
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("StartTask = %v, want %q", err, want)
	}
	if st, ok := e.statuses.last(id); !ok || st.State != storage.StateFailed || !strings.HasPrefix(st.Trace, want) {
		t.Errorf("task status %+v", st)
	}
	if len(e.w.Tasks()) != 0 {
		t.Errorf("tasks running: %v", e.w.Tasks())
	}
}

// Without providers references reach the plugins as written, and the
// generated task configs still get the stored references back, as in Java
// (reverseTransform does not depend on the providers).
func TestWorkerWithoutProvidersPassesReferences(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	conn := connProps("c", KeyTasksMax, "1", "secret", "${file:/etc/secret.properties:k}")
	if err := e.w.StartConnector("c", conn, storage.TargetStarted, e.events); err != nil {
		t.Fatal(err)
	}
	e.statuses.waitState(t, connID("c"), storage.StateRunning)
	var seen map[string]string
	e.probe.with(func() { seen = maps.Clone(e.probe.connProps) })
	if !maps.Equal(seen, conn) {
		t.Errorf("connector started with %v, want %v", seen, conn)
	}
	configs, err := e.w.ConnectorTaskConfigs(context.Background(), "c")
	if err != nil || len(configs) != 1 || configs[0]["secret"] != conn["secret"] {
		t.Errorf("task configs %v, %v", configs, err)
	}
}
