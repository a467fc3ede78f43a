package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"
)

var httpClient = &http.Client{Timeout: 100 * time.Second}

// call sends a JSON request and returns the status code and raw body.
func call(t testing.TB, method, url string, body any) (int, []byte) {
	t.Helper()
	var r io.Reader
	if raw, ok := body.([]byte); ok {
		r = bytes.NewReader(raw)
	} else if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, r)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	resp, err := httpClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b
}

// connectorStatus is the body of GET /connectors/{name}/status.
type connectorStatus struct {
	Name      string `json:"name"`
	Connector struct {
		State    string `json:"state"`
		WorkerID string `json:"worker_id"`
		Trace    string `json:"trace"`
	} `json:"connector"`
	Tasks []struct {
		ID       int    `json:"id"`
		State    string `json:"state"`
		WorkerID string `json:"worker_id"`
		Trace    string `json:"trace"`
	} `json:"tasks"`
	Type string `json:"type"`
}

// runningStatus returns nil once the connector and all of its (at least
// minTasks) tasks are RUNNING.
func runningStatus(t testing.TB, rest, name string, minTasks int) error {
	return runningOn(t, rest, name, minTasks, "")
}

// runningOn is runningStatus where, unless workerID is empty, the connector
// and every task must run on that worker.
func runningOn(t testing.TB, rest, name string, minTasks int, workerID string) error {
	code, body := call(t, http.MethodGet, rest+"/connectors/"+name+"/status", nil)
	if code != http.StatusOK {
		return fmt.Errorf("status: %d %s", code, body)
	}
	var st connectorStatus
	if err := json.Unmarshal(body, &st); err != nil {
		return err
	}
	if st.Connector.State != "RUNNING" {
		return fmt.Errorf("connector %s: %s", st.Connector.State, st.Connector.Trace)
	}
	if workerID != "" && st.Connector.WorkerID != workerID {
		return fmt.Errorf("connector runs on %s, not %s", st.Connector.WorkerID, workerID)
	}
	if len(st.Tasks) < minTasks {
		return fmt.Errorf("%d tasks, want at least %d", len(st.Tasks), minTasks)
	}
	for _, task := range st.Tasks {
		if task.State != "RUNNING" {
			return fmt.Errorf("task %d: %s %s", task.ID, task.State, task.Trace)
		}
		if workerID != "" && task.WorkerID != workerID {
			return fmt.Errorf("task %d runs on %s, not %s", task.ID, task.WorkerID, workerID)
		}
	}
	return nil
}
