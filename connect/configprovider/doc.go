// Package configprovider resolves Kafka's config-provider references
// (KIP-297, KIP-421): ${provider:path:key} and ${provider:key} in
// configuration values, with the providers a configuration names under
// config.providers:
//
//	config.providers = file, dir, env
//	config.providers.file.class = org.apache.kafka.common.config.provider.FileConfigProvider
//	config.providers.file.param.allowed.paths = /etc/kafka/secrets
//	config.providers.dir.class = org.apache.kafka.common.config.provider.DirectoryConfigProvider
//	config.providers.env.class = org.apache.kafka.common.config.provider.EnvVarConfigProvider
//	config.providers.env.param.allowlist.pattern = KAFKA_.*
//
//	sasl.jaas.config = ${file:/etc/kafka/secrets/sasl.properties:jaas}
//	ssl.keystore.password = ${dir:/etc/kafka/secrets:keystore-password}
//	ssl.key.password = ${env:KAFKA_KEY_PASSWORD}
//
// It is Ferry's counterpart of Java's ConfigTransformer and of the three
// providers Kafka ships, which it supports by their full class names (as
// Java's AbstractConfig requires them; no aliases):
//
//   - FileConfigProvider: ${file:<path>:<key>} is the value of key in the
//     Java properties file at path, read as UTF-8 (Java reads it with a
//     UTF-8 Reader). Parameter allowed.paths.
//   - DirectoryConfigProvider: ${dir:<directory>:<file>} is the content of
//     the regular file (symbolic links followed) directly in directory;
//     names with a separator or ".." never match. Parameter allowed.paths.
//   - EnvVarConfigProvider: ${env:<NAME>} is the environment variable NAME
//     (as the process had it when New ran). It takes no path: ${env:p:NAME}
//     is an error. Parameter allowlist.pattern: a regular expression a
//     variable's whole name must match (default: every variable).
//
// allowed.paths is Java's: a comma-separated list of absolute paths that
// must exist when the provider is configured; a path outside them
// (normalised, compared name by name, so ".." cannot escape) reads as
// nothing, which leaves the reference as it is (Java logs a warning; here
// Options.Warn receives it).
//
// Transform follows ConfigTransformer exactly: the pattern is Java's
// DEFAULT_PATTERN, \$\{([^}]*?):(([^}]*?):)?([^}]*?)\}; a reference to a
// provider the configuration does not name (or names without a .class) is
// left untouched, as is one whose key the provider does not have; a
// resolved value is not resolved again (one level of indirection); each
// provider is asked once per path; a provider that fails (an unreadable
// file, a directory that cannot be listed, a path given to the env
// provider) fails the whole transformation with Java's message. TTLs do
// not exist here (the built-in providers never set one).
//
// ReverseTransform is Java's AbstractHerder.reverseTransform: before task
// configs a connector generated are stored, every key that has a reference
// in the connector's stored config gets that raw value back, so secrets a
// connector copies into its task configs do not reach the config topic.
//
// Differences from Java: config.providers is read as a list (trimmed
// names, empty names skipped) everywhere, where Java's AbstractConfig
// splits it at commas without trimming when a configuration resolves its
// own values (a worker or MirrorMaker file; Java's worker trims when it
// resolves connector configs). Classes other than the three are refused
// (there is no plugin path to load them from).
//
// Dependency rule: a leaf, the standard library only. The caller passes
// the Java properties parser FileConfigProvider needs (Options), so that
// workerconfig, which owns that parser, can import this package.
package configprovider
