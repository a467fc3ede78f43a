package logging

// The names of Ferry's loggers: each is the Java class whose log lines the
// component's stand for, so a level set for Java Connect (or one of its
// packages) applies to the same lines in Ferry.
const (
	// RegistryLogger logs level changes (Java's Loggers).
	RegistryLogger = "org.apache.kafka.connect.runtime.Loggers"

	DistributedHerder = "org.apache.kafka.connect.runtime.distributed.DistributedHerder"
	WorkerCoordinator = "org.apache.kafka.connect.runtime.distributed.WorkerCoordinator"
	Worker            = "org.apache.kafka.connect.runtime.Worker"
	WorkerConnector   = "org.apache.kafka.connect.runtime.WorkerConnector"
	WorkerSourceTask  = "org.apache.kafka.connect.runtime.WorkerSourceTask"
	RestServer        = "org.apache.kafka.connect.runtime.rest.RestServer"

	KafkaConfigBackingStore = "org.apache.kafka.connect.storage.KafkaConfigBackingStore"
	KafkaOffsetBackingStore = "org.apache.kafka.connect.storage.KafkaOffsetBackingStore"
	KafkaStatusBackingStore = "org.apache.kafka.connect.storage.KafkaStatusBackingStore"

	// AbstractConfig reports unused and questionable worker properties.
	AbstractConfig = "org.apache.kafka.common.config.AbstractConfig"
	// ConnectDistributed logs the worker's start-up.
	ConnectDistributed = "org.apache.kafka.connect.cli.ConnectDistributed"

	MirrorSourceConnector = "org.apache.kafka.connect.mirror.MirrorSourceConnector"
	MirrorSourceTask      = "org.apache.kafka.connect.mirror.MirrorSourceTask"
	// MirrorMaker logs the embedded demo (connect-mirror-maker).
	MirrorMaker = "org.apache.kafka.connect.mirror.MirrorMaker"
)
