package workerconfig

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ferrykafka/ferry/connect"
)

func minimal() map[string]string {
	return map[string]string{
		GroupID:            "connect-cluster",
		KeyConverter:       "org.apache.kafka.connect.json.JsonConverter",
		ValueConverter:     "org.apache.kafka.connect.json.JsonConverter",
		ConfigStorageTopic: "connect-configs",
		OffsetStorageTopic: "connect-offsets",
		StatusStorageTopic: "connect-status",
	}
}

func with(kv ...string) map[string]string {
	m := minimal()
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

// TestParseKafkaSample parses Kafka's own config/connect-distributed.properties.
func TestParseKafkaSample(t *testing.T) {
	props, err := Load("testdata/connect-distributed.properties")
	if err != nil {
		t.Fatal(err)
	}
	c, err := Parse(props)
	if err != nil {
		t.Fatal(err)
	}
	check := func(name string, got, want any) {
		t.Helper()
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s = %#v, want %#v", name, got, want)
		}
	}
	check("GroupID", c.GroupID, "connect-cluster")
	check("BootstrapServers", c.BootstrapServers, []string{"localhost:9092"})
	check("ConfigTopic", c.ConfigTopic, Topic{Name: "connect-configs", Partitions: 1, ReplicationFactor: 1, Settings: map[string]string{}})
	check("OffsetTopic", c.OffsetTopic, Topic{Name: "connect-offsets", Partitions: 25, ReplicationFactor: 1, Settings: map[string]string{}})
	check("StatusTopic", c.StatusTopic, Topic{Name: "connect-status", Partitions: 5, ReplicationFactor: 1, Settings: map[string]string{}})
	check("KeyConverter", c.KeyConverter, Plugin{Class: "org.apache.kafka.connect.json.JsonConverter", Props: map[string]string{"schemas.enable": "true"}})
	check("ValueConverter", c.ValueConverter, Plugin{Class: "org.apache.kafka.connect.json.JsonConverter", Props: map[string]string{"schemas.enable": "true"}})
	check("HeaderConverter", c.HeaderConverter, Plugin{Class: DefaultHeaderConverter, Props: map[string]string{}})
	check("OffsetFlushInterval", c.OffsetFlushInterval, 10*time.Second)
	check("OffsetFlushTimeout", c.OffsetFlushTimeout, 5*time.Second)
	check("TaskShutdownTimeout", c.TaskShutdownTimeout, 5*time.Second)
	check("SessionTimeout", c.SessionTimeout, 10*time.Second)
	check("HeartbeatInterval", c.HeartbeatInterval, 3*time.Second)
	check("RebalanceTimeout", c.RebalanceTimeout, time.Minute)
	check("WorkerSyncTimeout", c.WorkerSyncTimeout, 3*time.Second)
	check("WorkerUnsyncBackoff", c.WorkerUnsyncBackoff, 5*time.Minute)
	check("ScheduledRebalanceMaxDelay", c.ScheduledRebalanceMaxDelay, 5*time.Minute)
	check("ConnectProtocol", c.ConnectProtocol, ProtocolSessioned)
	check("ExactlyOnceSourceSupport", c.ExactlyOnceSourceSupport, ExactlyOnceDisabled)
	check("MetadataMaxAge", c.MetadataMaxAge, 5*time.Minute)
	check("RequestTimeout", c.RequestTimeout, 40*time.Second)
	check("Listeners", c.Listeners, []string{"http://:8083"})
	check("AdminListeners", c.AdminListeners, []string(nil))
	check("AdvertisedHostName", c.AdvertisedHostName, "")
	check("AdvertisedPort", c.AdvertisedPort, 0)
	check("TopicTrackingEnable", c.TopicTrackingEnable, true)
	check("TopicTrackingAllowReset", c.TopicTrackingAllowReset, true)
	check("TopicCreationEnable", c.TopicCreationEnable, true)
	check("ConnectorClientConfigOverridePolicy", c.ConnectorClientConfigOverridePolicy, "All")
	check("InterWorkerKeyGenerationAlgorithm", c.InterWorkerKeyGenerationAlgorithm, "HmacSHA256")
	check("InterWorkerKeySize", c.InterWorkerKeySize, 0)
	check("InterWorkerKeyTTL", c.InterWorkerKeyTTL, time.Hour)
	check("InterWorkerSignatureAlgorithm", c.InterWorkerSignatureAlgorithm, "HmacSHA256")
	check("InterWorkerVerificationAlgorithms", c.InterWorkerVerificationAlgorithms, []string{"HmacSHA256"})
	check("ClientIDBase", c.ClientIDBase(), "connect-cluster-")
	check("Unused", c.Unused(), []string(nil))
	check("Warnings", c.Warnings(), []string(nil))
	check("Props", c.Props, props)
}

func TestParseErrorsJavaWording(t *testing.T) {
	cases := []struct {
		name  string
		props map[string]string
		want  []string
	}{
		{"missing required", map[string]string{}, []string{
			`Missing required configuration "key.converter" which has no default value.`,
			`Missing required configuration "value.converter" which has no default value.`,
			`Missing required configuration "group.id" which has no default value.`,
			`Missing required configuration "offset.storage.topic" which has no default value.`,
			`Missing required configuration "config.storage.topic" which has no default value.`,
			`Missing required configuration "status.storage.topic" which has no default value.`,
		}},
		{"partitions zero", with(OffsetStoragePartitions, "0"), []string{
			"Invalid value 0 for configuration offset.storage.partitions: Number of partitions must be positive, or -1 to use the broker's default"}},
		{"status partitions -2", with(StatusStoragePartitions, "-2"), []string{
			"Invalid value -2 for configuration status.storage.partitions: Number of partitions must be positive, or -1 to use the broker's default"}},
		{"config replication factor zero", with(ConfigStorageReplicationFactor, "0"), []string{
			"Invalid value 0 for configuration config.storage.replication.factor: Replication factor must be positive and not larger than the number of brokers in the Kafka cluster, or -1 to use the broker's default"}},
		{"replication factor not a short", with(OffsetStorageReplicationFactor, "40000"), []string{
			"Invalid value 40000 for configuration offset.storage.replication.factor: Not a number of type SHORT"}},
		{"connect.protocol", with(ConnectProtocol, "cooperative"), []string{
			"Invalid value cooperative for configuration connect.protocol: Invalid Connect protocol compatibility"}},
		{"not an int", with(SessionTimeoutMs, "10s"), []string{
			"Invalid value 10s for configuration session.timeout.ms: Not a number of type INT"}},
		{"not a long", with(OffsetFlushIntervalMs, "1m"), []string{
			"Invalid value 1m for configuration offset.flush.interval.ms: Not a number of type LONG"}},
		{"not a boolean", with(TopicCreationEnable, "yes"), []string{
			"Invalid value yes for configuration topic.creation.enable: Expected value to be either true or false"}},
		{"exactly once", with(ExactlyOnceSourceSupport, "on"), []string{
			"Invalid value on for configuration exactly.once.source.support: String must be one of: disabled, preparing, enabled"}},
		{"plugin discovery", with(PluginDiscovery, "scan"), []string{
			"Invalid value scan for configuration plugin.discovery: String must be one of (case insensitive): ONLY_SCAN, SERVICE_LOAD, HYBRID_WARN, HYBRID_FAIL"}},
		{"security protocol", with(SecurityProtocol, "sasl_ssl"), []string{
			"Invalid value sasl_ssl for configuration security.protocol: String must be one of: PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL"}},
		{"scheduled rebalance delay", with(ScheduledRebalanceMaxDelayMs, "-1"), []string{
			"Invalid value -1 for configuration scheduled.rebalance.max.delay.ms: Value must be at least 0"}},
		{"metadata max age", with(MetadataMaxAgeMs, "-5"), []string{
			"Invalid value -5 for configuration metadata.max.age.ms: Value must be at least 0"}},
		{"empty listeners", with(Listeners, ""), []string{
			"Invalid value for listeners, at least one URL is expected, ex: http://localhost:8080,https://localhost:8443."}},
		{"blank listener", with(Listeners, "http://:8083,,http://:8084"), []string{
			"Empty URL found when parsing listeners list."}},
		{"listener format", with(Listeners, "localhost:8083"), []string{
			"Listener doesn't have the right format (protocol://hostname:port)."}},
		{"listener protocol", with(Listeners, "ftp://host:21"), []string{
			`Listener protocol must be either "http" or "https".`}},
		{"admin listener format", with(AdminListeners, "http://:8084/admin"), []string{
			"Listener doesn't have the right format (protocol://hostname:port)."}},
		{"verification list empty", with(InterWorkerVerificationAlgos, ""), []string{
			"Invalid value [] for configuration inter.worker.verification.algorithms: At least one signature verification algorithm must be provided"}},
		{"signature not verified", with(InterWorkerSignatureAlgorithm, "HmacSHA512"), []string{
			"Invalid value HmacSHA512 for configuration inter.worker.signature.algorithm: Signature algorithm must be present in inter.worker.verification.algorithms list"}},
		{"unsupported algorithm", with(InterWorkerKeyGenerationAlgo, "Rot13"), []string{
			"Invalid value Rot13 for configuration inter.worker.key.generation.algorithm: the algorithm is not supported by this worker; the supported algorithms are: " +
				"[HmacMD5, HmacSHA1, HmacSHA224, HmacSHA256, HmacSHA384, HmacSHA512, HmacSHA512/224, HmacSHA512/256, HmacSHA3-224, HmacSHA3-256, HmacSHA3-384, HmacSHA3-512]"}},
		{"key size", with(InterWorkerKeySize, "16"), []string{
			"Unable to create key generator with algorithm HmacSHA256 and key size 16: Key length must be at least 40 bits"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(tc.props)
			if err == nil {
				t.Fatal("want error")
			}
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("error %T is not *Error", err)
			}
			if !errors.Is(err, connect.ErrBadRequest) {
				t.Error("error is not ErrBadRequest")
			}
			if !reflect.DeepEqual(ce.Problems, tc.want) {
				t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(ce.Problems, "\n"), strings.Join(tc.want, "\n"))
			}
			if err.Error() != strings.Join(tc.want, "\n") {
				t.Errorf("Error() = %q", err.Error())
			}
		})
	}
}

func TestParseReportsEveryProblem(t *testing.T) {
	_, err := Parse(map[string]string{
		KeyConverter:            "x",
		ValueConverter:          "x",
		OffsetStoragePartitions: "0",
		ConnectProtocol:         "x",
		Listeners:               "tcp://:1",
	})
	var ce *Error
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v", err)
	}
	if len(ce.Problems) != 7 {
		t.Errorf("got %d problems, want 7:\n%s", len(ce.Problems), err)
	}
}

func TestParseAcceptsJavaVariants(t *testing.T) {
	c, err := Parse(with(
		ConnectProtocol, "EAGER",
		OffsetStoragePartitions, "-1",
		OffsetStorageReplicationFactor, "-1",
		ConfigStorageReplicationFactor, "-1",
		StatusStorageReplicationFactor, " 2 ",
		PluginDiscovery, "only_scan",
		BootstrapServers, "a:9092 , b:9092",
		OffsetFlushTimeoutMs, "9223372036854775807",
		RestAdvertisedPort, "18083",
		AdminListeners, "",
	))
	if err != nil {
		t.Fatal(err)
	}
	if c.ConnectProtocol != ProtocolEager {
		t.Errorf("ConnectProtocol = %q", c.ConnectProtocol)
	}
	if c.OffsetTopic.Partitions != -1 || c.OffsetTopic.ReplicationFactor != -1 || c.ConfigTopic.ReplicationFactor != -1 || c.StatusTopic.ReplicationFactor != 2 {
		t.Errorf("topics = %+v %+v %+v", c.ConfigTopic, c.OffsetTopic, c.StatusTopic)
	}
	if !reflect.DeepEqual(c.BootstrapServers, []string{"a:9092", "b:9092"}) {
		t.Errorf("BootstrapServers = %q", c.BootstrapServers)
	}
	if c.OffsetFlushTimeout <= 0 {
		t.Errorf("OffsetFlushTimeout overflowed: %v", c.OffsetFlushTimeout)
	}
	if c.AdvertisedPort != 18083 {
		t.Errorf("AdvertisedPort = %d", c.AdvertisedPort)
	}
	if c.AdminListeners == nil || len(c.AdminListeners) != 0 {
		t.Errorf("AdminListeners = %#v, want empty (disabled)", c.AdminListeners)
	}
	if got := c.Unused(); !reflect.DeepEqual(got, []string{PluginDiscovery}) {
		t.Errorf("Unused = %q", got)
	}
}

func TestTopicSettings(t *testing.T) {
	c, err := Parse(with(
		ConfigStoragePrefix+"partitions", "3",
		ConfigStoragePrefix+"min.insync.replicas", "2",
		OffsetStoragePrefix+"cleanup.policy", "delete",
		OffsetStoragePrefix+"segment.bytes", "1048576",
		StatusStoragePrefix+"retention.ms", "-1",
	))
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]string{"min.insync.replicas": "2"}; !reflect.DeepEqual(c.ConfigTopic.Settings, want) {
		t.Errorf("config settings = %q", c.ConfigTopic.Settings)
	}
	if c.ConfigTopic.Partitions != 1 {
		t.Errorf("config partitions = %d", c.ConfigTopic.Partitions)
	}
	if want := map[string]string{"segment.bytes": "1048576"}; !reflect.DeepEqual(c.OffsetTopic.Settings, want) {
		t.Errorf("offset settings = %q", c.OffsetTopic.Settings)
	}
	if want := map[string]string{"retention.ms": "-1"}; !reflect.DeepEqual(c.StatusTopic.Settings, want) {
		t.Errorf("status settings = %q", c.StatusTopic.Settings)
	}
	want := []string{
		"Ignoring 'config.storage.partitions=3' setting, since config topic partitions is always 1",
		"Ignoring 'offset.storage.cleanup.policy=delete' setting, since compaction is always used",
	}
	if !reflect.DeepEqual(c.Warnings(), want) {
		t.Errorf("warnings = %q", c.Warnings())
	}
}

func TestConverterProps(t *testing.T) {
	c, err := Parse(with(
		ValueConverter, "org.apache.kafka.connect.storage.StringConverter",
		ValueConverter+".converter.encoding", "ISO-8859-1",
		KeyConverter+".schemas.enable", "false",
		HeaderConverter, "org.apache.kafka.connect.converters.ByteArrayConverter",
		"internal.key.converter", "org.apache.kafka.connect.json.JsonConverter",
		"internal.key.converter.schemas.enable", "false",
	))
	if err != nil {
		t.Fatal(err)
	}
	if want := (Plugin{Class: "org.apache.kafka.connect.storage.StringConverter", Props: map[string]string{"converter.encoding": "ISO-8859-1"}}); !reflect.DeepEqual(c.ValueConverter, want) {
		t.Errorf("value converter = %+v", c.ValueConverter)
	}
	if c.KeyConverter.Props["schemas.enable"] != "false" {
		t.Errorf("key converter = %+v", c.KeyConverter)
	}
	if c.HeaderConverter.Class != "org.apache.kafka.connect.converters.ByteArrayConverter" {
		t.Errorf("header converter = %+v", c.HeaderConverter)
	}
	w := c.Warnings()
	if len(w) != 1 || !strings.Contains(w[0], "([internal.key.converter, internal.key.converter.schemas.enable])") {
		t.Errorf("warnings = %q", w)
	}
}

func TestUnused(t *testing.T) {
	c, err := Parse(with(
		PluginPath, "/usr/share/java",
		ConfigProviders, "file",
		ConfigProviders+".file.class", "org.apache.kafka.common.config.provider.FileConfigProvider",
		MetricReporters, "",
		ExactlyOnceSourceSupport, "enabled",
		"producer.acks", "1",
	))
	if err != nil {
		t.Fatal(err)
	}
	// config.providers is used (configprovider): not listed.
	want := []string{"exactly.once.source.support", "metric.reporters", "plugin.path"}
	if got := c.Unused(); !reflect.DeepEqual(got, want) {
		t.Errorf("Unused = %q, want %q", got, want)
	}
}

func TestClientProps(t *testing.T) {
	c, err := Parse(with(
		BootstrapServers, "b1:9092,b2:9092",
		SecurityProtocol, "SASL_SSL",
		ClientID, "w1",
		"producer.security.protocol", "SSL",
		"producer.acks", "1",
		"consumer.max.poll.records", "10",
		"admin.request.timeout.ms", "1000",
		ConfigProviders, "file",
	))
	if err != nil {
		t.Fatal(err)
	}
	internal := c.InternalClientProps()
	if internal[SecurityProtocol] != "SASL_SSL" || internal["producer.acks"] != "1" || internal[GroupID] != "connect-cluster" {
		t.Errorf("internal props = %q", internal)
	}
	if _, ok := internal[ConfigProviders]; ok {
		t.Error("internal props carry config.providers")
	}
	if got, want := c.TaskClientProps(RoleProducer), map[string]string{
		BootstrapServers: "b1:9092,b2:9092", "security.protocol": "SSL", "acks": "1",
	}; !reflect.DeepEqual(got, want) {
		t.Errorf("producer props = %q, want %q", got, want)
	}
	if got, want := c.TaskClientProps(RoleConsumer), map[string]string{
		BootstrapServers: "b1:9092,b2:9092", "max.poll.records": "10",
	}; !reflect.DeepEqual(got, want) {
		t.Errorf("consumer props = %q, want %q", got, want)
	}
	admin := c.TaskClientProps(RoleAdmin)
	if admin[SecurityProtocol] != "SASL_SSL" || admin[RequestTimeoutMs] != "1000" || admin[ClientID] != "w1" {
		t.Errorf("admin props = %q", admin)
	}
	for k := range admin {
		if strings.HasPrefix(k, "producer.") || strings.HasPrefix(k, "consumer.") || strings.HasPrefix(k, "admin.") {
			t.Errorf("admin props carry %s", k)
		}
	}
	if got := c.ClientIDBase(); got != "connect-cluster-w1-" {
		t.Errorf("ClientIDBase = %q", got)
	}
	if got := c.GroupClientID("h:8083"); got != "w1" {
		t.Errorf("GroupClientID = %q", got)
	}
	c.ClientID = ""
	if got := c.GroupClientID("h:8083"); got != "connect-h:8083" {
		t.Errorf("GroupClientID = %q", got)
	}
}

func TestConfigDefMatchesJavaDefaults(t *testing.T) {
	d := ConfigDef()
	cases := map[string]any{
		BootstrapServers:                    []string{"localhost:9092"},
		HeaderConverter:                     DefaultHeaderConverter,
		OffsetFlushIntervalMs:               int64(60000),
		OffsetFlushTimeoutMs:                int64(5000),
		TaskShutdownGracefulTimeoutMs:       int64(5000),
		Listeners:                           []string{"http://:8083"},
		SessionTimeoutMs:                    int32(10000),
		HeartbeatIntervalMs:                 int32(3000),
		RebalanceTimeoutMs:                  int32(60000),
		WorkerSyncTimeoutMs:                 int32(3000),
		WorkerUnsyncBackoffMs:               int32(300000),
		ConnectProtocol:                     "sessioned",
		ScheduledRebalanceMaxDelayMs:        int32(300000),
		ExactlyOnceSourceSupport:            "disabled",
		TopicTrackingEnable:                 true,
		TopicTrackingAllowReset:             true,
		TopicCreationEnable:                 true,
		ConfigProviders:                     []string{},
		ConnectorClientConfigOverridePolicy: "All",
		ClientID:                            "",
		MetadataMaxAgeMs:                    int64(300000),
		RequestTimeoutMs:                    int32(40000),
		OffsetStoragePartitions:             int32(25),
		StatusStoragePartitions:             int32(5),
		OffsetStorageReplicationFactor:      int16(3),
		ConfigStorageReplicationFactor:      int16(3),
		StatusStorageReplicationFactor:      int16(3),
		InterWorkerKeyTTLMs:                 int32(3600000),
		InterWorkerVerificationAlgos:        []string{"HmacSHA256"},
		AccessControlAllowOrigin:            "",
		AccessControlAllowMethods:           "",
		MetricsSampleWindowMs:               int64(30000),
		MetricsNumSamples:                   int32(2),
	}
	for name, want := range cases {
		k := d.Key(name)
		if k == nil {
			t.Errorf("%s not defined", name)
			continue
		}
		if !reflect.DeepEqual(k.Default, want) {
			t.Errorf("%s default = %#v, want %#v", name, k.Default, want)
		}
	}
	for _, name := range []string{GroupID, KeyConverter, ValueConverter, ConfigStorageTopic, OffsetStorageTopic, StatusStorageTopic} {
		if k := d.Key(name); k == nil || !k.Required || k.Importance != connect.ImportanceHigh {
			t.Errorf("%s: want a required HIGH key, got %+v", name, k)
		}
	}
	for _, name := range []string{PluginPath, RestAdvertisedHostName, RestAdvertisedPort, RestAdvertisedListener, AdminListeners, InterWorkerKeySize} {
		if k := d.Key(name); k == nil || k.Required || k.Default != nil {
			t.Errorf("%s: want an optional key with a null default, got %+v", name, k)
		}
	}
	for _, k := range d.Keys() {
		if k.Doc == "" {
			t.Errorf("%s has no doc", k.Name)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add("offset.storage.partitions", "-1", "listeners", "http://[::1]:0")
	f.Add("connect.protocol", "EAGER", "rest.advertised.port", "x")
	f.Add("inter.worker.verification.algorithms", "", "admin.listeners", ",")
	keys := []string{}
	for _, k := range ConfigDef().Keys() {
		keys = append(keys, k.Name)
	}
	f.Fuzz(func(t *testing.T, k1, v1, k2, v2 string) {
		props := with(k1, v1, k2, v2)
		c, err := Parse(props)
		if err != nil {
			return
		}
		_ = c.TaskClientProps(RoleAdmin)
		_ = c.Unused()
		for _, k := range keys {
			_ = c.Values[k]
		}
	})
}
