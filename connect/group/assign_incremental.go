package group

import (
	"math"
	"slices"
	"time"
)

// IncrementalInput is everything one round of the incremental cooperative
// assignor (Java's IncrementalCooperativeAssignor, KIP-415 with the later
// load-balancing fixes) needs besides the state carried between rounds. It
// is read only.
type IncrementalInput struct {
	// Members are the group members from the JoinGroup response, the leader
	// included, with their decoded metadata. State.Allocation is what the
	// member runs now (nil when it runs nothing); State.ConfigOffset is how
	// far it read the config topic. Every member receives an assignment;
	// member ids are unique.
	Members []JoinedMember
	// LeaderID is the member id of the leader (this worker).
	LeaderID string
	// LeaderURL is the leader's advertised REST URL. When empty the URL the
	// leader member advertised in its metadata is used.
	LeaderURL string
	// ConfigOffset is the offset of the config snapshot that Connectors and
	// Tasks come from. If it is behind [MaxMemberConfigOffset] the result is
	// [AssignConfigMismatch] and the state is returned unchanged.
	ConfigOffset int64
	// Connectors are the configured connectors of the snapshot, in any
	// order; duplicates are ignored.
	Connectors []string
	// Tasks are the configured tasks of the snapshot (for each connector its
	// task ids 0..n-1; none for a connector whose task set is inconsistent).
	// Tasks of connectors not in Connectors, entries with task number
	// ConnectorTask and duplicates are ignored.
	Tasks []TaskID
	// Generation is the group generation this assignment is for (the
	// generation of the JoinGroup response). It is remembered in the state.
	Generation int32
	// LastCompletedGeneration is the generation of the last assignment this
	// worker received and applied (Java's lastCompletedGenerationId; -1 when
	// none). The previous assignment in the state is trusted only if it was
	// computed for this generation; otherwise the leader's previous round
	// did not complete (it failed to sync, or another member led since) and
	// the previous assignment is ignored.
	LastCompletedGeneration int32
	// Version is the negotiated protocol's version, [Version1]
	// ("compatible") or [Version2] ("sessioned"), written into every
	// assignment. Values below Version1 are sent as Version1: the eager
	// protocol has its own assignor, [AssignEager].
	Version int16
	// MaxDelay is scheduled.rebalance.max.delay.ms (default 5 minutes): how
	// long work of departed members is held back waiting for them to
	// return, and the cap of the backoff between consecutive revoking
	// rounds. 0 reassigns lost work at once and never throttles revoking
	// rounds. Whole milliseconds count (at most math.MaxInt32); negative is 0.
	MaxDelay time.Duration
	// Now is the current time; only its milliseconds since the epoch are
	// used (Java's Time.milliseconds), so it must not be the zero time.
	Now time.Time
}

// IncrementalState is what the incremental cooperative assignor remembers
// between rounds (the mutable fields of Java's IncrementalCooperativeAssignor
// instance). The zero value is the state of a freshly started worker. Keep
// it for the worker's lifetime, across rounds in which this worker does not
// lead (Java's assignor object lives as long as the coordinator): a stale
// previous assignment is ignored through the generation check. The
// assignor never modifies the state passed to it.
type IncrementalState struct {
	// PreviousGeneration is the Generation of the last computed assignment
	// (Java's previousGenerationId). PreviousConnectors and PreviousTasks
	// are trusted only when it equals LastCompletedGeneration.
	PreviousGeneration int32
	// PreviousConnectors and PreviousTasks are everything the last round
	// left assigned to some member, plus the lost work it held back (Java's
	// previousAssignment), sorted. The next round derives deleted (previous
	// minus configured), lost (previous minus running minus deleted) and
	// created (configured minus previous minus running) work from them.
	PreviousConnectors []string
	PreviousTasks      []TaskID
	// PreviousRevokedConnectors and PreviousRevokedTasks are what the last
	// round revoked (Java's previousRevocation), sorted. If a member still
	// reports any of it, that revocation did not take effect and the next
	// round replaces the previous assignment by what members report.
	PreviousRevokedConnectors []string
	PreviousRevokedTasks      []TaskID
	// PreviousMembers are the member ids of the last round (Java's
	// previousMembers), sorted. Lost work is reassigned at once when no
	// member left since then and no delayed rebalance is scheduled.
	PreviousMembers []string
	// ScheduledRebalance is when the pending delay ends (Java's
	// scheduledRebalance), zero when none: either the delayed reassignment
	// of lost work, or the backoff before the next load-balancing
	// revocations. It is kept to the millisecond.
	ScheduledRebalance time.Time
	// Delay is the delay in ms the last round sent to every member (Java's
	// delay field): they rejoin after it. While it is non-zero no
	// load-balancing revocations are made.
	Delay int32
	// CandidateWorkers are the members seen without any work while lost
	// work was held back (Java's candidateWorkersForReassignment), in the
	// order they were first seen (members first seen in the same round in
	// sorted order). When the delay expires the lost work is dealt
	// round-robin to those still present.
	CandidateWorkers []string
	// RevokedInPrevious (Java's revokedInPrevious) is set by a round that
	// makes load-balancing revocations and kept through the rounds that
	// throttle the next ones; a revoking round while it is set is throttled.
	// It is cleared by a round that finds nothing to balance, a round with
	// a delay pending, and the expiry of a scheduled delay.
	RevokedInPrevious bool
	// RevokingRounds counts consecutive revoking rounds (Java's
	// numSuccessiveRevokingRebalances); the n-th throttled round waits
	// min(40^n ms, MaxDelay).
	RevokingRounds int
}

// AssignIncremental computes one round of incremental cooperative
// assignment and the state for the next round. Each member's Assignment
// carries only its newly assigned connectors and tasks and what it must
// stop (revoked), with the protocol version, the leader's id and URL, the
// config offset and the delay; the member keeps the rest of what it runs.
//
// The round follows Java's IncrementalCooperativeAssignor:
//   - deleted work (previously assigned, no longer configured) and work
//     that runs on more than one member is revoked at once, from everyone
//     running it (the latter is reassigned as new work next round);
//   - lost work (previously assigned, no longer reported by anyone) is
//     reassigned at once when no member left since the last round or
//     MaxDelay is 0; otherwise a delayed rebalance starts (Delay is the
//     time left, sent to every member) during which lost work is held back
//     and members that show up without work become candidates; when it
//     expires the lost work is dealt round-robin to the candidates still
//     present, or treated as new work if there are none;
//   - when no delay is pending, connectors and tasks are each balanced: a
//     member running more than its share (floor or, for total mod members
//     of them, ceil of total/members) gives up the excess. A revoking round
//     right after a revoking round is throttled instead: no revocations,
//     and a delay of min(40^n ms, MaxDelay) for the n-th such round;
//   - new work and lost work to reassign go to the least-loaded members
//     first (sorted by load then id), filling members of equal load in turn.
//
// Where Java leaves a choice to hash-set iteration order this function is
// deterministic: members are visited in id order (Java's String order) when
// deciding who keeps one item above the floor, and new work is dealt in
// sorted order. Which items a member gives up is chosen as follows, and
// differs from Java's literal behaviour in two corner cases:
//   - work dealt to a candidate at the expiry of a delay in this same round
//     goes first: it is not revoked (the member never ran it, Java would
//     send a revocation of work the member does not have and leave it
//     unassigned until the next round) but dealt again in this round to
//     the least-loaded members;
//   - then work the member runs that is not configured (only when the
//     previous assignment was not trusted, so it was not seen as deleted);
//   - then the rest in the order the member reported it (as Java).
//
// Without members the result is empty and the state unchanged.
func AssignIncremental(in IncrementalInput, prev IncrementalState) (map[string]Assignment, IncrementalState) {
	if len(in.Members) == 0 {
		return map[string]Assignment{}, prev.clone()
	}
	version := max(in.Version, Version1)
	if in.ConfigOffset < MaxMemberConfigOffset(in.Members) {
		return AssignConfigMismatch(in.Members, in.LeaderID, in.LeaderURL, version), prev.clone()
	}
	r := newIncrementalRound(in, prev)
	r.run()
	return r.assignments(version), r.state()
}

// ApplyAssignment returns what a member runs once it has applied a, given
// what it ran before (nil for nothing), as Java's WorkerCoordinator does on
// join completion: for an incremental assignment (version 1 or later) the
// previous work minus a's revocations plus a's new work; for an eager one
// (version 0; the member stopped everything before joining) exactly a's
// work. A failed incremental assignment leaves the work unchanged. The
// result is sorted. The leader can build its view of who runs what (Java's
// LeaderState) by applying the round's assignments to the members'
// allocations.
func ApplyAssignment(current *Assignment, a Assignment) (connectors []string, tasks []TaskID) {
	if a.Version == Version0 || current == nil {
		return asgSortedConnectors(a.Connectors), asgSortedTasks(a.Tasks)
	}
	revokedConns := asgSetOf(a.RevokedConnectors)
	revokedTasks := asgSetOf(a.RevokedTasks)
	for _, c := range current.Connectors {
		if !revokedConns.has(c) {
			connectors = append(connectors, c)
		}
	}
	for _, t := range current.Tasks {
		if !revokedTasks.has(t) {
			tasks = append(tasks, t)
		}
	}
	connectors = append(connectors, a.Connectors...)
	tasks = append(tasks, a.Tasks...)
	return asgNilIfEmpty(asgSortedConnectors(connectors)), asgNilIfEmpty(asgSortedTasks(tasks))
}

// clone returns a deep copy of s.
func (s IncrementalState) clone() IncrementalState {
	s.PreviousConnectors = slices.Clone(s.PreviousConnectors)
	s.PreviousTasks = slices.Clone(s.PreviousTasks)
	s.PreviousRevokedConnectors = slices.Clone(s.PreviousRevokedConnectors)
	s.PreviousRevokedTasks = slices.Clone(s.PreviousRevokedTasks)
	s.PreviousMembers = slices.Clone(s.PreviousMembers)
	s.CandidateWorkers = slices.Clone(s.CandidateWorkers)
	return s
}

// asgRevokingBackoff is Java's ExponentialBackoff(maxDelay == 0 ? 0 : 1, 40,
// maxDelay, 0).backoff(attempts) for attempts >= 1: 40^attempts ms capped at
// maxDelay, 1 ms when maxDelay is 1 and 0 when it is 0. (Java reaches the
// cap through floating point and may land a millisecond short of it; here
// the cap is exact.)
func asgRevokingBackoff(attempts int, maxDelay int64) int64 {
	initial := min(maxDelay, 1)
	if maxDelay <= initial {
		return initial
	}
	term := initial
	for range attempts {
		term *= 40
		if term >= maxDelay {
			return maxDelay
		}
	}
	return term
}

// set is a set of connectors or tasks.
type asgSet[T comparable] map[T]struct{}

func asgSetOf[T comparable](items []T) asgSet[T] {
	s := make(asgSet[T], len(items))
	for _, it := range items {
		s[it] = struct{}{}
	}
	return s
}

func (s asgSet[T]) has(it T) bool {
	_, ok := s[it]
	return ok
}

func (s asgSet[T]) add(it T) { s[it] = struct{}{} }

// work is the connectors and tasks of one member (or of the cluster), in a
// meaningful order: reported allocation order, then as assigned.
type asgWork struct {
	conns []string
	tasks []TaskID
}

func (w asgWork) empty() bool { return len(w.conns) == 0 && len(w.tasks) == 0 }

// without returns w minus the connectors in cs and the tasks in ts.
func (w asgWork) without(cs asgSet[string], ts asgSet[TaskID]) asgWork {
	return asgWork{conns: asgFilter(w.conns, cs, false), tasks: asgFilter(w.tasks, ts, false)}
}

// within returns the part of w in cs and ts.
func (w asgWork) within(cs asgSet[string], ts asgSet[TaskID]) asgWork {
	return asgWork{conns: asgFilter(w.conns, cs, true), tasks: asgFilter(w.tasks, ts, true)}
}

func asgFilter[T comparable](items []T, s asgSet[T], keep bool) []T {
	var out []T
	for _, it := range items {
		if s.has(it) == keep {
			out = append(out, it)
		}
	}
	return out
}

// incrementalRound is one computation of AssignIncremental: Java's
// assignor fields, loaded from and saved to IncrementalState, and the
// round's working sets.
type incrementalRound struct {
	in       IncrementalInput
	now      int64 // ms since the epoch
	maxDelay int64 // ms

	// Carried between rounds (see IncrementalState).
	prevConns         asgSet[string]
	prevTasks         asgSet[TaskID]
	prevRevConns      asgSet[string]
	prevRevTasks      asgSet[TaskID]
	previousMembers   []string
	scheduled         int64 // ms since the epoch; <= 0 for none
	delay             int32
	candidates        []string
	revokedInPrevious bool
	revokingRounds    int
	previousGen       int32

	// This round.
	ids      []string            // member ids in Java order
	alloc    map[string]asgWork  // what each member reports it runs, deduplicated
	current  map[string]asgWork  // alloc minus deleted work
	next     map[string]*asgWork // what each member will run after this round
	toRevoke map[string]*asgWork // revocations per member
	newWork  map[string]asgWork  // next minus current
}

func newIncrementalRound(in IncrementalInput, prev IncrementalState) *incrementalRound {
	maxDelay := max(in.MaxDelay.Milliseconds(), 0)
	maxDelay = min(maxDelay, math.MaxInt32)
	r := &incrementalRound{
		in:                in,
		now:               in.Now.UnixMilli(),
		maxDelay:          maxDelay,
		prevConns:         asgSetOf(prev.PreviousConnectors),
		prevTasks:         asgSetOf(prev.PreviousTasks),
		prevRevConns:      asgSetOf(prev.PreviousRevokedConnectors),
		prevRevTasks:      asgSetOf(prev.PreviousRevokedTasks),
		previousMembers:   slices.Clone(prev.PreviousMembers),
		delay:             prev.Delay,
		candidates:        slices.Clone(prev.CandidateWorkers),
		revokedInPrevious: prev.RevokedInPrevious,
		revokingRounds:    prev.RevokingRounds,
		previousGen:       prev.PreviousGeneration,
	}
	if !prev.ScheduledRebalance.IsZero() {
		r.scheduled = prev.ScheduledRebalance.UnixMilli()
	}
	return r
}

func (r *incrementalRound) run() {
	// The previous assignment is trusted only if the last round this worker
	// computed is the last one it completed.
	if r.previousGen != r.in.LastCompletedGeneration {
		r.prevConns, r.prevTasks = asgSet[string]{}, asgSet[TaskID]{}
	}

	confConns, confTasks := asgConfigured(r.in.Connectors, r.in.Tasks)
	configuredConns, configuredTasks := asgSetOf(confConns), asgSetOf(confTasks)

	r.loadAllocations()
	activeConns, activeTasks := asgSet[string]{}, asgSet[TaskID]{}
	connCount, taskCount := map[string]int{}, map[TaskID]int{}
	for _, id := range r.ids {
		for _, c := range r.alloc[id].conns {
			activeConns.add(c)
			connCount[c]++
		}
		for _, t := range r.alloc[id].tasks {
			activeTasks.add(t)
			taskCount[t]++
		}
	}

	// A revocation of the last round that some member still reports did not
	// take effect: start again from what the members run.
	if len(r.prevRevConns) > 0 || len(r.prevRevTasks) > 0 {
		if asgAnyIn(r.prevRevConns, activeConns) || asgAnyIn(r.prevRevTasks, activeTasks) {
			r.prevConns, r.prevTasks = asgCloneSet(activeConns), asgCloneSet(activeTasks)
		}
		r.prevRevConns, r.prevRevTasks = asgSet[string]{}, asgSet[TaskID]{}
	}

	prevConns := asgSortedConnectors(asgKeys(r.prevConns))
	prevTasks := asgSortedTasks(asgKeys(r.prevTasks))

	// deleted = previous - configured
	deleted := asgWork{
		conns: asgFilter(prevConns, configuredConns, false),
		tasks: asgFilter(prevTasks, configuredTasks, false),
	}
	deletedConns, deletedTasks := asgSetOf(deleted.conns), asgSetOf(deleted.tasks)
	// duplicated = running on more than one member
	duplicatedConns, duplicatedTasks := asgSet[string]{}, asgSet[TaskID]{}
	for c, n := range connCount {
		if n > 1 {
			duplicatedConns.add(c)
		}
	}
	for t, n := range taskCount {
		if n > 1 {
			duplicatedTasks.add(t)
		}
	}
	// lost = previous - active - deleted
	lost := asgWork{
		conns: asgFilter(asgFilter(prevConns, activeConns, false), deletedConns, false),
		tasks: asgFilter(asgFilter(prevTasks, activeTasks, false), deletedTasks, false),
	}
	// created = configured - previous - active
	created := asgWork{
		conns: asgFilter(asgFilter(confConns, r.prevConns, false), activeConns, false),
		tasks: asgFilter(asgFilter(confTasks, r.prevTasks, false), activeTasks, false),
	}

	// Deleted and duplicated work is revoked at once; next starts as what
	// the members run without it.
	r.current = make(map[string]asgWork, len(r.ids))
	r.next = make(map[string]*asgWork, len(r.ids))
	r.toRevoke = make(map[string]*asgWork, len(r.ids))
	for _, id := range r.ids {
		a := r.alloc[id]
		r.current[id] = a.without(deletedConns, deletedTasks)
		rev := a.within(deletedConns, deletedTasks)
		dup := a.within(duplicatedConns, duplicatedTasks)
		rev.conns = append(rev.conns, dup.conns...)
		rev.tasks = append(rev.tasks, dup.tasks...)
		r.toRevoke[id] = &rev
		n := a.without(asgSetOf(rev.conns), asgSetOf(rev.tasks))
		r.next[id] = &n
	}

	lostToReassign := r.handleLostAssignments(lost)

	var reassign asgWork // newly given work taken back by load balancing
	if r.delay == 0 {
		revocations, shed := r.loadBalancingRevocations(configuredConns, configuredTasks)
		switch {
		case r.revokedInPrevious && !asgNoWork(revocations):
			// A revoking round right after another: throttle.
			r.revokingRounds++
			r.delay = int32(asgRevokingBackoff(r.revokingRounds, r.maxDelay))
			if r.delay != 0 {
				r.scheduled = r.now + int64(r.delay)
			} else {
				r.applyRevocations(revocations)
				reassign = r.takeBack(shed)
			}
		case !asgNoWork(revocations):
			r.applyRevocations(revocations)
			reassign = r.takeBack(shed)
			r.revokedInPrevious = true
		default:
			reassign = r.takeBack(shed)
			if r.revokedInPrevious {
				// The cluster converged: reset the backoff.
				r.revokedInPrevious = false
				r.revokingRounds = 0
			}
		}
	} else {
		r.revokedInPrevious = false
	}

	toAssign := asgWork{
		conns: asgDistinct(created.conns, lostToReassign.conns, reassign.conns),
		tasks: asgDistinct(created.tasks, lostToReassign.tasks, reassign.tasks),
	}
	r.assignConnectors(toAssign.conns)
	r.assignTasks(toAssign.tasks)

	r.newWork = make(map[string]asgWork, len(r.ids))
	allRevConns, allRevTasks := asgSet[string]{}, asgSet[TaskID]{}
	for _, id := range r.ids {
		cur := r.current[id]
		r.newWork[id] = r.next[id].without(asgSetOf(cur.conns), asgSetOf(cur.tasks))
		for _, c := range r.toRevoke[id].conns {
			allRevConns.add(c)
		}
		for _, t := range r.toRevoke[id].tasks {
			allRevTasks.add(t)
		}
	}

	// previous = everything assigned after this round - revoked + lost
	r.prevConns, r.prevTasks = asgSet[string]{}, asgSet[TaskID]{}
	for _, id := range r.ids {
		for _, c := range r.next[id].conns {
			if !allRevConns.has(c) {
				r.prevConns.add(c)
			}
		}
		for _, t := range r.next[id].tasks {
			if !allRevTasks.has(t) {
				r.prevTasks.add(t)
			}
		}
	}
	for _, c := range lost.conns {
		r.prevConns.add(c)
	}
	for _, t := range lost.tasks {
		r.prevTasks.add(t)
	}
	r.prevRevConns, r.prevRevTasks = allRevConns, allRevTasks
	r.previousGen = r.in.Generation
	r.previousMembers = slices.Clone(r.ids)
}

// loadAllocations reads the members' reported allocations (deduplicated;
// a task entry with task number ConnectorTask counts as its connector).
func (r *incrementalRound) loadAllocations() {
	r.alloc = make(map[string]asgWork, len(r.in.Members))
	for _, m := range r.in.Members {
		if _, dup := r.alloc[m.ID]; dup {
			continue
		}
		r.ids = append(r.ids, m.ID)
		var w asgWork
		if a := m.State.Allocation; a != nil {
			seenC, seenT := asgSet[string]{}, asgSet[TaskID]{}
			addConn := func(c string) {
				if !seenC.has(c) {
					seenC.add(c)
					w.conns = append(w.conns, c)
				}
			}
			for _, c := range a.Connectors {
				addConn(c)
			}
			for _, t := range a.Tasks {
				switch {
				case t.Task == ConnectorTask:
					addConn(t.Connector)
				case !seenT.has(t):
					seenT.add(t)
					w.tasks = append(w.tasks, t)
				}
			}
		}
		r.alloc[m.ID] = w
	}
	slices.SortFunc(r.ids, asgJavaCompare)
}

// handleLostAssignments decides what happens to lost work (Java's
// handleLostAssignments): it returns the lost work to reassign as new work
// this round, or deals it to candidate workers in next, or holds it back
// and sets the delay.
func (r *incrementalRound) handleLostAssignments(lost asgWork) asgWork {
	if lost.empty() && !r.revokedInPrevious {
		r.resetDelay()
		return asgWork{}
	}
	present := asgSetOf(r.ids)
	if r.scheduled <= 0 && asgAllIn(r.previousMembers, present) {
		// No member left: the lost work is probably work whose assignment
		// did not reach its member in the previous round. Reassign it.
		return lost
	}
	if r.maxDelay == 0 {
		return lost
	}

	if r.scheduled > 0 && r.now >= r.scheduled {
		// The delayed rebalance expired.
		var candidates []string
		for _, c := range r.candidates {
			if present.has(c) {
				candidates = append(candidates, c)
			}
		}
		var reassign asgWork
		if len(candidates) > 0 {
			for i, c := range lost.conns {
				w := r.next[candidates[i%len(candidates)]]
				w.conns = append(w.conns, c)
			}
			for i, t := range lost.tasks {
				w := r.next[candidates[i%len(candidates)]]
				w.tasks = append(w.tasks, t)
			}
		} else {
			reassign = lost
		}
		r.resetDelay()
		// The full delay passed: successive revoking rounds are allowed again.
		r.revokedInPrevious = false
		return reassign
	}

	// A delayed rebalance starts or continues; members without work are
	// candidates for the lost work.
	known := asgSetOf(r.candidates)
	for _, id := range r.ids {
		if r.next[id].empty() && !known.has(id) {
			known.add(id)
			r.candidates = append(r.candidates, id)
		}
	}
	if r.now < r.scheduled {
		r.delay = int32(min(r.scheduled-r.now, r.maxDelay))
	} else {
		r.delay = int32(r.maxDelay)
	}
	r.scheduled = r.now + int64(r.delay)
	return asgWork{}
}

func (r *incrementalRound) resetDelay() {
	r.candidates = nil
	r.scheduled = 0
	r.delay = 0
}

// loadBalancingRevocations decides per member how much of its connectors
// and of its tasks in next exceeds its share (Java's
// performLoadBalancingRevocations), and splits that excess into revocations
// of work the member runs and work newly given to it this round (shed).
func (r *incrementalRound) loadBalancingRevocations(configuredConns asgSet[string], configuredTasks asgSet[TaskID]) (revoke, shed map[string]asgWork) {
	allEmpty := true
	for _, id := range r.ids {
		if !r.next[id].empty() {
			allEmpty = false
			break
		}
	}
	if allEmpty || (len(configuredConns) == 0 && len(configuredTasks) == 0) {
		return nil, nil
	}
	connExcess := asgBalanceExcess(len(configuredConns), r.ids, func(id string) int { return len(r.next[id].conns) })
	taskExcess := asgBalanceExcess(len(configuredTasks), r.ids, func(id string) int { return len(r.next[id].tasks) })
	revoke, shed = map[string]asgWork{}, map[string]asgWork{}
	for _, id := range r.ids {
		n := r.next[id]
		a := r.alloc[id]
		var rev, sh asgWork
		rev.conns, sh.conns = asgPickExcess(n.conns, asgSetOf(a.conns), configuredConns, connExcess[id])
		rev.tasks, sh.tasks = asgPickExcess(n.tasks, asgSetOf(a.tasks), configuredTasks, taskExcess[id])
		if !rev.empty() {
			revoke[id] = rev
		}
		if !sh.empty() {
			shed[id] = sh
		}
	}
	return revoke, shed
}

// asgBalanceExcess is Java's loadBalancingRevocations count logic: with total
// items over the members, each member may keep total/members, and
// total%members of them one more; members are visited in id order and the
// allowances for one more go to the first members above the floor. It
// returns how many items each member must give up (nil when balanced).
func asgBalanceExcess(total int, ids []string, size func(string) int) map[string]int {
	workers := len(ids)
	minPer := total / workers
	extras := total % workers
	atMin, atExtra := 0, 0
	for _, id := range ids {
		switch size(id) {
		case minPer:
			atMin++
		case minPer + 1:
			atExtra++
		}
	}
	if atExtra == extras && atMin+atExtra == workers {
		return nil
	}
	out := map[string]int{}
	given := 0
	for _, id := range ids {
		n := size(id)
		if n <= minPer {
			continue
		}
		limit := minPer
		if given < extras {
			given++
			if n == minPer+1 {
				continue
			}
			limit = minPer + 1
		}
		out[id] = n - limit
	}
	return out
}

// asgPickExcess chooses count items of items to give up, in this order of
// preference: items not in running (newly given this round, free to move),
// running items that are not configured (only possible when the previous
// assignment was not trusted, so that they were not seen as deleted), then
// running items in their order. It returns the running ones (revocations)
// and the others.
func asgPickExcess[T comparable](items []T, running, configured asgSet[T], count int) (revoke, shed []T) {
	if count <= 0 {
		return nil, nil
	}
	for _, it := range items {
		if len(shed) == count {
			break
		}
		if !running.has(it) {
			shed = append(shed, it)
		}
	}
	for _, configuredPass := range []bool{false, true} {
		for _, it := range items {
			if len(shed)+len(revoke) == count {
				return revoke, shed
			}
			if running.has(it) && configured.has(it) == configuredPass {
				revoke = append(revoke, it)
			}
		}
	}
	return revoke, shed
}

func asgNoWork(m map[string]asgWork) bool {
	for _, w := range m {
		if !w.empty() {
			return false
		}
	}
	return true
}

// applyRevocations adds load-balancing revocations to the round's
// revocations and removes them from next.
func (r *incrementalRound) applyRevocations(revocations map[string]asgWork) {
	for id, rev := range revocations {
		t := r.toRevoke[id]
		t.conns = append(t.conns, rev.conns...)
		t.tasks = append(t.tasks, rev.tasks...)
		*r.next[id] = r.next[id].without(asgSetOf(rev.conns), asgSetOf(rev.tasks))
	}
}

// takeBack removes shed work from next and returns it, in Java order, to be
// assigned again this round.
func (r *incrementalRound) takeBack(shed map[string]asgWork) asgWork {
	var all asgWork
	for id, sh := range shed {
		*r.next[id] = r.next[id].without(asgSetOf(sh.conns), asgSetOf(sh.tasks))
		all.conns = append(all.conns, sh.conns...)
		all.tasks = append(all.tasks, sh.tasks...)
	}
	return asgWork{conns: asgSortedConnectors(all.conns), tasks: asgSortedTasks(all.tasks)}
}

// assignConnectors deals connectors to the members with the fewest
// connectors first (Java's assignConnectors): members sorted by load then
// id; each pass gives one connector to every member whose load equals the
// least-loaded member's.
func (r *incrementalRound) assignConnectors(conns []string) {
	asgFill(r.ids, conns, func(id string) int { return len(r.next[id].conns) },
		func(id string, c string) { r.next[id].conns = append(r.next[id].conns, c) })
}

// assignTasks is assignConnectors for tasks, by task load.
func (r *incrementalRound) assignTasks(tasks []TaskID) {
	asgFill(r.ids, tasks, func(id string) int { return len(r.next[id].tasks) },
		func(id string, t TaskID) { r.next[id].tasks = append(r.next[id].tasks, t) })
}

func asgFill[T any](ids []string, items []T, load func(string) int, give func(string, T)) {
	if len(items) == 0 || len(ids) == 0 {
		return
	}
	order := slices.Clone(ids)
	slices.SortFunc(order, func(a, b string) int {
		if d := load(a) - load(b); d != 0 {
			return d
		}
		return asgJavaCompare(a, b)
	})
	for len(items) > 0 {
		least := load(order[0])
		upTo := len(order)
		for i, id := range order {
			if load(id) > least {
				upTo = i
				break
			}
		}
		for _, id := range order[:upTo] {
			give(id, items[0])
			items = items[1:]
			if len(items) == 0 {
				return
			}
		}
	}
}

// assignments builds every member's Assignment.
func (r *incrementalRound) assignments(version int16) map[string]Assignment {
	leaderURL := asgLeaderURL(r.in.Members, r.in.LeaderID, r.in.LeaderURL)
	out := make(map[string]Assignment, len(r.ids))
	for _, id := range r.ids {
		nw, rev := r.newWork[id], r.toRevoke[id]
		out[id] = Assignment{
			Version:           version,
			Error:             ErrNone,
			Leader:            r.in.LeaderID,
			LeaderURL:         leaderURL,
			ConfigOffset:      r.in.ConfigOffset,
			Connectors:        asgNilIfEmpty(asgSortedConnectors(nw.conns)),
			Tasks:             asgNilIfEmpty(asgSortedTasks(nw.tasks)),
			RevokedConnectors: asgNilIfEmpty(asgSortedConnectors(rev.conns)),
			RevokedTasks:      asgNilIfEmpty(asgSortedTasks(rev.tasks)),
			Delay:             r.delay,
		}
	}
	return out
}

// state saves the carried fields.
func (r *incrementalRound) state() IncrementalState {
	s := IncrementalState{
		PreviousGeneration:        r.previousGen,
		PreviousConnectors:        asgNilIfEmpty(asgSortedConnectors(asgKeys(r.prevConns))),
		PreviousTasks:             asgNilIfEmpty(asgSortedTasks(asgKeys(r.prevTasks))),
		PreviousRevokedConnectors: asgNilIfEmpty(asgSortedConnectors(asgKeys(r.prevRevConns))),
		PreviousRevokedTasks:      asgNilIfEmpty(asgSortedTasks(asgKeys(r.prevRevTasks))),
		PreviousMembers:           asgNilIfEmpty(slices.Clone(r.previousMembers)),
		Delay:                     r.delay,
		CandidateWorkers:          asgNilIfEmpty(slices.Clone(r.candidates)),
		RevokedInPrevious:         r.revokedInPrevious,
		RevokingRounds:            r.revokingRounds,
	}
	if r.scheduled > 0 {
		s.ScheduledRebalance = time.UnixMilli(r.scheduled)
	}
	return s
}

func asgKeys[T comparable](s asgSet[T]) []T {
	out := make([]T, 0, len(s))
	for k := range s {
		out = append(out, k)
	}
	return out
}

func asgCloneSet[T comparable](s asgSet[T]) asgSet[T] {
	out := make(asgSet[T], len(s))
	for k := range s {
		out[k] = struct{}{}
	}
	return out
}

// asgAnyIn reports whether some element of a is in b.
func asgAnyIn[T comparable](a, b asgSet[T]) bool {
	for k := range a {
		if b.has(k) {
			return true
		}
	}
	return false
}

// asgAllIn reports whether every element of items is in s.
func asgAllIn[T comparable](items []T, s asgSet[T]) bool {
	for _, it := range items {
		if !s.has(it) {
			return false
		}
	}
	return true
}

// distinct concatenates lists keeping the first occurrence of each item.
func asgDistinct[T comparable](lists ...[]T) []T {
	seen := asgSet[T]{}
	var out []T
	for _, l := range lists {
		for _, it := range l {
			if !seen.has(it) {
				seen.add(it)
				out = append(out, it)
			}
		}
	}
	return out
}
