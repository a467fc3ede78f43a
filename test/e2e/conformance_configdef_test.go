package e2e

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// The conformance report's ConfigDef section: the config-definition
// answers (GET /connector-plugins/{p}/config, PUT .../config/validate)
// compared key by key, field by field, so every difference in defaults,
// documentation, types, groups, order and validation results is listed
// once, readably.

// confConfigDef marks a step whose answer is a list of ConfigKeyInfos or a
// ConfigInfos, for the report's ConfigDef section.
func confConfigDef() confStepOpt {
	return func(s *confStepSpec) { s.configDef = true }
}

// confKeyInfo is one config key of such an answer: its definition and, for
// validate, its value.
type confKeyInfo struct {
	def, val map[string]any
}

// confConfigKeys splits a (normalised) answer into its top-level fields
// (validate only), its keys in order, and each key's info.
func confConfigKeys(v any) (top map[string]any, order []string, keys map[string]confKeyInfo, ok bool) {
	keys = map[string]confKeyInfo{}
	var list []any
	switch x := v.(type) {
	case []any:
		list = x
	case map[string]any:
		configs, cok := x["configs"].([]any)
		if !cok {
			return nil, nil, nil, false
		}
		list = configs
		top = map[string]any{}
		for k, e := range x {
			if k != "configs" {
				top[k] = e
			}
		}
	default:
		return nil, nil, nil, false
	}
	for _, e := range list {
		m, mok := e.(map[string]any)
		if !mok {
			return nil, nil, nil, false
		}
		info := confKeyInfo{def: m}
		if d, dok := m["definition"].(map[string]any); dok {
			info.def = d
			info.val, _ = m["value"].(map[string]any)
		}
		name, nok := info.def["name"].(string)
		if !nok {
			return nil, nil, nil, false
		}
		order = append(order, name)
		keys[name] = info
	}
	return top, order, keys, true
}

// confConfigDefSection compares two config-definition answers key by key.
func confConfigDefSection(java, ferry any) string {
	var b strings.Builder
	jt, jorder, jkeys, jok := confConfigKeys(java)
	ft, forder, fkeys, fok := confConfigKeys(ferry)
	if !jok || !fok {
		fmt.Fprintf(&b, "Not comparable key by key (Java's answer is a config list: %v, Ferry's: %v).\n", jok, fok)
		return b.String()
	}
	var both, onlyJava, onlyFerry []string
	for _, k := range jorder {
		if _, ok := fkeys[k]; ok {
			both = append(both, k)
		} else {
			onlyJava = append(onlyJava, k)
		}
	}
	for _, k := range forder {
		if _, ok := jkeys[k]; !ok {
			onlyFerry = append(onlyFerry, k)
		}
	}
	fmt.Fprintf(&b, "- Keys: Java %d, Ferry %d, in both %d.\n", len(jorder), len(forder), len(both))
	fmt.Fprintf(&b, "- Only in Java (%d): %s\n", len(onlyJava), listOrNone(onlyJava))
	fmt.Fprintf(&b, "- Only in Ferry (%d): %s\n", len(onlyFerry), listOrNone(onlyFerry))
	var fboth []string
	for _, k := range forder {
		if _, ok := jkeys[k]; ok {
			fboth = append(fboth, k)
		}
	}
	if reflect.DeepEqual(both, fboth) {
		b.WriteString("- Order of the keys in both: same.\n")
	} else {
		fmt.Fprintf(&b, "- Order of the keys in both differs: Java %s; Ferry %s\n", strings.Join(both, ", "), strings.Join(fboth, ", "))
	}
	if jt != nil || ft != nil {
		var lines []string
		confJSONDiff("", jt, ft, &lines)
		for _, l := range lines {
			fmt.Fprintf(&b, "- Top level %s\n", strings.TrimPrefix(l, "."))
		}
	}
	// Fields one side has on some keys and the other never has (e.g. a
	// renamed field) are summarised, not listed per key.
	type part struct {
		name string
		get  func(confKeyInfo) map[string]any
	}
	parts := []part{
		{"definition", func(k confKeyInfo) map[string]any { return k.def }},
		{"value", func(k confKeyInfo) map[string]any { return k.val }},
	}
	var rows [][4]string
	for _, p := range parts {
		jf, ff := map[string]int{}, map[string]int{}
		for _, k := range both {
			for f := range p.get(jkeys[k]) {
				jf[f]++
			}
			for f := range p.get(fkeys[k]) {
				ff[f]++
			}
		}
		for _, f := range confSortedCounts(jf) {
			if ff[f] == 0 {
				fmt.Fprintf(&b, "- %s field %q only in Java (on %d of the %d keys in both)\n", p.name, f, jf[f], len(both))
			}
		}
		for _, f := range confSortedCounts(ff) {
			if jf[f] == 0 {
				fmt.Fprintf(&b, "- %s field %q only in Ferry (on %d of the %d keys in both)\n", p.name, f, ff[f], len(both))
			}
		}
		for _, k := range both {
			jm, fm := p.get(jkeys[k]), p.get(fkeys[k])
			fields := map[string]bool{}
			for f := range jm {
				if ff[f] > 0 {
					fields[f] = true
				}
			}
			for f := range fm {
				if jf[f] > 0 {
					fields[f] = true
				}
			}
			for _, f := range confSortedKeys(fields) {
				jv, jok := jm[f]
				fv, fok := fm[f]
				switch {
				case !fok:
					rows = append(rows, [4]string{k, p.name + "." + f, confBrief(jv), "(absent)"})
				case !jok:
					rows = append(rows, [4]string{k, p.name + "." + f, "(absent)", confBrief(fv)})
				case !reflect.DeepEqual(jv, fv):
					js, jstr := jv.(string)
					fs, fstr := fv.(string)
					if jstr && fstr && (len(js) > 160 || len(fs) > 160) {
						rows = append(rows, [4]string{k, p.name + "." + f, confStringDiff(js, fs), ""})
					} else {
						rows = append(rows, [4]string{k, p.name + "." + f, confBrief(jv), confBrief(fv)})
					}
				}
			}
		}
	}
	fmt.Fprintf(&b, "- Field differences on keys in both: %d\n\n", len(rows))
	if len(rows) > 0 {
		b.WriteString("| Key | Field | Java | Ferry |\n| --- | --- | --- | --- |\n")
		for _, r := range rows {
			fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", confMDCell(r[0]), confMDCell(r[1]), confMDCell(r[2]), confMDCell(r[3]))
		}
	}
	return b.String()
}

func listOrNone(l []string) string {
	if len(l) == 0 {
		return "none"
	}
	return strings.Join(l, ", ")
}

func confSortedCounts(m map[string]int) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func TestConformanceConfigDefSection(t *testing.T) {
	parse := func(s string) any {
		return confNormalise(confSide{}, confResponse{Status: 200, Body: []byte(s)}, confCompareOpts{}).Body
	}
	java := parse(`[{"name":"a","type":"INT","default_value":"1","order_in_group":1},{"name":"b","type":"STRING","order_in_group":2},{"name":"j","order_in_group":3}]`)
	ferry := parse(`[{"name":"b","type":"STRING","order":1},{"name":"a","type":"LONG","default_value":"1","order":2},{"name":"f","order":3}]`)
	got := confConfigDefSection(java, ferry)
	for _, want := range []string{
		"- Keys: Java 3, Ferry 3, in both 2.",
		"- Only in Java (1): j",
		"- Only in Ferry (1): f",
		"- Order of the keys in both differs: Java a, b; Ferry b, a",
		`- definition field "order_in_group" only in Java (on 2 of the 2 keys in both)`,
		`- definition field "order" only in Ferry (on 2 of the 2 keys in both)`,
		`| a | definition.type | "INT" | "LONG" |`,
		"- Field differences on keys in both: 1",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("section lacks %q:\n%s", want, got)
		}
	}
	got = confConfigDefSection(
		parse(`{"name":"X","error_count":1,"groups":["Common"],"configs":[{"definition":{"name":"a"},"value":{"name":"a","errors":["bad"]}}]}`),
		parse(`{"name":"X","error_count":0,"groups":["Common"],"configs":[{"definition":{"name":"a"},"value":{"name":"a","errors":[]}}]}`))
	for _, want := range []string{"- Top level error_count: Java 1, Ferry 0", `| a | value.errors | ["bad"] | [] |`} {
		if !strings.Contains(got, want) {
			t.Errorf("validate section lacks %q:\n%s", want, got)
		}
	}
}
