// Package mmconfig reads the configuration of MirrorMaker 2's dedicated
// mode (connect-mirror-maker mm2.properties): Ferry's counterpart of Kafka's
// MirrorMakerConfig.
//
// An mm2.properties file names its clusters (clusters = A, B), gives each
// cluster's settings under its alias (A.bootstrap.servers, A.consumer.*),
// enables and tunes replication flows under the flow's name
// (A->B.enabled = true, A->B.topics = ...), and may set keys for every
// cluster or flow at the top level. From it this package derives, exactly
// as Kafka 4.3.1 does:
//
//   - Flows: the ordered pairs of clusters that get a herder, those enabled
//     or with heartbeats on (Java's clusterPairs), in Java's order;
//   - ClusterProps: one cluster's client settings (Java's clusterProps);
//   - ClientConfig: the admin, consumer and producer configs of the clients
//     that reach one cluster (Java's clientConfig, a MirrorClientConfig),
//     what tools such as connect-mirror-maker failover connect with;
//   - WorkerConfig: the worker config of one flow's herder, whose Connect
//     cluster lives on the flow's target (Java's workerConfig);
//   - ConnectorConfig: the config of one of the flow's three connectors
//     (Java's connectorBaseConfig).
//
// The maps are Java's, key for key: the tests compare them with what
// Kafka 4.3.1's own MirrorMakerConfig makes of the same files
// (testdata/GenerateGolden.java and, for ClientConfig,
// testdata/GenerateClientGolden.java write the golden files).
//
// Config providers (config.providers, ${provider:[path:]key}; package
// configprovider) work as in Java. Parse resolves every reference of the
// file with the file's top-level providers once, as Java's
// MirrorMakerConfig does when it is built: providers that cannot be
// configured (an unknown class, a bad allowed.paths) or a reference that
// cannot be read anywhere in the file (a missing secrets file) make Parse
// and Load fail with Java's message, and a path outside allowed.paths is a
// warning (the reference stays). The top-level settings (clusters, the
// flow flags, dedicated.mode.enable.internal.rest, security.protocol) are
// read resolved; WorkerConfig and ClientConfig come resolved (Java's
// transform), and WorkerConfig passes config.providers* on as written;
// ClusterProps, ConnectorConfig and Originals keep the references as
// written (Java's connectorBaseConfig leaves them to the worker, which
// resolves them with those config.providers* when it starts the
// connectors and tasks, while the config topic keeps the references).
//
// Where Ferry differs from Java, on purpose:
//
//   - Mistakes Java lets through are errors: a cluster without
//     bootstrap.servers (Java's worker would silently use localhost:9092),
//     an empty "clusters" list and a file with no flow at all (Java fails
//     only when MirrorMaker starts). Settings Java silently ignores are
//     reported by Warnings: flow settings naming an alias that "clusters"
//     does not list, <alias>.bootstrap.servers for such an alias, flags
//     Java reads as false although they are not "false" ("yes",
//     "true "), a top-level name or connector.class (which would give every
//     connector the same one) and aliases listed twice.
//   - The seed form: a file without "clusters" that gives
//     source.bootstrap.servers and target.bootstrap.servers (and any other
//     source.* and target.* keys) is read as clusters = source, target with
//     source->target.enabled = true. Java has no such form and requires
//     "clusters". With heartbeats on (the default), Java's rules also give
//     target->source a herder, for the heartbeat connector only.
//
// Of Java's top-level validation, clusters, dedicated.mode.enable.internal.rest
// and security.protocol are checked here with Java's messages; the typed
// ssl.*, sasl.* and internal REST keys are left to the worker and
// connector configs they end up in.
package mmconfig
