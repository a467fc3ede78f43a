package rest

import (
	"fmt"
	"strings"

	"github.com/ferrykafka/ferry/rest/entities"
)

// Java names of the POST /connectors body, as Jackson quotes them.
const (
	javaCreateRequest = "org.apache.kafka.connect.runtime.rest.entities.CreateConnectorRequest"
	// The enum as Class.getName (in "Cannot construct instance of") and
	// as getCanonicalName (in Enum.valueOf's "No enum constant").
	javaInitialStateClass     = javaCreateRequest + "$InitialState"
	javaInitialStateCanonical = javaCreateRequest + ".InitialState"
)

// createRequestFields lists the known properties in the order Jackson's
// "not marked as ignorable" message does (its property hash order).
const createRequestFields = `(3 known properties: "config", "name", "initial_state"])`

// decodeCreateConnectorRequest reads a POST /connectors body with the
// semantics of Jackson binding Java's CreateConnectorRequest:
//   - an empty body is a 400 "HTTP 400 Bad Request"; so is JSON null
//     (Java fails on it with a NullPointerException, a 500);
//   - unknown fields are rejected ("Unrecognized field ..."); Jackson
//     reports them once the object is read, or at once when all three
//     known fields have been seen;
//   - numbers and booleans are accepted where strings are expected and
//     kept as written ("tasks.max": 1 is "1");
//   - a repeated field keeps its last value;
//   - config entries whose value is null are dropped (Go maps hold no
//     nulls), and a null or missing config is returned as nil, which the
//     handler treats as {} (Java fails with a NullPointerException, a 500);
//   - initial_state is RUNNING, PAUSED or STOPPED in any case.
//
// Every other error is a *jacksonError carrying Jackson's message.
func decodeCreateConnectorRequest(body []byte) (entities.CreateConnectorRequest, error) {
	var req entities.CreateConnectorRequest
	r := newJSONReader(body)
	t, err := r.next()
	switch {
	case err != nil:
		return req, err
	case t == tokNone || t == tokNull:
		return req, errNoContent()
	case t != tokStartObject:
		return req, notAnObject(r, t)
	}

	seen := map[string]bool{}
	var unknown []string
	if t, err = r.next(); err != nil {
		return req, err
	}
	for t == tokFieldName {
		field := r.text
		if t, err = r.next(); err != nil {
			return req, err
		}
		switch field {
		case "name":
			req.Name, _, err = readJavaString(r, t)
		case "config":
			req.Config, err = readStringMap(r, t)
		case "initial_state":
			req.InitialState, err = readInitialState(r, t)
		default:
			if len(seen) == 3 {
				// Jackson has built the object and binds the rest
				// field by field: an unknown one fails at once.
				return req, unrecognizedField(field, r.loc())
			}
			unknown = append(unknown, field)
			if err = r.skip(t); err != nil {
				return req, err
			}
			if t, err = r.next(); err != nil {
				return req, err
			}
			continue
		}
		if err != nil {
			return req, withPath(err, javaRef(javaCreateRequest, field))
		}
		first := !seen[field]
		seen[field] = true
		if t, err = r.next(); err != nil {
			return req, err
		}
		if first && len(seen) == 3 && len(unknown) > 0 {
			// All creator properties are in: Jackson builds the object
			// (after reading one more token) and reports the unknown
			// fields it has buffered.
			return req, unrecognizedField(unknown[0], r.loc())
		}
	}
	// t closed the root object.
	if len(unknown) > 0 {
		return req, unrecognizedField(unknown[0], r.loc())
	}
	return req, nil
}

func unrecognizedField(name string, loc jsonLoc) error {
	return &jacksonError{
		msg:  fmt.Sprintf(`Unrecognized field "%s" (class %s), not marked as ignorable %s`, name, javaCreateRequest, createRequestFields),
		loc:  loc,
		path: []string{javaRef(javaCreateRequest, name)},
	}
}

// notAnObject is Jackson's answer to a root value that is not an object.
func notAnObject(r *jsonReader, t jsonToken) error {
	loc := r.tokLoc
	switch t {
	case tokString:
		s, err := r.str()
		if err != nil {
			return err
		}
		return fromString(javaCreateRequest, "`"+javaCreateRequest+"` value", s, loc)
	case tokInt, tokFloat, tokTrue, tokFalse:
		return fromScalar(javaCreateRequest, t, r.text, loc)
	}
	return mismatch(javaCreateRequest, t, loc)
}

// readJavaString binds a value to a Java String: strings as they are,
// numbers as written, booleans as "true"/"false". isNull reports JSON null.
func readJavaString(r *jsonReader, t jsonToken) (s string, isNull bool, err error) {
	switch t {
	case tokString:
		s, err = r.str()
		return s, false, err
	case tokInt, tokFloat, tokTrue, tokFalse:
		return r.text, false, nil
	case tokNull:
		return "", true, nil
	}
	return "", false, mismatch(javaString, t, r.tokLoc)
}

// readStringMap binds a value to a Java Map<String, String>.
func readStringMap(r *jsonReader, t jsonToken) (map[string]string, error) {
	switch t {
	case tokNull:
		return nil, nil
	case tokStartObject:
	case tokString:
		loc := r.tokLoc
		s, err := r.str()
		if err != nil {
			return nil, err
		}
		return nil, fromString(javaMapClass, "element of `"+javaStringMap+"`", s, loc)
	default:
		return nil, mismatch(javaStringMap, t, r.tokLoc)
	}
	m := map[string]string{}
	err := readStringEntries(r, func(key, v string, isNull bool) {
		if isNull {
			delete(m, key)
			return
		}
		m[key] = v
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// readStringEntries reads the entries of an object bound to a Java
// Map<String, String>, whose '{' has been read, handing each key and value
// to put in order (isNull for JSON null).
func readStringEntries(r *jsonReader, put func(key, v string, isNull bool)) error {
	for {
		t, err := r.next()
		if err != nil {
			return err
		}
		if t == tokEndObject {
			return nil
		}
		key := r.text
		if t, err = r.next(); err != nil {
			return err
		}
		if t == tokStartObject || t == tokStartArray {
			// A mapping error leaves the map with the entry's key on
			// its path; a parse error (below) does not.
			return withPath(mismatch(javaString, t, r.tokLoc), javaRef(javaMapClass, key))
		}
		v, isNull, err := readJavaString(r, t)
		if err != nil {
			return err
		}
		put(key, v, isNull)
	}
}

// readInitialState binds initial_state through Java's
// InitialState.forValue (valueOf of the upper-cased text).
func readInitialState(r *jsonReader, t jsonToken) (*entities.InitialState, error) {
	var s string
	switch t {
	case tokNull:
		return nil, nil
	case tokString:
		var err error
		if s, err = r.str(); err != nil {
			return nil, err
		}
	case tokInt, tokFloat, tokTrue, tokFalse:
		s = r.text
	default:
		// A structured value reaches forValue as "" once skipped.
		if err := r.skip(t); err != nil {
			return nil, err
		}
	}
	st, err := entities.ParseInitialState(s)
	if err != nil {
		return nil, &jacksonError{
			msg: fmt.Sprintf("Cannot construct instance of `%s`, problem: No enum constant %s.%s",
				javaInitialStateClass, javaInitialStateCanonical, strings.ToUpper(s)),
			loc: r.tokLoc,
		}
	}
	return &st, nil
}

// skip reads past the value that starts with t, checking it is well formed.
func (r *jsonReader) skip(t jsonToken) error {
	depth := 0
	for {
		switch t {
		case tokString:
			if _, err := r.str(); err != nil {
				return err
			}
		case tokStartArray, tokStartObject:
			depth++
		case tokEndArray, tokEndObject:
			depth--
		}
		if depth == 0 {
			return nil
		}
		var err error
		if t, err = r.next(); err != nil {
			return err
		}
	}
}
