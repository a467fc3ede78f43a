package group

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"testing"
	"time"
)

// icaSim is a cluster driven through AssignIncremental round by round, the
// Go counterpart of IncrementalCooperativeAssignorTest's fixture: members
// apply what they are given (ApplyAssignment) and report it as their
// allocation in the next round.
type icaSim struct {
	t          testing.TB
	connectors map[string]int // configured connector -> task count
	members    map[string]*Assignment
	state      IncrementalState
	generation int32
	now        time.Time
	maxDelay   time.Duration
	version    int16
	offset     int64

	out map[string]Assignment // the last round's result
}

const asgDefaultMaxDelay = 300 * time.Second

// newICASim mirrors the Java fixture's setup: connector1 and connector2
// with 4 tasks each, one empty worker1, the default delay and an assignor
// whose previous generation is the current one.
func newICASim(t testing.TB) *icaSim {
	s := &icaSim{
		t:          t,
		connectors: map[string]int{},
		members:    map[string]*Assignment{},
		generation: 1000,
		now:        time.UnixMilli(1_700_000_000_000),
		maxDelay:   asgDefaultMaxDelay,
		version:    Version2,
		offset:     618,
	}
	s.addConnector("connector1", 4)
	s.addConnector("connector2", 4)
	s.addEmptyWorkers("worker1")
	s.initAssignor()
	return s
}

// initAssignor starts from a fresh assignor, as a new leader does.
func (s *icaSim) initAssignor() {
	s.state = IncrementalState{PreviousGeneration: s.generation}
}

func (s *icaSim) addConnector(name string, tasks int) {
	s.t.Helper()
	if _, ok := s.connectors[name]; ok {
		s.t.Fatalf("connector %s exists", name)
	}
	s.connectors[name] = tasks
}

func (s *icaSim) removeConnector(name string) {
	s.t.Helper()
	if _, ok := s.connectors[name]; !ok {
		s.t.Fatalf("connector %s does not exist", name)
	}
	delete(s.connectors, name)
}

func (s *icaSim) addEmptyWorkers(ids ...string) {
	for _, id := range ids {
		s.addWorker(id, nil, nil)
	}
}

func (s *icaSim) addWorker(id string, conns []string, tasks []TaskID) {
	s.t.Helper()
	if _, ok := s.members[id]; ok {
		s.t.Fatalf("worker %s exists", id)
	}
	s.members[id] = &Assignment{Version: s.version, Connectors: conns, Tasks: tasks}
}

func (s *icaSim) removeWorkers(ids ...string) {
	s.t.Helper()
	for _, id := range ids {
		if _, ok := s.members[id]; !ok {
			s.t.Fatalf("worker %s does not exist", id)
		}
		delete(s.members, id)
	}
}

func (s *icaSim) sleep(d time.Duration) { s.now = s.now.Add(d) }

func (s *icaSim) configured() ([]string, []TaskID) {
	var conns []string
	var tasks []TaskID
	for c, n := range s.connectors {
		conns = append(conns, c)
		tasks = append(tasks, asgTasksOf(c, n)...)
	}
	return conns, tasks
}

func (s *icaSim) input(lastCompleted int32) IncrementalInput {
	conns, tasks := s.configured()
	var members []JoinedMember
	for _, id := range slices.Sorted(maps.Keys(s.members)) {
		a := s.members[id]
		members = append(members, JoinedMember{ID: id, State: WorkerState{
			Version: s.version, URL: "http://" + id + ":8083", ConfigOffset: s.offset, Allocation: a,
		}})
	}
	leader := ""
	if len(members) > 0 {
		leader = members[0].ID
	}
	return IncrementalInput{
		Members: members, LeaderID: leader, ConfigOffset: s.offset,
		Connectors: conns, Tasks: tasks,
		Generation: s.generation, LastCompletedGeneration: lastCompleted,
		Version: s.version, MaxDelay: s.maxDelay, Now: s.now,
	}
}

func (s *icaSim) performStandardRebalance() { s.t.Helper(); s.round(false, false) }

func (s *icaSim) performFailedRebalance() { s.t.Helper(); s.round(true, false) }

func (s *icaSim) performRebalanceWithMismatchedGeneration() { s.t.Helper(); s.round(false, true) }

func (s *icaSim) delay() int32 { return s.state.Delay }

func (s *icaSim) delayDuration() time.Duration {
	return time.Duration(s.state.Delay) * time.Millisecond
}

func (s *icaSim) assertConnectorAllocations(counts ...int) {
	s.t.Helper()
	s.assertAllocations("connectors", counts, true)
}

func (s *icaSim) assertTaskAllocations(counts ...int) {
	s.t.Helper()
	s.assertAllocations("tasks", counts, false)
}

func (s *icaSim) assertBalancedAndCompleteAllocation() {
	s.t.Helper()
	s.assertBalanced()
	s.assertComplete()
}

// round performs one rebalance: a failed one is computed (the leader keeps
// its new state) but never reaches the members; with a mismatched
// generation the leader's last completed generation is not the one it last
// computed.
func (s *icaSim) round(failure, mismatch bool) {
	s.t.Helper()
	s.generation++
	last := s.generation - 1
	if mismatch {
		last = s.generation - 2
	}
	in := s.input(last)
	before := deepCopyInput(in)
	prev := s.state.clone()
	out, st := AssignIncremental(in, s.state)
	if !reflect.DeepEqual(in, before) || !reflect.DeepEqual(s.state, prev) {
		s.t.Fatalf("AssignIncremental modified its input or state")
	}
	s.out, s.state = out, st
	s.checkRound(in)
	if !failure {
		s.apply()
		s.checkNothingDropped()
	}
}

// checkNothingDropped: once applied, a round without delay leaves no
// configured work unassigned unless it was revoked in this round (whose
// members rejoin at once, and the next round assigns it).
func (s *icaSim) checkNothingDropped() {
	s.t.Helper()
	if s.state.Delay != 0 {
		return
	}
	revokedC, revokedT := asgSet[string]{}, asgSet[TaskID]{}
	for _, a := range s.out {
		for _, c := range a.RevokedConnectors {
			revokedC.add(c)
		}
		for _, tk := range a.RevokedTasks {
			revokedT.add(tk)
		}
	}
	runningC, runningT := asgSet[string]{}, asgSet[TaskID]{}
	for _, a := range s.members {
		for _, c := range a.Connectors {
			runningC.add(c)
		}
		for _, tk := range a.Tasks {
			runningT.add(tk)
		}
	}
	conns, tasks := s.configured()
	for _, c := range conns {
		if !runningC.has(c) && !revokedC.has(c) {
			s.t.Fatalf("connector %s dropped: neither assigned nor revoked, and no delay", c)
		}
	}
	for _, tk := range tasks {
		if !runningT.has(tk) && !revokedT.has(tk) {
			s.t.Fatalf("task %v dropped: neither assigned nor revoked, and no delay", tk)
		}
	}
}

// checkRound checks what holds for every round: everyone gets a
// well-formed assignment with the state's delay; revocations name only
// work the member runs; new work is configured, unique, not running
// anywhere and not revoked from the same member.
func (s *icaSim) checkRound(in IncrementalInput) {
	s.t.Helper()
	if len(s.out) != len(in.Members) {
		s.t.Fatalf("%d assignments for %d members", len(s.out), len(in.Members))
	}
	conns, tasks := asgConfigured(in.Connectors, in.Tasks)
	configuredC, configuredT := asgSetOf(conns), asgSetOf(tasks)
	runningC, runningT := asgSet[string]{}, asgSet[TaskID]{}
	for _, m := range in.Members {
		if m.State.Allocation != nil {
			for _, c := range m.State.Allocation.Connectors {
				runningC.add(c)
			}
			for _, tk := range m.State.Allocation.Tasks {
				runningT.add(tk)
			}
		}
	}
	newC, newT := asgSet[string]{}, asgSet[TaskID]{}
	for _, m := range in.Members {
		a, ok := s.out[m.ID]
		if !ok {
			s.t.Fatalf("no assignment for %s", m.ID)
		}
		if a.Version != max(in.Version, Version1) || a.Error != ErrNone || a.Leader != in.LeaderID ||
			a.LeaderURL != "http://"+in.LeaderID+":8083" || a.ConfigOffset != in.ConfigOffset || a.Delay != s.state.Delay {
			s.t.Fatalf("bad header for %s: %+v (state delay %d)", m.ID, a, s.state.Delay)
		}
		var hasC asgSet[string]
		var hasT asgSet[TaskID]
		if m.State.Allocation != nil {
			hasC, hasT = asgSetOf(m.State.Allocation.Connectors), asgSetOf(m.State.Allocation.Tasks)
		}
		for _, c := range a.RevokedConnectors {
			if !hasC.has(c) {
				s.t.Fatalf("%s: revoked connector %s it does not run", m.ID, c)
			}
		}
		for _, tk := range a.RevokedTasks {
			if !hasT.has(tk) {
				s.t.Fatalf("%s: revoked task %v it does not run", m.ID, tk)
			}
		}
		for _, c := range a.Connectors {
			if newC.has(c) || runningC.has(c) || !configuredC.has(c) {
				s.t.Fatalf("%s: connector %s assigned twice, already running or not configured", m.ID, c)
			}
			newC.add(c)
		}
		for _, tk := range a.Tasks {
			if newT.has(tk) || runningT.has(tk) || !configuredT.has(tk) {
				s.t.Fatalf("%s: task %v assigned twice, already running or not configured", m.ID, tk)
			}
			newT.add(tk)
		}
	}
}

// apply lets every member apply its assignment.
func (s *icaSim) apply() {
	for id, a := range s.out {
		cur := s.members[id]
		conns, tasks := ApplyAssignment(cur, a)
		s.members[id] = &Assignment{Version: a.Version, Connectors: conns, Tasks: tasks}
	}
}

func (s *icaSim) assertDelay(want int32) {
	s.t.Helper()
	if s.state.Delay != want {
		s.t.Fatalf("delay %d, want %d", s.state.Delay, want)
	}
}

func (s *icaSim) assertWorkers(ids ...string) {
	s.t.Helper()
	got := slices.Sorted(maps.Keys(s.out))
	slices.Sort(ids)
	if !slices.Equal(got, ids) {
		s.t.Fatalf("workers %v, want %v", got, ids)
	}
}

func (s *icaSim) allocations(conns bool) []int {
	var out []int
	for _, a := range s.members {
		if conns {
			out = append(out, len(a.Connectors))
		} else {
			out = append(out, len(a.Tasks))
		}
	}
	slices.Sort(out)
	return out
}

func (s *icaSim) assertAllocations(what string, want []int, conns bool) {
	s.t.Helper()
	want = slices.Clone(want)
	slices.Sort(want)
	if got := s.allocations(conns); !slices.Equal(got, want) {
		s.t.Fatalf("%s allocations %v, want %v", what, got, want)
	}
}

func (s *icaSim) assertNoRevocations() {
	s.t.Helper()
	for id, a := range s.out {
		if len(a.RevokedConnectors) > 0 || len(a.RevokedTasks) > 0 {
			s.t.Fatalf("%s: unexpected revocations %v %v", id, a.RevokedConnectors, a.RevokedTasks)
		}
	}
}

func (s *icaSim) assertEmptyAssignment() {
	s.t.Helper()
	for id, a := range s.out {
		if len(a.Connectors)+len(a.Tasks)+len(a.RevokedConnectors)+len(a.RevokedTasks) > 0 {
			s.t.Fatalf("%s: expected an empty assignment, got %+v", id, a)
		}
	}
}

func (s *icaSim) revocations() int {
	n := 0
	for _, a := range s.out {
		n += len(a.RevokedConnectors) + len(a.RevokedTasks)
	}
	return n
}

func (s *icaSim) newlyAssigned() int {
	n := 0
	for _, a := range s.out {
		n += len(a.Connectors) + len(a.Tasks)
	}
	return n
}

// assertBalanced: every member runs floor or ceil of the configured
// connectors and of the configured tasks per member.
func (s *icaSim) assertBalanced() {
	s.t.Helper()
	if err := s.balanced(); err != nil {
		s.t.Fatal(err)
	}
}

func (s *icaSim) balanced() error {
	conns, tasks := s.configured()
	n := len(s.members)
	for _, res := range []struct {
		what  string
		total int
		conns bool
	}{{"connectors", len(conns), true}, {"tasks", len(tasks), false}} {
		lo, hi := res.total/n, (res.total+n-1)/n
		for _, c := range s.allocations(res.conns) {
			if c < lo || c > hi {
				return fmt.Errorf("imbalanced %s: %v (want %d..%d)", res.what, s.allocations(res.conns), lo, hi)
			}
		}
	}
	return nil
}

// assertComplete: every configured connector and task runs on exactly one
// member, and nothing else runs.
func (s *icaSim) assertComplete() {
	s.t.Helper()
	if err := s.complete(); err != nil {
		s.t.Fatal(err)
	}
}

func (s *icaSim) complete() error {
	conns, tasks := s.configured()
	owners := map[string][]string{}
	taskOwners := map[TaskID][]string{}
	for id, a := range s.members {
		for _, c := range a.Connectors {
			owners[c] = append(owners[c], id)
		}
		for _, t := range a.Tasks {
			taskOwners[t] = append(taskOwners[t], id)
		}
	}
	for _, c := range conns {
		if len(owners[c]) != 1 {
			return fmt.Errorf("connector %s runs on %v", c, owners[c])
		}
	}
	for _, t := range tasks {
		if len(taskOwners[t]) != 1 {
			return fmt.Errorf("task %v runs on %v", t, taskOwners[t])
		}
	}
	if len(owners) != len(conns) || len(taskOwners) != len(tasks) {
		return fmt.Errorf("unconfigured work runs: %d connectors, %d tasks for %d and %d configured",
			len(owners), len(taskOwners), len(conns), len(tasks))
	}
	return nil
}

func deepCopyInput(in IncrementalInput) IncrementalInput {
	out := in
	out.Connectors = slices.Clone(in.Connectors)
	out.Tasks = slices.Clone(in.Tasks)
	out.Members = make([]JoinedMember, len(in.Members))
	for i, m := range in.Members {
		out.Members[i] = m
		if m.State.Allocation != nil {
			a := *m.State.Allocation
			a.Connectors = slices.Clone(a.Connectors)
			a.Tasks = slices.Clone(a.Tasks)
			out.Members[i].State.Allocation = &a
		}
	}
	return out
}
