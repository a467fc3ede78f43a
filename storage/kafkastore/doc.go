// Package kafkastore keeps Connect's state in the three internal Kafka
// topics with exactly the records Java Connect writes, so Ferry and Java
// workers can share a cluster: ConfigStore (config.storage.topic),
// OffsetStore (offset.storage.topic) and StatusStore (status.storage.topic),
// each over one Log: a kafkalog.Log here, an in-memory one in
// storage/memstore.
//
// Keys of the config and status topics are plain UTF-8 strings; values are
// the JsonConverter (schemas.enable=false) JSON of Java's Struct schemas:
// no whitespace, fields in schema order, Jackson's escaping (see
// connect/javajson). A null value is a tombstone. Every record kind below is
// pinned by a golden-byte test.
//
// # Config topic (one partition; written by the leader)
//
//	connector-<c>         {"properties":{"connector.class":"X","name":"c"}}
//	                      null = connector deleted
//	task-<c>-<n>          {"properties":{"task.class":"Y"}}
//	                      held back until the next commit-<c>
//	commit-<c>            {"tasks":2}
//	                      applies the held-back task configs iff tasks 0..N-1
//	                      are all there (extra ids tolerated), else marks the
//	                      connector inconsistent; always clears them
//	target-state-<c>      {"state":"PAUSED","state.v2":"STOPPED"}
//	                      "state" says PAUSED for STOPPED (old workers); readers
//	                      prefer "state.v2", v0 records have only
//	                      {"state":"PAUSED"}; null = back to STARTED
//	session-key           {"key":"c2VjcmV0","algorithm":"HmacSHA256","creation-timestamp":1700000000000}
//	restart-connector-<c> {"include-tasks":true,"only-failed":false}
//	tasks-fencing-<c>     {"task-count":2}
//	logger-cluster-<ns>   {"level":"DEBUG"}
//
// Connector and task names may contain '-': task-<c>-<n> is split on '-',
// the last part is the task number. Properties maps are written with their
// keys sorted (Java writes its map's iteration order; any order reads the
// same). Write sequences follow Java: a connector config is its optional
// target state then the config, then a read to the end; a delete tombstones
// connector-<c> then target-state-<c>; task configs are read-to-end,
// task-<c>-0..N-1, read-to-end (N > 0), commit-<c>, read-to-end, all within
// 30 s. Target states and logger levels are written without a read-back.
// The snapshot's Offset is the last record read plus one.
//
// # Offsets topic
//
//	["MirrorSourceConnector",{"cluster":"A","partition":0,"topic":"t"}] -> {"offset":1234}
//
// Key and value are opaque bytes here (storage.OffsetKey and OffsetValue
// build them, with Java HashMap field order); a null value deletes. Get reads
// to the end first; Set waits for every acknowledgement.
//
// # Status topic
//
//	status-connector-<c>                {"state":"RUNNING","trace":null,"worker_id":"host:8083","generation":7}
//	status-task-<c>-<n>                 the same shape
//	status-topic-<topic>:connector-<c>  {"topic":{"name":"t","connector":"c","task":0,"discoverTimestamp":1700000000000}}
//
// DESTROYED is written as a tombstone. The cache is filled only from records
// read back. A read UNASSIGNED task status does not replace a RUNNING one of
// the same or a later generation. PutSafe skips the write when the cached
// status came from another worker with a newer generation. Failed writes
// with a retriable error are retried in the background (the producer itself
// does not retry, as Java sets retries=0) until a newer status for the same
// key, a newer generation or a tombstone supersedes them.
//
// # Logs
//
// A store reaches its topic only through the small Log interface: start
// (read to the end), stop, read to the end, send a record, count
// partitions. NewConfigStore, NewOffsetStore and NewStatusStore open a
// kafkalog.Log; NewConfigStoreOnLog and its siblings take any Log, which
// is how storage/memstore runs these same stores in memory for unit tests,
// so there is one implementation of the record formats and of the state
// machines. The log hands each record it reads to the store's Reader, one
// at a time in partition order; the Reader updates the store's state under
// the store's lock and returns the listener calls owed, which the log makes
// after it returned, holding no lock. TaskConfigRecord and CommitRecord
// expose two record encodings so memstore can write single task-config and
// commit records. twin_test.go holds the two logs to the same results.
//
// # Robustness
//
// A record that is not JSON, or has the wrong shape, is logged with its
// topic, partition and offset and skipped; it never stops the store or loses
// other records. Listener calls (storage.ConfigUpdateListener, and the
// optional storage.RestartRequestListener and storage.LoggingLevelListener)
// are made from the log's reader goroutine (memstore: the writer's), only
// for records read after Start returned, never with a lock held.
//
// # Goroutines
//
// Each store owns one kafkalog.Log and its goroutines (see kafkalog). The
// StatusStore adds one: the retry goroutine (retrier), running from Start to
// Stop, which re-sends failed status writes after a backoff (100 ms
// doubling to 1 s); Stop drops what it still holds (a store started again,
// which only memstore's log allows, does not retry). Locks: each store's mu
// guards its state and is never held while calling the log or a listener.
//
// Dependency rule: storage, connect/javajson, storage/kafkalog, sarama,
// zerolog and the standard library. Nothing here knows the herder, the
// runtime, REST or memstore (which imports this package; the twin test is
// therefore in package kafkastore_test).
package kafkastore
