package herder

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/ferrykafka/ferry/connect"
)

const validateHint = "\nYou can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`"

// checkNothingWritten fails if the config topic holds any record.
func checkNothingWritten(t *testing.T, x *harness) {
	t.Helper()
	if snap := x.configs.Snapshot(); snap.Offset != -1 || len(snap.ConnectorConfigs) != 0 {
		t.Errorf("an invalid config was written: offset %d, connectors %v", snap.Offset, snap.Connectors())
	}
}

func TestPutConnectorConfigWithoutConnectorClass(t *testing.T) {
	t.Parallel()
	x := newHarness(t)
	x.start()
	cfg := map[string]string{"name": "c", "tasks.max": "1", keyTopic: "t"}
	want := "Connector config {name=c, tasks.max=1, topic=t} contains no connector type"

	_, _, err := x.herder.ValidateConnectorConfig(cfg)
	if !errors.Is(err, connect.ErrBadRequest) || err.Error() != want {
		t.Errorf("ValidateConnectorConfig = %v; want ErrBadRequest %q", err, want)
	}
	created, err := x.put("c", cfg, false, nil)
	if created || !errors.Is(err, connect.ErrBadRequest) || err.Error() != want {
		t.Errorf("PutConnectorConfig = %v, %v; want ErrBadRequest %q", created, err, want)
	}
	checkNothingWritten(t, x)
}

func TestPutConnectorConfigWithUnknownClass(t *testing.T) {
	t.Parallel()
	x := newHarness(t)
	x.start()
	cfg := connectorConfig("c", "connector.class", "com.example.NoSuchConnector")
	want := "Failed to find any class that implements Connector and which name matches com.example.NoSuchConnector, available connectors are: " + testConnectorClass

	for _, call := range []struct {
		name string
		fn   func() error
	}{
		{"validate", func() error { _, _, err := x.herder.ValidateConnectorConfig(cfg); return err }},
		{"put", func() error { _, err := x.put("c", cfg, false, nil); return err }},
	} {
		err := call.fn()
		if err == nil || err.Error() != want {
			t.Errorf("%s: error %v; want %q", call.name, err, want)
		}
		// The REST layer maps ErrNotFound before ErrBadRequest: an
		// unknown class in a config must be a bad request only.
		if !errors.Is(err, connect.ErrBadRequest) || errors.Is(err, connect.ErrNotFound) {
			t.Errorf("%s: error %v is not only ErrBadRequest (bad request %v, not found %v)", call.name, err,
				errors.Is(err, connect.ErrBadRequest), errors.Is(err, connect.ErrNotFound))
		}
	}
	checkNothingWritten(t, x)
}

func TestPutConnectorConfigInvalidListsEveryError(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		tasksMax string
		tasksErr string
	}{
		{"tasks.max below range", "0", "Invalid value 0 for configuration tasks.max: Value must be at least 1"},
		{"tasks.max not a number", "many", "Invalid value many for configuration tasks.max: Not a number of type INT"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			x := newHarness(t)
			x.start()
			cfg := connectorConfig("c", "tasks.max", tc.tasksMax)
			delete(cfg, keyTopic)

			_, err := x.put("c", cfg, false, nil)
			want := "Connector configuration is invalid and contains the following 2 error(s):\n" +
				tc.tasksErr + "\n" +
				`Missing required configuration "topic" which has no default value.` +
				validateHint
			if !errors.Is(err, connect.ErrBadRequest) || err.Error() != want {
				t.Errorf("PutConnectorConfig error:\n%v\nwant ErrBadRequest:\n%s", err, want)
			}
			checkNothingWritten(t, x)
		})
	}
}

func TestPutConnectorConfigInvalidConverter(t *testing.T) {
	t.Parallel()
	x := newHarness(t)
	x.start()
	_, err := x.put("c", connectorConfig("c", "value.converter", "com.example.NoConverter"), false, nil)
	prefix := "Connector configuration is invalid and contains the following 1 error(s):\n" +
		"Invalid value com.example.NoConverter for configuration value.converter: "
	if !errors.Is(err, connect.ErrBadRequest) || !strings.HasPrefix(err.Error(), prefix) || !strings.HasSuffix(err.Error(), validateHint) {
		t.Errorf("PutConnectorConfig error %v; want ErrBadRequest starting %q", err, prefix)
	}
	checkNothingWritten(t, x)
}

func TestValidateConnectorConfigReturnsConfigInfos(t *testing.T) {
	t.Parallel()
	x := newHarness(t)

	t.Run("valid", func(t *testing.T) {
		infos, plugin, err := x.herder.ValidateConnectorConfig(connectorConfig("c"))
		if err != nil {
			t.Fatal(err)
		}
		if plugin == nil || plugin.Class != testConnectorClass {
			t.Errorf("plugin = %+v; want %s", plugin, testConnectorClass)
		}
		if infos.Name != testConnectorClass || infos.ErrorCount != 0 {
			t.Errorf("name %q, error_count %d; want %s, 0", infos.Name, infos.ErrorCount, testConnectorClass)
		}
		// Framework keys first, then the plugin's own.
		var names []string
		for _, ci := range infos.Configs {
			if ci.Definition == nil {
				t.Errorf("value without a definition: %+v", ci.Value)
				continue
			}
			names = append(names, ci.Definition.Name)
		}
		framework := []string{"name", "connector.class", "tasks.max", "tasks.max.enforce", "key.converter", "value.converter",
			"header.converter", "transforms", "predicates", "config.action.reload", "errors.retry.timeout", "errors.tolerance"}
		own := []string{keyTopic, keyTasks, keyRecords, keyMarker}
		for _, k := range append(framework, own...) {
			if !slices.Contains(names, k) {
				t.Errorf("configs lack key %s (have %v)", k, names)
			}
		}
		if i, j := slices.Index(names, "tasks.max"), slices.Index(names, keyTopic); i < 0 || j < i {
			t.Errorf("plugin keys must follow the framework keys: %v", names)
		}
		if !slices.Contains(infos.Groups, "Common") || !slices.Contains(infos.Groups, "Test") {
			t.Errorf("groups %v; want Common and Test", infos.Groups)
		}
		for _, ci := range infos.Configs {
			if ci.Definition != nil && ci.Definition.Name == keyTopic {
				if ci.Value == nil || ci.Value.Value == nil || *ci.Value.Value != testTopic || len(ci.Value.Errors) != 0 {
					t.Errorf("topic value = %+v; want %s without errors", ci.Value, testTopic)
				}
				if !ci.Definition.Required {
					t.Errorf("topic definition %+v; want required", ci.Definition)
				}
			}
		}
	})

	t.Run("errors counted on their keys", func(t *testing.T) {
		cfg := connectorConfig("c", "tasks.max", "-1", keyRecords, "x")
		delete(cfg, keyTopic)
		infos, _, err := x.herder.ValidateConnectorConfig(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if infos.ErrorCount != 3 {
			t.Errorf("error_count = %d; want 3", infos.ErrorCount)
		}
		errs := map[string][]string{}
		for _, ci := range infos.Configs {
			if ci.Value != nil && len(ci.Value.Errors) > 0 {
				errs[ci.Value.Name] = ci.Value.Errors
			}
		}
		want := map[string]string{
			"tasks.max": "Invalid value -1 for configuration tasks.max: Value must be at least 1",
			keyTopic:    `Missing required configuration "topic" which has no default value.`,
			keyRecords:  "Invalid value x for configuration records: Not a number of type INT",
		}
		if len(errs) != len(want) {
			t.Errorf("errors on keys %v; want %v", errs, want)
		}
		for k, w := range want {
			if len(errs[k]) != 1 || errs[k][0] != w {
				t.Errorf("errors of %s = %q; want [%q]", k, errs[k], w)
			}
		}
	})

	t.Run("alias", func(t *testing.T) {
		infos, plugin, err := x.herder.ValidateConnectorConfig(connectorConfig("c", "connector.class", "TestSource"))
		if err != nil {
			t.Fatal(err)
		}
		if plugin == nil || plugin.Class != testConnectorClass || infos.Name != "TestSource" || infos.ErrorCount != 0 {
			t.Errorf("alias resolved to %+v, infos name %q, %d errors", plugin, infos.Name, infos.ErrorCount)
		}
	})
}
