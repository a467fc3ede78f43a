package e2e

import (
	"fmt"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

// The differential conformance test's bookkeeping: every step's two
// responses, the verdict, and the report (conformance_test.go drives the
// steps, conformance_compare_test.go compares).

// confResult is one step of the scripted sequence, run on both sides.
type confResult struct {
	n             int
	name          string
	method, path  string
	request       string // the request body as sent, if any
	java, ferry   confResponse
	identical     bool
	allowedReason string // set when the difference is allow-listed
	diffs         []string
	notes         []string
	configDef     bool // compared key by key in the report's ConfigDef section
}

func (r *confResult) verdict() string {
	switch {
	case r.identical:
		return "identical"
	case r.allowedReason != "":
		return "differing (allowed)"
	default:
		return "DIFFERING"
	}
}

// conformance runs steps on both sides and records them.
type conformance struct {
	t           *testing.T
	java, ferry confSide
	start       time.Time
	ferryLag    time.Duration // how much longer than Java Ferry took, summed over the steps

	mu      sync.Mutex
	results []*confResult
}

// record compares a step's two responses and keeps the result.
func (c *conformance) record(name, method, path string, reqBody any, j, f confResponse, opts confCompareOpts, notes []string) *confResult {
	nj := confNormalise(c.java, j, opts)
	nf := confNormalise(c.ferry, f, opts)
	r := &confResult{name: name, method: method, path: path, java: j, ferry: f, notes: notes}
	if reqBody != nil {
		if b, ok := reqBody.([]byte); ok {
			r.request = string(b)
		} else {
			r.request = confCanonical(reqBody)
		}
	}
	r.identical = reflect.DeepEqual(nj, nf)
	if !r.identical {
		r.diffs = confDescribeDiff(nj, nf)
		if len(r.diffs) == 0 {
			r.diffs = []string{"(normalised responses differ in a way confDescribeDiff does not name)"}
		}
		var notAllowed []string
		r.allowedReason, notAllowed = confAllowedDifference(name, r.diffs)
		if len(notAllowed) > 0 {
			r.notes = append(r.notes, "the allow-list entry does not cover: "+strings.Join(notAllowed, " / "))
		}
	}
	c.mu.Lock()
	r.n = len(c.results) + 1
	for _, old := range c.results {
		if old.name == name {
			c.t.Errorf("conformance: step name %q used twice", name)
		}
	}
	c.results = append(c.results, r)
	c.mu.Unlock()
	if r.identical {
		c.t.Logf("step %d %s: identical (%d)", r.n, name, j.Status)
	} else {
		c.t.Logf("step %d %s: %s: Java %d, Ferry %d", r.n, name, r.verdict(), j.Status, f.Status)
	}
	return r
}

// confAllowedDifference is the reason a step may differ as it does, or ""
// (with the differences its allow-list entry does not cover).
func confAllowedDifference(step string, diffs []string) (string, []string) {
	return confAllowedIn(conformanceAllowed, step, diffs)
}

func confAllowedIn(list []confAllowance, step string, diffs []string) (string, []string) {
	for _, a := range list {
		if a.step != step {
			continue
		}
		var uncovered []string
		for _, d := range diffs {
			covered := len(a.only) == 0
			for _, p := range a.only {
				if confMatch(d, p) {
					covered = true
				}
			}
			if !covered {
				uncovered = append(uncovered, d)
			}
		}
		if len(uncovered) > 0 {
			return "", uncovered
		}
		return a.reason, nil
	}
	return "", nil
}

// confMatch reports whether a difference's description starts with the
// allow-list prefix p, where a "*" in p stands for any text (e.g.
// "body[*].documentation:" covers the documentation of every key).
func confMatch(d, p string) bool {
	parts := strings.Split(p, "*")
	if !strings.HasPrefix(d, parts[0]) {
		return false
	}
	rest := d[len(parts[0]):]
	for _, part := range parts[1:] {
		i := strings.Index(rest, part)
		if i < 0 {
			return false
		}
		rest = rest[i+len(part):]
	}
	return true
}

// finish writes the report (t.Log, and FERRY_CONFORMANCE_REPORT if set)
// and fails the test on differences that are not allow-listed.
func (c *conformance) finish() {
	c.mu.Lock()
	defer c.mu.Unlock()
	identical, allowed, unexpected := 0, 0, []string{}
	stale := []string{}
	seen := map[string]*confResult{}
	for _, r := range c.results {
		seen[r.name] = r
		switch {
		case r.identical:
			identical++
		case r.allowedReason != "":
			allowed++
		default:
			unexpected = append(unexpected, r.name)
		}
	}
	for _, a := range conformanceAllowed {
		if r, ok := seen[a.step]; !ok || r.identical {
			stale = append(stale, a.step)
		}
	}
	c.t.Log("\n" + c.report(identical, allowed, unexpected, stale, 1500))
	if path := os.Getenv("FERRY_CONFORMANCE_REPORT"); path != "" {
		if err := os.WriteFile(path, []byte(c.report(identical, allowed, unexpected, stale, 0)), 0o644); err != nil {
			c.t.Errorf("write the report to %s: %v", path, err)
		} else {
			c.t.Logf("conformance report written to %s", path)
		}
	}
	if len(stale) > 0 {
		c.t.Logf("CONFORMANCE: allow-list entries with no difference this run (remove them, and from docs/rest-api.md): %s", strings.Join(stale, "; "))
	}
	if len(unexpected) > 0 {
		c.t.Errorf("CONFORMANCE: %d step(s) differ from Java Connect and are not allow-listed: %s", len(unexpected), strings.Join(unexpected, "; "))
	}
}

// report is the readable report; bodies are cut at maxBody characters
// unless maxBody is 0.
func (c *conformance) report(identical, allowed int, unexpected, stale []string, maxBody int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Ferry vs Java Connect: differential conformance report\n\n")
	fmt.Fprintf(&b, "Java Connect %s (worker %s), Ferry %s (worker %s); %s; run took %v.\n\n",
		c.java.version, c.java.url, c.ferry.version, c.ferry.url, time.Now().UTC().Format(time.RFC3339), time.Since(c.start).Round(time.Second))
	fmt.Fprintf(&b, "**%d steps: %d identical, %d differing (%d allow-listed, %d not).**\n\n",
		len(c.results), identical, len(c.results)-identical, allowed, len(unexpected))
	b.WriteString("Ignored everywhere (confNormalise in conformance_compare_test.go): JSON object key order; versions and commits; kafka_cluster_id; worker ids and each worker's URL and group.id inside strings; logger last_modified timestamps; trace texts. Some steps sort arrays Java fills in hash order, or compare shape only (noted per step).\n\n")
	b.WriteString("| # | Step | Request | Java | Ferry | Result |\n| --- | --- | --- | --- | --- | --- |\n")
	for _, r := range c.results {
		fmt.Fprintf(&b, "| %d | %s | `%s %s` | %s | %s | %s |\n", r.n, confMDCell(r.name), r.method, confMDCell(r.path),
			confStatusCell(r.java), confStatusCell(r.ferry), r.verdict())
	}
	if len(unexpected) > 0 {
		fmt.Fprintf(&b, "\nNot allow-listed: %s\n", strings.Join(unexpected, "; "))
	}
	if len(stale) > 0 {
		fmt.Fprintf(&b, "\nAllow-listed but identical (or not run) this time: %s\n", strings.Join(stale, "; "))
	}
	b.WriteString("\n## Differences\n")
	for _, r := range c.results {
		if r.identical {
			continue
		}
		fmt.Fprintf(&b, "\n### %d. %s — %s\n\n", r.n, r.name, r.verdict())
		fmt.Fprintf(&b, "`%s %s`", r.method, r.path)
		if r.request != "" {
			fmt.Fprintf(&b, " with body `%s`", confTruncate(r.request, 600))
		}
		b.WriteString("\n\n")
		if r.allowedReason != "" {
			fmt.Fprintf(&b, "Allowed: %s\n\n", r.allowedReason)
		}
		for _, n := range r.notes {
			fmt.Fprintf(&b, "- note: %s\n", n)
		}
		for _, d := range r.diffs {
			fmt.Fprintf(&b, "- %s\n", d)
		}
		fmt.Fprintf(&b, "\nJava (%s):\n\n```\n%s\n```\n\nFerry (%s):\n\n```\n%s\n```\n",
			confStatusCell(r.java), confBodyText(r.java, maxBody), confStatusCell(r.ferry), confBodyText(r.ferry, maxBody))
	}
	first := true
	sections := map[string]int{} // section text -> the step that has it
	for _, r := range c.results {
		if !r.configDef || r.identical {
			continue
		}
		if first {
			b.WriteString("\n## ConfigDef comparison\n\nThe config-definition answers key by key (after normalisation).\n")
			first = false
		}
		fmt.Fprintf(&b, "\n### %d. %s\n\n", r.n, r.name)
		section := confConfigDefSection(confNormalise(c.java, r.java, confCompareOpts{}).Body, confNormalise(c.ferry, r.ferry, confCompareOpts{}).Body)
		if n, ok := sections[section]; ok {
			fmt.Fprintf(&b, "The same differences as step %d.\n", n)
			continue
		}
		sections[section] = r.n
		b.WriteString(section)
	}
	return b.String()
}

func confStatusCell(r confResponse) string {
	if r.Err != "" {
		return "error"
	}
	return fmt.Sprint(r.Status)
}

func confBodyText(r confResponse, maxBody int) string {
	s := string(r.Body)
	if maxBody > 0 {
		s = confTruncate(s, maxBody)
	}
	if r.Err != "" {
		s = "transport error: " + r.Err + "\n" + s
	}
	if r.Location != "" {
		s = "Location: " + r.Location + "\n" + s
	}
	if s == "" {
		return "(empty)"
	}
	return s
}

func confMDCell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

func confTruncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + fmt.Sprintf("...(%d chars)", len(s))
}

func TestConformanceAllowList(t *testing.T) {
	list := []confAllowance{
		{step: "a", reason: "any difference"},
		{step: "b", reason: "status only", only: []string{"status:", "body.error_code:"}},
	}
	cases := []struct {
		step      string
		diffs     []string
		allowed   bool
		uncovered int
	}{
		{"a", []string{"status: Java 500, Ferry 400", "body.message: x"}, true, 0},
		{"b", []string{"status: Java 500, Ferry 400", "body.error_code: Java 500, Ferry 400"}, true, 0},
		{"b", []string{"status: Java 500, Ferry 400", "body.message: Java x, Ferry y"}, false, 1},
		{"c", []string{"status: Java 500, Ferry 400"}, false, 0},
	}
	for _, c := range cases {
		reason, uncovered := confAllowedIn(list, c.step, c.diffs)
		if (reason != "") != c.allowed || len(uncovered) != c.uncovered {
			t.Errorf("%s %q: reason %q, uncovered %q; want allowed %v with %d uncovered", c.step, c.diffs, reason, uncovered, c.allowed, c.uncovered)
		}
	}
}
