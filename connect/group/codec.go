package group

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/bits"

	"github.com/ferrykafka/ferry/connect/javajson"
)

// The wire formats of Connect's JoinGroup member metadata (WorkerState) and
// SyncGroup assignment (Assignment), byte-compatible with Java's
// ConnectProtocol (version 0) and IncrementalCooperativeConnectProtocol
// (versions 1 and 2). All integers are big-endian; STRING is an INT16 length
// and UTF-8 bytes; NULLABLE_BYTES is an INT32 length (-1 = null) and bytes;
// ARRAY is an INT32 count (-1 = null where nullable) and the elements.
//
//	WorkerState V0:  version INT16, url STRING, config-offset INT64
//	WorkerState V1+: V0 fields, allocation NULLABLE_BYTES
//	                 (a full Assignment with its own version header, or null)
//	Assignment V0:   version INT16, error INT16, leader STRING,
//	                 leader-url STRING, config-offset INT64,
//	                 assignment ARRAY of {connector STRING, tasks ARRAY<INT32>}
//	Assignment V1+:  V0 fields, revoked ARRAY (nullable, same element),
//	                 delay INT32
//
// Task number -1 (ConnectorTask) in a task list stands for the connector
// instance itself.

// ErrMalformed is wrapped by every decoding error: the bytes are truncated or
// otherwise not a valid encoding.
var ErrMalformed = errors.New("malformed connect protocol data")

// wireMaxString is the longest STRING Java's protocol types accept.
const wireMaxString = math.MaxInt16

// EncodeWorkerState serialises member metadata as Java does for the
// sub-protocol of ws.Version: version 0 writes the url and config offset only
// (ws.Allocation is ignored, as Java's ConnectProtocol.serializeMetadata
// ignores the assignment); version 1 and later add the allocation, null when
// ws.Allocation is nil, otherwise the allocation encoded as an Assignment
// whose version header is ws.Version (Java writes the embedded assignment
// with the metadata's own version, whatever ws.Allocation.Version says).
func EncodeWorkerState(ws WorkerState) ([]byte, error) {
	if ws.Version < 0 {
		return nil, fmt.Errorf("encode connect worker state: unsupported version %d", ws.Version)
	}
	w := wireWriter{}
	w.int16(ws.Version)
	if err := w.str("url", ws.URL); err != nil {
		return nil, fmt.Errorf("encode connect worker state: %w", err)
	}
	w.int64(ws.ConfigOffset)
	if ws.Version == Version0 {
		return w.b, nil
	}
	if ws.Allocation == nil {
		w.int32(-1)
		return w.b, nil
	}
	alloc := *ws.Allocation
	alloc.Version = ws.Version
	ab, err := EncodeAssignment(alloc)
	if err != nil {
		return nil, fmt.Errorf("encode connect worker state: allocation: %w", err)
	}
	w.int32(int32(len(ab)))
	w.b = append(w.b, ab...)
	return w.b, nil
}

// DecodeWorkerState parses member metadata of any version written by Java or
// EncodeWorkerState. Versions above 2 are parsed as version 2 (only the known
// fields; anything after them is ignored), negative versions are rejected.
// The allocation is only read for version 1 and later, and only when bytes
// remain (Java tolerates its absence and then reports none).
func DecodeWorkerState(b []byte) (WorkerState, error) {
	r := wireReader{b: b, what: "connect worker state"}
	var ws WorkerState
	var err error
	if ws.Version, err = r.version(); err != nil {
		return WorkerState{}, err
	}
	if ws.URL, err = r.str("url"); err != nil {
		return WorkerState{}, err
	}
	if ws.ConfigOffset, err = r.int64("config-offset"); err != nil {
		return WorkerState{}, err
	}
	if ws.Version == Version0 || r.done() {
		return ws, nil
	}
	alloc, err := r.nullableBytes("allocation")
	if err != nil {
		return WorkerState{}, err
	}
	if alloc != nil {
		a, err := DecodeAssignment(alloc)
		if err != nil {
			return WorkerState{}, fmt.Errorf("connect worker state: allocation at offset %d: %w", r.off-len(alloc), err)
		}
		ws.Allocation = &a
	}
	return ws, nil
}

// DecodeJoinedMembers decodes the JoinGroup metadata of every member (as the
// leader receives it in Handler.Assign) for the assignors, keeping the
// order. The error names the member whose metadata is malformed.
func DecodeJoinedMembers(members []RawMember) ([]JoinedMember, error) {
	out := make([]JoinedMember, len(members))
	for i, rm := range members {
		ws, err := DecodeWorkerState(rm.Metadata)
		if err != nil {
			return nil, fmt.Errorf("member %s: %w", rm.ID, err)
		}
		out[i] = JoinedMember{ID: rm.ID, State: ws}
	}
	return out, nil
}

// EncodeAssignment serialises an assignment exactly as Java does.
//
// Assigned work (both layouts) follows Java's Assignment.asMap: one array
// entry per connector, first the distinct a.Connectors in the iteration
// order of a java.util.HashSet built from them (see wireHashSetOrder), each
// starting with task -1, then a.Tasks in slice order, appended to their
// connector's entry (new entries in order of first appearance). Revoked work
// (version 1 and later) follows ExtendedAssignment.revokedAsMap: the distinct
// revoked connectors in slice order, then the revoked tasks in slice order.
// Version 0 cannot carry revocations or a delay; version 1 and later always
// write both arrays (empty, never null, as Java does) and the delay. Task
// ids in a.Tasks and a.RevokedTasks must not be -1, which the wire format
// reserves for the connector.
func EncodeAssignment(a Assignment) ([]byte, error) {
	if a.Version < 0 {
		return nil, fmt.Errorf("encode connect assignment: unsupported version %d", a.Version)
	}
	if a.Version == Version0 && (len(a.RevokedConnectors) > 0 || len(a.RevokedTasks) > 0 || a.Delay != 0) {
		return nil, errors.New("encode connect assignment: version 0 cannot carry revocations or a delay")
	}
	w := wireWriter{}
	w.int16(a.Version)
	w.int16(a.Error)
	if err := w.str("leader", a.Leader); err != nil {
		return nil, fmt.Errorf("encode connect assignment: %w", err)
	}
	if err := w.str("leader-url", a.LeaderURL); err != nil {
		return nil, fmt.Errorf("encode connect assignment: %w", err)
	}
	w.int64(a.ConfigOffset)
	if err := w.workArray("assignment", wireHashSetOrder(a.Connectors), a.Tasks); err != nil {
		return nil, fmt.Errorf("encode connect assignment: %w", err)
	}
	if a.Version == Version0 {
		return w.b, nil
	}
	if err := w.workArray("revoked", wireDistinct(a.RevokedConnectors), a.RevokedTasks); err != nil {
		return nil, fmt.Errorf("encode connect assignment: %w", err)
	}
	w.int32(a.Delay)
	return w.b, nil
}

// DecodeAssignment parses an assignment of any version written by Java or
// EncodeAssignment, as Java's IncrementalCooperativeConnectProtocol does:
// versions above 2 are parsed as version 2 (anything after the known fields
// is ignored), negative versions are rejected. The fields after the config
// offset may be missing (the assignment array and, from version 1, the
// revoked array and the delay); missing or null arrays decode as no work and
// a missing delay as 0. Version 0 has no fields after the assignment array,
// so bytes there are ignored. Task -1 entries become Connectors (or
// RevokedConnectors), other numbers Tasks, both in wire order.
func DecodeAssignment(b []byte) (Assignment, error) {
	r := wireReader{b: b, what: "connect assignment"}
	var a Assignment
	var err error
	if a.Version, err = r.version(); err != nil {
		return Assignment{}, err
	}
	if a.Error, err = r.int16("error"); err != nil {
		return Assignment{}, err
	}
	if a.Leader, err = r.str("leader"); err != nil {
		return Assignment{}, err
	}
	if a.LeaderURL, err = r.str("leader-url"); err != nil {
		return Assignment{}, err
	}
	if a.ConfigOffset, err = r.int64("config-offset"); err != nil {
		return Assignment{}, err
	}
	if r.done() {
		return a, nil
	}
	if a.Connectors, a.Tasks, err = r.workArray("assignment"); err != nil {
		return Assignment{}, err
	}
	if a.Version == Version0 || r.done() {
		return a, nil
	}
	if a.RevokedConnectors, a.RevokedTasks, err = r.workArray("revoked"); err != nil {
		return Assignment{}, err
	}
	if r.done() {
		return a, nil
	}
	if a.Delay, err = r.int32("delay"); err != nil {
		return Assignment{}, err
	}
	return a, nil
}

// wireHashSetOrder returns the distinct values of list in the iteration
// order of `new java.util.HashSet<>(list)`, which is how Java's
// Assignment.asMap orders connectors. The set is pre-sized from the list's
// length (duplicates included), as JDK 19 and later do:
// HashMap.newHashMap(max(n, 12)), i.e. a table of
// tableSizeFor(ceil(max(n,12)/0.75)) buckets; JDK 17's formula
// (max(n/.75f + 1, 16)) gives a table twice as large when n is exactly
// 12·2^k, and so a different order for those sizes only. Keys live in bucket
// spread(hashCode) & (capacity-1); buckets are visited in index order and a
// bucket keeps insertion order (a resize split preserves it). Red-black tree
// bins (9+ colliding keys in a table of 64+) are not modelled.
func wireHashSetOrder(list []string) []string {
	if len(list) == 0 {
		return nil
	}
	type entry struct {
		key  string
		hash uint32
	}
	n := max(len(list), 12)
	capacity := wireTableSizeFor(int(math.Ceil(float64(n) / 0.75)))
	table := make([][]entry, capacity)
	resize := func() {
		next := make([][]entry, len(table)*2)
		for _, bin := range table {
			for _, e := range bin {
				i := e.hash & uint32(len(next)-1)
				next[i] = append(next[i], e)
			}
		}
		table = next
	}
	size := 0
outer:
	for _, k := range list {
		h := uint32(javajson.StringHashCode(k))
		e := entry{key: k, hash: h ^ (h >> 16)}
		i := e.hash & uint32(len(table)-1)
		for _, o := range table[i] {
			if o.key == k {
				continue outer
			}
		}
		table[i] = append(table[i], e)
		// HashMap.putVal: a bin reaching 9 nodes is treeified, which
		// resizes instead while the table is below 64 buckets.
		if len(table[i]) >= 9 && len(table) < 64 {
			resize()
		}
		size++
		if size > len(table)*3/4 {
			resize()
		}
	}
	out := make([]string, 0, size)
	for _, bin := range table {
		for _, e := range bin {
			out = append(out, e.key)
		}
	}
	return out
}

// wireTableSizeFor is HashMap.tableSizeFor: the smallest power of two >= c,
// at least 1 and at most 2^30.
func wireTableSizeFor(c int) int {
	if c <= 1 {
		return 1
	}
	if c >= 1<<30 {
		return 1 << 30
	}
	return 1 << bits.Len(uint(c-1))
}

// wireDistinct drops repeated values, keeping first occurrences in order
// (Java's stream().distinct()).
func wireDistinct(list []string) []string {
	seen := make(map[string]bool, len(list))
	out := make([]string, 0, len(list))
	for _, s := range list {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

type wireWriter struct{ b []byte }

func (w *wireWriter) int16(v int16) { w.b = binary.BigEndian.AppendUint16(w.b, uint16(v)) }
func (w *wireWriter) int32(v int32) { w.b = binary.BigEndian.AppendUint32(w.b, uint32(v)) }
func (w *wireWriter) int64(v int64) { w.b = binary.BigEndian.AppendUint64(w.b, uint64(v)) }

func (w *wireWriter) str(field, s string) error {
	if len(s) > wireMaxString {
		return fmt.Errorf("%s: string of %d bytes is longer than the maximum %d", field, len(s), wireMaxString)
	}
	w.int16(int16(len(s)))
	w.b = append(w.b, s...)
	return nil
}

// workArray writes connectors (already in wire order, distinct) with task
// -1 each, then tasks appended to their connector's entry, entries in order
// of first appearance: Java's LinkedHashMap built by asMap/revokedAsMap.
func (w *wireWriter) workArray(field string, connectors []string, tasks []TaskID) error {
	index := make(map[string]int, len(connectors))
	var names []string
	var lists [][]int32
	entry := func(c string) int {
		i, ok := index[c]
		if !ok {
			i = len(names)
			index[c] = i
			names = append(names, c)
			lists = append(lists, nil)
		}
		return i
	}
	for _, c := range connectors {
		i := entry(c)
		lists[i] = append(lists[i], ConnectorTask)
	}
	for _, t := range tasks {
		if t.Task == ConnectorTask {
			return fmt.Errorf("%s: task %d of connector %q is reserved for the connector itself", field, t.Task, t.Connector)
		}
		i := entry(t.Connector)
		lists[i] = append(lists[i], t.Task)
	}
	w.int32(int32(len(names)))
	for i, c := range names {
		if err := w.str(field+" connector", c); err != nil {
			return err
		}
		w.int32(int32(len(lists[i])))
		for _, t := range lists[i] {
			w.int32(t)
		}
	}
	return nil
}

type wireReader struct {
	b    []byte
	off  int
	what string
}

func (r *wireReader) done() bool { return r.off >= len(r.b) }

func (r *wireReader) fail(field, format string, args ...any) error {
	return fmt.Errorf("%s: field %s at offset %d: %s: %w", r.what, field, r.off, fmt.Sprintf(format, args...), ErrMalformed)
}

func (r *wireReader) take(field string, n int) ([]byte, error) {
	if n > len(r.b)-r.off {
		return nil, r.fail(field, "truncated: need %d bytes, have %d", n, len(r.b)-r.off)
	}
	p := r.b[r.off : r.off+n]
	r.off += n
	return p, nil
}

func (r *wireReader) version() (int16, error) {
	v, err := r.int16("version")
	if err != nil {
		return 0, err
	}
	if v < 0 {
		r.off -= 2
		return 0, r.fail("version", "unsupported version %d", v)
	}
	return v, nil
}

func (r *wireReader) int16(field string) (int16, error) {
	p, err := r.take(field, 2)
	if err != nil {
		return 0, err
	}
	return int16(binary.BigEndian.Uint16(p)), nil
}

func (r *wireReader) int32(field string) (int32, error) {
	p, err := r.take(field, 4)
	if err != nil {
		return 0, err
	}
	return int32(binary.BigEndian.Uint32(p)), nil
}

func (r *wireReader) int64(field string) (int64, error) {
	p, err := r.take(field, 8)
	if err != nil {
		return 0, err
	}
	return int64(binary.BigEndian.Uint64(p)), nil
}

func (r *wireReader) str(field string) (string, error) {
	n, err := r.int16(field + " length")
	if err != nil {
		return "", err
	}
	if n < 0 {
		r.off -= 2
		return "", r.fail(field, "negative string length %d", n)
	}
	p, err := r.take(field, int(n))
	if err != nil {
		return "", err
	}
	return string(p), nil
}

// nullableBytes returns nil for null (-1) and a non-nil slice otherwise.
func (r *wireReader) nullableBytes(field string) ([]byte, error) {
	n, err := r.int32(field + " length")
	if err != nil {
		return nil, err
	}
	if n == -1 {
		return nil, nil
	}
	if n < 0 {
		r.off -= 4
		return nil, r.fail(field, "negative bytes length %d", n)
	}
	p, err := r.take(field, int(n))
	if err != nil {
		return nil, err
	}
	return p[:len(p):len(p)], nil
}

// arrayLen reads an ARRAY count; null (-1) gives -1. minElem is the smallest
// encoding of one element, to refuse counts the remaining bytes cannot hold
// before allocating for them.
func (r *wireReader) arrayLen(field string, nullable bool, minElem int) (int, error) {
	n, err := r.int32(field + " count")
	if err != nil {
		return 0, err
	}
	if n == -1 && nullable {
		return -1, nil
	}
	if n < 0 {
		r.off -= 4
		return 0, r.fail(field, "negative array count %d", n)
	}
	if left := len(r.b) - r.off; int64(n)*int64(minElem) > int64(left) {
		r.off -= 4
		return 0, r.fail(field, "array of %d elements cannot fit in the remaining %d bytes", n, left)
	}
	return int(n), nil
}

// workArray reads a nullable ARRAY of {connector STRING, tasks ARRAY<INT32>}
// into connectors (task -1) and tasks, in wire order.
func (r *wireReader) workArray(field string) ([]string, []TaskID, error) {
	n, err := r.arrayLen(field, true, 6)
	if err != nil {
		return nil, nil, err
	}
	var connectors []string
	var tasks []TaskID
	for range n {
		c, err := r.str(field + " connector")
		if err != nil {
			return nil, nil, err
		}
		m, err := r.arrayLen(field+" tasks", false, 4)
		if err != nil {
			return nil, nil, err
		}
		for range m {
			t, err := r.int32(field + " task")
			if err != nil {
				return nil, nil, err
			}
			if t == ConnectorTask {
				connectors = append(connectors, c)
			} else {
				tasks = append(tasks, TaskID{Connector: c, Task: t})
			}
		}
	}
	return connectors, tasks, nil
}
