package mirror

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/ferrykafka/ferry/connect"
	"github.com/ferrykafka/ferry/connectors/mirror/mirrorclient"
)

// Validators of MirrorSourceConnector keys. The messages are Java's, which
// are API; where Ferry checks more than Java (a value Java accepts when
// validating but fails on later), the message says why.

// wholeMessage is a validation error whose text is the whole message, not a
// reason for connect's "Invalid value X for configuration Y: " prefix:
// Java's ValidList throws ConfigException(message) for duplicated or empty
// list entries. validateSourceConfig removes the prefix again.
type wholeMessage string

func (m wholeMessage) Error() string { return string(m) }

// javaList is Kafka 4.x's ConfigDef.ValidList: no duplicated and no empty
// entries, an empty list only when allowEmpty, and, when valid is not empty,
// every entry one of valid.
func javaList(name string, allowEmpty bool, valid ...string) connect.Validator {
	return func(v any) error {
		list, ok := v.([]string)
		if !ok {
			return nil
		}
		if len(list) == 0 {
			if allowEmpty {
				return nil
			}
			return wholeMessage(fmt.Sprintf("Configuration '%s' must not be empty. Valid values include: [%s]",
				name, strings.Join(valid, ", ")))
		}
		seen := make(map[string]bool, len(list))
		for _, e := range list {
			if seen[e] {
				return wholeMessage(fmt.Sprintf("Configuration '%s' values must not be duplicated.", name))
			}
			seen[e] = true
		}
		for _, e := range list {
			if e == "" {
				return wholeMessage(fmt.Sprintf("Configuration '%s' values must not be empty.", name))
			}
		}
		if len(valid) == 0 {
			return nil
		}
		for _, e := range list {
			if !contains(valid, e) {
				// Java names the entry, not the list.
				return wholeMessage(fmt.Sprintf("Invalid value %s for configuration %s: String must be one of: %s",
					e, name, strings.Join(valid, ", ")))
			}
		}
		return nil
	}
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

// patternList is javaList plus regular expressions Go can compile (topics,
// topics.exclude, config.properties.exclude).
func patternList(name string) connect.Validator {
	return connect.Chain(javaList(name, true), compilablePatterns)
}

func compilablePatterns(v any) error {
	list, _ := v.([]string)
	if _, err := compilePatternList(list); err != nil {
		return err
	}
	return nil
}

// doubleBetween is Java's ConfigDef.Range.between for DOUBLE keys.
func doubleBetween(lo, hi float64) connect.Validator {
	return func(v any) error {
		f, ok := v.(float64)
		if !ok {
			return nil
		}
		if f < lo {
			return fmt.Errorf("Value must be at least %s", javaDouble(lo))
		}
		if f > hi {
			return fmt.Errorf("Value must be no more than %s", javaDouble(hi))
		}
		return nil
	}
}

// javaDouble prints the simple doubles of range bounds as Java's
// Double.toString does (0.5, 1.0).
func javaDouble(f float64) string {
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return s
}

// knownClass accepts the Java class names (or their simple names) of the
// implementations Ferry provides for a CLASS key; anything else gets Java's
// message for a missing class, followed by what Ferry provides.
func knownClass(provided ...string) connect.Validator {
	return func(v any) error {
		s, _ := v.(string)
		if resolveClass(s, provided...) != "" {
			return nil
		}
		return fmt.Errorf("Class %s could not be found. Ferry provides %s", s, strings.Join(provided, ", "))
	}
}

// resolveClass returns the one of provided that name means (its full or its
// simple name), or "".
func resolveClass(name string, provided ...string) string {
	name = strings.TrimSpace(name)
	for _, p := range provided {
		if name == p || name == p[strings.LastIndex(p, ".")+1:] {
			return p
		}
	}
	return ""
}

// knownPolicyClass rejects replication policies Ferry does not provide, with
// the message Java's CLASS type gives for a missing class.
func knownPolicyClass(v any) error {
	s, _ := v.(string)
	if _, err := mirrorclient.NewReplicationPolicy(s, nil); err != nil {
		return fmt.Errorf("Class %s could not be found. Ferry provides %s and %s", s,
			mirrorclient.DefaultReplicationPolicyClass, mirrorclient.IdentityReplicationPolicyClass)
	}
	return nil
}

// nonZero rejects 0; a negative interval disables the refresh or sync, as in
// Java, but a zero one makes Java's scheduler throw.
func nonZero(v any) error {
	if n, ok := v.(int64); ok && n == 0 {
		return errors.New("Value must not be 0 (use the matching .enabled=false key to disable it)")
	}
	return nil
}

// replicationFactor accepts -1 (the target broker's default.replication.factor)
// or 1..32767, the values CreateTopics can carry.
func replicationFactor(v any) error {
	var n int64
	switch x := v.(type) {
	case int32:
		n = int64(x)
	case int16:
		n = int64(x)
	default:
		return nil
	}
	if n != -1 && (n < 1 || n > math.MaxInt16) {
		return fmt.Errorf("Value must be -1 (the broker default) or between 1 and %d", math.MaxInt16)
	}
	return nil
}

// validateSourceConfig is def.Validate with Java's whole messages for list
// validation (see wholeMessage).
func validateSourceConfig(def *connect.ConfigDef, props map[string]string) []connect.ConfigValue {
	values := def.Validate(props)
	for i := range values {
		cv := &values[i]
		prefix := "Invalid value " + valueString(cv.Value) + " for configuration " + cv.Name + ": "
		for j, e := range cv.Errors {
			rest, ok := strings.CutPrefix(e, prefix)
			if ok && (strings.HasPrefix(rest, "Configuration '"+cv.Name+"' ") || strings.HasPrefix(rest, "Invalid value ")) {
				cv.Errors[j] = rest
			}
		}
	}
	return values
}

func valueString(v any) string {
	if s := connect.ConvertToString(v); s != nil {
		return *s
	}
	return "null"
}

// Prefixes of the keys that configure offset syncs (Java's
// OFFSET_SYNCS_CLIENT_ROLE_PREFIX and OFFSET_SYNCS_TOPIC_CONFIG_PREFIX).
const (
	prefixOffsetSyncsClientRole = "offset-syncs-"
	prefixOffsetSyncsTopic      = "offset-syncs.topic."
)

// checkEmitOffsetSyncs is the check of Java's
// MirrorSourceConnector.validateEmitOffsetSyncConfigs: offset-syncs settings
// contradict emit.offset-syncs.enabled=false (compared as Java does, so
// "FALSE" passes).
func checkEmitOffsetSyncs(props map[string]string, values []connect.ConfigValue) []connect.ConfigValue {
	if props[keyEmitOffsetSyncsEnabled] != "false" {
		return values
	}
	configured := false
	for k := range props {
		if strings.HasPrefix(k, prefixOffsetSyncsClientRole) || strings.HasPrefix(k, prefixOffsetSyncsTopic) {
			configured = true
			break
		}
	}
	if !configured {
		return values
	}
	msg := "MirrorSourceConnector can't setup offset-syncs feature while " + keyEmitOffsetSyncsEnabled + " set to false"
	for i := range values {
		if values[i].Name == keyEmitOffsetSyncsEnabled {
			values[i].Errors = append(values[i].Errors, msg)
			return values
		}
	}
	return append(values, connect.ConfigValue{Name: keyEmitOffsetSyncsEnabled, Errors: []string{msg}, Visible: true})
}
