package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ferrykafka/ferry/cmd/internal/app"
)

// mainArgsEnv, when set in the environment, makes the test binary run the
// command with these arguments (JSON) instead of the tests: the dedicated
// mode's start-up failures go to the process's own stderr.
const mainArgsEnv = "FERRY_TEST_CONNECT_MIRROR_MAKER_ARGS"

func TestMain(m *testing.M) {
	if v, ok := os.LookupEnv(mainArgsEnv); ok {
		var args []string
		if err := json.Unmarshal([]byte(v), &args); err != nil {
			panic(err)
		}
		os.Exit(run(args, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// runProcess runs the command in a child process and returns its exit
// code, output and how long it ran.
func runProcess(t *testing.T, timeout time.Duration, args ...string) (code int, stdout, stderr string, took time.Duration) {
	t.Helper()
	enc, err := json.Marshal(args)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), mainArgsEnv+"="+string(enc))
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	began := time.Now()
	go func() { done <- cmd.Wait() }()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case err = <-done:
	case <-timer.C:
		_ = cmd.Process.Kill()
		if werr := <-done; werr != nil {
			t.Logf("after the kill: %v", werr)
		}
		t.Fatalf("connect-mirror-maker %q still running after %v; stderr:\n%s", args, timeout, errOut.String())
	}
	took = time.Since(began)
	var exit *exec.ExitError
	switch {
	case err == nil:
		code = 0
	case errors.As(err, &exit):
		code = exit.ExitCode()
	default:
		t.Fatal(err)
	}
	return code, out.String(), errOut.String(), took
}

// runInProcess runs the command in this process with captured output.
func runInProcess(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// errorLines are the lines of out that start with "error:".
func errorLines(out string) []string {
	var lines []string
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "error:") {
			lines = append(lines, l)
		}
	}
	return lines
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// closedPort returns a loopback port nothing listens on.
func closedPort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	if err := ln.Close(); err != nil {
		t.Fatal(err)
	}
	return port
}

func TestParseDedicatedArgs(t *testing.T) {
	dir := t.TempDir()
	file := writeFile(t, dir, "mm2.properties", "clusters = A, B\n")
	missing := filepath.Join(dir, "missing.properties")

	ok := []struct {
		name     string
		args     []string
		clusters []string
		level    string
		format   string
	}{
		{"file only", []string{file}, nil, "info", ""},
		{"file then --clusters A B", []string{file, "--clusters", "A", "B"}, []string{"A", "B"}, "info", ""},
		{"file then --clusters=A", []string{file, "--clusters=A"}, []string{"A"}, "info", ""},
		{"--clusters ended by a flag, then the file", []string{"--clusters", "A", "B", "--log-level", "debug", file}, []string{"A", "B"}, "debug", ""},
		{"--clusters twice", []string{file, "--clusters", "A", "--clusters", "B"}, []string{"A", "B"}, "info", ""},
		{"logging flags with =", []string{"--log-format=json", "--log-level=warn", file}, nil, "warn", "json"},
		{"logging flags with values", []string{"--log-format", "console", file, "--log-level", "error"}, nil, "error", "console"},
		{"a directory passes argument parsing (Java's verifyCanRead too)", []string{dir}, nil, "info", ""},
	}
	for _, tc := range ok {
		d, err := parseDedicatedArgs(tc.args)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		want := file
		if tc.args[0] == dir {
			want = dir
		}
		if d.opts.ConfigPath != want || !slices.Equal(d.opts.Clusters, tc.clusters) || d.help {
			t.Errorf("%s: path %q, clusters %q, help %v; want %q, %q, false", tc.name, d.opts.ConfigPath, d.opts.Clusters, d.help, want, tc.clusters)
		}
		if d.log.Level != tc.level || d.log.Format != tc.format {
			t.Errorf("%s: log options %+v; want level %q, format %q", tc.name, d.log, tc.level, tc.format)
		}
	}

	bad := []struct {
		name string
		args []string
		want string
	}{
		{"no arguments", nil, "the following arguments are required: mm2.properties"},
		{"only --clusters", []string{"--clusters", "A"}, "the following arguments are required: mm2.properties"},
		// --clusters takes every argument up to the next flag, as
		// argparse4j's nargs("+") does: Java fails the same way.
		{"--clusters before the file", []string{"--clusters", "A", "B", file}, "the following arguments are required: mm2.properties"},
		{"--clusters without an alias", []string{file, "--clusters"}, "argument --clusters: expected at least one argument"},
		{"--clusters followed by a flag", []string{file, "--clusters", "--log-level", "info"}, "argument --clusters: expected at least one argument"},
		{"unknown flag", []string{file, "--bogus"}, "unrecognized arguments: '--bogus'"},
		{"unknown single-dash flag", []string{"-x", file}, "unrecognized arguments: '-x'"},
		{"two files", []string{file, file + ".2"}, "unrecognized arguments: '" + file + ".2'"},
		{"three files", []string{file, "b", "c"}, "unrecognized arguments: 'b c'"},
		{"nonexistent file", []string{missing}, "argument mm2.properties: cannot read " + missing + ": no such file or directory"},
		{"--log-level without a value", []string{file, "--log-level"}, "argument --log-level: expected one argument"},
	}
	for _, tc := range bad {
		d, err := parseDedicatedArgs(tc.args)
		if err == nil {
			t.Errorf("%s: accepted as %+v", tc.name, d)
			continue
		}
		if err.Error() != tc.want {
			t.Errorf("%s: error %q; want %q", tc.name, err, tc.want)
		}
	}

	for _, args := range [][]string{{"-h"}, {"--help"}, {"-help"}, {file, "-h"}, {"-h", "--bogus"}} {
		d, err := parseDedicatedArgs(args)
		if err != nil || !d.help {
			t.Errorf("%q: help %v, err %v; want help", args, d.help, err)
		}
	}

	if os.Geteuid() != 0 {
		unreadable := writeFile(t, dir, "secret.properties", "clusters = A, B\n")
		if err := os.Chmod(unreadable, 0); err != nil {
			t.Fatal(err)
		}
		_, err := parseDedicatedArgs([]string{unreadable})
		if want := "argument mm2.properties: cannot read " + unreadable + ": permission denied"; err == nil || err.Error() != want {
			t.Errorf("unreadable file: error %v; want %q", err, want)
		}
	}
}

// Corners where argparse4j (Java's parser) reads arguments in its own way;
// Ferry reads them the same.
func TestParseDedicatedArgsLikeArgparse4j(t *testing.T) {
	dir := t.TempDir()
	file := writeFile(t, dir, "mm2.properties", "clusters = A, B\n")
	for _, tc := range []struct {
		name     string
		args     []string
		clusters []string
	}{
		// argparse4j's processArg takes only the embedded value of
		// --clusters=A; the next argument is the file.
		{"--clusters=A then the file", []string{"--clusters=A", file}, []string{"A"}},
		// "--" ends the options (argparse4j's consumedSeparator).
		{"-- before the file", []string{"--clusters", "A", "B", "--", file}, []string{"A", "B"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := parseDedicatedArgs(tc.args)
			if err != nil {
				t.Fatalf("%q: %v", tc.args, err)
			}
			if d.opts.ConfigPath != file || !slices.Equal(d.opts.Clusters, tc.clusters) {
				t.Errorf("%q: path %q, clusters %q; want %q, %q", tc.args, d.opts.ConfigPath, d.opts.Clusters, file, tc.clusters)
			}
		})
	}
	t.Run("file then --clusters=A B", func(t *testing.T) {
		// argparse4j: clusters [A], and B is a second positional.
		d, err := parseDedicatedArgs([]string{file, "--clusters=A", "B"})
		if err == nil {
			t.Fatalf("accepted, clusters %q; want an error", d.opts.Clusters)
		}
		if want := "unrecognized arguments: 'B'"; err.Error() != want {
			t.Errorf("error %q; want %q", err, want)
		}
	})
}

func TestDedicatedUsageExitCodes(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.properties")
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no arguments", nil, "error: the following arguments are required: mm2.properties"},
		{"nonexistent file", []string{missing}, "error: argument mm2.properties: cannot read " + missing + ": no such file or directory"},
		{"unknown flag", []string{"--bogus"}, "error: unrecognized arguments: '--bogus'"},
		{"bad log level", []string{writeFile(t, dir, "ok.properties", "clusters = A\n"), "--log-level", "loud"}, "error: "},
	} {
		code, stdout, stderr := runInProcess(tc.args...)
		if code != 255 {
			t.Errorf("%s: exit %d; want 255 (Java's Exit.exit(-1))", tc.name, code)
		}
		if stdout != "" {
			t.Errorf("%s: stdout %q; want nothing", tc.name, stdout)
		}
		if lines := errorLines(stderr); len(lines) != 1 || !strings.HasPrefix(lines[0], tc.want) {
			t.Errorf("%s: error lines %q; want one starting %q", tc.name, lines, tc.want)
		}
		if tc.name != "bad log level" && !strings.Contains(stderr, "usage: connect-mirror-maker") {
			t.Errorf("%s: no usage on stderr: %q", tc.name, stderr)
		}
	}

	// -h prints the usage on stdout. (Java's argparse4j throws
	// HelpScreenException, an ArgumentParserException, so Java's
	// MirrorMaker exits 255 after the help; Ferry exits 0.)
	code, stdout, stderr := runInProcess("-h")
	if code != 0 || !strings.Contains(stdout, "usage: connect-mirror-maker") || !strings.Contains(stdout, "--clusters") || stderr != "" {
		t.Errorf("-h: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

// Java's MirrorMaker.main exit codes: Exit.exit(-1), 2 and 3.
func TestExitCodesAreJavas(t *testing.T) {
	if app.ExitUsage != 255 || app.ExitInvalid != 2 || app.ExitStart != 3 {
		t.Errorf("exit codes %d, %d, %d; want 255, 2, 3", app.ExitUsage, app.ExitInvalid, app.ExitStart)
	}
}

// The demo's own flag errors still exit 2.
func TestEmbeddedFlagErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--embedded", "--rate", "0"}, "error: --rate must be at least 1"},
		{[]string{"--embedded", "--rest-port", "70000"}, "error: --rest-port 70000 is not a port"},
		{[]string{"--embedded=true", "--rate=-1"}, "error: --rate must be at least 1"},
		{[]string{"--embedded", "extra"}, "usage: connect-mirror-maker --embedded"},
		{[]string{"--embedded", "--nope"}, "flag provided but not defined: -nope"},
	} {
		code, stdout, stderr := runInProcess(tc.args...)
		if code != 2 {
			t.Errorf("%q: exit %d; want 2 (stderr %q)", tc.args, code, stderr)
		}
		if !strings.Contains(stderr, tc.want) {
			t.Errorf("%q: stderr %q lacks %q", tc.args, stderr, tc.want)
		}
		if stdout != "" {
			t.Errorf("%q: stdout %q", tc.args, stdout)
		}
	}
}

// A node that cannot be built exits 2 with one "error:" line on stderr.
func TestDedicatedInvalidNodeExitsTwo(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	port := strconv.Itoa(closedPort(t))
	for _, tc := range []struct {
		name  string
		file  string
		extra []string
		want  string
		limit time.Duration
	}{
		{"no clusters, no seed form", "topics = .*\nA.bootstrap.servers = 127.0.0.1:1\n", nil,
			`error: invalid MirrorMaker configuration FILE: Missing required configuration "clusters" which has no default value.`, 30 * time.Second},
		{"a single cluster", "clusters = A\nA.bootstrap.servers = 127.0.0.1:1\n", nil,
			`error: invalid MirrorMaker configuration FILE: No source->target replication flows. clusters lists only "A"`, 30 * time.Second},
		{"--clusters matching no flow", "clusters = A, B\nA.bootstrap.servers = 127.0.0.1:1\nB.bootstrap.servers = 127.0.0.1:1\nA->B.enabled = true\n",
			[]string{"--clusters", "X"}, "error: No source->target replication flows. (--clusters X:", 30 * time.Second},
		// The preflight gives up after a few refused connections, well
		// within its 30 s limit.
		{"unreachable cluster", "clusters = A, B\nA.bootstrap.servers = 127.0.0.1:" + port + "\nB.bootstrap.servers = 127.0.0.1:" + port + "\nA->B.enabled = true\n",
			nil, "error: flow ", 20 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			file := writeFile(t, dir, strings.ReplaceAll(tc.name, " ", "-")+".properties", tc.file)
			code, stdout, stderr, took := runProcess(t, 2*time.Minute, append([]string{file}, tc.extra...)...)
			t.Logf("exit %d after %v", code, took.Round(time.Millisecond))
			if code != 2 {
				t.Errorf("exit %d; want 2; stderr:\n%s", code, stderr)
			}
			if took > tc.limit {
				t.Errorf("took %v; want at most %v", took, tc.limit)
			}
			if stdout != "" {
				t.Errorf("stdout %q; want nothing", stdout)
			}
			want := strings.ReplaceAll(tc.want, "FILE", file)
			lines := errorLines(stderr)
			if len(lines) != 1 || !strings.HasPrefix(lines[0], want) {
				t.Errorf("error lines %q; want one starting %q", lines, want)
			}
			if tc.name == "unreachable cluster" && len(lines) == 1 && !strings.Contains(lines[0], "cannot reach Kafka at 127.0.0.1:"+port) {
				t.Errorf("error line %q does not name the unreachable bootstrap server", lines[0])
			}
		})
	}
}

func TestParseDedicatedArgsCPUProfile(t *testing.T) {
	file := writeFile(t, t.TempDir(), "mm2.properties", "clusters = A, B\n")
	for _, args := range [][]string{
		{"--cpuprofile", "/tmp/cpu.out", file},
		{file, "--cpuprofile=/tmp/cpu.out"},
	} {
		d, err := parseDedicatedArgs(args)
		if err != nil || d.cpuProfile != "/tmp/cpu.out" || d.opts.ConfigPath != file {
			t.Errorf("%q: profile %q, file %q, err %v", args, d.cpuProfile, d.opts.ConfigPath, err)
		}
	}
	if _, err := startCPUProfile(filepath.Join(t.TempDir(), "no-such-dir", "cpu.out")); err == nil {
		t.Error("a profile path in a missing directory was accepted")
	}
}
