package e2e

import (
	"bytes"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// kcatRecord is one record as kcat (a Kafka client written by others,
// librdkafka) prints it.
type kcatRecord struct {
	Partition int32
	Key       string
	Value     string
	Headers   string // "k1=v1,k2=v2"
	Timestamp int64
}

// readWithKcat reads a whole topic with kcat. Without kcat on PATH the
// check is skipped loudly (CI installs it: .ci/run).
func readWithKcat(t *testing.T, addrs []string, topic string) []kcatRecord {
	t.Helper()
	bin, err := exec.LookPath("kcat")
	if err != nil {
		t.Skip("\n*** SKIPPED: the kcat cross-check needs kcat on PATH (Debian package kcat; .ci/run installs it) ***")
	}
	cmd := exec.Command(bin, "-b", join(addrs), "-t", topic, "-C", "-e", "-q",
		"-f", `%p\t%k\t%s\t%h\t%T\n`)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("kcat: %v: %s", err, stderr.String())
	}
	var recs []kcatRecord
	for _, line := range strings.Split(strings.TrimSuffix(string(out), "\n"), "\n") {
		f := strings.Split(line, "\t")
		if len(f) != 5 {
			t.Fatalf("kcat printed an unexpected line %q", line)
		}
		p, err1 := strconv.ParseInt(f[0], 10, 32)
		ts, err2 := strconv.ParseInt(f[4], 10, 64)
		if err1 != nil || err2 != nil {
			t.Fatalf("kcat printed an unexpected line %q", line)
		}
		recs = append(recs, kcatRecord{Partition: int32(p), Key: f[1], Value: f[2], Headers: f[3], Timestamp: ts})
	}
	return recs
}

// checkWithKcat compares what kcat reads from the target with the source
// records: same count, and for every record the same partition, key,
// value, headers and timestamp.
func checkWithKcat(t *testing.T, addrs []string, topic string, src map[int32][]record) {
	t.Helper()
	want := map[string]record{}
	for _, recs := range src {
		for _, r := range recs {
			want[string(r.Key)] = r
		}
	}
	got := readWithKcat(t, addrs, topic)
	if len(got) != len(want) {
		t.Fatalf("kcat read %d records from %s, want %d", len(got), topic, len(want))
	}
	for _, g := range got {
		w, ok := want[g.Key]
		if !ok {
			t.Fatalf("kcat read an unknown key %q", g.Key)
		}
		var hs []string
		for _, h := range w.Headers {
			v := string(h.Value)
			if h.Value == nil {
				v = "NULL" // kcat's rendering of a null header value
			}
			hs = append(hs, h.Key+"="+v)
		}
		if g.Partition != w.Partition || g.Value != string(w.Value) || g.Timestamp != w.Timestamp || g.Headers != strings.Join(hs, ",") {
			t.Fatalf("kcat: record %q = %+v; source has partition %d value %q headers %q timestamp %d",
				g.Key, g, w.Partition, w.Value, strings.Join(hs, ","), w.Timestamp)
		}
	}
	t.Logf("kcat read all %d records of %s with the source's partitions, keys, values, headers and timestamps", len(got), topic)
}
