package connect

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/ferrykafka/ferry/connect/javajson"
)

// ConfigType is a ConfigDef key type, spelled as Java's ConfigDef.Type names
// (these names appear in Connect's REST API).
type ConfigType string

// The ConfigDef types.
const (
	TypeBooleanConfig  ConfigType = "BOOLEAN"
	TypeStringConfig   ConfigType = "STRING"
	TypeIntConfig      ConfigType = "INT"
	TypeShortConfig    ConfigType = "SHORT"
	TypeLongConfig     ConfigType = "LONG"
	TypeDoubleConfig   ConfigType = "DOUBLE"
	TypeListConfig     ConfigType = "LIST"
	TypeClassConfig    ConfigType = "CLASS"
	TypePasswordConfig ConfigType = "PASSWORD"
)

// Importance of a config key, as in Java's ConfigDef.Importance.
type Importance string

// Importance levels.
const (
	ImportanceHigh   Importance = "HIGH"
	ImportanceMedium Importance = "MEDIUM"
	ImportanceLow    Importance = "LOW"
)

// Width is the UI width hint of a config key (Java's ConfigDef.Width).
type Width string

// Width hints.
const (
	WidthNone   Width = "NONE"
	WidthShort  Width = "SHORT"
	WidthMedium Width = "MEDIUM"
	WidthLong   Width = "LONG"
)

// Password is a secret config value; it renders as "[hidden]" everywhere
// except through Value.
type Password struct{ value string }

// NewPassword wraps a secret.
func NewPassword(s string) Password { return Password{value: s} }

// Value returns the secret itself.
func (p Password) Value() string { return p.value }

// String hides the secret, as Java's Password.toString does.
func (p Password) String() string { return "[hidden]" }

// Validator checks a parsed value (which may be nil). The error text is the
// reason only; ConfigDef prefixes it with "Invalid value X for configuration Y: ".
type Validator func(value any) error

// ConfigKey defines one configuration key.
type ConfigKey struct {
	Name string
	Type ConfigType
	// Default is the default value, either typed (int32 for INT, []string
	// for LIST, ...) or as the string a properties file would hold. It is
	// ignored when Required is set.
	Default any
	// Required means "no default value" (Java's NO_DEFAULT_VALUE).
	Required     bool
	Validator    Validator
	Importance   Importance
	Doc          string
	Group        string
	OrderInGroup int
	Width        Width
	DisplayName  string
	Dependents   []string
}

// ConfigDef is an ordered set of config keys: it parses string properties into
// typed values, validates them, and renders Connect's ConfigInfos.
type ConfigDef struct {
	keys  []*ConfigKey
	index map[string]*ConfigKey
}

// NewConfigDef returns an empty ConfigDef.
func NewConfigDef() *ConfigDef { return &ConfigDef{index: map[string]*ConfigKey{}} }

// Define adds a key. The default is parsed now, so a bad default is a
// programming error and panics at start-up (as Java's ConfigDef throws in its
// static initialisers); defining a name twice panics likewise.
func (d *ConfigDef) Define(k ConfigKey) *ConfigDef {
	if _, dup := d.index[k.Name]; dup {
		panic(fmt.Sprintf("config key %q defined twice", k.Name))
	}
	if !k.Required && k.Default != nil {
		v, err := parseType(k.Name, k.Default, k.Type)
		if err != nil {
			panic(fmt.Sprintf("invalid default for %q: %v", k.Name, err))
		}
		k.Default = v
	}
	if k.Importance == "" {
		k.Importance = ImportanceMedium
	}
	if k.Width == "" {
		k.Width = WidthNone
	}
	if k.DisplayName == "" {
		k.DisplayName = k.Name
	}
	if k.OrderInGroup == 0 && k.Group == "" {
		k.OrderInGroup = -1
	}
	kc := k
	d.keys = append(d.keys, &kc)
	d.index[k.Name] = &kc
	return d
}

// Merge returns a new ConfigDef holding d's keys followed by other's keys that
// d does not define.
func (d *ConfigDef) Merge(other *ConfigDef) *ConfigDef {
	out := NewConfigDef()
	for _, k := range d.keys {
		out.Define(*k)
	}
	if other != nil {
		for _, k := range other.keys {
			if _, ok := out.index[k.Name]; !ok {
				out.Define(*k)
			}
		}
	}
	return out
}

// Keys returns the keys in definition order.
func (d *ConfigDef) Keys() []*ConfigKey { return d.keys }

// Key returns one key, or nil.
func (d *ConfigDef) Key(name string) *ConfigKey { return d.index[name] }

// Groups returns the distinct groups in definition order.
func (d *ConfigDef) Groups() []string {
	var out []string
	seen := map[string]bool{}
	for _, k := range d.keys {
		if k.Group != "" && !seen[k.Group] {
			seen[k.Group] = true
			out = append(out, k.Group)
		}
	}
	return out
}

// ConfigError is a configuration problem with one key, worded as Java's
// ConfigException.
type ConfigError struct {
	Name   string
	Value  any
	Reason string
	// Missing is set for a required key without a value.
	Missing bool
}

func (e *ConfigError) Error() string {
	if e.Missing {
		return fmt.Sprintf("Missing required configuration %q which has no default value.", e.Name)
	}
	msg := fmt.Sprintf("Invalid value %s for configuration %s", javaString(e.Value), e.Name)
	if e.Reason != "" {
		msg += ": " + e.Reason
	}
	return msg
}

// Unwrap makes every ConfigError an ErrBadRequest.
func (e *ConfigError) Unwrap() error { return ErrBadRequest }

// Values holds parsed configuration values.
type Values map[string]any

// Parse parses and validates props against d. Keys d does not define are
// ignored. The error joins every problem found, one per line.
func (d *ConfigDef) Parse(props map[string]string) (Values, error) {
	out := Values{}
	var errs []string
	for _, cv := range d.Validate(props) {
		out[cv.Name] = cv.Value
		errs = append(errs, cv.Errors...)
	}
	if len(errs) > 0 {
		return out, &KindError{Kind: ErrBadRequest, Msg: strings.Join(errs, "\n")}
	}
	return out, nil
}

// ConfigValue is the validation result of one key (Java's ConfigValue).
type ConfigValue struct {
	Name              string
	Value             any
	RecommendedValues []any
	Errors            []string
	Visible           bool
}

// Validate parses every key of d from props and returns one ConfigValue per
// key, in definition order, with parse, missing-value and validator errors.
func (d *ConfigDef) Validate(props map[string]string) []ConfigValue {
	out := make([]ConfigValue, 0, len(d.keys))
	for _, k := range d.keys {
		cv := ConfigValue{Name: k.Name, Visible: true}
		var v any
		if raw, ok := props[k.Name]; ok {
			pv, err := parseType(k.Name, raw, k.Type)
			if err != nil {
				cv.Errors = append(cv.Errors, err.Error())
			} else {
				v = pv
			}
		} else if k.Required {
			cv.Errors = append(cv.Errors, (&ConfigError{Name: k.Name, Missing: true}).Error())
		} else {
			v = k.Default
		}
		if k.Validator != nil && len(cv.Errors) == 0 {
			if err := k.Validator(v); err != nil {
				cv.Errors = append(cv.Errors, (&ConfigError{Name: k.Name, Value: v, Reason: err.Error()}).Error())
			}
		}
		cv.Value = v
		out = append(out, cv)
	}
	return out
}

var commaWithWhitespace = regexp.MustCompile(`\s*,\s*`)

// parseType converts a raw value (normally a string) to the Go type of t,
// with Java's ConfigDef.parseType rules and messages.
func parseType(name string, value any, t ConfigType) (any, error) {
	if value == nil {
		return nil, nil
	}
	s, isString := value.(string)
	trimmed := strings.TrimSpace(s)
	bad := func(reason string) error { return &ConfigError{Name: name, Value: value, Reason: reason} }
	notNumber := bad("Not a number of type " + string(t))
	switch t {
	case TypeBooleanConfig:
		if b, ok := value.(bool); ok {
			return b, nil
		}
		if isString {
			switch strings.ToLower(trimmed) {
			case "true":
				return true, nil
			case "false":
				return false, nil
			}
		}
		return nil, bad("Expected value to be either true or false")
	case TypeStringConfig:
		if isString {
			return trimmed, nil
		}
		return nil, bad(fmt.Sprintf("Expected value to be a string, but it was a %T", value))
	case TypePasswordConfig:
		switch v := value.(type) {
		case Password:
			return v, nil
		case string:
			return NewPassword(strings.TrimSpace(v)), nil
		}
		return nil, bad(fmt.Sprintf("Expected value to be a string, but it was a %T", value))
	case TypeClassConfig:
		if isString {
			return trimmed, nil
		}
		return nil, bad("Expected a Class instance or class name.")
	case TypeIntConfig, TypeShortConfig, TypeLongConfig:
		bits := map[ConfigType]int{TypeIntConfig: 32, TypeShortConfig: 16, TypeLongConfig: 64}[t]
		var n int64
		switch v := value.(type) {
		case string:
			p, err := strconv.ParseInt(trimmed, 10, bits)
			if err != nil {
				return nil, notNumber
			}
			n = p
		case int:
			n = int64(v)
		case int16:
			n = int64(v)
		case int32:
			n = int64(v)
		case int64:
			n = v
		default:
			return nil, bad(fmt.Sprintf("Expected value to be a %d-bit integer, but it was a %T", bits, value))
		}
		switch t {
		case TypeIntConfig:
			if n < math.MinInt32 || n > math.MaxInt32 {
				return nil, notNumber
			}
			return int32(n), nil
		case TypeShortConfig:
			if n < math.MinInt16 || n > math.MaxInt16 {
				return nil, notNumber
			}
			return int16(n), nil
		}
		return n, nil
	case TypeDoubleConfig:
		switch v := value.(type) {
		case string:
			f, err := strconv.ParseFloat(trimmed, 64)
			if err != nil {
				return nil, notNumber
			}
			return f, nil
		case float64:
			return v, nil
		case int:
			return float64(v), nil
		}
		return nil, bad(fmt.Sprintf("Expected value to be a double, but it was a %T", value))
	case TypeListConfig:
		switch v := value.(type) {
		case []string:
			return v, nil
		case string:
			if trimmed == "" {
				return []string{}, nil
			}
			return commaWithWhitespace.Split(trimmed, -1), nil
		}
		return nil, bad("Expected a comma separated list.")
	}
	return nil, fmt.Errorf("unknown config type %q for %s", t, name)
}

// ConvertToString renders a parsed value as Java's ConfigDef.convertToString
// does: lists comma-joined, passwords hidden, doubles in Java's notation.
// A nil value renders as nil.
func ConvertToString(v any) *string {
	if v == nil {
		return nil
	}
	s := javaString(v)
	return &s
}

func javaString(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return x
	case []string:
		return strings.Join(x, ",")
	case float64:
		return javajson.FormatDouble(x)
	case Password:
		return x.String()
	case bool:
		return strconv.FormatBool(x)
	}
	return fmt.Sprint(v)
}
