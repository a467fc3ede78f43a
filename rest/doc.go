// Package rest is Kafka Connect's REST API: the HTTP server, its route
// table, the request bodies' decoding, the mapping of errors to status codes
// and Connect's {"error_code","message"} bodies, and request middleware.
//
// It owns:
//   - routes.go: the route table, the one list of every method and path;
//   - one file per resource family (root.go, connectors.go) whose
//     endpoints call the Herder and return a reply or an error;
//   - errors.go: the one place errors become statuses and error bodies;
//   - middleware.go: request logging (never bodies: configs hold
//     secrets), panic recovery, path normalisation;
//   - jsonreader.go, jsonscalars.go, jsonerrors.go, createrequest.go:
//     request bodies read with Jackson's rules and error texts, so clients
//     see what Java Connect would say;
//   - server.go, listeners.go: listeners, advertised URL, Start and Stop.
//
// The JSON entities live in rest/entities. Behaviour follows Java's
// RootResource, ConnectorsResource, ConnectExceptionMapper and RestServer;
// where Ferry differs on purpose it says so at the code (notably: a body
// Jackson cannot bind is a 400 here, a 500 in Java).
//
// Dependency rule: rest imports connect (sentinel errors), connect/javajson
// (Java's number formats), storage (value types only), rest/entities,
// gorilla/mux and zerolog. It declares the
// small Herder interface it needs and never imports the herder, the
// runtime or storage implementations; cmd passes the herder in.
package rest
