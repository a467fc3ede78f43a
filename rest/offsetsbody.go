package rest

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/ferrykafka/ferry/rest/entities"
)

// The PATCH /connectors/{c}/offsets body, {"offsets":[{"partition":{...},
// "offset":{...}|null}]}, read as Jackson binds Java's ConnectorOffsets:
// both entities are beans with a property-based creator (unknown fields
// are refused once all creator properties are in, as in
// createrequest.go), the list is an ArrayList and the partition and
// offset maps are Map<String, ?>, whose values may be any JSON. Errors
// carry Jackson's message, location and reference chain.

// Java names in messages about offsets bodies.
const (
	javaConnectorOffsets = "org.apache.kafka.connect.runtime.rest.entities.ConnectorOffsets"
	javaConnectorOffset  = "org.apache.kafka.connect.runtime.rest.entities.ConnectorOffset"
	javaOffsetList       = "java.util.ArrayList<" + javaConnectorOffset + ">"
	javaObjectMap        = "java.util.LinkedHashMap<java.lang.String,java.lang.Object>"
)

// Known properties in the order Jackson lists them (its property hash
// order).
var (
	connectorOffsetsProps = []string{"offsets"}
	connectorOffsetProps  = []string{"partition", "offset"}
)

// decodeConnectorOffsets reads a PATCH /connectors/{c}/offsets body. An
// empty body or JSON null is a 400 "HTTP 400 Bad Request" (Java: Jersey's
// NoContentException, or a NullPointerException, a 500, for null); a
// missing or null "offsets" is returned as nil, which the endpoint
// refuses as Java does. Numbers in partitions and offsets are
// json.Number, holding the number as sent.
func decodeConnectorOffsets(body []byte) (entities.ConnectorOffsets, error) {
	var out entities.ConnectorOffsets
	r := newJSONReader(body)
	t, err := r.next()
	switch {
	case err != nil:
		return out, err
	case t == tokNone || t == tokNull:
		return out, errNoContent()
	case t != tokStartObject:
		return out, notABean(r, t, javaConnectorOffsets)
	}
	err = readBean(r, javaConnectorOffsets, connectorOffsetsProps, func(_ string, t jsonToken) error {
		var err error
		out.Offsets, err = readOffsetList(r, t)
		return err
	})
	return out, err
}

// readOffsetList binds List<ConnectorOffset>.
func readOffsetList(r *jsonReader, t jsonToken) ([]entities.ConnectorOffset, error) {
	switch t {
	case tokNull:
		return nil, nil
	case tokStartArray:
	default:
		return nil, mismatch(javaOffsetList, t, r.tokLoc)
	}
	list := []entities.ConnectorOffset{}
	for {
		elem := "java.util.ArrayList[" + strconv.Itoa(len(list)) + "]"
		t, err := r.next()
		if err != nil {
			return nil, withPath(err, elem)
		}
		switch t {
		case tokEndArray:
			return list, nil
		case tokNull:
			// Java keeps the null and fails on it with a
			// NullPointerException (a 500).
			return nil, badRequest("Connector offset %d is null", len(list))
		case tokStartObject:
		default:
			return nil, withPath(notABean(r, t, javaConnectorOffset), elem)
		}
		var o entities.ConnectorOffset
		err = readBean(r, javaConnectorOffset, connectorOffsetProps, func(field string, t jsonToken) error {
			m, err := readObjectMap(r, t)
			if field == "partition" {
				o.Partition = m
			} else {
				o.Offset = m
			}
			return err
		})
		if err != nil {
			return nil, withPath(err, elem)
		}
		list = append(list, o)
	}
}

// readObjectMap binds Map<String, ?>: an object whose values may be any
// JSON value; nil for JSON null.
func readObjectMap(r *jsonReader, t jsonToken) (map[string]any, error) {
	switch t {
	case tokNull:
		return nil, nil
	case tokStartObject:
		v, err := readUntyped(r, t)
		if err != nil {
			return nil, err
		}
		return v.(map[string]any), nil
	case tokString:
		loc := r.tokLoc
		s, err := r.str()
		if err != nil {
			return nil, err
		}
		return nil, fromString(javaMapClass, "element of `"+javaObjectMap+"`", s, loc)
	}
	return nil, mismatch(javaObjectMap, t, r.tokLoc)
}

// readUntyped binds a value to java.lang.Object as Jackson's untyped
// deserializer does: objects (a repeated key keeps its last value),
// arrays, strings, json.Number, bool or nil.
func readUntyped(r *jsonReader, t jsonToken) (any, error) {
	switch t {
	case tokString:
		return r.str()
	case tokInt, tokFloat:
		return json.Number(r.text), nil
	case tokTrue:
		return true, nil
	case tokFalse:
		return false, nil
	case tokNull:
		return nil, nil
	case tokStartArray:
		list := []any{}
		for {
			t, err := r.next()
			if err != nil {
				return nil, err
			}
			if t == tokEndArray {
				return list, nil
			}
			v, err := readUntyped(r, t)
			if err != nil {
				return nil, err
			}
			list = append(list, v)
		}
	case tokStartObject:
		m := map[string]any{}
		for {
			t, err := r.next()
			if err != nil {
				return nil, err
			}
			if t == tokEndObject {
				return m, nil
			}
			key := r.text
			if t, err = r.next(); err != nil {
				return nil, err
			}
			v, err := readUntyped(r, t)
			if err != nil {
				return nil, err
			}
			m[key] = v
		}
	}
	return nil, fmt.Errorf("unexpected token %s", t.jacksonName())
}

// readBean reads the fields of an object (its '{' already read) bound to
// a Java bean whose properties are all creator properties, calling prop
// for each known one with its value's first token; an error from prop
// gets the property on its reference chain. As Jackson does, unknown
// fields are buffered until every creator property has been seen and then
// reported (after one more token), or reported at once after that; a
// repeated property keeps its last value.
func readBean(r *jsonReader, class string, known []string, prop func(field string, t jsonToken) error) error {
	seen := map[string]bool{}
	var unknown []string
	t, err := r.next()
	if err != nil {
		return err
	}
	for t == tokFieldName {
		field := r.text
		if t, err = r.next(); err != nil {
			return err
		}
		if !contains(known, field) {
			if len(seen) == len(known) {
				return unrecognizedProperty(class, known, field, r.loc())
			}
			unknown = append(unknown, field)
			if err = r.skip(t); err != nil {
				return err
			}
			if t, err = r.next(); err != nil {
				return err
			}
			continue
		}
		if err := prop(field, t); err != nil {
			return withPath(err, javaRef(class, field))
		}
		first := !seen[field]
		seen[field] = true
		if t, err = r.next(); err != nil {
			return err
		}
		if first && len(seen) == len(known) && len(unknown) > 0 {
			return unrecognizedProperty(class, known, unknown[0], r.loc())
		}
	}
	// t closed the object.
	if len(unknown) > 0 {
		return unrecognizedProperty(class, known, unknown[0], r.loc())
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

// unrecognizedProperty is Jackson's UnrecognizedPropertyException.
func unrecognizedProperty(class string, known []string, name string, loc jsonLoc) error {
	var sb strings.Builder
	if len(known) == 1 {
		sb.WriteString(`(one known property: "` + known[0] + `"])`)
	} else {
		sb.WriteString("(" + strconv.Itoa(len(known)) + " known properties: ")
		for i, k := range known {
			if i > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString(`"` + k + `"`)
		}
		sb.WriteString("])")
	}
	return &jacksonError{
		msg:  fmt.Sprintf(`Unrecognized field "%s" (class %s), not marked as ignorable %s`, name, class, sb.String()),
		loc:  loc,
		path: []string{javaRef(class, name)},
	}
}

// notABean is Jackson's answer to a value that is not an object where a
// bean is expected.
func notABean(r *jsonReader, t jsonToken, class string) error {
	loc := r.tokLoc
	switch t {
	case tokString:
		s, err := r.str()
		if err != nil {
			return err
		}
		return fromString(class, "`"+class+"` value", s, loc)
	case tokInt, tokFloat, tokTrue, tokFalse:
		return fromScalar(class, t, r.text, loc)
	}
	return mismatch(class, t, loc)
}
