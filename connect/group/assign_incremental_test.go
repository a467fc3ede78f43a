package group

import (
	"reflect"
	"slices"
	"strconv"
	"testing"
	"time"
)

// The scenarios below port IncrementalCooperativeAssignorTest (Java test
// names in the comments) onto icaSim; the unit tests of Java's
// handleLostAssignments are ported as full rounds, since the state they
// inspect (candidates, scheduled rebalance, delay) is IncrementalState here.

// testTaskAssignmentWhenWorkerJoins
func TestAssignIncrementalWorkerJoins(t *testing.T) {
	s := newICASim(t)
	s.performStandardRebalance()
	s.assertDelay(0)
	s.assertWorkers("worker1")
	s.assertConnectorAllocations(2)
	s.assertTaskAllocations(8)
	s.assertBalancedAndCompleteAllocation()

	// A second worker joins: half the work is revoked from worker1.
	s.addEmptyWorkers("worker2")
	s.performStandardRebalance()
	s.assertDelay(0)
	s.assertWorkers("worker1", "worker2")
	s.assertConnectorAllocations(0, 1)
	s.assertTaskAllocations(0, 4)

	// The follow-up round hands the revoked work to worker2.
	s.performStandardRebalance()
	s.assertNoRevocations()
	s.assertDelay(0)
	s.assertConnectorAllocations(1, 1)
	s.assertTaskAllocations(4, 4)
	s.assertBalancedAndCompleteAllocation()

	s.sleep(s.delayDuration())
	s.performStandardRebalance()
	s.assertDelay(0)
	s.assertEmptyAssignment()
}

// testAssignmentsWhenWorkersJoinAfterRevocations
func TestAssignIncrementalWorkersJoinAfterRevocations(t *testing.T) {
	s := newICASim(t)
	s.addConnector("connector3", 4)
	s.performStandardRebalance()
	s.assertDelay(0)
	s.assertWorkers("worker1")
	s.assertConnectorAllocations(3)
	s.assertTaskAllocations(12)
	s.assertBalancedAndCompleteAllocation()

	s.addEmptyWorkers("worker2")
	s.performStandardRebalance()
	s.assertWorkers("worker1", "worker2")
	s.assertConnectorAllocations(0, 2)
	s.assertTaskAllocations(0, 6)

	// A successive revoking round is throttled: no revocations, a delay
	// of 40 ms (the first backoff step), the revoked work still assigned.
	s.addEmptyWorkers("worker3")
	s.performStandardRebalance()
	s.assertDelay(40)
	s.assertNoRevocations()
	s.assertWorkers("worker1", "worker2", "worker3")
	s.assertConnectorAllocations(0, 1, 2)
	s.assertTaskAllocations(3, 3, 6)
	if s.state.RevokingRounds != 1 || !s.state.ScheduledRebalance.Equal(s.now.Add(40*time.Millisecond)) {
		t.Fatalf("state %+v", s.state)
	}

	// After the backoff, revoking is allowed again.
	s.sleep(s.delayDuration())
	s.addEmptyWorkers("worker4")
	s.performStandardRebalance()
	s.assertWorkers("worker1", "worker2", "worker3", "worker4")
	s.assertConnectorAllocations(0, 0, 1, 1)
	s.assertTaskAllocations(0, 3, 3, 3)

	// Right after a revoking round again: the second backoff step, 1600 ms.
	s.addEmptyWorkers("worker5")
	s.performStandardRebalance()
	s.assertDelay(1600)
	s.assertWorkers("worker1", "worker2", "worker3", "worker4", "worker5")
	s.assertConnectorAllocations(0, 0, 1, 1, 1)
	s.assertTaskAllocations(1, 2, 3, 3, 3)

	s.sleep(s.delayDuration())
	s.addEmptyWorkers("worker6")
	s.performStandardRebalance()
	s.assertDelay(0)
	s.assertWorkers("worker1", "worker2", "worker3", "worker4", "worker5", "worker6")
	s.assertConnectorAllocations(0, 0, 0, 1, 1, 1)
	s.assertTaskAllocations(0, 1, 2, 2, 2, 2)

	s.performStandardRebalance()
	s.assertConnectorAllocations(0, 0, 0, 1, 1, 1)
	s.assertTaskAllocations(2, 2, 2, 2, 2, 2)
	s.assertBalancedAndCompleteAllocation()
}

// testImmediateRevocationsWhenMaxDelayIs0
func TestAssignIncrementalImmediateRevocationsWhenMaxDelayIs0(t *testing.T) {
	s := newICASim(t)
	s.maxDelay = 0
	s.addConnector("connector3", 4)
	s.performStandardRebalance()
	s.assertDelay(0)
	s.assertConnectorAllocations(3)
	s.assertTaskAllocations(12)
	s.assertBalancedAndCompleteAllocation()

	s.addEmptyWorkers("worker2")
	s.performStandardRebalance()
	s.assertConnectorAllocations(0, 2)
	s.assertTaskAllocations(0, 6)

	// Successive revoking round, but with no delay configured it revokes.
	s.addEmptyWorkers("worker3")
	s.performStandardRebalance()
	s.assertDelay(0)
	s.assertWorkers("worker1", "worker2", "worker3")
	s.assertConnectorAllocations(0, 1, 1)
	s.assertTaskAllocations(3, 3, 4)

	s.performStandardRebalance()
	s.assertNoRevocations()
	s.assertConnectorAllocations(1, 1, 1)
	s.assertTaskAllocations(4, 4, 4)
	s.assertBalancedAndCompleteAllocation()
}

// testSuccessiveRevocationsWhenMaxDelayIsEqualToExpBackOffInitialInterval
func TestAssignIncrementalSuccessiveRevocationsMaxDelay1(t *testing.T) {
	s := newICASim(t)
	s.maxDelay = time.Millisecond
	s.addConnector("connector3", 4)
	s.performStandardRebalance()
	s.assertDelay(0)
	s.assertConnectorAllocations(3)
	s.assertTaskAllocations(12)

	s.addEmptyWorkers("worker2")
	s.performStandardRebalance()
	s.assertConnectorAllocations(0, 2)
	s.assertTaskAllocations(0, 6)

	s.addEmptyWorkers("worker3")
	s.performStandardRebalance()
	s.assertDelay(1)
	s.assertNoRevocations()
	s.assertConnectorAllocations(0, 1, 2)
	s.assertTaskAllocations(3, 3, 6)
}

// testWorkerJoiningDuringDelayedRebalance
func TestAssignIncrementalWorkerJoiningDuringDelayedRebalance(t *testing.T) {
	s := newICASim(t)
	s.addConnector("connector3", 4)
	s.performStandardRebalance()
	s.assertConnectorAllocations(3)
	s.assertTaskAllocations(12)

	s.addEmptyWorkers("worker2")
	s.performStandardRebalance()
	s.assertConnectorAllocations(0, 2)
	s.assertTaskAllocations(0, 6)

	// Throttled: no revocations, but the revoked work is assigned.
	s.addEmptyWorkers("worker3")
	s.performStandardRebalance()
	if s.delay() <= 0 {
		t.Fatalf("delay %d", s.delay())
	}
	s.assertNoRevocations()
	s.assertConnectorAllocations(0, 1, 2)
	s.assertTaskAllocations(3, 3, 6)

	// A worker joins while the backoff runs: still no revocations, the
	// delay is what is left of it.
	s.sleep(s.delayDuration() / 2)
	s.addEmptyWorkers("worker4")
	s.performStandardRebalance()
	s.assertDelay(20)
	s.assertNoRevocations()
	s.assertConnectorAllocations(0, 0, 1, 2)
	s.assertTaskAllocations(0, 3, 3, 6)

	// After it: load-balancing revocations.
	s.sleep(s.delayDuration())
	s.addEmptyWorkers("worker5")
	s.performStandardRebalance()
	s.assertDelay(0)
	s.assertConnectorAllocations(0, 0, 0, 1, 1)
	s.assertTaskAllocations(0, 0, 2, 3, 3)

	s.performStandardRebalance()
	s.assertDelay(0)
	s.assertNoRevocations()
	s.assertConnectorAllocations(0, 0, 1, 1, 1)
	s.assertTaskAllocations(2, 2, 2, 3, 3)
	s.assertBalancedAndCompleteAllocation()
}

// testTaskAssignmentWhenWorkerLeavesPermanently (and
// WorkerCoordinatorIncrementalTest's namesake, which checks the delay sent
// to every member)
func TestAssignIncrementalWorkerLeavesPermanently(t *testing.T) {
	s := newICASim(t)
	s.addEmptyWorkers("worker2")
	s.performStandardRebalance()
	s.assertDelay(0)
	s.assertConnectorAllocations(1, 1)
	s.assertTaskAllocations(4, 4)
	s.assertBalancedAndCompleteAllocation()

	// worker2 leaves: its work is held back for the full delay.
	s.removeWorkers("worker2")
	s.performStandardRebalance()
	s.assertDelay(300000)
	s.assertWorkers("worker1")
	s.assertEmptyAssignment()
	if !s.state.ScheduledRebalance.Equal(s.now.Add(asgDefaultMaxDelay)) {
		t.Fatalf("scheduled %v", s.state.ScheduledRebalance)
	}

	// An incidental round half-way: the delay is what is left.
	s.sleep(asgDefaultMaxDelay / 2)
	s.performStandardRebalance()
	s.assertDelay(150000)
	s.assertEmptyAssignment()

	// After expiry with no candidate, the lost work is treated as new.
	s.sleep(asgDefaultMaxDelay/2 + time.Millisecond)
	s.performStandardRebalance()
	s.assertDelay(0)
	s.assertConnectorAllocations(2)
	s.assertTaskAllocations(8)
	s.assertBalancedAndCompleteAllocation()
	if !s.state.ScheduledRebalance.IsZero() || s.state.CandidateWorkers != nil {
		t.Fatalf("state %+v", s.state)
	}
}

// testTaskAssignmentWhenWorkerBounces
func TestAssignIncrementalWorkerBounces(t *testing.T) {
	s := newICASim(t)
	s.addEmptyWorkers("worker2")
	s.performStandardRebalance()
	s.assertConnectorAllocations(1, 1)
	s.assertTaskAllocations(4, 4)
	lostConns := slices.Clone(s.members["worker2"].Connectors)
	lostTasks := slices.Clone(s.members["worker2"].Tasks)

	s.removeWorkers("worker2")
	s.performStandardRebalance()
	s.assertDelay(300000)
	s.assertEmptyAssignment()

	s.sleep(asgDefaultMaxDelay / 2)
	s.performStandardRebalance()
	s.assertDelay(150000)
	s.assertEmptyAssignment()

	// worker2 returns empty during the delay: it becomes a candidate, but
	// nothing is reassigned before the delay expires.
	s.sleep(asgDefaultMaxDelay / 4)
	s.addEmptyWorkers("worker2")
	s.performStandardRebalance()
	s.assertDelay(75000)
	s.assertWorkers("worker1", "worker2")
	s.assertEmptyAssignment()
	if !slices.Equal(s.state.CandidateWorkers, []string{"worker2"}) {
		t.Fatalf("candidates %v", s.state.CandidateWorkers)
	}

	// At expiry the candidate gets its old work back.
	s.sleep(asgDefaultMaxDelay / 4)
	s.performStandardRebalance()
	s.assertDelay(0)
	s.assertNoRevocations()
	s.assertConnectorAllocations(1, 1)
	s.assertTaskAllocations(4, 4)
	s.assertBalancedAndCompleteAllocation()
	if got := s.out["worker2"]; !slices.Equal(got.Connectors, lostConns) || !slices.Equal(got.Tasks, lostTasks) {
		t.Fatalf("worker2 got %v %v, want %v %v", got.Connectors, got.Tasks, lostConns, lostTasks)
	}
}

// testTaskAssignmentWhenLeaderLeavesPermanently
func TestAssignIncrementalLeaderLeavesPermanently(t *testing.T) {
	s := newICASim(t)
	s.addEmptyWorkers("worker2", "worker3")
	s.performStandardRebalance()
	s.assertDelay(0)
	s.assertConnectorAllocations(0, 1, 1)
	s.assertTaskAllocations(2, 3, 3)
	s.assertBalancedAndCompleteAllocation()

	// The leader leaves; a new leader starts from a clean slate: the lost
	// work is simply new work for it.
	s.removeWorkers("worker1")
	s.initAssignor()
	s.performStandardRebalance()
	s.assertDelay(0)
	s.assertWorkers("worker2", "worker3")
	s.assertConnectorAllocations(1, 1)
	s.assertTaskAllocations(4, 4)
	s.assertBalancedAndCompleteAllocation()

	s.performStandardRebalance()
	s.assertDelay(0)
	s.assertEmptyAssignment()
}

// testTaskAssignmentWhenLeaderBounces
func TestAssignIncrementalLeaderBounces(t *testing.T) {
	s := newICASim(t)
	s.addEmptyWorkers("worker2", "worker3")
	s.performStandardRebalance()
	s.assertConnectorAllocations(0, 1, 1)
	s.assertTaskAllocations(2, 3, 3)

	s.removeWorkers("worker1")
	s.initAssignor()
	s.performStandardRebalance()
	s.assertDelay(0)
	s.assertConnectorAllocations(1, 1)
	s.assertTaskAllocations(4, 4)
	s.assertBalancedAndCompleteAllocation()

	// The old leader returns as a new worker: immediate revocations.
	s.addEmptyWorkers("worker1")
	s.performStandardRebalance()
	s.assertDelay(0)
	s.assertWorkers("worker1", "worker2", "worker3")
	s.assertConnectorAllocations(0, 1, 1)
	s.assertTaskAllocations(0, 3, 3)

	s.performStandardRebalance()
	s.assertDelay(0)
	s.assertNoRevocations()
	s.assertConnectorAllocations(0, 1, 1)
	s.assertTaskAllocations(2, 3, 3)
	s.assertBalancedAndCompleteAllocation()
}

// testTaskAssignmentWhenFirstAssignmentAttemptFails
func TestAssignIncrementalFirstAssignmentAttemptFails(t *testing.T) {
	s := newICASim(t)
	s.addEmptyWorkers("worker2")
	s.performFailedRebalance()
	s.assertDelay(0)
	s.assertWorkers("worker1", "worker2")
	s.assertConnectorAllocations(0, 0)
	s.assertTaskAllocations(0, 0)

	// The same members report nothing: the lost work is reassigned at once
	// since nobody left.
	s.performStandardRebalance()
	s.assertDelay(0)
	s.assertConnectorAllocations(1, 1)
	s.assertTaskAllocations(4, 4)
	s.assertBalancedAndCompleteAllocation()
}

// testTaskAssignmentWhenSubsequentAssignmentAttemptFails
func TestAssignIncrementalSubsequentAssignmentAttemptFails(t *testing.T) {
	s := newICASim(t)
	s.addEmptyWorkers("worker2")
	s.performStandardRebalance()
	s.assertConnectorAllocations(1, 1)
	s.assertTaskAllocations(4, 4)

	// worker3 joins; the revoking assignment never reaches the members.
	s.addEmptyWorkers("worker3")
	s.performFailedRebalance()
	s.assertDelay(0)
	s.assertWorkers("worker1", "worker2", "worker3")
	s.assertConnectorAllocations(0, 1, 1)
	s.assertTaskAllocations(0, 4, 4)

	// The revocation did not take effect and this is a successive revoking
	// round: throttled.
	s.performStandardRebalance()
	if s.delay() <= 0 {
		t.Fatalf("delay %d", s.delay())
	}
	s.assertNoRevocations()
	s.assertConnectorAllocations(0, 1, 1)
	s.assertTaskAllocations(0, 4, 4)

	s.sleep(s.delayDuration())
	s.performStandardRebalance()
	s.assertDelay(0)
	s.assertConnectorAllocations(0, 1, 1)
	s.assertTaskAllocations(0, 3, 3)

	s.performStandardRebalance()
	s.assertConnectorAllocations(0, 1, 1)
	s.assertTaskAllocations(2, 3, 3)
	s.assertBalancedAndCompleteAllocation()
}

// testTaskAssignmentWhenSubsequentAssignmentAttemptFailsOutsideTheAssignor:
// the previous generation does not match, so the previous assignment is
// not trusted.
func TestAssignIncrementalPreviousGenerationMismatch(t *testing.T) {
	s := newICASim(t)
	s.addEmptyWorkers("worker2")
	s.performStandardRebalance()
	s.assertConnectorAllocations(1, 1)
	s.assertTaskAllocations(4, 4)

	s.addEmptyWorkers("worker3")
	s.performFailedRebalance()
	s.assertDelay(0)
	s.assertConnectorAllocations(0, 1, 1)
	s.assertTaskAllocations(0, 4, 4)

	s.performRebalanceWithMismatchedGeneration()
	if s.delay() <= 0 {
		t.Fatalf("delay %d", s.delay())
	}
	s.assertNoRevocations()
	s.assertConnectorAllocations(0, 1, 1)
	s.assertTaskAllocations(0, 4, 4)

	s.sleep(s.delayDuration())
	s.performStandardRebalance()
	s.assertConnectorAllocations(0, 1, 1)
	s.assertTaskAllocations(0, 3, 3)

	s.performStandardRebalance()
	s.assertConnectorAllocations(0, 1, 1)
	s.assertTaskAllocations(2, 3, 3)
	s.assertBalancedAndCompleteAllocation()
}

// With a mismatched generation a connector deleted meanwhile is not seen as
// deleted (the previous assignment is ignored); the members still run it
// and load balancing counts it. Its work is what gets revoked first.
func TestAssignIncrementalMismatchForgetsPreviousAssignment(t *testing.T) {
	s := newICASim(t)
	s.addEmptyWorkers("worker2")
	s.performStandardRebalance()
	s.assertBalancedAndCompleteAllocation()

	s.removeConnector("connector2")
	s.performRebalanceWithMismatchedGeneration()
	var revokedConns []string
	var revokedTasks []TaskID
	for _, a := range s.out {
		revokedConns = append(revokedConns, a.RevokedConnectors...)
		revokedTasks = append(revokedTasks, a.RevokedTasks...)
	}
	if !slices.Equal(revokedConns, []string{"connector2"}) || !slices.Equal(asgSortedTasks(revokedTasks), asgTasksOf("connector2", 4)) {
		t.Fatalf("revoked %v %v", revokedConns, revokedTasks)
	}

	s.performStandardRebalance()
	s.assertNoRevocations()
	s.assertBalancedAndCompleteAllocation()
	s.performStandardRebalance()
	s.assertEmptyAssignment()
}

// A deleted connector a single worker still runs after a generation
// mismatch is revoked by load balancing, before any configured work.
func TestAssignIncrementalMismatchSingleWorker(t *testing.T) {
	s := newICASim(t)
	s.performStandardRebalance()
	s.removeConnector("connector1")
	s.performRebalanceWithMismatchedGeneration()
	a := s.out["worker1"]
	if !slices.Equal(a.RevokedConnectors, []string{"connector1"}) || !slices.Equal(a.RevokedTasks, asgTasksOf("connector1", 4)) {
		t.Fatalf("got %+v", a)
	}
	s.performStandardRebalance()
	s.assertBalancedAndCompleteAllocation()
}

// A revocation that did not take effect (the round failed) makes the next
// round start from what members run, so a connector deleted meanwhile is
// seen as deleted and revoked at once, although the previous assignment
// had already dropped it as revoked.
func TestAssignIncrementalRevocationNotTakenEffect(t *testing.T) {
	s := newICASim(t)
	s.performStandardRebalance()
	s.addEmptyWorkers("worker2")
	s.performFailedRebalance()
	if a := s.out["worker1"]; !slices.Equal(a.RevokedConnectors, []string{"connector1"}) || !slices.Equal(a.RevokedTasks, asgTasksOf("connector1", 4)) {
		t.Fatalf("failed round: %+v", a)
	}
	if slices.Contains(s.state.PreviousConnectors, "connector1") {
		t.Fatalf("previous %v", s.state.PreviousConnectors)
	}

	// Deleted work is revoked at once; the load-balancing revocation that
	// follows the (failed) revoking round is throttled.
	s.removeConnector("connector1")
	s.performStandardRebalance()
	s.assertDelay(40)
	if a := s.out["worker1"]; !slices.Equal(a.RevokedConnectors, []string{"connector1"}) || !slices.Equal(a.RevokedTasks, asgTasksOf("connector1", 4)) {
		t.Fatalf("worker1: %+v", a)
	}
	s.sleep(s.delayDuration())
	s.performStandardRebalance()
	s.performStandardRebalance()
	s.assertBalancedAndCompleteAllocation()
}

// testTaskAssignmentWhenConnectorsAreDeleted
func TestAssignIncrementalConnectorsDeleted(t *testing.T) {
	s := newICASim(t)
	s.addConnector("connector3", 4)
	s.addEmptyWorkers("worker2")
	s.performStandardRebalance()
	s.assertDelay(0)
	s.assertConnectorAllocations(1, 2)
	s.assertTaskAllocations(6, 6)
	s.assertBalancedAndCompleteAllocation()

	s.removeConnector("connector3")
	s.performStandardRebalance()
	s.assertDelay(0)
	s.assertConnectorAllocations(1, 1)
	s.assertTaskAllocations(4, 4)
	s.assertBalancedAndCompleteAllocation()
	for id, a := range s.out {
		for _, tk := range a.RevokedTasks {
			if tk.Connector != "connector3" {
				t.Errorf("%s: revoked %v", id, tk)
			}
		}
	}
}

// testTaskAssignmentWhenTasksDuplicatedInWorkerAssignment
func TestAssignIncrementalDuplicatedTasks(t *testing.T) {
	s := newICASim(t)
	s.performStandardRebalance()
	s.assertConnectorAllocations(2)
	s.assertTaskAllocations(8)
	s.assertBalancedAndCompleteAllocation()

	// worker2 joins already running connector1 and its tasks, which
	// worker1 runs too: revoked from both.
	s.addWorker("worker2", []string{"connector1"}, asgTasksOf("connector1", 4))
	s.performStandardRebalance()
	s.assertDelay(0)
	s.assertWorkers("worker1", "worker2")
	s.assertConnectorAllocations(0, 1)
	s.assertTaskAllocations(0, 4)
	for _, id := range []string{"worker1", "worker2"} {
		a := s.out[id]
		if !slices.Equal(a.RevokedConnectors, []string{"connector1"}) || !slices.Equal(a.RevokedTasks, asgTasksOf("connector1", 4)) {
			t.Fatalf("%s: %+v", id, a)
		}
	}

	s.performStandardRebalance()
	s.assertDelay(0)
	s.assertNoRevocations()
	s.assertConnectorAllocations(1, 1)
	s.assertTaskAllocations(4, 4)
	s.assertBalancedAndCompleteAllocation()

	s.performStandardRebalance()
	s.assertDelay(0)
	s.assertEmptyAssignment()
}

// testDuplicatedAssignmentHandleWhenTheDuplicatedAssignmentsDeleted
func TestAssignIncrementalDuplicatedAndDeleted(t *testing.T) {
	s := newICASim(t)
	s.performStandardRebalance()
	s.assertConnectorAllocations(2)
	s.assertTaskAllocations(8)

	s.removeConnector("connector1")
	s.addWorker("worker2", []string{"connector1"}, asgTasksOf("connector1", 4))
	s.performStandardRebalance()
	s.assertDelay(0)
	s.assertWorkers("worker1", "worker2")
	s.assertConnectorAllocations(0, 1)
	s.assertTaskAllocations(0, 2)

	s.performStandardRebalance()
	s.assertDelay(0)
	s.assertNoRevocations()
	s.assertConnectorAllocations(0, 1)
	s.assertTaskAllocations(2, 2)
	s.assertBalancedAndCompleteAllocation()

	s.sleep(s.delayDuration())
	s.performStandardRebalance()
	s.assertDelay(0)
	s.assertEmptyAssignment()
}

// testScheduledDelayIsDisabled
func TestAssignIncrementalScheduledDelayDisabled(t *testing.T) {
	s := newICASim(t)
	s.maxDelay = 0
	s.addEmptyWorkers("worker2")
	s.performStandardRebalance()
	s.assertConnectorAllocations(1, 1)
	s.assertTaskAllocations(4, 4)

	s.removeWorkers("worker2")
	s.performStandardRebalance()
	s.assertDelay(0)
	s.assertWorkers("worker1")
	s.assertConnectorAllocations(2)
	s.assertTaskAllocations(8)
	s.assertBalancedAndCompleteAllocation()
}

// A three-worker cluster with 3 connectors of 4 tasks, one connector and
// its tasks per worker (the layout of the handleLostAssignments tests).
func threeWorkerSim(t *testing.T) *icaSim {
	s := newICASim(t)
	s.removeWorkers("worker1")
	s.removeConnector("connector1")
	s.removeConnector("connector2")
	s.addConnector("connector0", 4)
	s.addConnector("connector1", 4)
	s.addConnector("connector2", 4)
	s.addEmptyWorkers("worker0", "worker1", "worker2")
	s.performStandardRebalance()
	s.assertConnectorAllocations(1, 1, 1)
	s.assertTaskAllocations(4, 4, 4)
	s.assertBalancedAndCompleteAllocation()
	return s
}

// testLostAssignmentHandlingWhenWorkerBounces
func TestAssignIncrementalLostAssignmentWorkerBounces(t *testing.T) {
	s := threeWorkerSim(t)
	lost := *s.members["worker1"]
	start := s.now

	s.removeWorkers("worker1")
	s.performStandardRebalance()
	s.assertEmptyAssignment()
	if s.state.CandidateWorkers != nil || s.delay() != 300000 || !s.state.ScheduledRebalance.Equal(start.Add(asgDefaultMaxDelay)) {
		t.Fatalf("state %+v", s.state)
	}

	s.sleep(asgDefaultMaxDelay / 2)
	s.addEmptyWorkers("worker1")
	s.performStandardRebalance()
	s.assertEmptyAssignment()
	if !slices.Equal(s.state.CandidateWorkers, []string{"worker1"}) || s.delay() != 150000 ||
		!s.state.ScheduledRebalance.Equal(start.Add(asgDefaultMaxDelay)) {
		t.Fatalf("state %+v", s.state)
	}

	s.sleep(asgDefaultMaxDelay / 2)
	s.performStandardRebalance()
	if a := s.out["worker1"]; !slices.Equal(a.Connectors, lost.Connectors) || !slices.Equal(a.Tasks, lost.Tasks) {
		t.Fatalf("worker1 got %+v, want %+v", a, lost)
	}
	if s.state.CandidateWorkers != nil || s.delay() != 0 || !s.state.ScheduledRebalance.IsZero() {
		t.Fatalf("state %+v", s.state)
	}
	s.assertBalancedAndCompleteAllocation()
}

// testLostAssignmentHandlingWhenWorkerLeavesPermanently
func TestAssignIncrementalLostAssignmentWorkerLeavesPermanently(t *testing.T) {
	s := threeWorkerSim(t)
	s.removeWorkers("worker1")
	s.performStandardRebalance()
	s.assertEmptyAssignment()
	s.assertDelay(300000)

	s.sleep(asgDefaultMaxDelay / 2)
	s.performStandardRebalance()
	s.assertEmptyAssignment()
	s.assertDelay(150000)
	if s.state.CandidateWorkers != nil {
		t.Fatalf("candidates %v", s.state.CandidateWorkers)
	}

	// Expired, no candidate: the lost work is new work for the least
	// loaded, then balancing.
	s.sleep(asgDefaultMaxDelay / 2)
	s.performStandardRebalance()
	s.assertDelay(0)
	if s.state.CandidateWorkers != nil || !s.state.ScheduledRebalance.IsZero() {
		t.Fatalf("state %+v", s.state)
	}
	s.assertConnectorAllocations(1, 2)
	s.assertTaskAllocations(6, 6)
	s.assertBalancedAndCompleteAllocation()
}

// testLostAssignmentHandlingWithMoreThanOneCandidates
func TestAssignIncrementalLostAssignmentMoreThanOneCandidate(t *testing.T) {
	s := threeWorkerSim(t)
	lost := *s.members["worker1"]

	// worker1 leaves and a new worker3 joins at the same time.
	s.removeWorkers("worker1")
	s.addEmptyWorkers("worker3")
	s.performStandardRebalance()
	s.assertEmptyAssignment()
	s.assertDelay(300000)
	if !slices.Equal(s.state.CandidateWorkers, []string{"worker3"}) {
		t.Fatalf("candidates %v", s.state.CandidateWorkers)
	}

	s.sleep(asgDefaultMaxDelay / 2)
	s.addEmptyWorkers("worker1")
	s.performStandardRebalance()
	s.assertEmptyAssignment()
	s.assertDelay(150000)
	if !slices.Equal(s.state.CandidateWorkers, []string{"worker3", "worker1"}) {
		t.Fatalf("candidates %v", s.state.CandidateWorkers)
	}

	// At expiry the lost work is dealt round-robin over both candidates in
	// the order they were seen; the others give up their excess task.
	s.sleep(asgDefaultMaxDelay / 2)
	s.performStandardRebalance()
	s.assertDelay(0)
	want := map[string]Assignment{
		"worker3": {Connectors: lost.Connectors, Tasks: []TaskID{lost.Tasks[0], lost.Tasks[2]}},
		"worker1": {Tasks: []TaskID{lost.Tasks[1], lost.Tasks[3]}},
	}
	for id, w := range want {
		if a := s.out[id]; !slices.Equal(a.Connectors, w.Connectors) || !slices.Equal(a.Tasks, w.Tasks) || len(a.RevokedTasks) > 0 {
			t.Fatalf("%s got %+v, want %+v", id, a, w)
		}
	}
	for _, id := range []string{"worker0", "worker2"} {
		if a := s.out[id]; len(a.RevokedTasks) != 1 || len(a.RevokedConnectors) != 0 {
			t.Fatalf("%s: %+v", id, a)
		}
	}
	s.performStandardRebalance()
	s.assertNoRevocations()
	s.assertConnectorAllocations(0, 1, 1, 1)
	s.assertTaskAllocations(3, 3, 3, 3)
	s.assertBalancedAndCompleteAllocation()
}

// testLostAssignmentHandlingWhenWorkerBouncesBackButFinallyLeaves
func TestAssignIncrementalLostAssignmentBouncesBackButFinallyLeaves(t *testing.T) {
	s := threeWorkerSim(t)
	s.removeWorkers("worker1")
	s.performStandardRebalance()
	s.assertDelay(300000)

	s.sleep(asgDefaultMaxDelay / 2)
	s.addEmptyWorkers("worker1")
	s.performStandardRebalance()
	if !slices.Equal(s.state.CandidateWorkers, []string{"worker1"}) {
		t.Fatalf("candidates %v", s.state.CandidateWorkers)
	}

	// The candidate leaves again before expiry: the lost work is new work.
	s.sleep(asgDefaultMaxDelay / 2)
	s.removeWorkers("worker1")
	s.performStandardRebalance()
	s.assertDelay(0)
	if s.state.CandidateWorkers != nil || !s.state.ScheduledRebalance.IsZero() {
		t.Fatalf("state %+v", s.state)
	}
	s.assertConnectorAllocations(1, 2)
	s.assertTaskAllocations(6, 6)
	s.assertBalancedAndCompleteAllocation()
}

// testLostAssignmentHandlingWhenScheduledDelayIsDisabled
func TestAssignIncrementalLostAssignmentDelayDisabled(t *testing.T) {
	s := threeWorkerSim(t)
	s.maxDelay = 0
	s.removeWorkers("worker1")
	s.performStandardRebalance()
	s.assertDelay(0)
	if s.state.CandidateWorkers != nil || !s.state.ScheduledRebalance.IsZero() {
		t.Fatalf("state %+v", s.state)
	}
	s.assertConnectorAllocations(1, 2)
	s.assertTaskAllocations(6, 6)
	s.assertBalancedAndCompleteAllocation()
}

// A candidate dealt more lost work than its share at expiry gives up the
// newly dealt work first, and that work goes to the least-loaded members
// in the same round, with no revocation sent for work it never ran (Java
// would revoke it and leave it for the next round).
func TestAssignIncrementalCandidateOverShare(t *testing.T) {
	s := newICASim(t)
	s.removeConnector("connector1")
	s.removeConnector("connector2")
	s.addConnector("c", 12)
	s.removeWorkers("worker1")
	s.addEmptyWorkers("w1", "w2", "w3", "w4")
	s.performStandardRebalance()
	s.assertTaskAllocations(3, 3, 3, 3)

	// Two workers leave; one comes back empty.
	s.removeWorkers("w3", "w4")
	s.performStandardRebalance()
	s.assertDelay(300000)
	s.addEmptyWorkers("w3")
	s.performStandardRebalance()
	if !slices.Equal(s.state.CandidateWorkers, []string{"w3"}) {
		t.Fatalf("candidates %v", s.state.CandidateWorkers)
	}
	s.sleep(asgDefaultMaxDelay)
	s.performStandardRebalance()
	s.assertDelay(0)
	s.assertNoRevocations()
	s.assertTaskAllocations(4, 4, 4)
	s.assertBalancedAndCompleteAllocation()
	if s.state.RevokedInPrevious {
		t.Fatalf("no running work was revoked, yet RevokedInPrevious")
	}
	s.performStandardRebalance()
	s.assertEmptyAssignment()
}

// A candidate over its share at expiry while a worker that joined in the
// expiry round takes load: the candidate's excess newly dealt work goes to
// the newcomer in the same round, the others' excess is revoked.
func TestAssignIncrementalCandidateShedAndRevocations(t *testing.T) {
	s := newICASim(t)
	s.connectors = map[string]int{"c": 12}
	s.addEmptyWorkers("worker2", "worker3")
	s.performStandardRebalance()
	s.assertTaskAllocations(4, 4, 4)
	lost := slices.Clone(s.members["worker3"].Tasks)

	s.removeWorkers("worker3")
	s.performStandardRebalance()
	s.assertDelay(300000)
	s.addEmptyWorkers("worker3")
	s.performStandardRebalance()
	s.assertEmptyAssignment()

	s.sleep(asgDefaultMaxDelay)
	s.addEmptyWorkers("worker4")
	s.performStandardRebalance()
	s.assertDelay(0)
	if a := s.out["worker3"]; !slices.Equal(a.Tasks, lost[1:]) || len(a.RevokedTasks) > 0 {
		t.Fatalf("worker3: %+v (lost %v)", a, lost)
	}
	if a := s.out["worker4"]; !slices.Equal(a.Tasks, lost[:1]) {
		t.Fatalf("worker4: %+v (lost %v)", a, lost)
	}
	for _, id := range []string{"worker1", "worker2"} {
		if a := s.out[id]; len(a.RevokedTasks) != 1 {
			t.Fatalf("%s: %+v", id, a)
		}
	}
	s.assertTaskAllocations(1, 3, 3, 3)
	s.performStandardRebalance()
	s.assertNoRevocations()
	s.assertTaskAllocations(3, 3, 3, 3)
	s.assertBalancedAndCompleteAllocation()
}

// A mismatched generation means the previous round did not complete: the
// previous assignment is not trusted, so the work of a member that left
// is not recognised as lost and is reassigned at once, without a delay.
func TestAssignIncrementalMismatchNoDelayForDeparture(t *testing.T) {
	s := newICASim(t)
	s.addEmptyWorkers("worker2")
	s.performStandardRebalance()
	s.removeWorkers("worker2")
	s.performRebalanceWithMismatchedGeneration()
	s.assertDelay(0)
	s.assertConnectorAllocations(2)
	s.assertTaskAllocations(8)
	s.assertBalancedAndCompleteAllocation()
	if s.state.PreviousGeneration != s.generation {
		t.Fatalf("previous generation %d, want %d", s.state.PreviousGeneration, s.generation)
	}
}

// Once revocations stop, the backoff starts over: the next run of
// consecutive revoking rounds is throttled from 40 ms again.
func TestAssignIncrementalBackoffResets(t *testing.T) {
	s := newICASim(t)
	s.performStandardRebalance()
	s.addEmptyWorkers("worker2")
	s.performStandardRebalance() // revokes
	s.addEmptyWorkers("worker3")
	s.performStandardRebalance() // throttled
	s.assertDelay(40)
	s.sleep(s.delayDuration())
	s.performStandardRebalance() // revokes
	s.addEmptyWorkers("worker4")
	s.performStandardRebalance() // throttled again
	s.assertDelay(1600)
	s.sleep(s.delayDuration())
	for range 3 {
		s.performStandardRebalance()
	}
	s.assertNoRevocations()
	s.assertBalancedAndCompleteAllocation()
	if s.state.RevokingRounds != 0 || s.state.RevokedInPrevious {
		t.Fatalf("state %+v", s.state)
	}

	s.addEmptyWorkers("worker5")
	s.performStandardRebalance() // revokes
	s.assertDelay(0)
	s.addEmptyWorkers("worker6")
	s.performStandardRebalance() // throttled from the start
	s.assertDelay(40)
}

// Scale-out from one to five workers with uneven totals ends with each
// member at floor or ceil of connectors and of tasks.
func TestAssignIncrementalBalancesToFloorAndCeil(t *testing.T) {
	s := newICASim(t)
	s.maxDelay = 0
	s.removeConnector("connector1")
	s.removeConnector("connector2")
	for i, n := range []int{5, 1, 7, 3, 2, 9, 1} {
		s.addConnector("conn"+string(rune('a'+i)), n)
	}
	s.performStandardRebalance()
	s.assertConnectorAllocations(7)
	s.assertTaskAllocations(28)
	for _, w := range []string{"worker2", "worker3", "worker4", "worker5"} {
		s.addEmptyWorkers(w)
		s.performStandardRebalance()
		s.performStandardRebalance()
		s.assertNoRevocations()
		s.assertBalancedAndCompleteAllocation()
	}
	s.assertConnectorAllocations(1, 1, 1, 2, 2)
	s.assertTaskAllocations(5, 5, 6, 6, 6)
}

// WorkerCoordinatorIncrementalTest.testTaskAssignmentWhenWorkerJoins, with
// exact lists: round-robin over equally loaded members in id order, and
// revocations taken in the order the member reports its work.
func TestAssignIncrementalExactAssignments(t *testing.T) {
	s := newICASim(t)
	s.addEmptyWorkers("worker2")
	s.performStandardRebalance()
	hdr := Assignment{Version: Version2, Leader: "worker1", LeaderURL: "http://worker1:8083", ConfigOffset: 618}
	with := func(conns []string, tasks []TaskID, rc []string, rt []TaskID) Assignment {
		a := hdr
		a.Connectors, a.Tasks, a.RevokedConnectors, a.RevokedTasks = conns, tasks, rc, rt
		return a
	}
	want := map[string]Assignment{
		"worker1": with([]string{"connector1"}, []TaskID{asgTID("connector1", 0), asgTID("connector1", 2), asgTID("connector2", 0), asgTID("connector2", 2)}, nil, nil),
		"worker2": with([]string{"connector2"}, []TaskID{asgTID("connector1", 1), asgTID("connector1", 3), asgTID("connector2", 1), asgTID("connector2", 3)}, nil, nil),
	}
	if !reflect.DeepEqual(s.out, want) {
		t.Fatalf("round 1:\n got %+v\nwant %+v", s.out, want)
	}

	s.addEmptyWorkers("worker3")
	s.performStandardRebalance()
	want = map[string]Assignment{
		"worker1": with(nil, nil, nil, []TaskID{asgTID("connector1", 0)}),
		"worker2": with(nil, nil, nil, []TaskID{asgTID("connector1", 1)}),
		"worker3": hdr,
	}
	if !reflect.DeepEqual(s.out, want) {
		t.Fatalf("round 2:\n got %+v\nwant %+v", s.out, want)
	}

	s.performStandardRebalance()
	want = map[string]Assignment{
		"worker1": hdr,
		"worker2": hdr,
		"worker3": with(nil, []TaskID{asgTID("connector1", 0), asgTID("connector1", 1)}, nil, nil),
	}
	if !reflect.DeepEqual(s.out, want) {
		t.Fatalf("round 3:\n got %+v\nwant %+v", s.out, want)
	}
}

// testAssignConnectorsWhenBalanced, testAssignTasksWhenBalanced,
// testAssignConnectorsWhenImbalanced: the least-loaded-first asgFill.
func TestAssignIncrementalFill(t *testing.T) {
	names := func(prefix string, from, to int) []string {
		var out []string
		for i := from; i < to; i++ {
			out = append(out, prefix+strconv.Itoa(i))
		}
		return out
	}
	tasks := func(from, to int) []TaskID {
		var out []TaskID
		for i := from; i < to; i++ {
			out = append(out, asgTID("task", int32(i)))
		}
		return out
	}
	load := func(cFrom, cNum, tFrom, tNum int) *asgWork {
		return &asgWork{conns: names("connector", cFrom, cFrom+cNum), tasks: tasks(tFrom, tFrom+tNum)}
	}

	t.Run("balanced", func(t *testing.T) {
		r := &incrementalRound{ids: []string{"worker0", "worker1", "worker2"}, next: map[string]*asgWork{
			"worker0": load(0, 2, 0, 2), "worker1": load(2, 2, 2, 2), "worker2": load(4, 2, 4, 2),
		}}
		r.assignConnectors(names("connector", 6, 11))
		r.assignTasks(tasks(6, 11))
		want := map[string]*asgWork{
			"worker0": {conns: slices.Concat(names("connector", 0, 2), []string{"connector6", "connector9"}), tasks: slices.Concat(tasks(0, 2), []TaskID{asgTID("task", 6), asgTID("task", 9)})},
			"worker1": {conns: slices.Concat(names("connector", 2, 4), []string{"connector7", "connector10"}), tasks: slices.Concat(tasks(2, 4), []TaskID{asgTID("task", 7), asgTID("task", 10)})},
			"worker2": {conns: slices.Concat(names("connector", 4, 6), []string{"connector8"}), tasks: slices.Concat(tasks(4, 6), []TaskID{asgTID("task", 8)})},
		}
		if !reflect.DeepEqual(r.next, want) {
			t.Fatalf("got %+v\nwant %+v", r.next, want)
		}
	})
	t.Run("imbalanced", func(t *testing.T) {
		r := &incrementalRound{ids: []string{"worker0", "worker1", "worker2", "worker3"}, next: map[string]*asgWork{
			"worker0": load(0, 2, 0, 2), "worker1": load(2, 3, 2, 3), "worker2": load(5, 4, 5, 4), "worker3": {},
		}}
		r.assignConnectors(names("connector", 9, 24))
		r.assignTasks(tasks(9, 24))
		for id, w := range r.next {
			if len(w.conns) != 6 || len(w.tasks) != 6 {
				t.Errorf("%s: %d connectors %d tasks", id, len(w.conns), len(w.tasks))
			}
		}
	})
}

func TestAssignIncrementalRevokingBackoff(t *testing.T) {
	tests := []struct {
		maxDelay int64
		want     []int64 // attempts 1, 2, ...
	}{
		{300000, []int64{40, 1600, 64000, 300000, 300000}},
		{1000, []int64{40, 1000, 1000}},
		{1600, []int64{40, 1600}},
		{40, []int64{40, 40}},
		{2, []int64{2, 2}},
		{1, []int64{1, 1}},
		{0, []int64{0, 0}},
	}
	for _, tc := range tests {
		for i, want := range tc.want {
			if got := asgRevokingBackoff(i+1, tc.maxDelay); got != want {
				t.Errorf("backoff(%d, max %d) = %d, want %d", i+1, tc.maxDelay, got, want)
			}
		}
	}
}

// testProtocolV1, testProtocolV2: the assignments carry the negotiated
// version; an eager version is sent as version 1.
func TestAssignIncrementalProtocolVersion(t *testing.T) {
	for _, v := range []int16{Version1, Version2, Version0} {
		s := newICASim(t)
		s.version = v
		s.connectors = map[string]int{}
		s.performStandardRebalance()
		if a := s.out["worker1"]; a.Version != max(v, Version1) {
			t.Errorf("version %d: got %d", v, a.Version)
		}
	}
}

// The leader behind a member's config offset sends CONFIG_MISMATCH with
// the maximum offset and keeps its state.
func TestAssignIncrementalConfigMismatch(t *testing.T) {
	s := newICASim(t)
	s.addEmptyWorkers("worker2")
	s.performStandardRebalance()
	st := s.state
	in := s.input(s.generation)
	in.Members[1].State.ConfigOffset = 700
	in.Generation++
	out, got := AssignIncremental(in, st)
	if !reflect.DeepEqual(got, st) {
		t.Errorf("state changed: %+v", got)
	}
	want := map[string]Assignment{
		"worker1": {Version: Version2, Error: ErrConfigMismatch, Leader: "worker1", LeaderURL: "http://worker1:8083", ConfigOffset: 700},
		"worker2": {Version: Version2, Error: ErrConfigMismatch, Leader: "worker1", LeaderURL: "http://worker1:8083", ConfigOffset: 700},
	}
	if !reflect.DeepEqual(out, want) {
		t.Errorf("got %+v\nwant %+v", out, want)
	}
}

func TestAssignIncrementalNoMembers(t *testing.T) {
	st := IncrementalState{PreviousGeneration: 3, PreviousConnectors: []string{"a"}}
	out, got := AssignIncremental(IncrementalInput{Connectors: []string{"a"}, Now: time.Now()}, st)
	if len(out) != 0 || !reflect.DeepEqual(got, st) {
		t.Errorf("got %v %+v", out, got)
	}
}

// A member reporting its connector as task -1 (the wire's connector
// sentinel) or listing work twice is read as running it once.
func TestAssignIncrementalAllocationNormalised(t *testing.T) {
	in := IncrementalInput{
		Members: []JoinedMember{{ID: "w", State: WorkerState{Allocation: &Assignment{
			Tasks: []TaskID{asgTID("c", ConnectorTask), asgTID("c", 0), asgTID("c", 0)}, Connectors: []string{"c"},
		}}}},
		LeaderID: "w", Connectors: []string{"c"}, Tasks: asgTasksOf("c", 2),
		Generation: 1, LastCompletedGeneration: -1, Version: Version1, Now: time.UnixMilli(1),
	}
	out, _ := AssignIncremental(in, IncrementalState{})
	want := Assignment{Version: Version1, Leader: "w", Tasks: []TaskID{asgTID("c", 1)}}
	if !reflect.DeepEqual(out["w"], want) {
		t.Errorf("got %+v", out["w"])
	}
}

func TestApplyAssignment(t *testing.T) {
	cur := &Assignment{Version: Version1, Connectors: []string{"b", "a"}, Tasks: []TaskID{asgTID("a", 1), asgTID("a", 0)}}
	conns, tasks := ApplyAssignment(cur, Assignment{
		Version: Version1, Connectors: []string{"c"}, Tasks: []TaskID{asgTID("c", 0)},
		RevokedConnectors: []string{"b"}, RevokedTasks: []TaskID{asgTID("a", 1)},
	})
	if !slices.Equal(conns, []string{"a", "c"}) || !slices.Equal(tasks, []TaskID{asgTID("a", 0), asgTID("c", 0)}) {
		t.Errorf("incremental: %v %v", conns, tasks)
	}
	conns, tasks = ApplyAssignment(cur, Assignment{Version: Version0, Connectors: []string{"z"}})
	if !slices.Equal(conns, []string{"z"}) || tasks != nil {
		t.Errorf("eager: %v %v", conns, tasks)
	}
	conns, tasks = ApplyAssignment(cur, Assignment{Version: Version2, Error: ErrConfigMismatch})
	if !slices.Equal(conns, []string{"a", "b"}) || len(tasks) != 2 {
		t.Errorf("failed: %v %v", conns, tasks)
	}
}
