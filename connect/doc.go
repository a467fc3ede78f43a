// Package connect is Ferry's plugin API: the Go counterpart of Kafka Connect's
// connect-api module.
//
// It owns the interfaces a connector implements (Connector, SourceConnector,
// SourceTask), the records a source task emits (SourceRecord), the contexts the
// runtime hands to plugins (ConnectorContext, SourceTaskContext), the
// configuration model (ConfigDef, which parses, validates and renders Connect's
// ConfigInfos) and the explicit plugin Registry that resolves Connect's
// connector names (fully-qualified Java class name, simple name, simple name
// without the "Connector" suffix).
//
// Dependency rule: this package imports only the standard library, zerolog
// and the leaf connect/javajson (Java's number formats). Runtime, herder,
// storage and REST code import it; it imports none of them.
package connect
