// Package connectors is the parent of the connector plugins Ferry ships
// (connectors/mirror: MirrorMaker 2). It holds no code of its own.
//
// Each plugin package imports only the plugin API (connect), the Kafka
// client translation (connect/kafkaclient), its own helpers and client
// libraries. Plugins never import the runtime, herder, storage or rest
// packages: the runtime reaches them only through connect's interfaces and
// an explicit Register call made by cmd.
package connectors
