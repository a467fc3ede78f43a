package runtime

import (
	"errors"
	"strings"
	"testing"

	"github.com/ferrykafka/ferry/connect"
)

func TestParseConnectorSettingsDefaults(t *testing.T) {
	s, err := ParseConnectorSettings(map[string]string{KeyName: "c", KeyConnectorClass: "MirrorSource"})
	if err != nil {
		t.Fatal(err)
	}
	want := ConnectorSettings{Name: "c", Class: "MirrorSource", TasksMax: 1, TasksMaxEnforce: true}
	if s != want {
		t.Errorf("settings = %+v, want %+v", s, want)
	}
}

func TestParseConnectorSettingsValues(t *testing.T) {
	s, err := ParseConnectorSettings(map[string]string{
		KeyName: " c ", KeyConnectorClass: "X", KeyTasksMax: " 7 ", KeyTasksMaxEnforce: "FALSE",
		KeyKeyConverter: "StringConverter", KeyValueConverter: "org.apache.kafka.connect.json.JsonConverter", KeyHeaderConverter: "SimpleHeaderConverter",
		KeyErrorsTolerance: "all", KeyErrorsLogEnable: "true", KeyErrorsLogMessages: "true",
		// Allowed values of keys whose other values are not supported yet.
		KeyTransforms: "", KeyPredicates: " ", KeyExactlyOnceSupport: "Requested", KeyTopicCreationGrps: "", KeyOffsetsTopic: "",
		KeyTxnBoundary: "INTERVAL", KeyTxnBoundaryIntMs: "100",
	})
	if err != nil {
		t.Fatal(err)
	}
	want := ConnectorSettings{
		Name: "c", Class: "X", TasksMax: 7, TasksMaxEnforce: false,
		KeyConverter: "StringConverter", ValueConverter: "org.apache.kafka.connect.json.JsonConverter", HeaderConverter: "SimpleHeaderConverter",
		ToleranceAll: true, LogErrors: true, LogErrorMessages: true,
	}
	if s != want {
		t.Errorf("settings = %+v, want %+v", s, want)
	}
}

// Errors are worded as Java's ConfigException, and are bad requests.
func TestParseConnectorSettingsErrors(t *testing.T) {
	base := func(kv ...string) map[string]string {
		p := map[string]string{KeyName: "c", KeyConnectorClass: "X"}
		for i := 0; i+1 < len(kv); i += 2 {
			p[kv[i]] = kv[i+1]
		}
		return p
	}
	cases := []struct {
		name  string
		props map[string]string
		want  string
	}{
		{"tasks.max zero", base(KeyTasksMax, "0"), "Invalid value 0 for configuration tasks.max: Value must be at least 1"},
		{"tasks.max negative", base(KeyTasksMax, "-3"), "Invalid value -3 for configuration tasks.max: Value must be at least 1"},
		{"tasks.max not a number", base(KeyTasksMax, "many"), "Invalid value many for configuration tasks.max: Not a number of type INT"},
		{"tasks.max too large for an INT", base(KeyTasksMax, "2147483648"), "Invalid value 2147483648 for configuration tasks.max: Not a number of type INT"},
		{"errors.tolerance invalid", base(KeyErrorsTolerance, "some"), "Invalid value some for configuration errors.tolerance: String must be one of: none, all"},
		{"errors.tolerance is case-sensitive", base(KeyErrorsTolerance, "ALL"), "Invalid value ALL for configuration errors.tolerance: String must be one of: none, all"},
		{"tasks.max.enforce not a boolean", base(KeyTasksMaxEnforce, "yes"), "Invalid value yes for configuration tasks.max.enforce: Expected value to be either true or false"},
		{"config.action.reload invalid", base(KeyConfigReloadAction, "reboot"), "Invalid value reboot for configuration config.action.reload: String must be one of: none, restart"},
		{"exactly.once.support invalid", base(KeyExactlyOnceSupport, "maybe"), "Invalid value maybe for configuration exactly.once.support: String must be one of (case insensitive): requested, required"},
		{"transaction.boundary invalid", base(KeyTxnBoundary, "never"), "Invalid value never for configuration transaction.boundary: String must be one of (case insensitive): poll, interval, connector"},
		{"missing name", map[string]string{KeyConnectorClass: "X"}, `Missing required configuration "name" which has no default value.`},
		{"missing connector.class", map[string]string{KeyName: "c"}, `Missing required configuration "connector.class" which has no default value.`},
		{"empty name", base(KeyName, ""), "Invalid value  for configuration name: String may not be empty"},
		{"name with a control character", base(KeyName, "a\tb"), "Invalid value a\tb for configuration name: String must not contain control characters"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseConnectorSettings(tc.props)
			if err == nil {
				t.Fatalf("accepted %v", tc.props)
			}
			if err.Error() != tc.want {
				t.Errorf("error = %q\nwant    %q", err.Error(), tc.want)
			}
			if !errors.Is(err, connect.ErrBadRequest) {
				t.Errorf("error %v is not a bad request", err)
			}
		})
	}
}

func TestParseConnectorSettingsReportsEveryProblem(t *testing.T) {
	_, err := ParseConnectorSettings(map[string]string{KeyName: "c", KeyTasksMax: "0", KeyErrorsTolerance: "x"})
	if err == nil {
		t.Fatal("accepted")
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != 3 {
		t.Fatalf("want 3 problems, one per line; got %q", err.Error())
	}
	for i, key := range []string{"connector.class", "tasks.max", "errors.tolerance"} {
		if !strings.Contains(lines[i], key) {
			t.Errorf("line %d = %q, want it about %s", i, lines[i], key)
		}
	}
}

// Features Ferry does not implement yet are refused with a message naming
// them, never accepted and silently ignored.
func TestParseConnectorSettingsRejectsUnsupportedFeatures(t *testing.T) {
	cases := []struct {
		key, value, want string
	}{
		{KeyTransforms, "route", "Invalid value route for configuration transforms: Ferry does not support single message transforms (transforms) yet"},
		{KeyTransforms, "a, b", "Invalid value a,b for configuration transforms: Ferry does not support single message transforms (transforms) yet"},
		{KeyPredicates, "isFoo", "Invalid value isFoo for configuration predicates: Ferry does not support predicates yet"},
		{KeyExactlyOnceSupport, "required", "Invalid value required for configuration exactly.once.support: Ferry does not support exactly-once source connectors yet"},
		{KeyExactlyOnceSupport, "REQUIRED", "Invalid value REQUIRED for configuration exactly.once.support: Ferry does not support exactly-once source connectors yet"},
		{KeyOffsetsTopic, "my-offsets", "Invalid value my-offsets for configuration offsets.storage.topic: Ferry does not support per-connector offsets topics (offsets.storage.topic) yet"},
		{KeyTopicCreationGrps, "g1", "Invalid value g1 for configuration topic.creation.groups: Ferry does not support worker-side topic creation (topic.creation.groups) yet"},
	}
	for _, tc := range cases {
		t.Run(tc.key+"="+tc.value, func(t *testing.T) {
			_, err := ParseConnectorSettings(map[string]string{KeyName: "c", KeyConnectorClass: "X", tc.key: tc.value})
			if err == nil {
				t.Fatalf("%s=%s accepted", tc.key, tc.value)
			}
			if err.Error() != tc.want {
				t.Errorf("error = %q\nwant    %q", err.Error(), tc.want)
			}
			if !errors.Is(err, connect.ErrBadRequest) {
				t.Errorf("error %v is not a bad request", err)
			}
		})
	}
}

// The ConfigDef drives validation and docs: its keys carry Java's defaults.
func TestSourceConnectorConfigDefDefaults(t *testing.T) {
	d := SourceConnectorConfigDef()
	want := map[string]any{
		KeyTasksMax:           int32(1),
		KeyTasksMaxEnforce:    true,
		KeyConfigReloadAction: "restart",
		KeyErrorsRetryTimeout: int64(0),
		KeyErrorsRetryDelay:   int64(60000),
		KeyErrorsTolerance:    "none",
		KeyErrorsLogEnable:    false,
		KeyErrorsLogMessages:  false,
		KeyExactlyOnceSupport: "requested",
		KeyTxnBoundary:        "poll",
	}
	for key, def := range want {
		k := d.Key(key)
		if k == nil {
			t.Errorf("%s is not defined", key)
			continue
		}
		if k.Default != def {
			t.Errorf("%s default = %#v, want %#v", key, k.Default, def)
		}
	}
	for _, key := range []string{KeyName, KeyConnectorClass} {
		if k := d.Key(key); k == nil || !k.Required {
			t.Errorf("%s should be required", key)
		}
	}
	for _, key := range []string{KeyTransforms, KeyPredicates, KeyTopicCreationGrps} {
		if k := d.Key(key); k == nil || k.Type != connect.TypeListConfig {
			t.Errorf("%s should be a LIST", key)
		}
	}
}
