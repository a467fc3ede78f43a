package group

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// TestAssignIncrementalRandomClusters drives random clusters through
// random events (workers joining empty or with stale or duplicated work,
// leaving, bouncing; connectors created, deleted, resized; time passing;
// assignments lost in transit; generation mismatches) and checks:
//
//   - every round (icaSim.round): each member gets a well-formed
//     assignment carrying the state's delay; revocations name only work the
//     member reported; new work is configured, given to one member only and
//     not running anywhere; inputs and the previous state are not modified;
//   - after an applied round that sent no delay and no revocation, every
//     configured connector and task runs on exactly one member, and if no
//     unconfigured work ran before, each member runs floor or ceil of the
//     connectors and of the tasks;
//   - left alone (members rejoining at once after revocations and after
//     any delay), the cluster converges within a bounded number of rounds
//     to a complete and balanced assignment that the next round keeps.
func TestAssignIncrementalRandomClusters(t *testing.T) {
	seeds := 400
	if testing.Short() {
		seeds = 50
	}
	for seed := range seeds {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			runRandomCluster(t, uint64(seed))
		})
	}
}

func runRandomCluster(t *testing.T, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	s := newICASim(t)
	s.maxDelay = []time.Duration{0, time.Millisecond, 50 * time.Millisecond, asgDefaultMaxDelay}[rng.IntN(4)]
	s.version = []int16{Version1, Version2}[rng.IntN(2)]
	s.connectors = map[string]int{}
	for i := range rng.IntN(6) {
		s.connectors[fmt.Sprintf("conn%d", i)] = rng.IntN(6)
	}
	nextConn := 6
	nextWorker := 2
	gone := map[string]*Assignment{} // departed workers and their last work

	for step := range 25 {
		s.mutate(rng, &nextConn, &nextWorker, gone)
		failure := rng.IntN(10) == 0
		mismatch := !failure && rng.IntN(12) == 0
		unconfiguredBefore := s.runsUnconfigured()
		s.round(failure, mismatch)
		if failure || s.delay() != 0 || s.revocations() != 0 {
			continue
		}
		if err := s.completeConfigured(); err != nil {
			t.Fatalf("step %d: no delay and no revocations, yet %v\n%s", step, err, s.dump())
		}
		if !unconfiguredBefore {
			if err := s.balanced(); err != nil {
				t.Fatalf("step %d: no delay and no revocations, yet %v\n%s", step, err, s.dump())
			}
		}
	}

	// Left alone, the cluster converges.
	for i := 0; ; i++ {
		if i == 60 {
			t.Fatalf("no convergence\n%s", s.dump())
		}
		s.round(false, false)
		if s.revocations() > 0 {
			continue
		}
		if s.delay() > 0 {
			s.sleep(s.delayDuration())
			continue
		}
		if s.newlyAssigned() == 0 {
			break
		}
	}
	if err := s.complete(); err != nil {
		t.Fatalf("%v\n%s", err, s.dump())
	}
	if err := s.balanced(); err != nil {
		t.Fatalf("%v\n%s", err, s.dump())
	}
	s.round(false, false)
	s.assertEmptyAssignment()
	s.assertDelay(0)
}

// mutate applies one to three random events.
func (s *icaSim) mutate(rng *rand.Rand, nextConn, nextWorker *int, gone map[string]*Assignment) {
	for range 1 + rng.IntN(3) {
		switch rng.IntN(10) {
		case 0, 1: // a new, empty worker
			s.addEmptyWorkers(fmt.Sprintf("worker%d", *nextWorker))
			*nextWorker++
		case 2: // a worker leaves
			if len(s.members) > 1 {
				ids := slices.Sorted(maps.Keys(s.members))
				id := ids[rng.IntN(len(ids))]
				gone[id] = s.members[id]
				s.removeWorkers(id)
			}
		case 3: // a departed worker returns, empty or (a zombie) with its old work
			if ids := slices.Sorted(maps.Keys(gone)); len(ids) > 0 {
				id := ids[rng.IntN(len(ids))]
				if rng.IntN(2) == 0 {
					s.addEmptyWorkers(id)
				} else {
					s.addWorker(id, gone[id].Connectors, gone[id].Tasks)
				}
				delete(gone, id)
			}
		case 4: // a new worker already running some configured work
			conns, tasks := s.configured()
			var c []string
			var tk []TaskID
			for _, x := range conns {
				if rng.IntN(3) == 0 {
					c = append(c, x)
				}
			}
			for _, x := range tasks {
				if rng.IntN(3) == 0 {
					tk = append(tk, x)
				}
			}
			s.addWorker(fmt.Sprintf("worker%d", *nextWorker), c, tk)
			*nextWorker++
		case 5: // a connector is created
			s.addConnector(fmt.Sprintf("conn%d", *nextConn), rng.IntN(7))
			*nextConn++
		case 6: // a connector is deleted
			if len(s.connectors) > 0 {
				names := slices.Sorted(maps.Keys(s.connectors))
				s.removeConnector(names[rng.IntN(len(names))])
			}
		case 7: // a connector's task count changes
			if len(s.connectors) > 0 {
				names := slices.Sorted(maps.Keys(s.connectors))
				s.connectors[names[rng.IntN(len(names))]] = rng.IntN(7)
			}
		case 8: // time passes: a little, the whole delay, or half of it
			switch rng.IntN(3) {
			case 0:
				s.sleep(time.Duration(rng.IntN(100)) * time.Millisecond)
			case 1:
				s.sleep(s.delayDuration())
			case 2:
				s.sleep(s.delayDuration() / 2)
			}
		case 9: // nothing: an incidental rebalance
		}
	}
}

// runsUnconfigured reports whether some member runs work that is not
// configured.
func (s *icaSim) runsUnconfigured() bool {
	conns, tasks := s.configured()
	cs, ts := asgSetOf(conns), asgSetOf(tasks)
	for _, a := range s.members {
		for _, c := range a.Connectors {
			if !cs.has(c) {
				return true
			}
		}
		for _, tk := range a.Tasks {
			if !ts.has(tk) {
				return true
			}
		}
	}
	return false
}

// completeConfigured: every configured connector and task runs on exactly
// one member.
func (s *icaSim) completeConfigured() error {
	conns, tasks := s.configured()
	count := map[string]int{}
	taskCount := map[TaskID]int{}
	for _, a := range s.members {
		for _, c := range a.Connectors {
			count[c]++
		}
		for _, tk := range a.Tasks {
			taskCount[tk]++
		}
	}
	for _, c := range conns {
		if count[c] != 1 {
			return fmt.Errorf("connector %s runs %d times", c, count[c])
		}
	}
	for _, tk := range tasks {
		if taskCount[tk] != 1 {
			return fmt.Errorf("task %v runs %d times", tk, taskCount[tk])
		}
	}
	return nil
}

func (s *icaSim) dump() string {
	out := fmt.Sprintf("connectors %v\nstate %+v\n", s.connectors, s.state)
	for _, id := range slices.Sorted(maps.Keys(s.members)) {
		a := s.members[id]
		out += fmt.Sprintf("  %s runs %v %v; got %+v\n", id, a.Connectors, a.Tasks, s.out[id])
	}
	return out
}
