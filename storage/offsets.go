package storage

import (
	"fmt"
	"maps"
	"reflect"
	"slices"

	"github.com/ferrykafka/ferry/connect/javajson"
)

// Offsets topic encoding. Java's OffsetStorageWriter writes, through the
// JsonConverter with schemas disabled,
//
//	key   = ["<connector>",{<source partition>}]
//	value = {<source offset>}        (null value = offset deleted)
//
// Source partition and offset maps are java.util.HashMaps, so their fields
// come out in HashMap iteration order (javajson.JavaHashMapOrder); the
// offsets store is keyed by the raw key bytes, so a lookup only finds what
// Java wrote if the bytes are identical. For the maps MirrorMaker builds
// that order is:
//
//	MirrorSourceConnector     {"cluster","partition","topic"}
//	MirrorCheckpointConnector {"partition","topic","group"}
//	MirrorHeartbeatConnector  {"sourceClusterAlias","targetClusterAlias"}
//	sink connectors (REST)    {"kafka_partition","kafka_topic"}
//
// A Go map has no insertion order; its keys are taken as inserted in sorted
// order, which only matters for keys sharing a HashMap bucket (none of the
// above do).

// OffsetFormatError is a source partition or offset that Connect refuses to
// store (OffsetUtils.validateFormat); the message is Java's.
type OffsetFormatError struct{ Msg string }

func (e *OffsetFormatError) Error() string { return e.Msg }

// OffsetKey encodes a connector's source partition as an offsets-topic key.
// A nil partition encodes as ["<connector>",null].
func OffsetKey(connector string, partition map[string]any) ([]byte, error) {
	if err := validateOffsetMap(partition); err != nil {
		return nil, err
	}
	var p any
	if partition != nil {
		p = partition
	}
	return javajson.Marshal([]any{connector, p})
}

// OffsetValue encodes a source offset as an offsets-topic value; a nil map
// encodes as nil (a tombstone, which deletes the offset).
func OffsetValue(offset map[string]any) ([]byte, error) {
	if offset == nil {
		return nil, nil
	}
	if err := validateOffsetMap(offset); err != nil {
		return nil, err
	}
	return javajson.Marshal(offset)
}

// ParseOffsetKey decodes an offsets-topic key into the connector name and
// source partition (nil for a null partition). Integers come back as int64,
// other numbers as float64, as JsonConverter reads them.
func ParseOffsetKey(key []byte) (string, map[string]any, error) {
	if key == nil {
		return "", nil, fmt.Errorf("offset partition key is null")
	}
	v, err := javajson.Unmarshal(key)
	if err != nil {
		return "", nil, fmt.Errorf("offset partition key is not JSON: %w", err)
	}
	list, ok := v.([]any)
	if !ok {
		return "", nil, fmt.Errorf("offset partition key has an unexpected format: expected a list, found %s", jsonKind(v))
	}
	if len(list) != 2 {
		return "", nil, fmt.Errorf("offset partition key has an unexpected number of elements: expected 2, found %d", len(list))
	}
	connector, ok := list[0].(string)
	if !ok {
		return "", nil, fmt.Errorf("offset partition key has an unexpected first element: expected a string, found %s", jsonKind(list[0]))
	}
	if list[1] == nil {
		return connector, nil, nil
	}
	partition, ok := list[1].(map[string]any)
	if !ok {
		return "", nil, fmt.Errorf("offset partition key has an unexpected second element: expected a map, found %s", jsonKind(list[1]))
	}
	return connector, partition, nil
}

// ParseOffsetValue decodes an offsets-topic value; nil (a tombstone) gives a
// nil map.
func ParseOffsetValue(value []byte) (map[string]any, error) {
	if value == nil {
		return nil, nil
	}
	v, err := javajson.Unmarshal(value)
	if err != nil {
		return nil, fmt.Errorf("offset value is not JSON: %w", err)
	}
	if v == nil {
		return nil, nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("offset value has an unexpected format: expected a map, found %s", jsonKind(v))
	}
	return m, nil
}

// validateOffsetMap is OffsetUtils.validateFormat: values may only be
// primitives (or null).
// ValidateOffset checks that a source offset (or partition) holds only
// primitive values, as OffsetValue does, without encoding it.
func ValidateOffset(m map[string]any) error { return validateOffsetMap(m) }

func validateOffsetMap(m map[string]any) error {
	// The fast path (every record goes through here): all values primitive.
	valid := true
	for _, v := range m {
		if !isPrimitiveOffsetValue(v) {
			valid = false
			break
		}
	}
	if valid {
		return nil
	}
	// Name the first offending field in key order, deterministically.
	for _, k := range slices.Sorted(maps.Keys(m)) {
		v := m[k]
		if isPrimitiveOffsetValue(v) {
			continue
		}
		switch v.(type) {
		case javajson.Object:
			return nonPrimitive(k, "STRUCT")
		case javajson.HashMap:
			return nonPrimitive(k, "MAP")
		}
		switch reflect.TypeOf(v).Kind() {
		case reflect.Slice, reflect.Array:
			return nonPrimitive(k, "ARRAY")
		case reflect.Map:
			return nonPrimitive(k, "MAP")
		case reflect.Struct:
			return nonPrimitive(k, "STRUCT")
		}
		return nonPrimitive(k, fmt.Sprintf("%T", v))
	}
	return nil
}

func nonPrimitive(field, what string) error {
	return &OffsetFormatError{Msg: "Offsets may only contain primitive types as values, but field " + field + " contains " + what}
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case bool:
		return "boolean"
	case int64, float64:
		return "number"
	case []any:
		return "list"
	case map[string]any:
		return "map"
	}
	return fmt.Sprintf("%T", v)
}

// isPrimitiveOffsetValue reports whether v may be an offset or partition
// value (nil or a primitive).
func isPrimitiveOffsetValue(v any) bool {
	switch v.(type) {
	case nil, string, bool, []byte, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, float32, float64:
		return true
	}
	return false
}
