package workerconfig

// Worker property names, spelled as Java's WorkerConfig, DistributedConfig,
// RestServerConfig and CommonClientConfigs spell them.
const (
	BootstrapServers = "bootstrap.servers"
	ClientDNSLookup  = "client.dns.lookup"
	GroupID          = "group.id"
	ClientID         = "client.id"

	KeyConverter    = "key.converter"
	ValueConverter  = "value.converter"
	HeaderConverter = "header.converter"

	TaskShutdownGracefulTimeoutMs = "task.shutdown.graceful.timeout.ms"
	OffsetFlushIntervalMs         = "offset.flush.interval.ms"
	OffsetFlushTimeoutMs          = "offset.flush.timeout.ms"

	PluginPath                          = "plugin.path"
	PluginDiscovery                     = "plugin.discovery"
	ConfigProviders                     = "config.providers"
	ConnectorClientConfigOverridePolicy = "connector.client.config.override.policy"
	MetricsSampleWindowMs               = "metrics.sample.window.ms"
	MetricsNumSamples                   = "metrics.num.samples"
	MetricsRecordingLevel               = "metrics.recording.level"
	MetricReporters                     = "metric.reporters"
	TopicTrackingEnable                 = "topic.tracking.enable"
	TopicTrackingAllowReset             = "topic.tracking.allow.reset"
	TopicCreationEnable                 = "topic.creation.enable"

	Listeners                 = "listeners"
	RestAdvertisedHostName    = "rest.advertised.host.name"
	RestAdvertisedPort        = "rest.advertised.port"
	RestAdvertisedListener    = "rest.advertised.listener"
	AccessControlAllowOrigin  = "access.control.allow.origin"
	AccessControlAllowMethods = "access.control.allow.methods"
	ResponseHTTPHeaders       = "response.http.headers.config"
	SSLClientAuth             = "ssl.client.auth"
	RestExtensionClasses      = "rest.extension.classes"
	AdminListeners            = "admin.listeners"

	SessionTimeoutMs             = "session.timeout.ms"
	RebalanceTimeoutMs           = "rebalance.timeout.ms"
	HeartbeatIntervalMs          = "heartbeat.interval.ms"
	ExactlyOnceSourceSupport     = "exactly.once.source.support"
	MetadataMaxAgeMs             = "metadata.max.age.ms"
	SendBufferBytes              = "send.buffer.bytes"
	ReceiveBufferBytes           = "receive.buffer.bytes"
	ReconnectBackoffMs           = "reconnect.backoff.ms"
	ReconnectBackoffMaxMs        = "reconnect.backoff.max.ms"
	SocketConnectionSetupTimeout = "socket.connection.setup.timeout.ms"
	SocketConnectionSetupMax     = "socket.connection.setup.timeout.max.ms"
	RetryBackoffMs               = "retry.backoff.ms"
	RetryBackoffMaxMs            = "retry.backoff.max.ms"
	RequestTimeoutMs             = "request.timeout.ms"
	ConnectionsMaxIdleMs         = "connections.max.idle.ms"
	SecurityProtocol             = "security.protocol"
	WorkerSyncTimeoutMs          = "worker.sync.timeout.ms"
	WorkerUnsyncBackoffMs        = "worker.unsync.backoff.ms"
	MetadataRecoveryStrategy     = "metadata.recovery.strategy"

	ConfigStoragePrefix = "config.storage."
	OffsetStoragePrefix = "offset.storage."
	StatusStoragePrefix = "status.storage."

	OffsetStorageTopic             = OffsetStoragePrefix + "topic"
	OffsetStoragePartitions        = OffsetStoragePrefix + "partitions"
	OffsetStorageReplicationFactor = OffsetStoragePrefix + "replication.factor"
	ConfigStorageTopic             = ConfigStoragePrefix + "topic"
	ConfigStorageReplicationFactor = ConfigStoragePrefix + "replication.factor"
	StatusStorageTopic             = StatusStoragePrefix + "topic"
	StatusStoragePartitions        = StatusStoragePrefix + "partitions"
	StatusStorageReplicationFactor = StatusStoragePrefix + "replication.factor"

	ConnectProtocol               = "connect.protocol"
	ScheduledRebalanceMaxDelayMs  = "scheduled.rebalance.max.delay.ms"
	InterWorkerKeyTTLMs           = "inter.worker.key.ttl.ms"
	InterWorkerKeyGenerationAlgo  = "inter.worker.key.generation.algorithm"
	InterWorkerKeySize            = "inter.worker.key.size"
	InterWorkerSignatureAlgorithm = "inter.worker.signature.algorithm"
	InterWorkerVerificationAlgos  = "inter.worker.verification.algorithms"
)

// Defaults that Parse's callers may want to show or compare against.
const (
	DefaultBootstrapServers = "localhost:9092"
	DefaultHeaderConverter  = "org.apache.kafka.connect.storage.SimpleHeaderConverter"
	DefaultListener         = "http://:8083"
	DefaultHMACAlgorithm    = "HmacSHA256"
)

// Connect protocol compatibility modes (connect.protocol).
const (
	ProtocolEager      = "eager"
	ProtocolCompatible = "compatible"
	ProtocolSessioned  = "sessioned"
)

// Exactly-once source support modes (exactly.once.source.support).
const (
	ExactlyOnceDisabled  = "disabled"
	ExactlyOncePreparing = "preparing"
	ExactlyOnceEnabled   = "enabled"
)
