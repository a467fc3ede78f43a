package mirror

import "testing"

func TestGroupFilter(t *testing.T) {
	defaults, err := parseCheckpointConfig(newCheckpointConfigDef(), map[string]string{"source.cluster.alias": "A"})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name             string
		include, exclude []string
		want             map[string]bool
	}{
		{"defaults", nil, nil, map[string]bool{
			"app": true, "orders-service": true, "console-consumer-1234": false, "console-consumer": true,
			"connect-mm2": false, "connect": true, "__internal": false, "_one": true, "my-connect-x": true,
		}},
		{"include list, full match", []string{"app.*", "billing"}, []string{}, map[string]bool{
			"app": true, "app-2": true, "billing": true, "billing-2": false, "my-app": false,
		}},
		{"excludes win", []string{".*"}, []string{"app-test.*", "tmp"}, map[string]bool{
			"app": true, "app-test": false, "app-test-1": false, "tmp": false, "tmp2": true,
		}},
		{"empty include matches nothing", []string{}, []string{}, map[string]bool{"app": false, "": false}},
		{"empty exclude excludes nothing", []string{"a|b"}, []string{}, map[string]bool{"a": true, "b": true, "ab": false}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := defaults.groupFilter
			if tc.include != nil {
				if f, err = newGroupFilter(tc.include, tc.exclude); err != nil {
					t.Fatal(err)
				}
			}
			for group, want := range tc.want {
				if got := f.shouldReplicateGroup(group); got != want {
					t.Errorf("shouldReplicateGroup(%q) = %v; want %v", group, got, want)
				}
			}
		})
	}
	if _, err := newGroupFilter([]string{"(open"}, nil); err == nil {
		t.Error("an invalid include pattern was accepted")
	}
	if _, err := newGroupFilter([]string{".*"}, []string{"a(?=b)"}); err == nil {
		t.Error("a Java-only exclude pattern was accepted")
	}
}
