package kafkaharness

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// ResultPrefix starts the lines a Java program run by RunJavaProgram means
// as its answer; everything else it prints (log4j output included) is
// ignored.
const ResultPrefix = "RESULT\t"

// RunJavaProgram runs a single-file Java program (Java 11+ source launch)
// with the Kafka jars on its class path:
//
//	java -cp '<libs>/*' <source> args...
//
// and returns the lines it printed that start with ResultPrefix, without
// the prefix. A program that fails, or does not finish within timeout,
// fails the test with its output. Tests use it to ask Kafka's own Java
// classes (RemoteClusterUtils, record formats) what they make of data
// Ferry wrote.
func RunJavaProgram(t testing.TB, timeout time.Duration, source string, args ...string) []string {
	t.Helper()
	RequireKafka(t)
	libDir := mustJars(t)
	java, err := exec.LookPath("java")
	if err != nil {
		t.Fatalf("kafkaharness: %v", err)
	}
	abs, err := filepath.Abs(source)
	if err != nil {
		t.Fatalf("kafkaharness: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, java, append([]string{"-cp", filepath.Join(libDir, "*"), abs}, args...)...)
	cmd.Env = javaEnv()
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	started := time.Now()
	if err := cmd.Run(); err != nil {
		t.Fatalf("kafkaharness: java %s %s: %v after %v\n%s", filepath.Base(source), strings.Join(args, " "), err,
			time.Since(started).Round(time.Millisecond), out.String())
	}
	var results []string
	sc := bufio.NewScanner(&out)
	sc.Buffer(make([]byte, 0, 64*1024), 16*1024*1024)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), ResultPrefix); ok {
			results = append(results, rest)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("kafkaharness: reading the output of %s: %v", filepath.Base(source), err)
	}
	t.Logf("kafkaharness: java %s ran in %v, %d result lines", filepath.Base(source), time.Since(started).Round(time.Millisecond), len(results))
	return results
}

// JavaProgramError formats a program's result lines for a failure message.
func JavaProgramError(results []string) string {
	return fmt.Sprintf("%d result lines:\n%s", len(results), strings.Join(results, "\n"))
}
