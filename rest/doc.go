// Package rest is Kafka Connect's REST API: the HTTP server, its route
// table, the request bodies' decoding, the mapping of errors to status codes
// and Connect's {"error_code","message"} bodies, and request middleware.
//
// It owns:
//   - routes.go: the route table, the one list of every method and path
//     (adminRoutes: the admin resource, served on admin.listeners when set);
//   - one file per resource family whose endpoints call the Herder and
//     return a reply or an error: root.go and health.go; connectors.go,
//     config.go, lifecycle.go (pause, resume, stop), restart.go, tasks.go,
//     topics.go, offsets.go; plugins.go; loggers.go (the admin resource,
//     over the Loggers of loggers_config.go); internal.go (the endpoints
//     workers call on each other: task configs and fencing);
//   - forward.go: forwarding a write to the worker that must serve it
//     (the leader, or a connector's owner) when the herder answers with a
//     request target, as Java's HerderRequestHandler and RestClient do;
//   - errors.go: the one place errors become statuses and error bodies;
//   - middleware.go: request logging (never bodies: configs hold
//     secrets), panic recovery, path normalisation; cors.go, headers.go
//     (response.http.headers.config), basicauth.go (HTTP basic auth over
//     a PropertyFileLoginModule credentials file);
//   - jsonreader.go, jsonscalars.go, jsonerrors.go, createrequest.go,
//     configbody.go, offsetsbody.go, params.go: request bodies and
//     parameters read with Jackson's and Jersey's rules and error texts, so
//     clients see what Java Connect would say; javabase64.go: the internal
//     request signature header decoded with java.util.Base64's rules;
//   - server.go, listeners.go, tls.go: listeners (http and https, PEM or
//     PKCS12 key material), advertised URL, Start and Stop;
//   - flows.go: dedicated MirrorMaker mode (see below).
//
// The JSON entities live in rest/entities. Behaviour follows Java's
// RootResource, ConnectorsResource, InternalClusterResource,
// HerderRequestHandler, RestClient, ConnectExceptionMapper and RestServer;
// where Ferry differs on purpose it says so at the code (notably: a body
// Jackson cannot bind is a 400 here, a 500 in Java).
//
// Forwarding in short: the writes (POST /connectors, PUT and PATCH
// config, DELETE, restarts, stop, offsets PATCH and DELETE, and the
// internal task-config and fence requests) forward to the URL of a herder
// error's ForwardURL(), adding forward=true to a user's request and forward=false
// to one already forwarded; a request that arrives with forward=false and
// is still not on its target answers 409, as does an unknown leader URL.
// The forwarded request is bounded by the REST request timeout and carries
// only the Authorization header of the original.
//
// Dedicated serving: in dedicated MirrorMaker mode (connect-mirror-maker
// mm2.properties, Config.Dedicated) one server serves one herder per
// replication flow, given with SetFlows. Every route of the route table,
// the internal endpoints included, is then served under /{source}/{target}
// (the flow's cluster aliases, percent-decoded path segments: a space
// arrives as %20), e.g. GET /A/B/connectors/{c}/status, POST
// /A/B/connectors/{c}/tasks, GET /A/B/ and GET /A/B/health; each endpoint
// takes its herder from the request (herderFor: the flow's herder, put in
// the request context by the route's per-flow wrapper, or the single
// herder of a regular server). An unknown pair answers 404 "No replication
// flow found for source '<s>' and target '<t>'" (Java's
// InternalMirrorResource). Java's MirrorRestServer serves only the
// internal endpoints there; Ferry adds the rest of the API, and at the top
// level GET /flows (each flow with its connectors' statuses), GET /health
// (healthy when every flow is, else the first flow's that is not) and
// GET / (the first flow's server info). There are no admin routes
// (/admin/loggers is a 404, also on admin.listeners). Forwarding keeps the
// flow prefix, as the forwarded path is the request's escaped path; basic
// authentication lets the prefixed internal endpoints through as it does
// the unprefixed ones. See flows.go.
//
// Dependency rule: rest imports connect (sentinel errors), connect/javajson
// (Java's number formats), storage (value types only), rest/entities,
// gorilla/mux and zerolog (and net/http's client, for forwarding). It
// declares the small Herder interface it needs and never imports the
// herder, the runtime or storage implementations; cmd passes the herder
// in.
package rest
