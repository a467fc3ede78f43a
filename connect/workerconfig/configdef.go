package workerconfig

import (
	"errors"
	"math"
	"strings"

	"github.com/ferrykafka/ferry/connect"
)

// ConfigDef returns the definition of the distributed worker's keys: the
// keys Java's DistributedConfig defines (its WorkerConfig base, the REST
// server keys, the group/client keys and the client SSL keys), with
// Connect's names, types, defaults, importance, docs and validators, plus
// Ferry's own keys (PEM files, basic authentication). The SASL client keys
// are left to kafkaclient, which validates them when clients are built.
//
// Each call returns a new ConfigDef, so callers may extend it.
func ConfigDef() *connect.ConfigDef {
	d := connect.NewConfigDef()
	high, medium, low := connect.ImportanceHigh, connect.ImportanceMedium, connect.ImportanceLow
	def := func(name string, t connect.ConfigType, dflt any, v connect.Validator, imp connect.Importance, doc string) {
		d.Define(connect.ConfigKey{Name: name, Type: t, Default: dflt, Validator: v, Importance: imp, Doc: doc})
	}
	required := func(name string, t connect.ConfigType, imp connect.Importance, doc string) {
		d.Define(connect.ConfigKey{Name: name, Type: t, Required: true, Importance: imp, Doc: doc})
	}

	// WorkerConfig.baseConfigDef, in Java's order.
	def(BootstrapServers, connect.TypeListConfig, DefaultBootstrapServers, nil, high, docBootstrapServers)
	def(ClientDNSLookup, connect.TypeStringConfig, "use_all_dns_ips",
		connect.In("use_all_dns_ips", "resolve_canonical_bootstrap_servers_only"), medium, docClientDNSLookup)
	required(KeyConverter, connect.TypeClassConfig, high, docKeyConverter)
	required(ValueConverter, connect.TypeClassConfig, high, docValueConverter)
	def(TaskShutdownGracefulTimeoutMs, connect.TypeLongConfig, "5000", nil, low, docTaskShutdownTimeout)
	def(OffsetFlushIntervalMs, connect.TypeLongConfig, int64(60000), nil, low, docOffsetFlushInterval)
	def(OffsetFlushTimeoutMs, connect.TypeLongConfig, int64(5000), nil, low, docOffsetFlushTimeout)
	def(PluginPath, connect.TypeListConfig, nil, nil, low, docPluginPath)
	// Java's CaseInsensitiveValidString lists the upper-cased names in its
	// HashSet's iteration order; the order below is that order.
	def(PluginDiscovery, connect.TypeStringConfig, "hybrid_warn",
		connect.InIgnoreCase("ONLY_SCAN", "SERVICE_LOAD", "HYBRID_WARN", "HYBRID_FAIL"), low, docPluginDiscovery)
	def(MetricsSampleWindowMs, connect.TypeLongConfig, int64(30000), connect.AtLeast(0), low, docMetricsSampleWindow)
	def(MetricsNumSamples, connect.TypeIntConfig, 2, connect.AtLeast(1), low, docMetricsNumSamples)
	def(MetricsRecordingLevel, connect.TypeStringConfig, "INFO", connect.In("INFO", "DEBUG"), low, docMetricsRecording)
	def(MetricReporters, connect.TypeListConfig, "org.apache.kafka.common.metrics.JmxReporter", nil, low, docMetricReporters)
	def(HeaderConverter, connect.TypeClassConfig, DefaultHeaderConverter, nil, low, docHeaderConverter)
	def(ConfigProviders, connect.TypeListConfig, []string{}, nil, low, docConfigProviders)
	def(ConnectorClientConfigOverridePolicy, connect.TypeStringConfig, "All", nil, medium, docClientPolicy)
	def(TopicCreationEnable, connect.TypeBooleanConfig, true, nil, low, docTopicCreation)
	def(TopicTrackingEnable, connect.TypeBooleanConfig, true, nil, low, docTopicTracking)
	def(TopicTrackingAllowReset, connect.TypeBooleanConfig, true, nil, low, docTopicTrackingReset)

	// RestServerConfig.addPublicConfig. The listener validators of Java
	// throw messages without the "Invalid value" prefix, so Parse checks
	// listeners and admin.listeners itself (see validate.go).
	def(Listeners, connect.TypeListConfig, DefaultListener, nil, low, docListeners)
	def(RestAdvertisedHostName, connect.TypeStringConfig, nil, nil, low, docAdvertisedHost)
	def(RestAdvertisedPort, connect.TypeIntConfig, nil, nil, low, docAdvertisedPort)
	def(RestAdvertisedListener, connect.TypeStringConfig, nil, nil, low, docAdvertisedListener)
	def(AccessControlAllowOrigin, connect.TypeStringConfig, "", nil, low, docAllowOrigin)
	def(AccessControlAllowMethods, connect.TypeStringConfig, "", nil, low, docAllowMethods)
	def(ResponseHTTPHeaders, connect.TypeStringConfig, "", nil, low, docResponseHeaders) // checked in Parse (Java's texts)
	def(SSLClientAuth, connect.TypeStringConfig, "none", connect.In("required", "requested", "none"), low, docSSLClientAuth)
	def(RestExtensionClasses, connect.TypeListConfig, "", nil, low, docRestExtensions)
	def(AdminListeners, connect.TypeListConfig, nil, nil, low, docAdminListeners)
	// Ferry's basic authentication keys (basicauth.go).
	def(RestBasicAuthCredentialsFile, connect.TypeStringConfig, nil, nil, low, docBasicAuthCredentialsFile)
	def(JAASConfigFile, connect.TypeStringConfig, nil, nil, low, docJAASConfig)

	// DistributedConfig.config.
	required(GroupID, connect.TypeStringConfig, high, docGroupID)
	def(SessionTimeoutMs, connect.TypeIntConfig, 10000, nil, high, docSessionTimeout)
	def(RebalanceTimeoutMs, connect.TypeIntConfig, 60000, nil, high, docRebalanceTimeout)
	def(HeartbeatIntervalMs, connect.TypeIntConfig, 3000, nil, high, docHeartbeatInterval)
	def(ExactlyOnceSourceSupport, connect.TypeStringConfig, ExactlyOnceDisabled,
		connect.In(ExactlyOnceDisabled, ExactlyOncePreparing, ExactlyOnceEnabled), high, docExactlyOnce)
	def(MetadataMaxAgeMs, connect.TypeLongConfig, int64(300000), connect.AtLeast(0), low, docMetadataMaxAge)
	def(ClientID, connect.TypeStringConfig, "", nil, low, docClientID)
	def(SendBufferBytes, connect.TypeIntConfig, 128*1024, connect.AtLeast(-1), medium, docSendBuffer)
	def(ReceiveBufferBytes, connect.TypeIntConfig, 32*1024, connect.AtLeast(-1), medium, docReceiveBuffer)
	def(ReconnectBackoffMs, connect.TypeLongConfig, int64(50), connect.AtLeast(0), low, docReconnectBackoff)
	def(ReconnectBackoffMaxMs, connect.TypeLongConfig, int64(1000), connect.AtLeast(0), low, docReconnectBackoffMx)
	def(SocketConnectionSetupTimeout, connect.TypeLongConfig, int64(10000), connect.AtLeast(0), low, docSocketSetup)
	def(SocketConnectionSetupMax, connect.TypeLongConfig, int64(30000), connect.AtLeast(0), low, docSocketSetupMax)
	def(RetryBackoffMs, connect.TypeLongConfig, int64(100), connect.AtLeast(0), low, docRetryBackoff)
	def(RetryBackoffMaxMs, connect.TypeLongConfig, int64(1000), connect.AtLeast(0), low, docRetryBackoffMax)
	def(RequestTimeoutMs, connect.TypeIntConfig, 40000, connect.AtLeast(0), medium, docRequestTimeout)
	def(ConnectionsMaxIdleMs, connect.TypeLongConfig, int64(540000), nil, medium, docConnectionsMaxIdle)
	def(SecurityProtocol, connect.TypeStringConfig, "PLAINTEXT",
		connect.In("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"), medium, docSecurityProtocol)
	def(WorkerSyncTimeoutMs, connect.TypeIntConfig, 3000, nil, medium, docWorkerSyncTimeout)
	def(WorkerUnsyncBackoffMs, connect.TypeIntConfig, 300000, nil, medium, docWorkerUnsyncBackoff)
	required(OffsetStorageTopic, connect.TypeStringConfig, high, docOffsetTopic)
	def(OffsetStoragePartitions, connect.TypeIntConfig, 25, partitionsValidator, low, docOffsetPartitions)
	def(OffsetStorageReplicationFactor, connect.TypeShortConfig, 3, replicationFactorValidator, low, docOffsetRF)
	required(ConfigStorageTopic, connect.TypeStringConfig, high, docConfigTopic)
	def(ConfigStorageReplicationFactor, connect.TypeShortConfig, 3, replicationFactorValidator, low, docConfigRF)
	required(StatusStorageTopic, connect.TypeStringConfig, high, docStatusTopic)
	def(StatusStoragePartitions, connect.TypeIntConfig, 5, partitionsValidator, low, docStatusPartitions)
	def(StatusStorageReplicationFactor, connect.TypeShortConfig, 3, replicationFactorValidator, low, docStatusRF)
	def(ConnectProtocol, connect.TypeStringConfig, ProtocolSessioned, connectProtocolValidator, low, docConnectProtocol)
	def(ScheduledRebalanceMaxDelayMs, connect.TypeIntConfig, 300000, connect.Between(0, math.MaxInt32), low, docScheduledRebalDel)
	def(InterWorkerKeyTTLMs, connect.TypeIntConfig, 3600000, connect.Between(0, math.MaxInt32), low, docKeyTTL)
	def(InterWorkerKeyGenerationAlgo, connect.TypeStringConfig, DefaultHMACAlgorithm, algorithmValidator, low, docKeyGenAlgo)
	def(InterWorkerKeySize, connect.TypeIntConfig, nil, nil, low, docKeySize)
	def(InterWorkerSignatureAlgorithm, connect.TypeStringConfig, DefaultHMACAlgorithm, algorithmValidator, low, docSignatureAlgo)
	// The verification list is checked in validate.go: Java's message
	// prints the list as "[a, b]".
	def(InterWorkerVerificationAlgos, connect.TypeListConfig, []string{DefaultHMACAlgorithm}, nil, low, docVerificationAlgos)
	def(MetadataRecoveryStrategy, connect.TypeStringConfig, "none",
		connect.InIgnoreCase("REBOOTSTRAP", "NONE"), low, docMetadataRecovery)
	// ConfigDef.withClientSslSupport (ssl.go): the REST server's and the
	// worker-to-worker client's TLS settings, and the Kafka clients'.
	defineClientSSL(d)
	return d
}

// partitionsValidator is TopicCreationConfig.PARTITIONS_VALIDATOR: a positive
// count, or -1 for the broker's default.
func partitionsValidator(v any) error {
	if n, ok := v.(int32); ok && n != -1 && n < 1 {
		return errors.New("Number of partitions must be positive, or -1 to use the broker's default")
	}
	return nil
}

// replicationFactorValidator is TopicCreationConfig.REPLICATION_FACTOR_VALIDATOR.
func replicationFactorValidator(v any) error {
	if n, ok := v.(int16); ok && n != -1 && n < 1 {
		return errors.New("Replication factor must be positive and not larger than the number of brokers in the Kafka cluster, or -1 to use the broker's default")
	}
	return nil
}

// connectProtocolValidator accepts eager, compatible and sessioned in any
// case, as ConnectProtocolCompatibility.compatibility does.
func connectProtocolValidator(v any) error {
	if _, ok := connectProtocolOf(v); !ok {
		return errors.New("Invalid Connect protocol compatibility")
	}
	return nil
}

func connectProtocolOf(v any) (string, bool) {
	s, _ := v.(string)
	for _, p := range []string{ProtocolEager, ProtocolCompatible, ProtocolSessioned} {
		if strings.EqualFold(s, p) {
			return p, true
		}
	}
	return "", false
}
