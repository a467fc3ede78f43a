package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// The differential conformance test's comparison: how a response is
// confNormalised before Java's and Ferry's are compared, and how a difference is
// described. TestConformance (conformance_test.go) drives the workers.

// confSide is one implementation under test, seen through its REST API.
type confSide struct {
	name     string // "Java" or "Ferry"
	url      string // http://127.0.0.1:<port>
	workerID string // 127.0.0.1:<port>
	group    string // group.id; also the internal topics' prefix
	version  string // "version" of its GET /
	commit   string // "commit" of its GET /
}

// confResponse is what a request got back.
type confResponse struct {
	Status   int
	Location string
	Body     []byte
	Err      string // transport error, if any (Status is then 0)
}

// confRequest sends one request without failing the test on transport
// errors (a crashed worker is a finding, not the end of the run).
func confRequest(method, url string, body any) confResponse {
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		r = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			return confResponse{Err: "marshal request: " + err.Error()}
		}
		r = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, url, r)
	if err != nil {
		return confResponse{Err: err.Error()}
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		return confResponse{Err: err.Error()}
	}
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return confResponse{Status: resp.StatusCode, Err: "read body: " + err.Error()}
	}
	return confResponse{Status: resp.StatusCode, Location: resp.Header.Get("Location"), Body: b}
}

// confCompareOpts are a step's comparison rules beyond the normalisation every
// step gets.
type confCompareOpts struct {
	// confUnordered lists the JSON paths of arrays whose order is Java's
	// HashMap/HashSet iteration order (so meaningless); they are sorted
	// before comparing. "" is the top-level value; "*" matches any object
	// key, e.g. "*.topics".
	unordered []string
	// confShape, if set, replaces each (confNormalised) body by its shape: the
	// step compares structure, not content.
	shape func(any) any
}

// confNormalised is a response as compared.
type confNormalised struct {
	Status   int
	Location string
	Body     any // parsed JSON (numbers as json.Number), or the raw text, or nil when empty
	Err      string
}

// confNormalise is THE place where what the comparison ignores is defined. For
// every response:
//
//   - JSON bodies are parsed, so object key order (Java's HashMap order for
//     config maps, field order for entities) never matters; numbers keep
//     their text (5 and 5.0 differ).
//   - Versions and commits: values of keys named "version" or "commit",
//     and any string equal to the side's own GET / version or commit,
//     become "<version>" / "<commit>".
//   - "kafka_cluster_id" values become "<cluster-id>".
//   - Worker ids: "worker_id" values become "<worker-id>"; inside any string
//     (messages, Location) the side's base URL becomes "<worker-url>", its
//     host:port "<worker-id>" and its group.id "<group>".
//   - Timestamps: "last_modified" numbers (loggers) become "<timestamp>".
//   - Traces: "trace" values become "<trace>" (whether a trace is present
//     still counts).
//   - Arrays listed in confCompareOpts.unordered (Java's hash order) are sorted.
//   - confCompareOpts.shape, when set, reduces the body to its shape.
//
// Nothing else is ignored: status codes, Location, every other value,
// and the order of every other array are compared exactly.
func confNormalise(side confSide, r confResponse, opts confCompareOpts) confNormalised {
	var pairs []string
	for _, p := range [][2]string{{side.url, "<worker-url>"}, {side.workerID, "<worker-id>"}, {side.group, "<group>"}} {
		if p[0] != "" {
			pairs = append(pairs, p[0], p[1])
		}
	}
	repl := strings.NewReplacer(pairs...)
	n := confNormalised{Status: r.Status, Location: repl.Replace(r.Location), Err: r.Err}
	if n.Err != "" {
		n.Err = repl.Replace(n.Err)
	}
	switch {
	case len(bytes.TrimSpace(r.Body)) == 0:
		n.Body = nil
	case json.Valid(r.Body):
		dec := json.NewDecoder(bytes.NewReader(r.Body))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			n.Body = repl.Replace(string(r.Body))
			break
		}
		n.Body = confNormaliseValue(v, "", side, repl)
	default:
		n.Body = repl.Replace(string(r.Body))
	}
	for _, p := range opts.unordered {
		n.Body = confSortArraysAt(n.Body, confSplitPath(p))
	}
	if opts.shape != nil {
		n.Body = opts.shape(n.Body)
	}
	return n
}

func confNormaliseValue(v any, key string, side confSide, repl *strings.Replacer) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = confNormaliseValue(e, k, side, repl)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = confNormaliseValue(e, "", side, repl)
		}
		return out
	case string:
		switch {
		case key == "version" || (side.version != "" && x == side.version):
			return "<version>"
		case key == "commit" || (side.commit != "" && x == side.commit):
			return "<commit>"
		case key == "kafka_cluster_id":
			return "<cluster-id>"
		case key == "worker_id":
			return "<worker-id>"
		case key == "trace":
			return "<trace>"
		}
		return repl.Replace(x)
	case json.Number:
		if key == "last_modified" {
			return "<timestamp>"
		}
		return x
	}
	return v
}

func confSplitPath(p string) []string {
	if p == "" {
		return nil
	}
	return strings.Split(p, ".")
}

// confSortArraysAt sorts (by canonical JSON) the arrays found at path.
func confSortArraysAt(v any, path []string) any {
	if len(path) == 0 {
		arr, ok := v.([]any)
		if !ok {
			return v
		}
		out := append([]any(nil), arr...)
		sort.SliceStable(out, func(i, j int) bool { return confCanonical(out[i]) < confCanonical(out[j]) })
		return out
	}
	m, ok := v.(map[string]any)
	if !ok {
		return v
	}
	out := make(map[string]any, len(m))
	for k, e := range m {
		if path[0] == "*" || path[0] == k {
			out[k] = confSortArraysAt(e, path[1:])
		} else {
			out[k] = e
		}
	}
	return out
}

// confCanonical is a value's JSON with sorted object keys.
func confCanonical(v any) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Sprintf("%v", v)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// confLoggersShape is GET /admin/loggers compared by shape: the logger names
// are each implementation's own, so only "root is there" and the distinct
// shapes of the per-logger objects are compared.
func confLoggersShape(v any) any {
	m, ok := v.(map[string]any)
	if !ok {
		return map[string]any{"not an object": confTypeShape(v)}
	}
	_, root := m["root"]
	shapes := map[string]bool{}
	for _, e := range m {
		shapes[confTypeShape(e)] = true
	}
	list := make([]string, 0, len(shapes))
	for s := range shapes {
		list = append(list, s)
	}
	sort.Strings(list)
	return map[string]any{"has root": root, "logger shapes": list}
}

// confTypeShape describes a JSON value's structure: its type, and for objects
// their keys with the shapes of their values.
func confTypeShape(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return "bool"
	case json.Number:
		return "number"
	case string:
		if strings.HasPrefix(x, "<") && strings.HasSuffix(x, ">") {
			return x // a placeholder from confNormalise, e.g. <timestamp>
		}
		return "string"
	case []any:
		seen := map[string]bool{}
		var parts []string
		for _, e := range x {
			if s := confTypeShape(e); !seen[s] {
				seen[s] = true
				parts = append(parts, s)
			}
		}
		sort.Strings(parts)
		return "[" + strings.Join(parts, "|") + "]"
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + ":" + confTypeShape(x[k])
		}
		return "{" + strings.Join(parts, ",") + "}"
	}
	return fmt.Sprintf("%T", v)
}

// confDescribeDiff lists the differences between two normalised responses,
// one line each, Java's value first.
func confDescribeDiff(j, f confNormalised) []string {
	var out []string
	if j.Err != f.Err {
		out = append(out, fmt.Sprintf("transport: Java %q, Ferry %q", j.Err, f.Err))
	}
	if j.Status != f.Status {
		out = append(out, fmt.Sprintf("status: Java %d, Ferry %d", j.Status, f.Status))
	}
	if j.Location != f.Location {
		out = append(out, fmt.Sprintf("Location: Java %q, Ferry %q", j.Location, f.Location))
	}
	confJSONDiff("body", j.Body, f.Body, &out)
	return out
}

// confJSONDiff appends a line per difference between a (Java) and b (Ferry)
// under path. Arrays whose elements all carry a name ("name", "class", or
// "definition"."name": ConfigKeyInfos, validate results, plugins) are
// compared element by element by name, so one missing config key does not
// shift every later one.
func confJSONDiff(path string, a, b any, out *[]string) {
	if reflect.DeepEqual(a, b) {
		return
	}
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok {
			break
		}
		keys := map[string]bool{}
		for k := range x {
			keys[k] = true
		}
		for k := range y {
			keys[k] = true
		}
		for _, k := range confSortedKeys(keys) {
			xv, xok := x[k]
			yv, yok := y[k]
			switch {
			case !yok:
				*out = append(*out, fmt.Sprintf("%s.%s: only in Java: %s", path, k, confBrief(xv)))
			case !xok:
				*out = append(*out, fmt.Sprintf("%s.%s: only in Ferry: %s", path, k, confBrief(yv)))
			default:
				confJSONDiff(path+"."+k, xv, yv, out)
			}
		}
		return
	case []any:
		y, ok := b.([]any)
		if !ok {
			break
		}
		xn, xok := confNamedElements(x)
		yn, yok := confNamedElements(y)
		if xok && yok {
			confDiffNamed(path, x, y, xn, yn, out)
			return
		}
		if len(x) != len(y) {
			*out = append(*out, fmt.Sprintf("%s: Java has %d elements, Ferry %d: Java %s, Ferry %s", path, len(x), len(y), confBrief(x), confBrief(y)))
			return
		}
		for i := range x {
			confJSONDiff(fmt.Sprintf("%s[%d]", path, i), x[i], y[i], out)
		}
		return
	}
	if x, ok := a.(string); ok {
		if y, ok := b.(string); ok {
			*out = append(*out, fmt.Sprintf("%s: %s", path, confStringDiff(x, y)))
			return
		}
	}
	*out = append(*out, fmt.Sprintf("%s: Java %s, Ferry %s", path, confBrief(a), confBrief(b)))
}

func confDiffNamed(path string, x, y []any, xn, yn []string, out *[]string) {
	xi := map[string]int{}
	for i, n := range xn {
		xi[n] = i
	}
	yi := map[string]int{}
	for i, n := range yn {
		yi[n] = i
	}
	var onlyJava, onlyFerry []string
	for _, n := range xn {
		if _, ok := yi[n]; !ok {
			onlyJava = append(onlyJava, n)
		}
	}
	for _, n := range yn {
		if _, ok := xi[n]; !ok {
			onlyFerry = append(onlyFerry, n)
		}
	}
	if len(onlyJava) > 0 {
		*out = append(*out, fmt.Sprintf("%s: %d only in Java: %s", path, len(onlyJava), strings.Join(onlyJava, ", ")))
	}
	if len(onlyFerry) > 0 {
		*out = append(*out, fmt.Sprintf("%s: %d only in Ferry: %s", path, len(onlyFerry), strings.Join(onlyFerry, ", ")))
	}
	var common []string
	for _, n := range xn {
		if j, ok := yi[n]; ok {
			common = append(common, n)
			confJSONDiff(fmt.Sprintf("%s[%s]", path, n), x[xi[n]], y[j], out)
		}
	}
	// The order of the elements both have.
	var yorder []string
	for _, n := range yn {
		if _, ok := xi[n]; ok {
			yorder = append(yorder, n)
		}
	}
	if !reflect.DeepEqual(common, yorder) {
		*out = append(*out, fmt.Sprintf("%s: order differs: Java %s; Ferry %s", path, strings.Join(common, ", "), strings.Join(yorder, ", ")))
	}
}

// confNamedElements returns each element's name if every element has one and
// the names are distinct.
func confNamedElements(arr []any) ([]string, bool) {
	if len(arr) == 0 {
		return nil, false
	}
	names := make([]string, len(arr))
	seen := map[string]bool{}
	for i, e := range arr {
		m, ok := e.(map[string]any)
		if !ok {
			return nil, false
		}
		n, ok := m["name"].(string)
		if !ok {
			// Plugins: a converter class is listed once per type.
			n, ok = m["class"].(string)
			if t, tok := m["type"].(string); ok && tok {
				n += " (" + t + ")"
			}
		}
		if !ok {
			if d, dok := m["definition"].(map[string]any); dok {
				n, ok = d["name"].(string)
			}
		}
		if !ok || seen[n] {
			return nil, false
		}
		seen[n] = true
		names[i] = n
	}
	return names, true
}

func confSortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// confStringDiff shows two differing strings: whole when short, else
// where they start to differ, with some context.
func confStringDiff(a, b string) string {
	if len(a) <= 160 && len(b) <= 160 {
		return fmt.Sprintf("Java %s, Ferry %s", confCanonical(a), confCanonical(b))
	}
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	from := max(0, i-40)
	cut := func(s string) string {
		if from >= len(s) {
			return `""`
		}
		end := min(len(s), i+80)
		out := confCanonical(s[from:end])
		if from > 0 {
			out = "..." + out
		}
		if end < len(s) {
			out += "..."
		}
		return out
	}
	return fmt.Sprintf("differ from character %d (Java %d chars, Ferry %d): Java %s, Ferry %s", i, len(a), len(b), cut(a), cut(b))
}

// confBrief is a value's canonical JSON, cut at 400 characters.
func confBrief(v any) string {
	if v == nil {
		return "null"
	}
	s := confCanonical(v)
	if len(s) > 400 {
		s = s[:400] + "...(" + fmt.Sprint(len(s)) + " chars)"
	}
	return s
}

func TestConformanceNormalise(t *testing.T) {
	java := confSide{name: "Java", url: "http://127.0.0.1:40001", workerID: "127.0.0.1:40001", group: "g-1", version: "4.3.1", commit: "abc"}
	ferry := confSide{name: "Ferry", url: "http://127.0.0.1:40002", workerID: "127.0.0.1:40002", group: "g-2", version: "0.1.0", commit: "def"}
	cases := []struct {
		name        string
		java, ferry string
		opts        confCompareOpts
		same        bool
	}{
		{"key order", `{"a":1,"b":{"x":"1","y":"2"}}`, `{"b":{"y":"2","x":"1"},"a":1}`, confCompareOpts{}, true},
		{"numbers keep their text", `{"a":5}`, `{"a":5.0}`, confCompareOpts{}, false},
		{"server info", `{"version":"4.3.1","commit":"abc","kafka_cluster_id":"X"}`, `{"version":"0.1.0","commit":"def","kafka_cluster_id":"Y"}`, confCompareOpts{}, true},
		{"worker ids and traces", `{"state":"FAILED","worker_id":"127.0.0.1:40001","trace":"java.lang.X"}`, `{"state":"FAILED","worker_id":"127.0.0.1:40002","trace":"go"}`, confCompareOpts{}, true},
		{"trace presence counts", `{"state":"FAILED","trace":"java.lang.X"}`, `{"state":"FAILED"}`, confCompareOpts{}, false},
		{"urls in messages", `{"message":"at http://127.0.0.1:40001/x in g-1"}`, `{"message":"at http://127.0.0.1:40002/x in g-2"}`, confCompareOpts{}, true},
		{"other values count", `{"state":"RUNNING"}`, `{"state":"PAUSED"}`, confCompareOpts{}, false},
		{"array order counts", `["a","b"]`, `["b","a"]`, confCompareOpts{}, false},
		{"unordered top level", `["a","b"]`, `["b","a"]`, confCompareOpts{unordered: []string{""}}, true},
		{"unordered nested", `{"c":{"topics":["x","y"]}}`, `{"c":{"topics":["y","x"]}}`, confCompareOpts{unordered: []string{"*.topics"}}, true},
		{"loggers shape", `{"root":{"level":"INFO","last_modified":null},"a":{"level":"DEBUG","last_modified":null}}`, `{"root":{"level":"WARN","last_modified":null}}`, confCompareOpts{shape: confLoggersShape}, true},
		{"loggers shape without root", `{"root":{"level":"INFO","last_modified":null}}`, `{"x":{"level":"WARN","last_modified":null}}`, confCompareOpts{shape: confLoggersShape}, false},
		{"text bodies", `HTTP 404 at http://127.0.0.1:40001`, `HTTP 404 at http://127.0.0.1:40002`, confCompareOpts{}, true},
	}
	for _, c := range cases {
		j := confNormalise(java, confResponse{Status: 200, Body: []byte(c.java)}, c.opts)
		f := confNormalise(ferry, confResponse{Status: 200, Body: []byte(c.ferry)}, c.opts)
		if got := reflect.DeepEqual(j, f); got != c.same {
			t.Errorf("%s: identical=%v, want %v (diff %v)", c.name, got, c.same, confDescribeDiff(j, f))
		}
	}
	j := confNormalise(java, confResponse{Status: 201, Location: "http://127.0.0.1:40001/connectors/c"}, confCompareOpts{})
	f := confNormalise(ferry, confResponse{Status: 201, Location: "http://127.0.0.1:40002/connectors/c"}, confCompareOpts{})
	if !reflect.DeepEqual(j, f) {
		t.Errorf("Location with the base URL confNormalised differs: %v", confDescribeDiff(j, f))
	}
}

func TestConformanceDiffByName(t *testing.T) {
	parse := func(s string) any {
		dec := json.NewDecoder(strings.NewReader(s))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	java := parse(`[{"name":"a","default_value":"1"},{"name":"b","type":"INT"},{"name":"c"}]`)
	ferry := parse(`[{"name":"b","type":"LONG"},{"name":"a","default_value":"1"},{"name":"d"}]`)
	var out []string
	confJSONDiff("body", java, ferry, &out)
	want := []string{
		"body: 1 only in Java: c",
		"body: 1 only in Ferry: d",
		`body[b].type: Java "INT", Ferry "LONG"`,
		"body: order differs: Java a, b; Ferry b, a",
	}
	if !reflect.DeepEqual(out, want) {
		t.Errorf("diff:\n%s\nwant:\n%s", strings.Join(out, "\n"), strings.Join(want, "\n"))
	}
	out = nil
	confJSONDiff("body", parse(`{"configs":[{"definition":{"name":"x"},"value":{"errors":[]}}]}`),
		parse(`{"configs":[{"definition":{"name":"x"},"value":{"errors":["bad"]}}]}`), &out)
	if want := []string{`body.configs[x].value.errors: Java has 0 elements, Ferry 1: Java [], Ferry ["bad"]`}; !reflect.DeepEqual(out, want) {
		t.Errorf("diff of validate configs: %q, want %q", out, want)
	}
}
