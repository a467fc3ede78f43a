package group

import (
	"reflect"
	"slices"
	"testing"
)

func eagerMembers(offset int64, ids ...string) []JoinedMember {
	out := make([]JoinedMember, 0, len(ids))
	for _, id := range ids {
		out = append(out, JoinedMember{ID: id, State: WorkerState{Version: Version0, URL: "http://" + id + ":8083", ConfigOffset: offset}})
	}
	return out
}

func asgTasksOf(connector string, n int) []TaskID {
	out := make([]TaskID, 0, n)
	for i := range n {
		out = append(out, TaskID{Connector: connector, Task: int32(i)})
	}
	return out
}

func asgTID(connector string, task int32) TaskID { return TaskID{Connector: connector, Task: task} }

func TestAssignEager(t *testing.T) {
	const url = "http://leader:8083"
	// want is member -> connectors and tasks; the header is checked apart.
	type asgWork struct {
		conns []string
		tasks []TaskID
	}
	tests := []struct {
		name       string
		members    []string
		connectors []string
		tasks      []TaskID
		want       map[string]asgWork
	}{
		{
			// WorkerCoordinatorTest.testLeaderPerformAssignment1
			name:       "one connector one task",
			members:    []string{"leader", "member"},
			connectors: []string{"connector1"},
			tasks:      asgTasksOf("connector1", 1),
			want: map[string]asgWork{
				"leader": {conns: []string{"connector1"}},
				"member": {tasks: []TaskID{asgTID("connector1", 0)}},
			},
		},
		{
			// WorkerCoordinatorTest.testLeaderPerformAssignment2: the task
			// round continues the connector round's iterator.
			name:       "iterator continues from connectors to tasks",
			members:    []string{"member", "leader"},
			connectors: []string{"connector2", "connector1"},
			tasks:      append(asgTasksOf("connector2", 1), asgTasksOf("connector1", 2)...),
			want: map[string]asgWork{
				"leader": {conns: []string{"connector1"}, tasks: []TaskID{asgTID("connector1", 0), asgTID("connector2", 0)}},
				"member": {conns: []string{"connector2"}, tasks: []TaskID{asgTID("connector1", 1)}},
			},
		},
		{
			// WorkerCoordinatorTest.testLeaderPerformAssignmentSingleTaskConnectors
			name:       "single-task connectors spread connectors and tasks",
			members:    []string{"leader", "member"},
			connectors: []string{"connector1", "connector2", "connector3"},
			tasks:      slices.Concat(asgTasksOf("connector1", 1), asgTasksOf("connector2", 1), asgTasksOf("connector3", 1)),
			want: map[string]asgWork{
				"leader": {conns: []string{"connector1", "connector3"}, tasks: []TaskID{asgTID("connector2", 0)}},
				"member": {conns: []string{"connector2"}, tasks: []TaskID{asgTID("connector1", 0), asgTID("connector3", 0)}},
			},
		},
		{
			name:       "single member takes everything",
			members:    []string{"only"},
			connectors: []string{"b", "a"},
			tasks:      slices.Concat(asgTasksOf("b", 2), asgTasksOf("a", 1)),
			want: map[string]asgWork{
				"only": {conns: []string{"a", "b"}, tasks: []TaskID{asgTID("a", 0), asgTID("b", 0), asgTID("b", 1)}},
			},
		},
		{
			// Three members, 2 connectors: tasks start at the third member.
			// Tasks sort numerically (2 before 10) and by connector first.
			name:       "three members numeric task order",
			members:    []string{"w3", "w1", "w2"},
			connectors: []string{"c2", "c1"},
			tasks: []TaskID{
				asgTID("c2", 0), asgTID("c1", 10), asgTID("c1", 2), asgTID("c1", 0), asgTID("c1", 1),
			},
			want: map[string]asgWork{
				"w1": {conns: []string{"c1"}, tasks: []TaskID{asgTID("c1", 1), asgTID("c2", 0)}},
				"w2": {conns: []string{"c2"}, tasks: []TaskID{asgTID("c1", 2)}},
				"w3": {tasks: []TaskID{asgTID("c1", 0), asgTID("c1", 10)}},
			},
		},
		{
			name:       "duplicates, unknown connectors' tasks and connector entries ignored",
			members:    []string{"a", "b"},
			connectors: []string{"x", "x"},
			tasks:      []TaskID{asgTID("x", 0), asgTID("x", 0), asgTID("gone", 0), asgTID("x", ConnectorTask), asgTID("x", 1)},
			want: map[string]asgWork{
				"a": {conns: []string{"x"}, tasks: []TaskID{asgTID("x", 1)}},
				"b": {tasks: []TaskID{asgTID("x", 0)}},
			},
		},
		{
			name:    "no connectors: empty assignments for all",
			members: []string{"a", "b"},
			want:    map[string]asgWork{"a": {}, "b": {}},
		},
		{
			// Java sorts by UTF-16 units: U+1F600 (a surrogate pair) sorts
			// before U+FF5E, unlike UTF-8 byte order; member ids likewise.
			name:       "java string order",
			members:    []string{"\uff5e", "\U0001F600"},
			connectors: []string{"\uff5e", "\U0001F600", "z"},
			want: map[string]asgWork{
				"\U0001F600": {conns: []string{"z", "\uff5e"}},
				"\uff5e":     {conns: []string{"\U0001F600"}},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := AssignEager(EagerInput{
				Members:      eagerMembers(7, tc.members...),
				LeaderID:     tc.members[0],
				LeaderURL:    url,
				ConfigOffset: 7,
				Connectors:   tc.connectors,
				Tasks:        tc.tasks,
			})
			want := make(map[string]Assignment, len(tc.want))
			for id, w := range tc.want {
				want[id] = Assignment{
					Version: Version0, Error: ErrNone, Leader: tc.members[0], LeaderURL: url,
					ConfigOffset: 7, Connectors: w.conns, Tasks: w.tasks,
				}
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("AssignEager:\n got %+v\nwant %+v", got, want)
			}
		})
	}
}

func TestAssignEagerLeaderURLFromMetadata(t *testing.T) {
	got := AssignEager(EagerInput{
		Members:      eagerMembers(3, "leader", "member"),
		LeaderID:     "leader",
		ConfigOffset: 3,
	})
	for id, a := range got {
		if a.LeaderURL != "http://leader:8083" || a.Leader != "leader" {
			t.Errorf("%s: leader %q url %q", id, a.Leader, a.LeaderURL)
		}
	}
}

func TestAssignEagerConfigMismatch(t *testing.T) {
	// WorkerCoordinatorTest.testJoinLeaderCannotAssign: the leader's
	// snapshot (offset 4) is behind a member (9): everyone gets error 1 and
	// the maximum offset.
	members := eagerMembers(4, "leader")
	members = append(members, eagerMembers(9, "member")...)
	got := AssignEager(EagerInput{
		Members: members, LeaderID: "leader", LeaderURL: "http://l", ConfigOffset: 4,
		Connectors: []string{"c"}, Tasks: asgTasksOf("c", 2),
	})
	want := map[string]Assignment{
		"leader": {Version: Version0, Error: ErrConfigMismatch, Leader: "leader", LeaderURL: "http://l", ConfigOffset: 9},
		"member": {Version: Version0, Error: ErrConfigMismatch, Leader: "leader", LeaderURL: "http://l", ConfigOffset: 9},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v\nwant %+v", got, want)
	}
	for id, a := range got {
		if !a.Failed() {
			t.Errorf("%s: not failed", id)
		}
	}

	// A leader ahead of every member assigns, with its own offset.
	got = AssignEager(EagerInput{Members: members, LeaderID: "leader", ConfigOffset: 12, Connectors: []string{"c"}})
	if a := got["leader"]; a.Failed() || a.ConfigOffset != 12 || !slices.Equal(a.Connectors, []string{"c"}) {
		t.Errorf("leader ahead: %+v", a)
	}
}

func TestAssignEagerNoMembers(t *testing.T) {
	if got := AssignEager(EagerInput{Connectors: []string{"c"}}); len(got) != 0 {
		t.Errorf("got %v", got)
	}
}

func TestAssignJavaCompare(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"", "a", -1},
		{"a", "", 1},
		{"a", "b", -1},
		{"ab", "a", 1},
		{"worker10", "worker9", -1},
		{"B", "a", -1},
		{"\u00e9", "f", 1},
		{"\U0001F600", "\uff5e", -1}, // surrogates before U+E000..U+FFFF
		{"\uff5e", "\U0001F600", 1},
		{"\ud7ff", "\U0001F600", -1}, // below the surrogate range
		{"\U0001F600", "\U0001F601", -1},
		{"x\U0001F600", "x\U0001F600y", -1},
		{"\xff", "\xfe", 1}, // both U+FFFD for Java: byte order keeps the order total
	}
	for _, tc := range tests {
		if got := asgJavaCompare(tc.a, tc.b); got != tc.want {
			t.Errorf("asgJavaCompare(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}
