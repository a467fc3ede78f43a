package runtime

import (
	"fmt"
	"strings"

	"github.com/ferrykafka/ferry/connect"
)

// Connector-level framework keys (Java's ConnectorConfig and
// SourceConnectorConfig).
const (
	KeyName                   = "name"
	KeyConnectorClass         = "connector.class"
	KeyConnectorPluginVersion = "connector.plugin.version"
	KeyTasksMax               = "tasks.max"
	KeyTasksMaxEnforce        = "tasks.max.enforce"
	KeyKeyConverter           = "key.converter"
	KeyValueConverter         = "value.converter"
	KeyHeaderConverter        = "header.converter"
	KeyTransforms             = "transforms"
	KeyPredicates             = "predicates"
	KeyConfigReloadAction     = "config.action.reload"
	KeyErrorsRetryTimeout     = "errors.retry.timeout"
	KeyErrorsRetryDelay       = "errors.retry.delay.max.ms"
	KeyErrorsTolerance        = "errors.tolerance"
	KeyErrorsLogEnable        = "errors.log.enable"
	KeyErrorsLogMessages      = "errors.log.include.messages"
	KeyExactlyOnceSupport     = "exactly.once.support"
	KeyTxnBoundary            = "transaction.boundary"
	KeyTxnBoundaryIntMs       = "transaction.boundary.interval.ms"
	KeyOffsetsTopic           = "offsets.storage.topic"
	KeyTopicCreationGrps      = "topic.creation.groups"

	// KeyTaskClass is what the runtime adds to every task config: the Java
	// class name of the task, which Java workers need to run it.
	KeyTaskClass = "task.class"

	// ProducerOverridePrefix marks per-connector producer settings.
	ProducerOverridePrefix = "producer.override."
)

const (
	groupCommon     = "Common"
	groupTransforms = "Transforms"
	groupPredicates = "Predicates"
	groupErrors     = "Error Handling"
	groupEOS        = "Exactly Once Support"
	groupOffsets    = "offsets.topic"
	groupTopicCr    = "Topic Creation"
)

// notYet rejects a non-empty value for a feature this Ferry version does not
// implement, so a configuration is never accepted and then silently ignored.
func notYet(feature string) connect.Validator {
	return func(v any) error {
		switch x := v.(type) {
		case []string:
			if len(x) > 0 {
				return fmt.Errorf("Ferry does not support %s yet", feature)
			}
		case string:
			if x != "" {
				return fmt.Errorf("Ferry does not support %s yet", feature)
			}
		}
		return nil
	}
}

// SourceConnectorConfigDef is the framework ConfigDef every source connector
// config is validated against, before the connector's own keys.
func SourceConnectorConfigDef() *connect.ConfigDef {
	d := connect.NewConfigDef()
	order := 0
	next := func() int { order++; return order }
	d.Define(connect.ConfigKey{Name: KeyName, Type: connect.TypeStringConfig, Required: true, Validator: nonEmptyNoControlChars,
		Importance: connect.ImportanceHigh, Doc: "Globally unique name to use for this connector.", Group: groupCommon, OrderInGroup: next(), Width: connect.WidthMedium, DisplayName: "Connector name"})
	d.Define(connect.ConfigKey{Name: KeyConnectorClass, Type: connect.TypeStringConfig, Required: true,
		Importance: connect.ImportanceHigh, Doc: "Name or alias of the connector class, e.g. org.apache.kafka.connect.mirror.MirrorSourceConnector, MirrorSourceConnector or MirrorSource.",
		Group: groupCommon, OrderInGroup: next(), Width: connect.WidthLong, DisplayName: "Connector class"})
	d.Define(connect.ConfigKey{Name: KeyConnectorPluginVersion, Type: connect.TypeStringConfig, Importance: connect.ImportanceMedium,
		Doc:   "Version of the connector plugin to run (KIP-891). Ferry ships one version of each plugin; any other value is refused.",
		Group: groupCommon, OrderInGroup: next(), Width: connect.WidthMedium, DisplayName: "Connector version"})
	d.Define(connect.ConfigKey{Name: KeyTasksMax, Type: connect.TypeIntConfig, Default: 1, Validator: connect.AtLeast(1),
		Importance: connect.ImportanceHigh, Doc: "Maximum number of tasks to use for this connector.", Group: groupCommon, OrderInGroup: next(), Width: connect.WidthShort, DisplayName: "Tasks max"})
	d.Define(connect.ConfigKey{Name: KeyTasksMaxEnforce, Type: connect.TypeBooleanConfig, Default: true,
		Importance: connect.ImportanceLow, Doc: "Fail the connector when it generates more task configs than tasks.max (deprecated in Connect, kept for compatibility).",
		Group: groupCommon, OrderInGroup: next(), Width: connect.WidthShort, DisplayName: "Enforce tasks max"})
	for _, k := range []struct{ key, display, what string }{
		{KeyKeyConverter, "Key converter", "key converter"},
		{KeyValueConverter, "Value converter", "value converter"},
		{KeyHeaderConverter, "Header converter", "header converter"},
	} {
		d.Define(connect.ConfigKey{Name: k.key, Type: connect.TypeClassConfig, Importance: connect.ImportanceLow,
			Doc:   "Converter for this connector's records; overrides the worker's " + k.key + ".",
			Group: groupCommon, OrderInGroup: next(), Width: connect.WidthShort, DisplayName: k.display + " class"})
		d.Define(connect.ConfigKey{Name: k.key + ".plugin.version", Type: connect.TypeStringConfig, Importance: connect.ImportanceLow,
			Doc:   "Version of the " + k.what + " to use (KIP-891). Ferry's converters are built in, in one version; any other value is refused.",
			Group: groupCommon, OrderInGroup: next(), Width: connect.WidthShort, DisplayName: k.display + " version"})
	}
	d.Define(connect.ConfigKey{Name: KeyTransforms, Type: connect.TypeListConfig, Default: []string{}, Validator: notYet("single message transforms (transforms)"),
		Importance: connect.ImportanceLow, Doc: "Aliases for the transformations to be applied to records.", Group: groupTransforms, OrderInGroup: next(), Width: connect.WidthLong, DisplayName: "Transforms"})
	d.Define(connect.ConfigKey{Name: KeyPredicates, Type: connect.TypeListConfig, Default: []string{}, Validator: notYet("predicates"),
		Importance: connect.ImportanceLow, Doc: "Aliases for the predicates used by transformations.", Group: groupPredicates, OrderInGroup: next(), Width: connect.WidthLong, DisplayName: "Predicates"})
	d.Define(connect.ConfigKey{Name: KeyConfigReloadAction, Type: connect.TypeStringConfig, Default: "restart", Validator: connect.In("none", "restart"),
		Importance: connect.ImportanceLow, Doc: "What to do when a config provider reports a changed value: restart the connector, or nothing.",
		Group: groupCommon, OrderInGroup: next(), Width: connect.WidthMedium, DisplayName: "Reload Action"})
	eo := 0
	enext := func() int { eo++; return eo }
	d.Define(connect.ConfigKey{Name: KeyErrorsRetryTimeout, Type: connect.TypeLongConfig, Default: int64(0), Importance: connect.ImportanceMedium,
		Doc: "Maximum time in milliseconds a failed operation is retried; 0 means no retries, -1 infinite retries.", Group: groupErrors, OrderInGroup: enext(), Width: connect.WidthMedium, DisplayName: "Retry Timeout for Errors"})
	d.Define(connect.ConfigKey{Name: KeyErrorsRetryDelay, Type: connect.TypeLongConfig, Default: int64(60000), Importance: connect.ImportanceMedium,
		Doc: "Maximum delay in milliseconds between consecutive retries.", Group: groupErrors, OrderInGroup: enext(), Width: connect.WidthMedium, DisplayName: "Maximum Delay Between Retries for Errors"})
	d.Define(connect.ConfigKey{Name: KeyErrorsTolerance, Type: connect.TypeStringConfig, Default: "none", Validator: connect.In("none", "all"), Importance: connect.ImportanceMedium,
		Doc: "'none' fails the task on the first record error; 'all' skips records that cannot be converted or written and logs them.", Group: groupErrors, OrderInGroup: enext(), Width: connect.WidthShort, DisplayName: "Error Tolerance"})
	d.Define(connect.ConfigKey{Name: KeyErrorsLogEnable, Type: connect.TypeBooleanConfig, Default: false, Importance: connect.ImportanceMedium,
		Doc: "Log each tolerated record error.", Group: groupErrors, OrderInGroup: enext(), Width: connect.WidthShort, DisplayName: "Log Errors"})
	d.Define(connect.ConfigKey{Name: KeyErrorsLogMessages, Type: connect.TypeBooleanConfig, Default: false, Importance: connect.ImportanceMedium,
		Doc: "Include the record's coordinates (topic, partition, offset) in error logs.", Group: groupErrors, OrderInGroup: enext(), Width: connect.WidthShort, DisplayName: "Log Error Details"})
	d.Define(connect.ConfigKey{Name: KeyTopicCreationGrps, Type: connect.TypeListConfig, Default: []string{}, Validator: notYet("worker-side topic creation (topic.creation.groups)"),
		Importance: connect.ImportanceLow, Doc: "Groups of topic creation settings (KIP-158).", Group: groupTopicCr, OrderInGroup: 1, Width: connect.WidthLong, DisplayName: "Topic Creation Groups"})
	d.Define(connect.ConfigKey{Name: KeyExactlyOnceSupport, Type: connect.TypeStringConfig, Default: "requested", Validator: connect.Chain(connect.InIgnoreCase("requested", "required"), func(v any) error {
		if s, _ := v.(string); strings.EqualFold(s, "required") {
			return fmt.Errorf("Ferry does not support exactly-once source connectors yet")
		}
		return nil
	}), Importance: connect.ImportanceMedium, Doc: "Whether the connector must support exactly-once delivery ('required') or only may ('requested').",
		Group: groupEOS, OrderInGroup: 2, Width: connect.WidthShort, DisplayName: "Exactly once support"})
	d.Define(connect.ConfigKey{Name: KeyTxnBoundary, Type: connect.TypeStringConfig, Default: "poll", Validator: connect.InIgnoreCase("poll", "interval", "connector"),
		Importance: connect.ImportanceMedium, Doc: "Transaction boundaries for exactly-once source connectors.", Group: groupEOS, OrderInGroup: 3, Width: connect.WidthShort, DisplayName: "Transaction Boundary"})
	d.Define(connect.ConfigKey{Name: KeyTxnBoundaryIntMs, Type: connect.TypeLongConfig, Validator: connect.AtLeast(0),
		Importance: connect.ImportanceLow, Doc: "Transaction interval for transaction.boundary=interval.", Group: groupEOS, OrderInGroup: 4, Width: connect.WidthShort, DisplayName: "Transaction boundary interval"})
	d.Define(connect.ConfigKey{Name: KeyOffsetsTopic, Type: connect.TypeStringConfig, Validator: notYet("per-connector offsets topics (offsets.storage.topic)"),
		Importance: connect.ImportanceLow, Doc: "A separate offsets topic for this connector (KIP-618).", Group: groupOffsets, OrderInGroup: 1, Width: connect.WidthLong, DisplayName: "Offsets topic"})
	return d
}

func nonEmptyNoControlChars(v any) error {
	s, _ := v.(string)
	if s == "" {
		return fmt.Errorf("String may not be empty")
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) {
			return fmt.Errorf("String must not contain control characters")
		}
	}
	return nil
}

// ConnectorSettings are the parsed framework keys of one connector config.
type ConnectorSettings struct {
	Name             string
	Class            string
	TasksMax         int
	TasksMaxEnforce  bool
	KeyConverter     string
	ValueConverter   string
	HeaderConverter  string
	ToleranceAll     bool
	LogErrors        bool
	LogErrorMessages bool
}

// ParseConnectorSettings parses the framework keys of a connector config.
func ParseConnectorSettings(props map[string]string) (ConnectorSettings, error) {
	v, err := SourceConnectorConfigDef().Parse(props)
	if err != nil {
		return ConnectorSettings{}, err
	}
	str := func(k string) string { s, _ := v[k].(string); return s }
	return ConnectorSettings{
		Name:             str(KeyName),
		Class:            str(KeyConnectorClass),
		TasksMax:         int(v[KeyTasksMax].(int32)),
		TasksMaxEnforce:  v[KeyTasksMaxEnforce].(bool),
		KeyConverter:     str(KeyKeyConverter),
		ValueConverter:   str(KeyValueConverter),
		HeaderConverter:  str(KeyHeaderConverter),
		ToleranceAll:     str(KeyErrorsTolerance) == "all",
		LogErrors:        v[KeyErrorsLogEnable].(bool),
		LogErrorMessages: v[KeyErrorsLogMessages].(bool),
	}, nil
}
