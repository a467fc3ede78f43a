// Package herder decides what runs where and is the one seam every REST call
// goes through (Java's Herder).
//
// One goroutine — the herder loop — owns all herder state: the config
// snapshot it acts on, which connectors and tasks this worker runs, and
// which connectors need new task configs. REST calls, config-store listener
// callbacks and connector events never touch that state: REST calls enqueue
// a request with a reply channel, listeners and events record what changed
// under a small mutex and wake the loop.
//
// The herder is driven by the config topic: creating a connector writes
// connector-<name>; the connector's task configs are written as
// task-<name>-<n> plus commit-<name>; the worker starts connectors and tasks
// only from what it reads back, so every worker (and a Java worker sharing
// the topics) acts on the same state.
//
// Workers form a cluster through Kafka's group protocol (connect/group): the
// loop joins the group (JoinGroup/SyncGroup block the loop, as Java's tick
// thread blocks in poll), the leader computes the assignment from its
// config snapshot (refusing while behind a member's config offset), and
// each worker runs what it was assigned. Only the leader writes connector
// and task configs; REST writes on a follower return an error carrying the
// leader's URL, which the REST layer forwards. A follower running a
// connector sends its task configs to the leader's internal endpoint from a
// goroutine of its own (the leader's loop may be waiting in a JoinGroup for
// this very worker), signed with the session key the leader keeps in the
// config topic when the group runs the sessioned protocol. A worker that
// loses its coordinator stops all its work. Without a group member (unit
// tests) the herder is a one-worker cluster that leads and runs everything.
//
// Goroutines: the loop; the member's heartbeat goroutine (it only wakes the
// loop); one short-lived goroutine per task-config send to the leader.
//
// Dependency rule: herder imports connect, connect/group, connect/runtime,
// storage (interfaces), rest/entities (the JSON entities it returns) and
// zerolog; never rest itself or a storage implementation.
package herder
