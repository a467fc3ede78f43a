package workerconfig

// Documentation strings of the worker keys, as Java's WorkerConfig,
// DistributedConfig, RestServerConfig and CommonClientConfigs word them (they
// end up in generated docs, so they keep Connect's text).
const (
	docBootstrapServers = "A list of host/port pairs used to establish the initial connection to the Kafka cluster. " +
		"Clients use this list to bootstrap and discover the full set of Kafka brokers. " +
		"While the order of servers in the list does not matter, we recommend including more than one server to ensure resilience if any servers are down. " +
		"This list does not need to contain the entire set of brokers, as Kafka clients automatically manage and update connections to the cluster efficiently. " +
		"This list must be in the form <code>host1:port1,host2:port2,...</code>."
	docClientDNSLookup = "Controls how the client uses DNS lookups. " +
		"If set to <code>use_all_dns_ips</code>, connect to each returned IP address in sequence until a successful connection is established. " +
		"After a disconnection, the next IP is used. Once all IPs have been used once, the client resolves the IP(s) from the hostname again " +
		"(both the JVM and the OS cache DNS name lookups, however). " +
		"If set to <code>resolve_canonical_bootstrap_servers_only</code>, resolve each bootstrap address into a list of canonical names. After " +
		"the bootstrap phase, this behaves the same as <code>use_all_dns_ips</code>."
	docKeyConverter = "Converter class used to convert between Kafka Connect format and the serialized form that is written to Kafka." +
		" This controls the format of the keys in messages written to or read from Kafka, and since this is" +
		" independent of connectors it allows any connector to work with any serialization format." +
		" Examples of common formats include JSON and Avro."
	docValueConverter = "Converter class used to convert between Kafka Connect format and the serialized form that is written to Kafka." +
		" This controls the format of the values in messages written to or read from Kafka, and since this is" +
		" independent of connectors it allows any connector to work with any serialization format." +
		" Examples of common formats include JSON and Avro."
	docHeaderConverter = "HeaderConverter class used to convert between Kafka Connect format and the serialized form that is written to Kafka." +
		" This controls the format of the header values in messages written to or read from Kafka, and since this is" +
		" independent of connectors it allows any connector to work with any serialization format." +
		" Examples of common formats include JSON and Avro. By default, the SimpleHeaderConverter is used to serialize" +
		" header values to strings and deserialize them by inferring the schemas."
	docTaskShutdownTimeout = "Amount of time to wait for tasks to shutdown gracefully. This is the total amount of time," +
		" not per task. All task have shutdown triggered, then they are waited on sequentially."
	docOffsetFlushInterval = "Interval at which to try committing offsets for tasks."
	docOffsetFlushTimeout  = "Maximum number of milliseconds to wait for records to flush and partition offset data to be" +
		" committed to offset storage before cancelling the process and restoring the offset " +
		"data to be committed in a future attempt. This property has no effect for source connectors " +
		"running with exactly-once support."
	docPluginPath = "List of paths separated by commas (,) that " +
		"contain plugins (connectors, converters, transformations). The list should consist" +
		" of top level directories that include any combination of: \n" +
		"a) directories immediately containing jars with plugins and their dependencies\n" +
		"b) uber-jars with plugins and their dependencies\n" +
		"c) directories immediately containing the package directory structure of classes of " +
		"plugins and their dependencies\n" +
		"Note: symlinks will be followed to discover dependencies or plugins.\n" +
		"Examples: plugin.path=/usr/local/share/java,/usr/local/share/kafka/plugins," +
		"/opt/connectors\n" +
		"Do not use config provider variables in this property, since the raw path is used " +
		"by the worker's scanner before config providers are initialized and used to " +
		"replace variables."
	docPluginDiscovery = "Method to use to discover plugins present in the classpath " +
		"and plugin.path configuration. This can be one of multiple values with the following meanings:\n" +
		"* only_scan: Discover plugins only by reflection. " +
		"Plugins which are not discoverable by ServiceLoader will not impact worker startup.\n" +
		"* hybrid_warn: Discover plugins reflectively and by ServiceLoader. " +
		"Plugins which are not discoverable by ServiceLoader will print warnings during worker startup.\n" +
		"* hybrid_fail: Discover plugins reflectively and by ServiceLoader. " +
		"Plugins which are not discoverable by ServiceLoader will cause worker startup to fail.\n" +
		"* service_load: Discover plugins only by ServiceLoader. Faster startup than other modes. " +
		"Plugins which are not discoverable by ServiceLoader may not be usable."
	docConfigProviders = "Comma-separated names of <code>ConfigProvider</code> classes, loaded and used " +
		"in the order specified. Implementing the interface  " +
		"<code>ConfigProvider</code> allows you to replace variable references in connector configurations, " +
		"such as for externalized secrets. "
	docClientPolicy = "Class name or alias of implementation of <code>ConnectorClientConfigOverridePolicy</code>. Defines what client configurations can be " +
		"overridden by the connector. The default implementation is `All`, meaning connector configurations can override all client properties. " +
		"The other possible policies in the framework include `None` to disallow connectors from overriding client properties, " +
		"and `Principal` to allow connectors to override only client principals."
	docMetricsSampleWindow = "The window of time a metrics sample is computed over."
	docMetricsNumSamples   = "The number of samples maintained to compute metrics."
	docMetricsRecording    = "The highest recording level for metrics."
	docMetricReporters     = "A list of classes to use as metrics reporters. Implementing the <code>org.apache.kafka.common.metrics.MetricsReporter</code> interface allows plugging in classes that will be notified of new metric creation."
	docTopicTracking       = "Enable tracking the set of active topics per connector during runtime."
	docTopicTrackingReset  = "If set to true, it allows user requests to reset the set of active topics per connector."
	docTopicCreation       = "Whether to allow automatic creation of topics used by source connectors, when source connectors " +
		"are configured with `topic.creation.` properties. Each task will use an " +
		"admin client to create its topics and will not depend on the Kafka brokers " +
		"to create topics automatically."

	docListeners = "List of comma-separated URIs the REST API will listen on. The supported protocols are HTTP and HTTPS.\n" +
		" Specify hostname as 0.0.0.0 to bind to all interfaces.\n" +
		" Leave hostname empty to bind to default interface.\n" +
		" Examples of legal listener lists: HTTP://myhost:8083,HTTPS://myhost:8084"
	docAdvertisedHost     = "If this is set, this is the hostname that will be given out to other workers to connect to."
	docAdvertisedPort     = "If this is set, this is the port that will be given out to other workers to connect to."
	docAdvertisedListener = "Sets the advertised listener (HTTP or HTTPS) which will be given to other workers to use."
	docAllowOrigin        = "Value to set the Access-Control-Allow-Origin header to for REST API requests." +
		"To enable cross origin access, set this to the domain of the application that should be permitted" +
		" to access the API, or '*' to allow access from any domain. The default value only allows access" +
		" from the domain of the REST API."
	docAllowMethods = "Sets the methods supported for cross origin requests by setting the Access-Control-Allow-Methods header. " +
		"The default value of the Access-Control-Allow-Methods header allows cross origin requests for GET, POST and HEAD."
	docResponseHeaders = "Rules for REST API HTTP response headers"
	docSSLClientAuth   = "Configures kafka broker to request client authentication." +
		" The following settings are common: " +
		" <ul>" +
		" <li><code>ssl.client.auth=required</code> If set to required client authentication is required." +
		" <li><code>ssl.client.auth=requested</code> This means client authentication is optional." +
		" unlike required, if this option is set client can choose not to provide authentication information about itself" +
		" <li><code>ssl.client.auth=none</code> This means client authentication is not needed." +
		"</ul>"
	docRestExtensions = "Comma-separated names of <code>ConnectRestExtension</code> classes, loaded and called " +
		"in the order specified. Implementing the interface  " +
		"<code>ConnectRestExtension</code> allows you to inject into Connect's REST API user defined resources like filters. " +
		"Typically used to add custom capability like logging, security, etc. "
	docAdminListeners = "List of comma-separated URIs the Admin REST API will listen on." +
		" The supported protocols are HTTP and HTTPS." +
		" An empty or blank string will disable this feature." +
		" The default behavior is to use the regular listener (specified by the 'listeners' property)."

	docGroupID        = "A unique string that identifies the Connect cluster group this worker belongs to."
	docSessionTimeout = "The timeout used to detect worker failures. " +
		"The worker sends periodic heartbeats to indicate its liveness to the broker. If no heartbeats are " +
		"received by the broker before the expiration of this session timeout, then the broker will remove the " +
		"worker from the group and initiate a rebalance. Note that the value must be in the allowable range as " +
		"configured in the broker configuration by <code>group.min.session.timeout.ms</code> " +
		"and <code>group.max.session.timeout.ms</code>."
	docRebalanceTimeout = "The maximum allowed time for each worker to join the group " +
		"once a rebalance has begun. This is basically a limit on the amount of time needed for all tasks to " +
		"flush any pending data and commit offsets. If the timeout is exceeded, then the worker will be removed " +
		"from the group, which will cause offset commit failures."
	docHeartbeatInterval = "The expected time between heartbeats to the group " +
		"coordinator when using Kafka's group management facilities. Heartbeats are used to ensure that the " +
		"worker's session stays active and to facilitate rebalancing when new members join or leave the group. " +
		"The value must be set lower than <code>session.timeout.ms</code>, but typically should be set no higher " +
		"than 1/3 of that value. It can be adjusted even lower to control the expected time for normal rebalances."
	docExactlyOnce = "Whether to enable exactly-once support for source connectors in the cluster " +
		"by using transactions to write source records and their source offsets, and by proactively fencing out old task generations before bringing up new ones.\n" +
		"To enable exactly-once source support on a new cluster, set this property to 'enabled'. " +
		"To enable support on an existing cluster, first set to 'preparing' on every worker in the cluster, " +
		"then set to 'enabled'. A rolling upgrade may be used for both changes. " +
		"For more information on this feature, see the " +
		"<a href=\"https://kafka.apache.org/documentation.html#connect_exactlyoncesource\">exactly-once source support documentation</a>."
	docMetadataMaxAge     = "The period of time in milliseconds after which we force a refresh of metadata even if we haven't seen any partition leadership changes to proactively discover any new brokers or partitions."
	docClientID           = "An id string to pass to the server when making requests. The purpose of this is to be able to track the source of requests beyond just ip/port by allowing a logical application name to be included in server-side request logging."
	docSendBuffer         = "The size of the TCP send buffer (SO_SNDBUF) to use when sending data. If the value is -1, the OS default will be used."
	docReceiveBuffer      = "The size of the TCP receive buffer (SO_RCVBUF) to use when reading data. If the value is -1, the OS default will be used."
	docReconnectBackoff   = "The base amount of time to wait before attempting to reconnect to a given host. This avoids repeatedly connecting to a host in a tight loop. This backoff applies to all connection attempts by the client to a broker. This value is the initial backoff value and will increase exponentially for each consecutive connection failure, up to the <code>reconnect.backoff.max.ms</code> value."
	docReconnectBackoffMx = "The maximum amount of time in milliseconds to wait when reconnecting to a broker that has repeatedly failed to connect. If provided, the backoff per host will increase exponentially for each consecutive connection failure, up to this maximum. After calculating the backoff increase, 20% random jitter is added to avoid connection storms."
	docSocketSetup        = "The amount of time the client will wait for the socket connection to be established. If the connection is not built before the timeout elapses, clients will close the socket channel. This value is the initial backoff value and will increase exponentially for each consecutive connection failure, up to the <code>socket.connection.setup.timeout.max.ms</code> value."
	docSocketSetupMax     = "The maximum amount of time the client will wait for the socket connection to be established. The connection setup timeout will increase exponentially for each consecutive connection failure up to this maximum. To avoid connection storms, a randomization factor of 0.2 will be applied to the timeout resulting in a random range between 20% below and 20% above the computed value."
	docRetryBackoff       = "The amount of time to wait before attempting to retry a failed request to a given topic partition. This avoids repeatedly sending requests in a tight loop under some failure scenarios. This value is the initial backoff value and will increase exponentially for each failed request, up to the <code>retry.backoff.max.ms</code> value."
	docRetryBackoffMax    = "The maximum amount of time in milliseconds to wait when retrying a request to the broker that has repeatedly failed. If provided, the backoff per client will increase exponentially for each failed request, up to this maximum."
	docRequestTimeout     = "The configuration controls the maximum amount of time the client will wait " +
		"for the response of a request. If the response is not received before the timeout " +
		"elapses the client will resend the request if necessary or fail the request if " +
		"retries are exhausted."
	docConnectionsMaxIdle = "Close idle connections after the number of milliseconds specified by this config."
	docSecurityProtocol   = "Protocol used to communicate with brokers. Valid values are: PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL."
	docWorkerSyncTimeout  = "When the worker is out of sync with other workers and needs" +
		" to resynchronize configurations, wait up to this amount of time before giving up, leaving the group, and" +
		" waiting a backoff period before rejoining."
	docWorkerUnsyncBackoff = "When the worker is out of sync with other workers and " +
		" fails to catch up within worker.sync.timeout.ms, leave the Connect cluster for this long before rejoining."
	docOffsetTopic       = "The name of the Kafka topic where source connector offsets are stored"
	docOffsetPartitions  = "The number of partitions used when creating the offset storage topic"
	docOffsetRF          = "Replication factor used when creating the offset storage topic"
	docConfigTopic       = "The name of the Kafka topic where connector configurations are stored"
	docConfigRF          = "Replication factor used when creating the configuration storage topic"
	docStatusTopic       = "The name of the Kafka topic where connector and task status are stored"
	docStatusPartitions  = "The number of partitions used when creating the status storage topic"
	docStatusRF          = "Replication factor used when creating the status storage topic"
	docConnectProtocol   = "Compatibility mode for Kafka Connect Protocol"
	docScheduledRebalDel = "The maximum delay that is " +
		"scheduled in order to wait for the return of one or more departed workers before " +
		"rebalancing and reassigning their connectors and tasks to the group. During this " +
		"period the connectors and tasks of the departed workers remain unassigned"
	docKeyTTL     = "The TTL of generated session keys used for internal request validation (in milliseconds)"
	docKeyGenAlgo = "The algorithm to use for generating internal request keys. " +
		"The algorithm 'HmacSHA256' will be used as a default on JVMs that support it; " +
		"on other JVMs, no default is used and a value for this property must be manually specified in the worker config."
	docKeySize = "The size of the key to use for signing internal requests, in bits. " +
		"If null, the default key size for the key generation algorithm will be used."
	docSignatureAlgo = "The algorithm used to sign internal requests" +
		"The algorithm 'inter.worker.signature.algorithm' will be used as a default on JVMs that support it; " +
		"on other JVMs, no default is used and a value for this property must be manually specified in the worker config."
	docVerificationAlgos = "A list of permitted algorithms for verifying internal requests, " +
		"which must include the algorithm used for the inter.worker.signature.algorithm property. " +
		"The algorithm(s) '[HmacSHA256]' will be used as a default on JVMs that provide them; " +
		"on other JVMs, no default is used and a value for this property must be manually specified in the worker config."
	docMetadataRecovery = "Controls how the client recovers when none of the brokers known to it is available. " +
		"If set to <code>none</code>, the client fails. If set to <code>rebootstrap</code>, " +
		"the client repeats the bootstrap process using <code>bootstrap.servers</code>."
)
