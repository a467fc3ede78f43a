package workerconfig

import (
	"maps"
	"math"
	"strings"
	"time"

	"github.com/ferrykafka/ferry/connect"
	"github.com/ferrykafka/ferry/connect/configprovider"
)

// Topic describes one of the worker's internal topics.
type Topic struct {
	Name string
	// Partitions is the partition count used when the worker creates the
	// topic; -1 means the broker's default. The config topic always has 1.
	Partitions int32
	// ReplicationFactor is used when the worker creates the topic; -1 means
	// the broker's default.
	ReplicationFactor int16
	// Settings are the extra topic configs given with the topic's prefix
	// (e.g. offset.storage.min.insync.replicas), prefix stripped, without
	// topic, partitions, replication.factor and cleanup.policy (compaction is
	// always used), as DistributedConfig.topicSettings returns them.
	Settings map[string]string
}

// Plugin is a converter class with the properties given under its prefix
// (key.converter.schemas.enable=false gives Props{"schemas.enable": "false"}).
type Plugin struct {
	Class string
	Props map[string]string
}

// Config is a parsed, validated distributed worker configuration.
type Config struct {
	GroupID          string
	BootstrapServers []string
	// ClientID is client.id ("" when unset).
	ClientID string

	ConfigTopic Topic
	OffsetTopic Topic
	StatusTopic Topic

	KeyConverter    Plugin
	ValueConverter  Plugin
	HeaderConverter Plugin

	OffsetFlushInterval time.Duration
	OffsetFlushTimeout  time.Duration
	TaskShutdownTimeout time.Duration

	SessionTimeout      time.Duration
	HeartbeatInterval   time.Duration
	RebalanceTimeout    time.Duration
	WorkerSyncTimeout   time.Duration
	WorkerUnsyncBackoff time.Duration
	// ScheduledRebalanceMaxDelay is the incremental cooperative assignor's
	// delay; 0 disables delayed rebalances.
	ScheduledRebalanceMaxDelay time.Duration
	// ConnectProtocol is eager, compatible or sessioned (lower case).
	ConnectProtocol string
	// ExactlyOnceSourceSupport is disabled, preparing or enabled.
	ExactlyOnceSourceSupport string
	MetadataMaxAge           time.Duration
	RequestTimeout           time.Duration

	// Listeners are the REST listener URLs (at least one).
	Listeners []string
	// AdminListeners is nil when admin.listeners is unset (admin endpoints
	// are served on Listeners) and empty when it is set to "" (disabled).
	AdminListeners     []string
	AdvertisedHostName string
	// AdvertisedPort is rest.advertised.port, 0 when unset.
	AdvertisedPort            int
	AdvertisedListener        string
	AccessControlAllowOrigin  string
	AccessControlAllowMethods string
	// ResponseHeaders are the rules of response.http.headers.config. The
	// TLS settings are ListenerSSL and AdminListenerSSL (ssl.go), the
	// basic authentication settings BasicAuth (basicauth.go).
	ResponseHeaders []HeaderRule

	TopicTrackingEnable     bool
	TopicTrackingAllowReset bool
	TopicCreationEnable     bool
	// ConnectorClientConfigOverridePolicy is the class name or alias (All,
	// None, Principal).
	ConnectorClientConfigOverridePolicy string

	InterWorkerKeyGenerationAlgorithm string
	// InterWorkerKeySize is in bits; 0 means the algorithm's default.
	InterWorkerKeySize                int
	InterWorkerKeyTTL                 time.Duration
	InterWorkerSignatureAlgorithm     string
	InterWorkerVerificationAlgorithms []string

	// Props are the properties as given (a copy), with the
	// ${provider:[path:]key} references that the properties' own
	// config.providers resolve replaced (Java's originals(), KIP-421);
	// every other field is parsed from them.
	Props map[string]string
	// Values are every defined key's parsed value (defaults included).
	Values connect.Values

	transformer *configprovider.Transformer
	unused      []string
	warnings    []string
}

// Parse validates props as Java's DistributedConfig does and returns the
// typed configuration. The error, if any, is an *Error naming every problem,
// one per line, in Java's wording.
//
// As Java's AbstractConfig does (KIP-421), it first resolves the
// ${provider:[path:]key} references in props with the config providers
// props configure (config.providers, config.providers.<name>.class and
// .param.*; see package configprovider), so that e.g.
// sasl.jaas.config = ${file:/etc/kafka/secrets.properties:jaas} reaches
// the clients resolved. A provider that cannot be configured (an unknown
// class, a bad allowed.paths) or cannot read what a reference names (a
// missing file) is the one problem reported, as Java fails before it
// validates anything.
func Parse(props map[string]string) (*Config, error) {
	raw, resolveWarnings, err := resolveVariables(props)
	if err != nil {
		return nil, &Error{Problems: []string{err.Error()}}
	}
	// The worker's own providers, for connector and task configs (Java's
	// Worker builds them from the resolved properties).
	transformer, err := NewConfigTransformer(raw)
	if err != nil {
		return nil, &Error{Problems: []string{err.Error()}}
	}
	var problems []string
	values := connect.Values{}
	for _, cv := range ConfigDef().Validate(raw) {
		values[cv.Name] = cv.Value
		problems = append(problems, cv.Errors...)
	}
	problems = append(problems, checkListeners(Listeners, values[Listeners])...)
	problems = append(problems, checkAdminListeners(values[AdminListeners])...)
	problems = append(problems, checkInterWorker(values)...)
	headers, err := ParseHeaderRules(strValue(values[ResponseHTTPHeaders]))
	if err != nil {
		problems = append(problems, err.Error())
	}
	problems = append(problems, checkSSLPrefix(raw, ListenersHTTPSPrefix)...)
	problems = append(problems, checkSSLPrefix(raw, AdminListenersHTTPSPrefix)...)
	problems = append(problems, checkBasicAuth(values)...)
	if len(problems) > 0 {
		return nil, &Error{Problems: problems}
	}

	c := &Config{Props: raw, Values: values, transformer: transformer, warnings: resolveWarnings}
	str := func(k string) string { s, _ := values[k].(string); return s }
	list := func(k string) []string { l, _ := values[k].([]string); return l }
	boolean := func(k string) bool { b, _ := values[k].(bool); return b }
	ms := func(k string) time.Duration {
		switch n := values[k].(type) {
		case int32:
			return millis(int64(n))
		case int64:
			return millis(n)
		}
		return 0
	}

	c.GroupID = str(GroupID)
	c.BootstrapServers = list(BootstrapServers)
	c.ClientID = str(ClientID)

	i32 := func(k string) int32 { n, _ := values[k].(int32); return n }
	i16 := func(k string) int16 { n, _ := values[k].(int16); return n }
	c.ConfigTopic = Topic{Name: str(ConfigStorageTopic), Partitions: 1, ReplicationFactor: i16(ConfigStorageReplicationFactor)}
	c.OffsetTopic = Topic{Name: str(OffsetStorageTopic), Partitions: i32(OffsetStoragePartitions),
		ReplicationFactor: i16(OffsetStorageReplicationFactor)}
	c.StatusTopic = Topic{Name: str(StatusStorageTopic), Partitions: i32(StatusStoragePartitions),
		ReplicationFactor: i16(StatusStorageReplicationFactor)}
	c.ConfigTopic.Settings = c.topicSettings(ConfigStoragePrefix)
	c.OffsetTopic.Settings = c.topicSettings(OffsetStoragePrefix)
	c.StatusTopic.Settings = c.topicSettings(StatusStoragePrefix)

	c.KeyConverter = Plugin{Class: str(KeyConverter), Props: withPrefix(raw, KeyConverter+".")}
	c.ValueConverter = Plugin{Class: str(ValueConverter), Props: withPrefix(raw, ValueConverter+".")}
	c.HeaderConverter = Plugin{Class: str(HeaderConverter), Props: withPrefix(raw, HeaderConverter+".")}

	c.OffsetFlushInterval = ms(OffsetFlushIntervalMs)
	c.OffsetFlushTimeout = ms(OffsetFlushTimeoutMs)
	c.TaskShutdownTimeout = ms(TaskShutdownGracefulTimeoutMs)
	c.SessionTimeout = ms(SessionTimeoutMs)
	c.HeartbeatInterval = ms(HeartbeatIntervalMs)
	c.RebalanceTimeout = ms(RebalanceTimeoutMs)
	c.WorkerSyncTimeout = ms(WorkerSyncTimeoutMs)
	c.WorkerUnsyncBackoff = ms(WorkerUnsyncBackoffMs)
	c.ScheduledRebalanceMaxDelay = ms(ScheduledRebalanceMaxDelayMs)
	c.ConnectProtocol, _ = connectProtocolOf(values[ConnectProtocol])
	c.ExactlyOnceSourceSupport = str(ExactlyOnceSourceSupport)
	c.MetadataMaxAge = ms(MetadataMaxAgeMs)
	c.RequestTimeout = ms(RequestTimeoutMs)

	c.Listeners = list(Listeners)
	c.AdminListeners = list(AdminListeners)
	c.AdvertisedHostName = str(RestAdvertisedHostName)
	c.AdvertisedPort = int(i32(RestAdvertisedPort))
	c.AdvertisedListener = str(RestAdvertisedListener)
	c.AccessControlAllowOrigin = str(AccessControlAllowOrigin)
	c.AccessControlAllowMethods = str(AccessControlAllowMethods)
	c.ResponseHeaders = headers

	c.TopicTrackingEnable = boolean(TopicTrackingEnable)
	c.TopicTrackingAllowReset = boolean(TopicTrackingAllowReset)
	c.TopicCreationEnable = boolean(TopicCreationEnable)
	c.ConnectorClientConfigOverridePolicy = str(ConnectorClientConfigOverridePolicy)

	c.InterWorkerKeyGenerationAlgorithm = str(InterWorkerKeyGenerationAlgo)
	c.InterWorkerKeySize = int(i32(InterWorkerKeySize))
	c.InterWorkerKeyTTL = ms(InterWorkerKeyTTLMs)
	c.InterWorkerSignatureAlgorithm = str(InterWorkerSignatureAlgorithm)
	c.InterWorkerVerificationAlgorithms = list(InterWorkerVerificationAlgos)

	c.unused = unusedKeys(raw, values)
	c.warnings = append(c.warnings, internalConverterWarnings(raw)...)
	c.warnings = append(c.warnings, c.restExtensionWarnings()...)
	return c, nil
}

// Unused returns the keys set in the worker properties that Java Connect
// knows but Ferry does not act on (plugin.path, metric.reporters, ...),
// sorted, so the caller can log one warning for each.
func (c *Config) Unused() []string { return append([]string(nil), c.unused...) }

// Warnings returns the warnings Java's DistributedConfig/WorkerConfig log for
// these properties (ignored topic settings, removed internal converter
// properties, references to paths a provider's allowed.paths excludes),
// in Java's wording.
func (c *Config) Warnings() []string { return append([]string(nil), c.warnings...) }

// ConfigTransformer returns the worker's config providers (config.providers
// of the resolved properties), which resolve the references in connector
// and task configs when the worker starts them (Java's
// WorkerConfigTransformer). Never nil: without config.providers it
// resolves nothing.
func (c *Config) ConfigTransformer() *configprovider.Transformer { return c.transformer }

// NewConfigTransformer builds the config providers that props configure
// (see package configprovider), reading the files of FileConfigProvider
// with ParsePropertiesUTF8 as Java does.
func NewConfigTransformer(props map[string]string) (*configprovider.Transformer, error) {
	return configprovider.New(props, configprovider.Options{ParseProperties: ParsePropertiesUTF8})
}

// resolveVariables is AbstractConfig.resolveConfigVariables: a copy of
// props with the references that props' own providers resolve replaced,
// and the providers' warnings.
func resolveVariables(props map[string]string) (map[string]string, []string, error) {
	raw := maps.Clone(props)
	if raw == nil {
		raw = map[string]string{}
	}
	if strings.TrimSpace(raw[ConfigProviders]) == "" {
		return raw, nil, nil
	}
	t, err := NewConfigTransformer(raw)
	if err != nil {
		return nil, nil, err
	}
	var warnings []string
	resolved, err := t.WithWarn(func(m string) { warnings = append(warnings, m) }).Transform(raw)
	if err != nil {
		return nil, nil, err
	}
	return resolved, warnings, nil
}

// topicSettings returns the prefixed topic settings, as
// DistributedConfig.topicSettings does, recording its warnings.
func (c *Config) topicSettings(prefix string) map[string]string {
	out := withPrefix(c.Props, prefix)
	if v, ok := out["partitions"]; ok && prefix == ConfigStoragePrefix {
		c.warnings = append(c.warnings, "Ignoring '"+prefix+"partitions="+v+"' setting, since config topic partitions is always 1")
	}
	if v, ok := out["cleanup.policy"]; ok {
		c.warnings = append(c.warnings, "Ignoring '"+prefix+"cleanup.policy="+v+"' setting, since compaction is always used")
		delete(out, "cleanup.policy")
	}
	delete(out, "topic")
	delete(out, "replication.factor")
	delete(out, "partitions")
	return out
}

// withPrefix returns the entries of props whose key starts with prefix, with
// the prefix stripped (Java's AbstractConfig.originalsWithPrefix).
func withPrefix(props map[string]string, prefix string) map[string]string {
	out := map[string]string{}
	for k, v := range props {
		if rest, ok := strings.CutPrefix(k, prefix); ok {
			out[rest] = v
		}
	}
	return out
}

// strValue is a parsed STRING value, "" for null.
func strValue(v any) string {
	s, _ := v.(string)
	return s
}

// millis converts a millisecond count to a Duration, saturating instead of
// overflowing for values such as Long.MAX_VALUE.
func millis(n int64) time.Duration {
	if n > math.MaxInt64/int64(time.Millisecond) {
		return time.Duration(math.MaxInt64)
	}
	if n < math.MinInt64/int64(time.Millisecond) {
		return time.Duration(math.MinInt64)
	}
	return time.Duration(n) * time.Millisecond
}
