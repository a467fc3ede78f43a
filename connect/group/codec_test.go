package group

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// Golden bytes are built here field by field from Java's schemas
// (ConnectProtocol, IncrementalCooperativeConnectProtocol), independently of
// the encoder. The hex vectors marked "Java" were printed by a JVM (JDK 17
// and JDK 25 agree on them) running the schemas' layout with the real
// java.util.HashSet / LinkedHashMap that Assignment.asMap and
// ExtendedAssignment.revokedAsMap use.

type gbBuf struct{ b []byte }

func gb() *gbBuf { return &gbBuf{} }

func (g *gbBuf) i16(v int16) *gbBuf { g.b = append(g.b, byte(uint16(v)>>8), byte(v)); return g }
func (g *gbBuf) i32(v int32) *gbBuf {
	u := uint32(v)
	g.b = append(g.b, byte(u>>24), byte(u>>16), byte(u>>8), byte(u))
	return g
}

func (g *gbBuf) i64(v int64) *gbBuf {
	g.i32(int32(uint64(v) >> 32))
	return g.i32(int32(uint32(uint64(v))))
}
func (g *gbBuf) str(s string) *gbBuf { g.i16(int16(len(s))); g.b = append(g.b, s...); return g }
func (g *gbBuf) raw(b []byte) *gbBuf { g.b = append(g.b, b...); return g }

// entry writes one {connector, tasks} array element.
func (g *gbBuf) entry(c string, tasks ...int32) *gbBuf {
	g.str(c).i32(int32(len(tasks)))
	for _, t := range tasks {
		g.i32(t)
	}
	return g
}

func gbHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func gbTask(c string, task int32) TaskID { return TaskID{Connector: c, Task: task} }

func TestEncodeAssignmentGolden(t *testing.T) {
	cases := []struct {
		name string
		in   Assignment
		want []byte
		java string // hex printed by the JVM oracle, when there is one
	}{
		{
			name: "v0 connectors in HashSet order, tasks appended in order",
			in: Assignment{
				Version: 0, Leader: "leader-1", LeaderURL: "http://w1:8083", ConfigOffset: 42,
				Connectors: []string{"conn-b", "conn-a"},
				Tasks:      []TaskID{gbTask("conn-a", 0), gbTask("conn-b", 1), gbTask("conn-c", 0), gbTask("conn-a", 2)},
			},
			// HashSet{conn-b, conn-a} iterates conn-b (bucket 0), conn-a
			// (bucket 15); conn-c only has a task, so it comes last.
			want: gb().i16(0).i16(0).str("leader-1").str("http://w1:8083").i64(42).
				i32(3).entry("conn-b", -1, 1).entry("conn-a", -1, 0, 2).entry("conn-c", 0).b,
			java: "0000000000086c65616465722d31000e687474703a2f2f77313a38303833000000000000002a000000030006636f6e6e2d6200000002ffffffff000000010006636f6e6e2d6100000003ffffffff00000000000000020006636f6e6e2d630000000100000000",
		},
		{
			name: "v0 empty",
			in:   Assignment{Version: 0, Leader: "m", LeaderURL: "u", ConfigOffset: 0},
			want: gb().i16(0).i16(0).str("m").str("u").i64(0).i32(0).b,
		},
		{
			name: "v1 with revocations and delay",
			in: Assignment{
				Version: 1, Leader: "leader-1", LeaderURL: "http://w1:8083", ConfigOffset: 7,
				Connectors:        []string{"sink", "source"},
				Tasks:             []TaskID{gbTask("source", 0), gbTask("sink", 3)},
				RevokedConnectors: []string{"old", "gone", "old"},
				RevokedTasks:      []TaskID{gbTask("gone", 0), gbTask("keep", 5)},
				Delay:             1500,
			},
			// Revoked connectors keep slice order, duplicates dropped
			// (stream().distinct()).
			want: gb().i16(1).i16(0).str("leader-1").str("http://w1:8083").i64(7).
				i32(2).entry("sink", -1, 3).entry("source", -1, 0).
				i32(3).entry("old", -1).entry("gone", -1, 0).entry("keep", 5).
				i32(1500).b,
			java: "0001000000086c65616465722d31000e687474703a2f2f77313a38303833000000000000000700000002000473696e6b00000002ffffffff000000030006736f7572636500000002ffffffff000000000000000300036f6c6400000001ffffffff0004676f6e6500000002ffffffff0000000000046b6565700000000100000005000005dc",
		},
		{
			name: "v1 without revocations or delay writes an empty revoked array",
			in: Assignment{
				Version: 1, Leader: "a", LeaderURL: "http://a", ConfigOffset: 3,
				Tasks: []TaskID{gbTask("c", 1), gbTask("c", 0)},
			},
			want: gb().i16(1).i16(0).str("a").str("http://a").i64(3).
				i32(1).entry("c", 1, 0).i32(0).i32(0).b,
		},
		{
			name: "v2 config mismatch, nothing assigned",
			in:   Assignment{Version: 2, Error: ErrConfigMismatch, Leader: "m-0", LeaderURL: "http://leader:8083", ConfigOffset: -1},
			want: gb().i16(2).i16(1).str("m-0").str("http://leader:8083").i64(-1).i32(0).i32(0).i32(0).b,
			java: "0002000100036d2d300012687474703a2f2f6c65616465723a38303833ffffffffffffffff000000000000000000000000",
		},
		{
			name: "v2 delay only",
			in:   Assignment{Version: 2, Leader: "l", LeaderURL: "u", ConfigOffset: 1 << 40, Delay: 300000},
			want: gb().i16(2).i16(0).str("l").str("u").i64(1 << 40).i32(0).i32(0).i32(300000).b,
		},
		{
			name: "v2 revoked only",
			in: Assignment{Version: 2, Leader: "l", LeaderURL: "u", ConfigOffset: 5,
				RevokedTasks: []TaskID{gbTask("x", 2), gbTask("y", 0), gbTask("x", 1)}},
			want: gb().i16(2).i16(0).str("l").str("u").i64(5).i32(0).
				i32(2).entry("x", 2, 1).entry("y", 0).i32(0).b,
		},
		{
			name: "v3 is written like v2",
			in:   Assignment{Version: 3, Leader: "l", LeaderURL: "u", Connectors: []string{"c"}},
			want: gb().i16(3).i16(0).str("l").str("u").i64(0).i32(1).entry("c", -1).i32(0).i32(0).b,
		},
		{
			name: "non-ASCII names are UTF-8 with byte lengths",
			in:   Assignment{Version: 0, Leader: "lé", LeaderURL: "u", Connectors: []string{"ünï"}},
			want: gb().i16(0).i16(0).str("lé").str("u").i64(0).i32(1).entry("ünï", -1).b,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := EncodeAssignment(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, tc.want) {
				t.Fatalf("encoded\n got %x\nwant %x", got, tc.want)
			}
			if tc.java != "" && !bytes.Equal(got, gbHex(t, tc.java)) {
				t.Fatalf("differs from the Java vector\n got %x\njava %s", got, tc.java)
			}
		})
	}
}

// The connector order of java.util.HashSet, as printed by JDK 25 (JDK 19 and
// later share it; JDK 17 differs for 12 and 24 elements, noted below).
func TestWireHashSetOrderMatchesJava(t *testing.T) {
	names := func(prefix string, n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = fmt.Sprintf("%s%d", prefix, i)
		}
		return out
	}
	cases := []struct {
		name string
		in   []string
		want string
	}{
		{"3", names("connector-", 3), "connector-2,connector-0,connector-1"},
		{"11", names("connector-", 11), "connector-8,connector-9,connector-6,connector-7,connector-4,connector-10,connector-5,connector-2,connector-3,connector-0,connector-1"},
		// JDK 17: connector-10,connector-11,connector-8,... (a 32-bucket table).
		{"12", names("connector-", 12), "connector-11,connector-8,connector-9,connector-6,connector-7,connector-4,connector-10,connector-5,connector-2,connector-3,connector-0,connector-1"},
		{"13", names("connector-", 13), "connector-10,connector-12,connector-11,connector-8,connector-9,connector-6,connector-7,connector-4,connector-5,connector-2,connector-3,connector-0,connector-1"},
		{"20", names("connector-", 20), "connector-10,connector-16,connector-15,connector-18,connector-17,connector-12,connector-11,connector-8,connector-14,connector-9,connector-13,connector-6,connector-7,connector-4,connector-5,connector-2,connector-3,connector-19,connector-0,connector-1"},
		{"24", names("connector-", 24), "connector-10,connector-21,connector-20,connector-16,connector-15,connector-18,connector-17,connector-12,connector-23,connector-11,connector-22,connector-8,connector-14,connector-9,connector-13,connector-6,connector-7,connector-4,connector-5,connector-2,connector-3,connector-19,connector-0,connector-1"},
		{"40", names("connector-", 40), "connector-21,connector-20,connector-16,connector-38,connector-15,connector-37,connector-18,connector-17,connector-39,connector-12,connector-34,connector-11,connector-33,connector-14,connector-36,connector-13,connector-35,connector-19,connector-30,connector-10,connector-32,connector-31,connector-27,connector-26,connector-29,connector-28,connector-23,connector-22,connector-8,connector-25,connector-9,connector-24,connector-6,connector-7,connector-4,connector-5,connector-2,connector-3,connector-0,connector-1"},
		// 12 entries with one duplicate: the set is sized from the list.
		{"duplicate", append(names("c", 11), "c3"), "c3,c4,c5,c6,c10,c7,c8,c9,c0,c1,c2"},
		// Equal hash codes ("Aa" and "BB" collide): insertion order.
		{"collisions", []string{"Aa", "BB", "AaAa", "BBBB", "AaBB", "BBAa"}, "Aa,BB,AaAa,BBBB,AaBB,BBAa"},
		{"empty", nil, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := strings.Join(wireHashSetOrder(tc.in), ","); got != tc.want {
				t.Fatalf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestEncodeAssignmentManyConnectorsFollowsHashSet(t *testing.T) {
	var conns []string
	for i := range 20 {
		conns = append(conns, fmt.Sprintf("connector-%d", i))
	}
	got, err := EncodeAssignment(Assignment{Version: 1, Leader: "l", LeaderURL: "u", Connectors: conns})
	if err != nil {
		t.Fatal(err)
	}
	want := gb().i16(1).i16(0).str("l").str("u").i64(0).i32(20)
	for _, c := range wireHashSetOrder(conns) {
		want.entry(c, -1)
	}
	want.i32(0).i32(0)
	if !bytes.Equal(got, want.b) {
		t.Fatalf("got %x\nwant %x", got, want.b)
	}
	back, err := DecodeAssignment(got)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(back.Connectors, ",") != strings.Join(wireHashSetOrder(conns), ",") {
		t.Fatalf("decoded order %v", back.Connectors)
	}
}

func TestEncodeWorkerStateGolden(t *testing.T) {
	alloc := &Assignment{
		Version: 0, // ignored: the embedded header carries the metadata version
		Leader:  "leader-1", LeaderURL: "http://w1:8083", ConfigOffset: 40,
		Connectors: []string{"src"},
		Tasks:      []TaskID{gbTask("src", 0), gbTask("src", 1)},
	}
	allocBytes := func(v int16) []byte {
		return gb().i16(v).i16(0).str("leader-1").str("http://w1:8083").i64(40).
			i32(1).entry("src", -1, 0, 1).i32(0).i32(0).b
	}
	cases := []struct {
		name string
		in   WorkerState
		want []byte
	}{
		{"v0", WorkerState{Version: 0, URL: "http://w1:8083", ConfigOffset: 12},
			gb().i16(0).str("http://w1:8083").i64(12).b},
		{"v0 ignores the allocation", WorkerState{Version: 0, URL: "http://w1:8083", ConfigOffset: 12, Allocation: alloc},
			gb().i16(0).str("http://w1:8083").i64(12).b},
		{"v1 null allocation", WorkerState{Version: 1, URL: "http://w2:8083", ConfigOffset: -1},
			gb().i16(1).str("http://w2:8083").i64(-1).i32(-1).b},
		{"v2 null allocation", WorkerState{Version: 2, URL: "http://w2:8083", ConfigOffset: 99},
			gb().i16(2).str("http://w2:8083").i64(99).i32(-1).b},
		{"v1 allocation", WorkerState{Version: 1, URL: "http://w1:8083", ConfigOffset: 41, Allocation: alloc},
			gb().i16(1).str("http://w1:8083").i64(41).i32(int32(len(allocBytes(1)))).raw(allocBytes(1)).b},
		{"v2 allocation", WorkerState{Version: 2, URL: "http://w1:8083", ConfigOffset: 41, Allocation: alloc},
			gb().i16(2).str("http://w1:8083").i64(41).i32(int32(len(allocBytes(2)))).raw(allocBytes(2)).b},
		{"v2 empty allocation is not null", WorkerState{Version: 2, URL: "u", Allocation: &Assignment{Leader: "l", LeaderURL: "lu"}},
			gb().i16(2).str("u").i64(0).i32(31).i16(2).i16(0).str("l").str("lu").i64(0).i32(0).i32(0).i32(0).b},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := EncodeWorkerState(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, tc.want) {
				t.Fatalf("encoded\n got %x\nwant %x", got, tc.want)
			}
		})
	}
}

// Bytes Java writes (or may write) decode to the expected values.
func TestDecodeAssignmentJavaBytes(t *testing.T) {
	cases := []struct {
		name string
		in   []byte
		want Assignment
	}{
		{
			name: "v0 from the Java oracle",
			in:   gbHex(t, "0000000000086c65616465722d31000e687474703a2f2f77313a38303833000000000000002a000000030006636f6e6e2d6200000002ffffffff000000010006636f6e6e2d6100000003ffffffff00000000000000020006636f6e6e2d630000000100000000"),
			want: Assignment{Version: 0, Leader: "leader-1", LeaderURL: "http://w1:8083", ConfigOffset: 42,
				Connectors: []string{"conn-b", "conn-a"},
				Tasks:      []TaskID{gbTask("conn-b", 1), gbTask("conn-a", 0), gbTask("conn-a", 2), gbTask("conn-c", 0)}},
		},
		{
			name: "v1 from the Java oracle",
			in:   gbHex(t, "0001000000086c65616465722d31000e687474703a2f2f77313a38303833000000000000000700000002000473696e6b00000002ffffffff000000030006736f7572636500000002ffffffff000000000000000300036f6c6400000001ffffffff0004676f6e6500000002ffffffff0000000000046b6565700000000100000005000005dc"),
			want: Assignment{Version: 1, Leader: "leader-1", LeaderURL: "http://w1:8083", ConfigOffset: 7,
				Connectors: []string{"sink", "source"}, Tasks: []TaskID{gbTask("sink", 3), gbTask("source", 0)},
				RevokedConnectors: []string{"old", "gone"}, RevokedTasks: []TaskID{gbTask("gone", 0), gbTask("keep", 5)},
				Delay: 1500},
		},
		{
			name: "v2 from the Java oracle",
			in:   gbHex(t, "0002000100036d2d300012687474703a2f2f6c65616465723a38303833ffffffffffffffff000000000000000000000000"),
			want: Assignment{Version: 2, Error: 1, Leader: "m-0", LeaderURL: "http://leader:8083", ConfigOffset: -1},
		},
		{
			name: "v1 with null arrays",
			in:   gb().i16(1).i16(0).str("l").str("u").i64(1).i32(-1).i32(-1).i32(10).b,
			want: Assignment{Version: 1, Leader: "l", LeaderURL: "u", ConfigOffset: 1, Delay: 10},
		},
		{
			name: "v1 missing revoked and delay",
			in:   gb().i16(1).i16(0).str("l").str("u").i64(1).i32(1).entry("c", -1).b,
			want: Assignment{Version: 1, Leader: "l", LeaderURL: "u", ConfigOffset: 1, Connectors: []string{"c"}},
		},
		{
			name: "v2 missing delay",
			in:   gb().i16(2).i16(0).str("l").str("u").i64(1).i32(0).i32(1).entry("c", 4).b,
			want: Assignment{Version: 2, Leader: "l", LeaderURL: "u", ConfigOffset: 1, RevokedTasks: []TaskID{gbTask("c", 4)}},
		},
		{
			name: "v1 missing every array",
			in:   gb().i16(1).i16(0).str("l").str("u").i64(1).b,
			want: Assignment{Version: 1, Leader: "l", LeaderURL: "u", ConfigOffset: 1},
		},
		{
			name: "v0 ignores trailing bytes",
			in:   gb().i16(0).i16(0).str("l").str("u").i64(1).i32(0).i32(1).entry("x", -1).i32(5).b,
			want: Assignment{Version: 0, Leader: "l", LeaderURL: "u", ConfigOffset: 1},
		},
		{
			name: "v5 parsed as known, extra fields ignored",
			in:   gb().i16(5).i16(0).str("l").str("u").i64(1).i32(0).i32(0).i32(7).str("future").b,
			want: Assignment{Version: 5, Leader: "l", LeaderURL: "u", ConfigOffset: 1, Delay: 7},
		},
		{
			name: "connector listed twice",
			in:   gb().i16(0).i16(0).str("l").str("u").i64(1).i32(2).entry("c", -1).entry("c", -1, 1).b,
			want: Assignment{Version: 0, Leader: "l", LeaderURL: "u", ConfigOffset: 1, Connectors: []string{"c", "c"}, Tasks: []TaskID{gbTask("c", 1)}},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := DecodeAssignment(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("decoded\n got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestDecodeWorkerStateJavaBytes(t *testing.T) {
	alloc := gb().i16(2).i16(0).str("leader-1").str("http://w1:8083").i64(40).
		i32(1).entry("src", -1, 0, 1).i32(1).entry("gone", 3).i32(250).b
	cases := []struct {
		name string
		in   []byte
		want WorkerState
	}{
		{"v0", gb().i16(0).str("http://w1:8083").i64(12).b,
			WorkerState{Version: 0, URL: "http://w1:8083", ConfigOffset: 12}},
		{"v0 ignores trailing bytes", gb().i16(0).str("u").i64(12).i32(-1).b,
			WorkerState{Version: 0, URL: "u", ConfigOffset: 12}},
		{"v1 null allocation", gb().i16(1).str("u").i64(3).i32(-1).b,
			WorkerState{Version: 1, URL: "u", ConfigOffset: 3}},
		{"v1 missing allocation", gb().i16(1).str("u").i64(3).b,
			WorkerState{Version: 1, URL: "u", ConfigOffset: 3}},
		{"v2 allocation", gb().i16(2).str("u").i64(41).i32(int32(len(alloc))).raw(alloc).b,
			WorkerState{Version: 2, URL: "u", ConfigOffset: 41, Allocation: &Assignment{
				Version: 2, Leader: "leader-1", LeaderURL: "http://w1:8083", ConfigOffset: 40,
				Connectors: []string{"src"}, Tasks: []TaskID{gbTask("src", 0), gbTask("src", 1)},
				RevokedTasks: []TaskID{gbTask("gone", 3)}, Delay: 250}}},
		{"v7 parsed as known", gb().i16(7).str("u").i64(3).i32(-1).str("future").b,
			WorkerState{Version: 7, URL: "u", ConfigOffset: 3}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := DecodeWorkerState(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("decoded\n got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestRoundTrip(t *testing.T) {
	a := Assignment{Version: 2, Error: 0, Leader: "leader", LeaderURL: "http://l", ConfigOffset: 17,
		Connectors: []string{"a"}, Tasks: []TaskID{gbTask("a", 0), gbTask("b", 1)},
		RevokedConnectors: []string{"z"}, RevokedTasks: []TaskID{gbTask("z", 0)}, Delay: 5}
	b, err := EncodeAssignment(a)
	if err != nil {
		t.Fatal(err)
	}
	back, err := DecodeAssignment(b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, a) {
		t.Fatalf("round trip\n got %+v\nwant %+v", back, a)
	}
	ws := WorkerState{Version: 2, URL: "http://me", ConfigOffset: 17, Allocation: &a}
	wb, err := EncodeWorkerState(ws)
	if err != nil {
		t.Fatal(err)
	}
	wback, err := DecodeWorkerState(wb)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(wback, ws) {
		t.Fatalf("round trip\n got %+v\nwant %+v", wback, ws)
	}
}

func TestDecodeErrors(t *testing.T) {
	full := gb().i16(1).i16(0).str("leader").str("url").i64(1).i32(1).entry("c", -1, 2).i32(0).i32(9).b
	cases := []struct {
		name    string
		in      []byte
		ws      bool // decode as worker state
		wantMsg string
	}{
		{"empty", nil, false, "field version at offset 0: truncated: need 2 bytes, have 0"},
		{"one byte", []byte{0}, false, "field version at offset 0: truncated"},
		{"negative version", gb().i16(-1).b, false, "unsupported version -1"},
		{"worker negative version", gb().i16(-3).str("u").i64(0).b, true, "connect worker state: field version at offset 0: unsupported version -3"},
		{"no error field", gb().i16(1).b, false, "field error at offset 2: truncated"},
		{"leader truncated", gb().i16(0).i16(0).i16(10).raw([]byte("abc")).b, false, "field leader at offset 6: truncated: need 10 bytes, have 3"},
		{"negative string", gb().i16(0).i16(0).i16(-2).b, false, "field leader at offset 4: negative string length -2"},
		{"missing config offset", gb().i16(0).i16(0).str("l").str("u").i32(0).b, false, "field config-offset at offset 10: truncated: need 8 bytes, have 4"},
		{"array count too big", gb().i16(0).i16(0).str("l").str("u").i64(0).i32(1000).b, false, "field assignment at offset 18: array of 1000 elements cannot fit in the remaining 0 bytes"},
		{"negative array", gb().i16(0).i16(0).str("l").str("u").i64(0).i32(-2).b, false, "negative array count -2"},
		{"null task array", gb().i16(0).i16(0).str("l").str("u").i64(0).i32(1).str("c").i32(-1).b, false, "field assignment tasks at offset 25: negative array count -1"},
		{"task count beyond the end", full[:len(full)-10], false, "field assignment tasks at offset 32: array of 2 elements cannot fit in the remaining 6 bytes"},
		{"truncated delay", full[:len(full)-2], false, "field delay at offset 48: truncated: need 4 bytes, have 2"},
		{"worker truncated url", gb().i16(1).i16(5).raw([]byte("ab")).b, true, "connect worker state: field url at offset 4: truncated"},
		{"worker missing offset", gb().i16(1).str("u").b, true, "field config-offset at offset 5: truncated"},
		{"worker allocation truncated", gb().i16(1).str("u").i64(0).i32(50).raw([]byte{0, 1}).b, true, "field allocation at offset 17: truncated: need 50 bytes, have 2"},
		{"worker allocation negative", gb().i16(1).str("u").i64(0).i32(-5).b, true, "negative bytes length -5"},
		{"worker allocation empty", gb().i16(1).str("u").i64(0).i32(0).b, true, "allocation at offset 17: connect assignment: field version at offset 0: truncated"},
		{"worker allocation corrupt", gb().i16(2).str("u").i64(0).i32(4).i16(2).i16(0).b, true, "allocation at offset 17: connect assignment: field leader length at offset 4: truncated"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			if tc.ws {
				_, err = DecodeWorkerState(tc.in)
			} else {
				_, err = DecodeAssignment(tc.in)
			}
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v does not wrap ErrMalformed", err)
			}
			if !strings.Contains(err.Error(), tc.wantMsg) {
				t.Fatalf("error %q does not contain %q", err, tc.wantMsg)
			}
		})
	}
}

func TestEncodeErrors(t *testing.T) {
	long := strings.Repeat("x", 1<<15)
	cases := []struct {
		name    string
		a       *Assignment
		ws      *WorkerState
		wantMsg string
	}{
		{"negative version", &Assignment{Version: -1}, nil, "unsupported version -1"},
		{"v0 revocations", &Assignment{Version: 0, RevokedConnectors: []string{"c"}}, nil, "version 0 cannot carry revocations"},
		{"v0 delay", &Assignment{Version: 0, Delay: 1}, nil, "version 0 cannot carry revocations or a delay"},
		{"task -1", &Assignment{Version: 1, Tasks: []TaskID{gbTask("c", -1)}}, nil, `task -1 of connector "c" is reserved`},
		{"revoked task -1", &Assignment{Version: 1, RevokedTasks: []TaskID{gbTask("c", -1)}}, nil, "revoked: task -1"},
		{"long leader", &Assignment{Version: 1, Leader: long}, nil, "leader: string of 32768 bytes is longer than the maximum 32767"},
		{"long connector", &Assignment{Version: 1, Connectors: []string{long}}, nil, "assignment connector: string of 32768 bytes"},
		{"worker negative version", nil, &WorkerState{Version: -2}, "unsupported version -2"},
		{"worker long url", nil, &WorkerState{Version: 0, URL: long}, "url: string of 32768 bytes"},
		{"worker bad allocation", nil, &WorkerState{Version: 1, Allocation: &Assignment{Tasks: []TaskID{gbTask("c", -1)}}}, "allocation: encode connect assignment: assignment: task -1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			if tc.a != nil {
				_, err = EncodeAssignment(*tc.a)
			} else {
				_, err = EncodeWorkerState(*tc.ws)
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantMsg) {
				t.Fatalf("error %v, want one containing %q", err, tc.wantMsg)
			}
		})
	}
}

func TestWireTableSizeFor(t *testing.T) {
	for in, want := range map[int]int{0: 1, 1: 1, 2: 2, 3: 4, 16: 16, 17: 32, 22: 32, 33: 64, 1 << 31: 1 << 30} {
		if got := wireTableSizeFor(in); got != want {
			t.Errorf("tableSizeFor(%d) = %d, want %d", in, got, want)
		}
	}
}

func TestDecodeJoinedMembers(t *testing.T) {
	raw := []RawMember{
		{ID: "m-1", Metadata: gb().i16(2).str("http://w1").i64(5).i32(-1).b},
		{ID: "m-0", Metadata: gb().i16(0).str("http://w0").i64(4).b},
	}
	got, err := DecodeJoinedMembers(raw)
	if err != nil {
		t.Fatal(err)
	}
	want := []JoinedMember{
		{ID: "m-1", State: WorkerState{Version: 2, URL: "http://w1", ConfigOffset: 5}},
		{ID: "m-0", State: WorkerState{Version: 0, URL: "http://w0", ConfigOffset: 4}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v", got)
	}
	raw[1].Metadata = raw[1].Metadata[:3]
	if _, err := DecodeJoinedMembers(raw); !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), "member m-0:") {
		t.Fatalf("error %v", err)
	}
}
