package mmconfig

import (
	"errors"
	"io/fs"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestErrorsAgainstJava loads every testdata/errors file. Where Java
// rejects the file too (golden/errors.json), the error carries Java's
// message; where Java accepts it, Ferry's rejection is deliberate.
func TestErrorsAgainstJava(t *testing.T) {
	cases := map[string]struct {
		javaRejects bool
		malformed   bool   // a syntax error: Ferry names the line, Java does not
		goWants     string // more that Ferry's message must say
	}{
		"bad-internal-rest.properties":     {javaRejects: true},
		"bad-security-protocol.properties": {javaRejects: true},
		"empty-alias.properties":           {javaRejects: true, goWants: `Got clusters = "A, , B"`},
		"empty-clusters.properties":        {javaRejects: true, goWants: `"clusters" lists no cluster alias`},
		"malformed.properties":             {javaRejects: true, malformed: true, goWants: "line 3: invalid unicode literal"},
		"missing-bootstrap.properties":     {goWants: `cluster "B" has no bootstrap.servers: set B.bootstrap.servers`},
		"missing-clusters.properties":      {javaRejects: true, goWants: "source.bootstrap.servers and target.bootstrap.servers"},
		"no-flows.properties":              {javaRejects: true, goWants: "Enable one with <source>-><target>.enabled = true"},
		"seed-without-target.properties":   {goWants: `cluster "target" has no bootstrap.servers: set target.bootstrap.servers`},
	}
	var java map[string]*string
	readJSON(t, filepath.Join("testdata", "golden", "errors.json"), &java)
	files, err := filepath.Glob(filepath.Join("testdata", "errors", "*.properties"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(cases) || len(java) != len(cases) {
		t.Fatalf("%d error files, %d Java verdicts, %d cases: keep them in step", len(files), len(java), len(cases))
	}
	for _, path := range files {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			tc, ok := cases[name]
			if !ok {
				t.Fatalf("no case for %s", name)
			}
			javaMsg, ok := java[name]
			if !ok {
				t.Fatalf("no Java verdict for %s: run GenerateGolden.java", name)
			}
			if (javaMsg != nil) != tc.javaRejects {
				t.Fatalf("Java's verdict changed: message %v, case says javaRejects=%v", javaMsg, tc.javaRejects)
			}
			_, err := Load(path)
			if err == nil {
				t.Fatal("Load accepted the file")
			}
			msg := err.Error()
			if !strings.Contains(msg, path) {
				t.Errorf("error does not name the file %s: %s", path, msg)
			}
			if javaMsg != nil && !tc.malformed && !strings.Contains(msg, *javaMsg) {
				t.Errorf("error does not carry Java's message %q: %s", *javaMsg, msg)
			}
			if !strings.Contains(msg, tc.goWants) {
				t.Errorf("error does not say %q: %s", tc.goWants, msg)
			}
			var cfgErr *Error
			if isCfg := errors.As(err, &cfgErr); isCfg == tc.malformed {
				t.Errorf("errors.As(*Error) = %v for a malformed=%v file: %v", isCfg, tc.malformed, err)
			} else if isCfg && cfgErr.File != path {
				t.Errorf("Error.File = %q, want %q", cfgErr.File, path)
			}
		})
	}
}

func TestParseListsEveryProblem(t *testing.T) {
	_, err := Parse(map[string]string{
		"clusters":                            "A, B",
		"security.protocol":                   "tls",
		"dedicated.mode.enable.internal.rest": "maybe",
		"A->B.enabled":                        "true",
	})
	var cfgErr *Error
	if !errors.As(err, &cfgErr) {
		t.Fatalf("want *Error, got %v", err)
	}
	want := []string{
		"Invalid value maybe for configuration dedicated.mode.enable.internal.rest: Expected value to be either true or false",
		"Invalid value tls for configuration security.protocol: String must be one of (case insensitive): SASL_SSL, PLAINTEXT, SSL, SASL_PLAINTEXT",
		`cluster "A" has no bootstrap.servers: set A.bootstrap.servers`,
		`cluster "B" has no bootstrap.servers: set B.bootstrap.servers`,
	}
	if !reflect.DeepEqual(cfgErr.Problems, want) {
		t.Errorf("problems:\n got %q\nwant %q", cfgErr.Problems, want)
	}
	if cfgErr.File != "" || !strings.HasPrefix(err.Error(), "invalid MirrorMaker configuration: Invalid value maybe") {
		t.Errorf("Parse error names a file or reads badly: %v", err)
	}
}

func TestParseOneClusterHasNoFlow(t *testing.T) {
	_, err := Parse(map[string]string{"clusters": "A", "A.bootstrap.servers": "a:9092"})
	if err == nil || !strings.Contains(err.Error(), `No source->target replication flows. clusters lists only "A"; a flow needs two clusters`) {
		t.Fatalf("got %v", err)
	}
}

func TestLoadMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nope.properties")
	_, err := Load(path)
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), path) {
		t.Fatalf("want a not-exist error naming %s, got %v", path, err)
	}
}

func TestWarningsOfSamples(t *testing.T) {
	want := map[string][]string{
		"many-clusters": {
			`clusters lists "dc1" more than once; it counts once`,
			`A->nowhere.enabled is ignored: "nowhere" is not listed in clusters (zeta, alpha, B, A, primary, backup, dc1, zürich)`,
			`alpha->B.enabled = "yes" is read as false: only "true" (in any case, without spaces) is true`,
			`backup->primary.enabled = "true " is read as false: only "true" (in any case, without spaces) is true`,
			`top-level name = "top-level-name-wins" is copied into every connector config, so all of MirrorMaker's connectors get it; set it per flow (<source>-><target>.name) if at all`,
		},
	}
	for _, file := range samples(t) {
		name := strings.TrimSuffix(filepath.Base(file), ".properties")
		c := loadSample(t, file)
		if got := c.Warnings(); !reflect.DeepEqual(got, want[name]) {
			t.Errorf("%s: warnings\n got %q\nwant %q", name, got, want[name])
		}
	}
}

func TestWarnings(t *testing.T) {
	base := func(extra map[string]string) map[string]string {
		m := map[string]string{"clusters": "A, B", "A.bootstrap.servers": "a:9092", "B.bootstrap.servers": "b:9092"}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	cases := []struct {
		name  string
		extra map[string]string
		want  []string
	}{
		{"clean", map[string]string{
			"A->B.enabled": "true", "B->A.emit.heartbeats.enabled": "False", "A.admin.bootstrap.servers": "x:1",
			// Connector flags, parsed by the connectors (trimmed, and "yes" refused there).
			"A->B.sync.group.offsets.enabled": "true ", "enabled": "TRUE ",
		}, nil},
		{"seed keys beside clusters", map[string]string{"source.bootstrap.servers": "s:9092"},
			[]string{`source.bootstrap.servers is ignored: "source" is not listed in clusters (A, B)`}},
		{"unknown source alias", map[string]string{"C->B.topics": "x"},
			[]string{`C->B.topics is ignored: "C" is not listed in clusters (A, B)`}},
		{"flow to itself", map[string]string{"A->A.enabled": "true"},
			[]string{`A->A.enabled is ignored: a flow from a cluster to itself is never run`}},
		{"heartbeat flags", map[string]string{"emit.heartbeats.enabled": "off", "A->B.emit.heartbeats.enabled": "1", "B->A.enabled": "true"},
			[]string{
				`A->B.emit.heartbeats.enabled = "1" is read as false: only "true" (in any case, without spaces) is true`,
				`emit.heartbeats.enabled = "off" is read as false: only "true" (in any case, without spaces) is true`,
			}},
		{"connector class", map[string]string{"connector.class": "X"},
			[]string{`top-level connector.class = "X" is copied into every connector config, so all of MirrorMaker's connectors get it; set it per flow (<source>-><target>.connector.class) if at all`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Parse(base(tc.extra))
			if err != nil {
				t.Fatal(err)
			}
			if got := c.Warnings(); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("warnings\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}

func TestSeedForm(t *testing.T) {
	seed := map[string]string{
		"source.bootstrap.servers": "s:9092",
		"target.bootstrap.servers": "t:9092",
		"target.producer.acks":     "all",
		"topics":                   "orders",
	}
	c, err := Parse(seed)
	if err != nil {
		t.Fatal(err)
	}
	forward, back := Flow{Source: "source", Target: "target"}, Flow{Source: "target", Target: "source"}
	if got := c.Clusters(); !reflect.DeepEqual(got, []string{"source", "target"}) {
		t.Errorf("Clusters() = %v", got)
	}
	if !c.Enabled(forward) || c.Enabled(back) {
		t.Errorf("Enabled: source->target %v, target->source %v", c.Enabled(forward), c.Enabled(back))
	}
	// Heartbeats are on by default, so target->source runs too (heartbeats only).
	if got := c.Flows(); !reflect.DeepEqual(got, []Flow{forward, back}) {
		t.Errorf("Flows() = %v", got)
	}
	orig := c.Originals()
	if orig["clusters"] != "source, target" || orig["source->target.enabled"] != "true" {
		t.Errorf("Originals() lacks the rewrite: %v", orig)
	}
	cc := c.ConnectorConfig(forward, SourceConnector)
	for k, v := range map[string]string{
		"enabled": "true", "topics": "orders", "source.cluster.alias": "source", "target.cluster.alias": "target",
		"source.cluster.bootstrap.servers": "s:9092", "target.producer.acks": "all", "name": "MirrorSourceConnector",
	} {
		if cc[k] != v {
			t.Errorf("ConnectorConfig[%s] = %q, want %q", k, cc[k], v)
		}
	}
	if cc := c.ConnectorConfig(back, HeartbeatConnector); cc["enabled"] != "false" {
		t.Errorf("target->source connectors enabled = %q, want false", cc["enabled"])
	}

	seed["emit.heartbeats.enabled"] = "false"
	c, err = Parse(seed)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Flows(); !reflect.DeepEqual(got, []Flow{forward}) {
		t.Errorf("without heartbeats Flows() = %v, want only source->target", got)
	}

	// An explicit source->target.enabled is kept.
	seed["source->target.enabled"] = "false"
	if _, err := Parse(seed); err == nil || !strings.Contains(err.Error(), "No source->target replication flows") {
		t.Errorf("seed form with the flow disabled and no heartbeats: got %v", err)
	}
}

func TestClustersKeepFileOrder(t *testing.T) {
	c, err := Parse(map[string]string{
		"clusters": " b ,a,\tb", "a.bootstrap.servers": "a:1", "bootstrap.servers": "shared:1",
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Clusters(); !reflect.DeepEqual(got, []string{"b", "a"}) {
		t.Errorf("Clusters() = %v, want [b a]", got)
	}
	// The top-level bootstrap.servers reaches b, which sets none.
	if got := c.ClusterProps("b")["bootstrap.servers"]; got != "shared:1" {
		t.Errorf("b's bootstrap.servers = %q, want the top-level one", got)
	}
}

func TestJavaList(t *testing.T) {
	cases := map[string][]string{
		"":           nil,
		" \t ":       nil,
		"A":          {"A"},
		" A , B ":    {"A", "B"},
		"A,\t B\t,C": {"A", "B", "C"},
		"A,,B":       {"A", "", "B"},
		"A,B,":       {"A", "B", ""},
		"A B, C":     {"A B", "C"},
	}
	for in, want := range cases {
		if got := javaList(in); !reflect.DeepEqual(got, want) {
			t.Errorf("javaList(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestEnabledIsJavaParseBoolean(t *testing.T) {
	c, err := Parse(map[string]string{
		"clusters": "A, B, C, D", "bootstrap.servers": "x:1",
		"A->B.enabled": "TRUE", "B->A.enabled": "true ", "A->C.enabled": "yes", "C->A.enabled": "false",
	})
	if err != nil {
		t.Fatal(err)
	}
	for f, want := range map[Flow]bool{
		{"A", "B"}: true, {"B", "A"}: false, {"A", "C"}: false, {"C", "A"}: false, {"A", "D"}: false,
	} {
		if got := c.Enabled(f); got != want {
			t.Errorf("Enabled(%s) = %v, want %v", f, got, want)
		}
	}
}

func TestInternalREST(t *testing.T) {
	for v, want := range map[string]bool{"": false, "false": false, " True ": true} {
		props := map[string]string{"clusters": "A, B", "bootstrap.servers": "x:1"}
		if v != "" {
			props["dedicated.mode.enable.internal.rest"] = v
		}
		c, err := Parse(props)
		if err != nil {
			t.Fatal(err)
		}
		if c.InternalREST() != want {
			t.Errorf("dedicated.mode.enable.internal.rest = %q: InternalREST() = %v", v, c.InternalREST())
		}
	}
}

func TestClusterPropsPrecedence(t *testing.T) {
	c, err := Parse(map[string]string{
		"clusters":                     "A, B",
		"bootstrap.servers":            "shared:9092",
		"security.protocol":            "SSL",
		"A.security.protocol":          "SASL_SSL",
		"A.consumer.security.protocol": "PLAINTEXT",
		"A.linger.ms":                  "5", // not a client key: stays bare, never copied to a role
	})
	if err != nil {
		t.Fatal(err)
	}
	a := c.ClusterProps("A")
	for k, v := range map[string]string{
		"security.protocol": "SASL_SSL", "producer.security.protocol": "SASL_SSL", "admin.security.protocol": "SASL_SSL",
		"consumer.security.protocol": "PLAINTEXT", "bootstrap.servers": "shared:9092", "linger.ms": "5",
	} {
		if a[k] != v {
			t.Errorf("A: %s = %q, want %q", k, a[k], v)
		}
	}
	if _, ok := a["producer.linger.ms"]; ok {
		t.Error("A.linger.ms was copied to producer.linger.ms")
	}
	// An alias outside "clusters" gets the top-level client keys, as in Java.
	want := map[string]string{"bootstrap.servers": "shared:9092", "security.protocol": "SSL"}
	for _, role := range rolePrefixes {
		want[role+"bootstrap.servers"] = "shared:9092"
		want[role+"security.protocol"] = "SSL"
	}
	if got := c.ClusterProps("Z"); !reflect.DeepEqual(got, want) {
		t.Errorf("ClusterProps(Z) = %v, want %v", got, want)
	}
}

func TestWorkerConfigDefaults(t *testing.T) {
	c, err := Parse(map[string]string{"clusters": "east, west", "east.bootstrap.servers": "e:1", "west.bootstrap.servers": "w:1"})
	if err != nil {
		t.Fatal(err)
	}
	w := c.WorkerConfig(Flow{Source: "east", Target: "west"})
	for k, v := range map[string]string{
		"bootstrap.servers":    "w:1",
		"client.id":            "east->west",
		"group.id":             "east-mm2",
		"offset.storage.topic": "mm2-offsets.east.internal",
		"status.storage.topic": "mm2-status.east.internal",
		"config.storage.topic": "mm2-configs.east.internal",
		"key.converter":        byteArrayConverter,
		"value.converter":      byteArrayConverter,
		"header.converter":     byteArrayConverter,
	} {
		if w[k] != v {
			t.Errorf("%s = %q, want %q", k, w[k], v)
		}
	}
}

func TestConnectorClassNames(t *testing.T) {
	for in, want := range map[string]string{
		SourceConnector: "MirrorSourceConnector", "com.example.Outer$Inner": "Inner", "Bare": "Bare",
	} {
		if got := simpleClassName(in); got != want {
			t.Errorf("simpleClassName(%q) = %q, want %q", in, got, want)
		}
	}
	c, err := Parse(map[string]string{"clusters": "A, B", "bootstrap.servers": "x:1"})
	if err != nil {
		t.Fatal(err)
	}
	cc := c.ConnectorConfig(Flow{Source: "A", Target: "B"}, "com.example.CustomConnector")
	if cc["name"] != "CustomConnector" || cc["connector.class"] != "com.example.CustomConnector" || cc["enabled"] != "false" {
		t.Errorf("ConnectorConfig = %v", cc)
	}
}

func TestIsClientRoleKey(t *testing.T) {
	for k, want := range map[string]bool{
		"consumer.max.poll.records": true, "producer.acks": true, "admin.x": true,
		"consumerish": true, // Java's pattern needs no dot
		"admin":       true, "admin.a\nb": false, "cluster.consumer.x": false, "bootstrap.servers": false,
	} {
		if got := isClientRoleKey(k); got != want {
			t.Errorf("isClientRoleKey(%q) = %v, want %v", k, got, want)
		}
	}
}

func TestFlowString(t *testing.T) {
	if got := (Flow{Source: "primary", Target: "backup"}).String(); got != "primary->backup" {
		t.Errorf("String() = %q", got)
	}
}

// TestConfigIsIndependent checks that Parse copies its input and that the
// maps and slices returned are the caller's own.
func TestConfigIsIndependent(t *testing.T) {
	props := map[string]string{"clusters": "A, B", "bootstrap.servers": "x:1", "A->B.enabled": "true"}
	c, err := Parse(props)
	if err != nil {
		t.Fatal(err)
	}
	props["A->B.enabled"] = "false"
	c.Clusters()[0] = "changed"
	c.Originals()["A->B.enabled"] = "false"
	c.ClusterProps("A")["bootstrap.servers"] = "changed"
	if !c.Enabled(Flow{Source: "A", Target: "B"}) || c.Clusters()[0] != "A" || c.ClusterProps("A")["bootstrap.servers"] != "x:1" {
		t.Error("changing the input or a returned value changed the Config")
	}
}
