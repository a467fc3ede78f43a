package javajson

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
)

// Field is one member of an Object or a HashMap.
type Field struct {
	Name  string
	Value any
}

// Object is a JSON object written with its fields in exactly this order:
// a Connect Struct, whose field order its schema fixes.
type Object []Field

// HashMap is a java.util.HashMap given by its insertion order; it is written
// in HashMap iteration order (JavaHashMapOrder). Use it when the Java code
// that builds the map is known and its insertion order matters.
type HashMap []Field

// Marshal returns the JSON encoding of v; see Append.
func Marshal(v any) ([]byte, error) { return Append(nil, v) }

// Append appends the JSON encoding of v to dst. Supported values: nil, bool,
// string, []byte, every int and uint type, float32, float64, Object, HashMap,
// map[string]any, map[string]string, []any, []string and []map[string]any.
// Anything else is an error.
func Append(dst []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(dst, "null"...), nil
	case bool:
		return strconv.AppendBool(dst, x), nil
	case string:
		return appendString(dst, x), nil
	case []byte:
		if x == nil {
			return append(dst, "null"...), nil
		}
		return appendBinary(dst, x), nil
	case int:
		return strconv.AppendInt(dst, int64(x), 10), nil
	case int8:
		return strconv.AppendInt(dst, int64(x), 10), nil
	case int16:
		return strconv.AppendInt(dst, int64(x), 10), nil
	case int32:
		return strconv.AppendInt(dst, int64(x), 10), nil
	case int64:
		return strconv.AppendInt(dst, x, 10), nil
	case uint:
		return strconv.AppendUint(dst, uint64(x), 10), nil
	case uint8:
		return strconv.AppendUint(dst, uint64(x), 10), nil
	case uint16:
		return strconv.AppendUint(dst, uint64(x), 10), nil
	case uint32:
		return strconv.AppendUint(dst, uint64(x), 10), nil
	case uint64:
		return strconv.AppendUint(dst, x, 10), nil
	case float32:
		return appendNumber(dst, float64(x), FormatFloat(x)), nil
	case float64:
		return appendNumber(dst, x, FormatDouble(x)), nil
	case Object:
		return appendFields(dst, x)
	case HashMap:
		return appendHashMap(dst, x)
	case map[string]any:
		return appendMap(dst, x)
	case map[string]string:
		return appendMap(dst, x)
	case []any:
		return appendSlice(dst, x == nil, len(x), func(i int) any { return x[i] })
	case []string:
		return appendSlice(dst, x == nil, len(x), func(i int) any { return x[i] })
	case []map[string]any:
		return appendSlice(dst, x == nil, len(x), func(i int) any { return x[i] })
	}
	return dst, fmt.Errorf("javajson: unsupported type %T", v)
}

func appendFields(dst []byte, fields []Field) ([]byte, error) {
	dst = append(dst, '{')
	for i, f := range fields {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendString(dst, f.Name)
		dst = append(dst, ':')
		var err error
		if dst, err = Append(dst, f.Value); err != nil {
			return dst, fmt.Errorf("field %q: %w", f.Name, err)
		}
	}
	return append(dst, '}'), nil
}

func appendHashMap(dst []byte, m HashMap) ([]byte, error) {
	names := make([]string, len(m))
	last := make(map[string]any, len(m))
	for i, f := range m {
		names[i] = f.Name
		last[f.Name] = f.Value // a later put of the same key replaces the value
	}
	order := JavaHashMapOrder(names)
	fields := make([]Field, len(order))
	for i, k := range order {
		fields[i] = Field{Name: k, Value: last[k]}
	}
	return appendFields(dst, fields)
}

// appendMap writes a Go map as the HashMap its keys were put into in sorted
// order; nil is null.
func appendMap[V any](dst []byte, m map[string]V) ([]byte, error) {
	if m == nil {
		return append(dst, "null"...), nil
	}
	fields := make(HashMap, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		fields = append(fields, Field{Name: k, Value: m[k]})
	}
	return appendHashMap(dst, fields)
}

func appendSlice(dst []byte, isNil bool, n int, at func(int) any) ([]byte, error) {
	if isNil {
		return append(dst, "null"...), nil
	}
	dst = append(dst, '[')
	for i := 0; i < n; i++ {
		if i > 0 {
			dst = append(dst, ',')
		}
		var err error
		if dst, err = Append(dst, at(i)); err != nil {
			return dst, fmt.Errorf("element %d: %w", i, err)
		}
	}
	return append(dst, ']'), nil
}
