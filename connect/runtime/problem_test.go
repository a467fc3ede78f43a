package runtime

import (
	"fmt"
	"testing"
	"time"

	"github.com/ferrykafka/ferry/connect"
	"github.com/ferrykafka/ferry/storage"
	"github.com/ferrykafka/ferry/test/testkit"
)

// A running task that reports a problem stays RUNNING with the problem as
// its trace; clearing it writes RUNNING without a trace.
func TestTaskReportsProblemInItsRunningStatus(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	id := taskID("c", 0)
	e.startTask(e.w, id, connProps("c"), storage.TargetStarted)
	e.statuses.waitState(t, id, storage.StateRunning)
	var reporter connect.ProblemReporter
	e.probe.with(func() { reporter, _ = e.probe.taskCtx[0].(connect.ProblemReporter) })
	if reporter == nil {
		t.Fatal("the runtime's task context does not implement connect.ProblemReporter")
	}
	reporter.ReportProblem("Cannot connect to source cluster \"a\"")
	reporter.ReportProblem("Cannot connect to source cluster \"a\"") // unchanged: no second write
	testkit.Eventually(t, 15*time.Second, func() error {
		st, ok := e.statuses.last(id)
		if !ok || st.State != storage.StateRunning || st.Trace != "Cannot connect to source cluster \"a\"" {
			return fmt.Errorf("last status %+v; want RUNNING with the problem", st)
		}
		return nil
	})
	reporter.ReportProblem("")
	testkit.Eventually(t, 15*time.Second, func() error {
		st, _ := e.statuses.last(id)
		if st.State != storage.StateRunning || st.Trace != "" {
			return fmt.Errorf("last status %+v; want RUNNING without a trace", st)
		}
		return nil
	})
	withTrace := 0
	for _, w := range e.statuses.of(id) {
		if w.status.Trace != "" {
			withTrace++
		}
	}
	if withTrace != 1 {
		t.Errorf("%d status writes carried the problem; want 1 (unchanged reports write nothing)", withTrace)
	}
}
