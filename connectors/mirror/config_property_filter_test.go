package mirror

import "testing"

func TestShouldReplicateConfigProperty(t *testing.T) {
	cases := []struct {
		name      string
		props     map[string]string
		prop      string
		replicate bool
	}{
		{"default excludes min.insync.replicas", nil, "min.insync.replicas", false},
		{"default excludes throttled replicas", nil, "leader.replication.throttled.replicas", false},
		{"default excludes 4.x timestamp keys", nil, "log.message.timestamp.after.max.ms", false},
		{"default keeps retention.ms", nil, "retention.ms", true},
		{"default keeps cleanup.policy", nil, "cleanup.policy", true},
		{"full match only: prefix", nil, "min.insync.replicas.extra", true},
		{"full match only: suffix", nil, "x.min.insync.replicas", true},
		{"regex", map[string]string{keyConfigPropertiesExclude: "retention\\..*, segment.bytes"}, "retention.bytes", false},
		{"second pattern", map[string]string{keyConfigPropertiesExclude: "retention\\..*, segment.bytes"}, "segment.bytes", false},
		{"custom list replaces default", map[string]string{keyConfigPropertiesExclude: "retention\\..*"}, "min.insync.replicas", true},
		{"empty list excludes nothing", map[string]string{keyConfigPropertiesExclude: ""}, "min.insync.replicas", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			props := map[string]string{keySourceClusterAlias: "a"}
			for k, v := range tc.props {
				props[k] = v
			}
			c, err := parseSourceConfig(newSourceConfigDef(), props)
			if err != nil {
				t.Fatal(err)
			}
			if got := c.shouldReplicateConfigProperty(tc.prop); got != tc.replicate {
				t.Errorf("shouldReplicateConfigProperty(%q) = %v, want %v", tc.prop, got, tc.replicate)
			}
		})
	}
}

func TestShouldReplicateConfigPropertyUnparsedConfig(t *testing.T) {
	var c sourceConfig // as tests build it: Java's default list applies
	if c.shouldReplicateConfigProperty("min.insync.replicas") {
		t.Error("zero sourceConfig replicates min.insync.replicas")
	}
	if !c.shouldReplicateConfigProperty("retention.ms") {
		t.Error("zero sourceConfig drops retention.ms")
	}
	c.configPropertiesExclude = []string{"retention.ms"}
	if c.shouldReplicateConfigProperty("retention.ms") || !c.shouldReplicateConfigProperty("min.insync.replicas") {
		t.Error("configPropertiesExclude field not used")
	}
}
