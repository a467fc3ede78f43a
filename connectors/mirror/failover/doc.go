// Package failover moves a consumer group from one MirrorMaker 2 cluster to
// another: it is the `connect-mirror-maker failover` command.
//
// MirrorCheckpointConnector (flow A->B) writes checkpoints to
// <A>.checkpoints.internal on cluster B: for consumer group G and each
// partition of a replicated topic, G's committed offset on A (upstream)
// and the equivalent offset on B (downstream, for the renamed topic, e.g.
// A.orders). Failing G over from A to B means committing those translated
// offsets to G on B before G's consumers start there. Java offers this only
// as a library call (RemoteClusterUtils.translateOffsets); this package
// gives operators a command that shows the plan first and applies it on
// request.
//
// # The plan
//
// One row per downstream partition with a checkpoint for G, sorted by topic
// and partition: the upstream topic on A; G's committed offset on A (when A
// was given and answers: A is usually down during a failover, which is not
// an error, its columns then show '-'); the checkpoint's upstream offset;
// the checkpoint lag (committed on A minus checkpoint upstream: how far the
// checkpoint trails the group on A); the translated offset on B; G's
// committed offset on B; and the action:
//
//   - "commit": the translated offset is ahead of G's offset on B, or G has
//     none there;
//   - "keep": G's offset on B is at or past the translated offset (a
//     failover never moves a group backwards);
//   - "skip: topic missing on B": the downstream partition does not exist
//     on B.
//
// G's state and member count on B are shown too.
//
// # Applying
//
// With --apply the "commit" rows are committed to G on B as an admin
// client commits (OffsetCommit, generation -1, no member id), with the
// checkpoint's metadata, then read back and printed as old -> new. The
// command refuses while G has members on B (any state but Empty, Dead or
// absent), and when members join during the commit (the coordinator answers
// UNKNOWN_MEMBER_ID): running consumers would overwrite the offsets.
//
// # Connections
//
// Cluster B is reached with --bootstrap-server plus an optional Java client
// properties file (--command-config: security.protocol, ssl.*, sasl.*, and
// replication.policy.* when the connectors used a non-default policy), or
// with an mm2.properties (--config) that lists both clusters. A is
// optional: --source-bootstrap-server/--source-command-config, or the same
// mm2.properties. Each phase (reading B, reading A, applying) is bounded by
// --timeout.
//
// The mm2.properties is read as MirrorMaker's dedicated mode reads it
// (mmconfig.Load): the seed form (source.* and target.* keys, no
// "clusters"; its aliases are source and target) is accepted, and a file
// the dedicated mode refuses (no "clusters", a cluster without
// bootstrap.servers, no flow, ...) is a usage error naming the file and the
// problem; what the dedicated mode would ignore or read surprisingly in it
// (mmconfig's warnings) comes back in Options.Warnings, which the command
// prints before it runs. Each cluster's clients get the settings Java's
// MirrorMakerConfig.clientConfig(alias) gives them (mmconfig.ClientConfig):
// only bootstrap.servers, security.protocol and the client ssl.* and sasl.*
// keys, each client taking <alias>.<role>.<key>, else <alias>.<key>, else
// the top-level <key>. The command's own connections are admin clients
// (role admin); the checkpoints are read with the consumer settings (role
// consumer). The replication.policy.* keys come from the top level,
// overridden by <alias>.replication.policy.*. Other client keys
// (client.id, request.timeout.ms, ...) are not passed on, as in Java, and
// ${provider:path:key} references are not resolved.
//
// # Exit codes
//
//	0  dry run: there is something to commit; --apply: committed
//	1  error: B unreachable, the checkpoints topic missing on B, a commit
//	   failed
//	2  usage: a missing or conflicting flag, an unreadable or malformed
//	   file, an mm2.properties the dedicated mode refuses, an alias not
//	   listed in the mm2.properties' clusters
//	3  nothing to do: no checkpoints for the group, or nothing to commit
//	4  --apply refused: the group has active members on B (nothing was
//	   committed; stop its consumers on B first)
//
// Run returns an Outcome and an error from which the command derives these
// codes: a *UsageError is 2, an *ActiveMembersError 4, any other error 1,
// OutcomeNothingToDo 3.
package failover
