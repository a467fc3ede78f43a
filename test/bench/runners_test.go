//go:build linux

package bench

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ferrykafka/ferry/test/kafkaharness"
)

// flow is one runner's job: copy topic from source to target, the source
// cluster known as alias and the target as targetAlias, so that the copy
// lands in the fresh topic <alias>.<topic> and the herder's group
// (<alias>-mm2), internal topics (mm2-*.<alias>.internal), checkpoints
// (<alias>.checkpoints.internal) and offset syncs
// (mm2-offset-syncs.<targetAlias>.internal) are its own.
type flow struct {
	alias, targetAlias string
	source, target     []string
	topic              string
	tasks              int
}

func (f flow) targetTopic() string { return f.alias + "." + f.topic }

// aliases are the source and target cluster aliases of runner's n-th flow
// (n is a dataset's number, or "L" for the latency run).
func aliases(runner, n string) (string, string) {
	prefix := map[string]string{RunnerFerry: "ferry", RunnerMM2: "java", RunnerNull: "null"}[runner]
	return prefix + n, prefix + n + "_target"
}

// mm2Properties is the file Ferry and Java both run: one flow
// alias->targetAlias for the bench topic only, tasks.max, replication
// factor 1 for every topic MirrorMaker creates, no ACL sync, and source
// offsets flushed every 5 s (<target>.offset.flush.interval.ms, a worker
// key MirrorMaker takes per target cluster; the default, 60 s, lets every
// record copied in a minute wait in memory for its offset commit, which
// runs Java's MirrorMaker out of its 512 MiB heap on a 2M-record backlog
// and grows Ferry to gigabytes). Everything else is at Java's defaults:
// checkpoints and heartbeats are emitted (every 60 s and 1 s), topic
// configs synced.
func mm2Properties(f flow) string {
	props := map[string]string{
		"clusters":                                  f.alias + ", " + f.targetAlias,
		f.alias + ".bootstrap.servers":              strings.Join(f.source, ","),
		f.targetAlias + ".bootstrap.servers":        strings.Join(f.target, ","),
		f.alias + "->" + f.targetAlias + ".enabled": "true",
		"topics":                                    f.topic,
		"tasks.max":                                 strconv.Itoa(f.tasks),
		"replication.factor":                        "1",
		"offset-syncs.topic.replication.factor":     "1",
		"heartbeats.topic.replication.factor":       "1",
		"checkpoints.topic.replication.factor":      "1",
		"config.storage.replication.factor":         "1",
		"offset.storage.replication.factor":         "1",
		"status.storage.replication.factor":         "1",
		"sync.topic.acls.enabled":                   "false",
		f.targetAlias + ".offset.flush.interval.ms": "5000",
	}
	// FERRY_BENCH_PROPS="k=v;k2=v2": extra or changed properties, given to
	// every runner alike (an experiment with a client setting, say); in a
	// key, {source} and {target} stand for the run's cluster aliases.
	aliases := strings.NewReplacer("{source}", f.alias, "{target}", f.targetAlias)
	for _, kv := range strings.Split(os.Getenv("FERRY_BENCH_PROPS"), ";") {
		if k, v, ok := strings.Cut(kv, "="); ok && strings.TrimSpace(k) != "" {
			props[aliases.Replace(strings.TrimSpace(k))] = strings.TrimSpace(v)
		}
	}
	keys := make([]string, 0, len(props))
	for k := range props {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString("# mm2.properties written by test/bench\n")
	for _, k := range keys {
		fmt.Fprintf(&b, "%s = %s\n", k, props[k])
	}
	return b.String()
}

// writeMM2Properties writes the file into a new directory and returns both.
func writeMM2Properties(t *testing.T, f flow) (dir, path string) {
	t.Helper()
	dir = t.TempDir()
	path = filepath.Join(dir, "mm2.properties")
	if err := os.WriteFile(path, []byte(mm2Properties(f)), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir, path
}

// startFerry runs `connect-mirror-maker mm2.properties --clusters <target>`
// (only the flow into the target: no heartbeat-only herder for the way
// back).
func startFerry(t *testing.T, bin string, f flow) *mirror {
	t.Helper()
	dir, path := writeMM2Properties(t, f)
	args := []string{"--log-format", "json"}
	// FERRY_BENCH_PROFILE_DIR=dir: a CPU profile of each Ferry run there,
	// named after its source alias (go tool pprof <bin> <file>).
	if pd := os.Getenv("FERRY_BENCH_PROFILE_DIR"); pd != "" {
		args = append(args, "--cpuprofile", filepath.Join(pd, f.alias+".pprof"))
	}
	// FERRY_BENCH_LOG_LEVEL=debug (with FERRY_BENCH_LOG_DIR to keep the
	// logs): more detail on what a run did.
	if lvl := os.Getenv("FERRY_BENCH_LOG_LEVEL"); lvl != "" {
		args = append(args, "--log-level", lvl)
	}
	args = append(args, path, "--clusters", f.targetAlias)
	return startProcess(t, "connect-mirror-maker", dir, bin, args...)
}

// startJava runs Java's connect-mirror-maker on the same kind of file with
// the same arguments. kafkaharness.StartJavaMirrorMaker returns once
// MirrorMaker logs that it started; the JVM is found among this process's
// children by its -Dkafka.logs.dir. Its heap is connect-mirror-maker.sh's
// (-Xms256M -Xmx<heap>) rather than the harness's -Xmx512m, which runs out
// on a 2M-record backlog: _JAVA_OPTIONS, which the JVM applies after its
// command line, is set while it starts.
func startJava(t *testing.T, f flow, heap string) *mirror {
	t.Helper()
	if heap != "" {
		t.Setenv("_JAVA_OPTIONS", "-Xms256M -Xmx"+heap)
	}
	_, path := writeMM2Properties(t, f)
	began := time.Now()
	m := kafkaharness.StartJavaMirrorMaker(t, path, "--clusters", f.targetAlias)
	pid, err := ChildWithArg("-Dkafka.logs.dir=" + m.Dir())
	if err != nil {
		t.Fatalf("find Java MirrorMaker's process: %v", err)
	}
	return &mirror{
		pid:     pid,
		started: began,
		exited: func() (bool, string) {
			if m.Running() {
				return false, ""
			}
			return true, "Java MirrorMaker exited; last lines of its log:\n" + m.LogTail(30)
		},
		stop:    m.Stop,
		logTail: m.LogTail,
	}
}

// startNull runs the null pipeline into <alias>.<topic>, which must exist.
func startNull(t *testing.T, bin string, f flow) *mirror {
	t.Helper()
	return startProcess(t, "nullpipe", t.TempDir(), bin,
		"-source", strings.Join(f.source, ","), "-target", strings.Join(f.target, ","),
		"-topic", f.topic, "-target-topic", f.targetTopic(), "-tasks", strconv.Itoa(f.tasks))
}
