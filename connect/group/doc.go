// Package group is Connect's group membership: how Ferry workers (and Java
// Connect workers) form one cluster through Kafka's classic group protocol
// with protocol type "connect".
//
// It owns the wire formats of the member metadata and the assignment
// (Java's ConnectProtocol and IncrementalCooperativeConnectProtocol, V0, V1
// and V2), the membership client over sarama's raw JoinGroup, SyncGroup,
// Heartbeat and LeaveGroup requests (sarama's ConsumerGroup only speaks the
// "consumer" protocol), and the two assignors as pure functions: eager
// round-robin and incremental cooperative.
//
// Wire formats (codec.go): EncodeWorkerState/DecodeWorkerState and
// EncodeAssignment/DecodeAssignment are byte-exact with Java, including the
// order Java writes connectors in (a java.util.HashSet's, JDK 19+) and tasks
// in (the caller's slice order). Decoders tolerate missing trailing fields
// and unknown higher versions, and wrap ErrMalformed on bad input.
//
// Membership (member*.go): a Member is driven by one goroutine, the
// herder's, which calls Start once, then EnsureActive whenever NeedsRejoin
// or CoordinatorLost reports true, and finally Stop. EnsureActive calls the
// Handler back on that goroutine (Metadata per offered protocol and
// JoinGroup, Assign on the leader, Joined after SyncGroup). The member owns
// a heartbeat goroutine per stable generation; it never acts for the
// herder, it only records what happened (rejoin needed, generation reset,
// coordinator lost) and calls MemberConfig.Wake. When CoordinatorLost is
// true the herder must stop all its connectors and tasks before rejoining
// (KAFKA-9184). Lock order: Member.mu is a leaf; no callback (Handler,
// Wake) is called while holding it.
//
// Dependency rule: group imports sarama, zerolog, connect/javajson (a
// standard-library leaf) and the standard library only; the herder drives
// it.
package group
