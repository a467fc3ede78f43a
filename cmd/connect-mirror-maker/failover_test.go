package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/IBM/sarama"

	"github.com/ferrykafka/ferry/connect/kafkaclient"
	"github.com/ferrykafka/ferry/connectors/mirror/failover"
	"github.com/ferrykafka/ferry/connectors/mirror/mirrorclient"
	"github.com/ferrykafka/ferry/test/testkit"
)

func runCmd(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestFailoverUsageErrors(t *testing.T) {
	dir := t.TempDir()
	mm2 := filepath.Join(dir, "mm2.properties")
	if err := os.WriteFile(mm2, []byte("clusters = A, B\nA.bootstrap.servers = 127.0.0.1:1\nB.bootstrap.servers = 127.0.0.1:1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	noA := filepath.Join(dir, "noa.properties")
	if err := os.WriteFile(noA, []byte("clusters = A, B\nB.bootstrap.servers = 127.0.0.1:1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"no flags", []string{"failover"}, "--group is required"},
		{"no connection", []string{"failover", "--group", "g", "--from", "A", "--to", "B"}, "--bootstrap-server"},
		{"unknown flag", []string{"failover", "--grup", "g"}, "flag provided but not defined"},
		{"stray argument", []string{"failover", "--group", "g", "--from", "A", "--to", "B", "--bootstrap-server", "b:1", "extra"}, `unexpected argument "extra"`},
		{"bad output", []string{"failover", "--group", "g", "--from", "A", "--to", "B", "--bootstrap-server", "b:1", "--output", "xml"}, "--output"},
		{"unknown alias", []string{"failover", "--group", "g", "--from", "A", "--to", "C", "--config", mm2}, `"C" is not listed`},
		{"unreadable config", []string{"failover", "--group", "g", "--from", "A", "--to", "B", "--config", filepath.Join(dir, "nope")}, "cannot read"},
		{"invalid config", []string{"failover", "--group", "g", "--from", "A", "--to", "B", "--config", noA}, "set A.bootstrap.servers"},
		{"bad timeout", []string{"failover", "--timeout", "soon"}, "invalid value"},
	}
	for _, c := range cases {
		code, stdout, stderr := runCmd(c.args...)
		if code != exitUsage {
			t.Errorf("%s: exit %d, want %d (stderr %q)", c.name, code, exitUsage, stderr)
		}
		if !strings.Contains(stderr, c.want) {
			t.Errorf("%s: stderr %q lacks %q", c.name, stderr, c.want)
		}
		if stdout != "" {
			t.Errorf("%s: stdout %q, want nothing", c.name, stdout)
		}
	}
}

func TestFailoverExitCodes(t *testing.T) {
	var stderr bytes.Buffer
	cases := []struct {
		err     error
		outcome failover.Outcome
		want    int
	}{
		{nil, failover.OutcomePending, exitOK},
		{nil, failover.OutcomeApplied, exitOK},
		{nil, failover.OutcomeNothingToDo, exitNothingToDo},
		{&failover.UsageError{Err: errors.New("bad flag")}, "", exitUsage},
		{&failover.ActiveMembersError{Group: "g", To: "B", Status: failover.GroupStatus{State: "Stable", Members: 2}}, failover.OutcomeRefused, exitActiveMembers},
		{fmt.Errorf("wrapped: %w", &failover.ActiveMembersError{Group: "g", To: "B"}), failover.OutcomeRefused, exitActiveMembers},
		{&failover.CheckpointsMissingError{Topic: "A.checkpoints.internal", From: "A", To: "B"}, "", exitError},
		{errors.New("line one\nline two"), "", exitError},
	}
	for _, c := range cases {
		stderr.Reset()
		if got := failoverExit(c.err, c.outcome, &stderr); got != c.want {
			t.Errorf("failoverExit(%v, %q) = %d, want %d", c.err, c.outcome, got, c.want)
		}
		if c.err != nil && (strings.Count(stderr.String(), "\n") != 1 || !strings.HasPrefix(stderr.String(), "error: ")) {
			t.Errorf("stderr for %v = %q, want one error line", c.err, stderr.String())
		}
		if c.err == nil && stderr.Len() != 0 {
			t.Errorf("stderr without an error: %q", stderr.String())
		}
	}
}

func TestFailoverHelpListsExitCodes(t *testing.T) {
	code, _, stderr := runCmd("failover", "-h")
	if code != exitOK {
		t.Errorf("-h exit %d", code)
	}
	for _, want := range []string{"Exit codes:", "4  --apply refused", "--bootstrap-server", "--config", "--source-bootstrap-server", "--timeout"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("usage lacks %q:\n%s", want, stderr)
		}
	}
}

func TestFailoverTargetUnreachableIsAnError(t *testing.T) {
	code, _, stderr := runCmd("failover", "--group", "g", "--from", "A", "--to", "B", "--bootstrap-server", "127.0.0.1:1", "--timeout", "5s")
	if code != exitError || !strings.HasPrefix(stderr, "error: cannot connect to cluster B") || strings.Count(stderr, "\n") != 1 {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

// TestFailoverPrintsConfigWarnings: what MirrorMaker would ignore in the
// mm2.properties is shown before the command runs.
func TestFailoverPrintsConfigWarnings(t *testing.T) {
	mm2 := filepath.Join(t.TempDir(), "mm2.properties")
	if err := os.WriteFile(mm2, []byte("clusters = A, B, A\nbootstrap.servers = 127.0.0.1:1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCmd("failover", "--group", "g", "--from", "A", "--to", "B", "--config", mm2, "--timeout", "5s")
	lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
	if code != exitError || len(lines) != 2 || !strings.HasPrefix(lines[0], "warning: "+mm2+": ") ||
		!strings.Contains(lines[0], `"A" more than once`) || !strings.HasPrefix(lines[1], "error: cannot connect to cluster B") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

// TestFailoverHappyPath runs a dry run, an apply and a second apply against
// in-process clusters A and B.
func TestFailoverHappyPath(t *testing.T) {
	a, b, adminB := failoverClusters(t, "A")
	mm2 := filepath.Join(t.TempDir(), "mm2.properties")
	content := "clusters = A, B\nA.bootstrap.servers = " + strings.Join(a.Addrs(), ",") + "\nB.bootstrap.servers = " + strings.Join(b.Addrs(), ",") + "\n"
	if err := os.WriteFile(mm2, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	base := []string{"failover", "--group", "app", "--from", "A", "--to", "B", "--config", mm2, "--timeout", "20s"}

	code, stdout, stderr := runCmd(append(base, "--output", "json")...)
	if code != exitOK || stderr != "" {
		t.Fatalf("dry run: exit %d, stderr %q", code, stderr)
	}
	var rep struct {
		Outcome    string `json:"outcome"`
		Partitions []struct {
			Topic           string `json:"topic"`
			SourceCommitted *int64 `json:"source_committed"`
			CheckpointLag   *int64 `json:"checkpoint_lag"`
			Translated      int64  `json:"translated"`
			Action          string `json:"action"`
		} `json:"partitions"`
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("dry run JSON: %v\n%s", err, stdout)
	}
	if rep.Outcome != "pending" || len(rep.Partitions) != 1 {
		t.Fatalf("dry run report: %s", stdout)
	}
	p := rep.Partitions[0]
	if p.Topic != "A.orders" || p.SourceCommitted == nil || *p.SourceCommitted != 42 || p.CheckpointLag == nil || *p.CheckpointLag != 2 ||
		p.Translated != 33 || p.Action != "commit" {
		t.Errorf("dry run row: %s", stdout)
	}

	code, stdout, stderr = runCmd(append(base, "--apply")...)
	if code != exitOK || !strings.Contains(stdout, "A.orders-0: - -> 33") {
		t.Fatalf("apply: exit %d, stdout:\n%s\nstderr %q", code, stdout, stderr)
	}
	resp, err := adminB.ListConsumerGroupOffsets("app", map[string][]int32{"A.orders": {0}})
	if err != nil {
		t.Fatal(err)
	}
	if blk := resp.GetBlock("A.orders", 0); blk == nil || blk.Offset != 33 {
		t.Errorf("offset on B after apply: %+v", blk)
	}

	code, stdout, _ = runCmd(append(base, "--apply")...)
	if code != exitNothingToDo || !strings.Contains(stdout, "Nothing to commit") {
		t.Errorf("second apply: exit %d\n%s", code, stdout)
	}
}

// failoverClusters starts in-process clusters for a failover of group "app"
// from the cluster alias from to another: "orders" on the first, with the
// group's offset 42; from.orders and from.checkpoints.internal on the
// second, with a checkpoint translating 40 to 33. It returns both clusters
// and an admin client on the second.
func failoverClusters(t *testing.T, from string) (a, b *testkit.Cluster, adminB sarama.ClusterAdmin) {
	t.Helper()
	a, b = testkit.NewCluster(t, 1), testkit.NewCluster(t, 1)
	cfg := sarama.NewConfig()
	cfg.Version = kafkaclient.Version
	cfg.Producer.Return.Successes = true
	adminA, err := sarama.NewClusterAdmin(a.Addrs(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = adminA.Close() })
	adminB, err = sarama.NewClusterAdmin(b.Addrs(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = adminB.Close() })
	for _, c := range []struct {
		admin sarama.ClusterAdmin
		topic string
	}{{adminA, "orders"}, {adminB, from + ".orders"}, {adminB, from + ".checkpoints.internal"}} {
		if err := c.admin.CreateTopic(c.topic, &sarama.TopicDetail{NumPartitions: 1, ReplicationFactor: 1}, false); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := adminA.AlterConsumerGroupOffsets("app", map[string]map[int32]sarama.OffsetAndMetadata{"orders": {0: {Offset: 42, LeaderEpoch: -1}}}, nil); err != nil {
		t.Fatal(err)
	}
	cp := mirrorclient.Checkpoint{ConsumerGroupID: "app", Topic: from + ".orders", Partition: 0, UpstreamOffset: 40, DownstreamOffset: 33}
	key, _ := cp.RecordKey()
	value, _ := cp.RecordValue()
	producer, err := sarama.NewSyncProducer(b.Addrs(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := producer.SendMessage(&sarama.ProducerMessage{Topic: from + ".checkpoints.internal", Key: sarama.ByteEncoder(key), Value: sarama.ByteEncoder(value)}); err != nil {
		t.Fatal(err)
	}
	_ = producer.Close()
	return a, b, adminB
}

// TestFailoverSeedForm fails over with a seed-form mm2.properties (no
// "clusters"; source.* and target.* keys), whose aliases are source and
// target.
func TestFailoverSeedForm(t *testing.T) {
	a, b, _ := failoverClusters(t, "source")
	mm2 := filepath.Join(t.TempDir(), "mm2.properties")
	content := "source.bootstrap.servers = " + strings.Join(a.Addrs(), ",") + "\ntarget.bootstrap.servers = " + strings.Join(b.Addrs(), ",") + "\n"
	if err := os.WriteFile(mm2, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCmd("failover", "--group", "app", "--from", "source", "--to", "target", "--config", mm2, "--timeout", "20s")
	if code != exitOK || stderr != "" {
		t.Fatalf("dry run: exit %d, stderr %q\n%s", code, stderr, stdout)
	}
	if !strings.Contains(stdout, "Checkpoints: source.checkpoints.internal on target") {
		t.Errorf("dry run output:\n%s", stdout)
	}
	var row string
	for _, l := range strings.Split(stdout, "\n") {
		if strings.HasPrefix(l, "source.orders") {
			row = strings.Join(strings.Fields(l), " ")
		}
	}
	if row != "source.orders 0 orders 42 40 2 33 - commit" {
		t.Errorf("row %q, output:\n%s", row, stdout)
	}

	code, _, stderr = runCmd("failover", "--group", "app", "--from", "A", "--to", "target", "--config", mm2)
	if code != exitUsage || !strings.Contains(stderr, `"A" is not listed`) || !strings.Contains(stderr, "clusters = source, target") {
		t.Errorf("alias A of a seed-form file: exit %d, stderr %q", code, stderr)
	}
}
