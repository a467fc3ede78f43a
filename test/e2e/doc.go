// Package e2e holds Ferry's end-to-end suites: they build the real
// binaries, start them against Kafka clusters speaking the real wire
// protocol (in-process kfake clusters here), drive them through the REST API
// and check what reached the target cluster with a plain Kafka client.
//
// Everything binds to 127.0.0.1 on ephemeral ports, so the suites run in
// parallel with each other and with a running demo.
package e2e
