package rest

import (
	"bytes"
	"encoding/json"
	"maps"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/rs/zerolog"

	"github.com/ferrykafka/ferry/rest/entities"
)

const at = "\n at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); "

const chain = " (through reference chain: org.apache.kafka.connect.runtime.rest.entities.CreateConnectorRequest"

// Jackson's texts for bodies it cannot bind to CreateConnectorRequest.
var decodeErrorCases = []struct{ body, msg string }{
	{`{`, "Unexpected end-of-input: expected close marker for Object (start marker at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: 1])" + at + "line: 1, column: 2]"},
	{`{"foo": }`, "Unexpected character ('}' (code 125)): expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false')" + at + "line: 1, column: 9]"},
	{`not valid json`, "Unrecognized token 'not': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')" + at + "line: 1, column: 4]"},
	{`"x"`, "Cannot construct instance of `org.apache.kafka.connect.runtime.rest.entities.CreateConnectorRequest` (although at least one Creator exists): no String-argument constructor/factory method to deserialize from String value ('x')" + at + "line: 1, column: 1]"},
	{`""`, "Cannot coerce empty String (\"\") to `org.apache.kafka.connect.runtime.rest.entities.CreateConnectorRequest` value (but could if coercion was enabled using `CoercionConfig`)" + at + "line: 1, column: 1]"},
	{` 5`, "Cannot construct instance of `org.apache.kafka.connect.runtime.rest.entities.CreateConnectorRequest` (although at least one Creator exists): no int/Int-argument constructor/factory method to deserialize from Number value (5)" + at + "line: 1, column: 2]"},
	{`12345678901`, "Cannot construct instance of `org.apache.kafka.connect.runtime.rest.entities.CreateConnectorRequest` (although at least one Creator exists): no long/Long-argument constructor/factory method to deserialize from Number value (12345678901)" + at + "line: 1, column: 1]"},
	{`123456789012345678901`, "Cannot construct instance of `org.apache.kafka.connect.runtime.rest.entities.CreateConnectorRequest` (although at least one Creator exists): no BigInteger-argument constructor/factory method to deserialize from Number value (123456789012345678901)" + at + "line: 1, column: 1]"},
	{`1e5`, "Cannot construct instance of `org.apache.kafka.connect.runtime.rest.entities.CreateConnectorRequest` (although at least one Creator exists): no double/Double-argument constructor/factory method to deserialize from Number value (100000.0)" + at + "line: 1, column: 1]"},
	{`false`, "Cannot construct instance of `org.apache.kafka.connect.runtime.rest.entities.CreateConnectorRequest` (although at least one Creator exists): no boolean/Boolean-argument constructor/factory method to deserialize from boolean value (false)" + at + "line: 1, column: 1]"},
	{`19r`, "Unexpected character ('r' (code 114)): Expected space separating root-level values" + at + "line: 1, column: 3]"},
	{`{"name":"a" "b":1}`, "Unexpected character ('\"' (code 34)): was expecting comma to separate Object entries" + at + "line: 1, column: 13]"},
	{`{"name" "a"}`, "Unexpected character ('\"' (code 34)): was expecting a colon to separate field name and value" + at + "line: 1, column: 9]"},
	{`{'name':'a'}`, "Unexpected character (''' (code 39)): was expecting double-quote to start field name" + at + "line: 1, column: 2]"},
	{`{"name":'a'}`, "Unexpected character (''' (code 39)): expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false')" + at + "line: 1, column: 9]"},
	{`{"a":1]`, "Unexpected close marker ']': expected '}' (for Object starting at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: 1])" + at + "line: 1, column: 7]"},
	{"{\"name\":\"a\",\n\"config\":{}\n,}", "Unexpected character ('}' (code 125)): was expecting double-quote to start field name" + at + "line: 3, column: 2]"},
	{"{\r\n\"x\":tru}", "Unrecognized token 'tru': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')" + at + "line: 2, column: 8]"},
	{`{"name":truex}`, "Unrecognized token 'truex': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')" + at + "line: 1, column: 14]"},
	{`{"name":01}`, "Invalid numeric value: Leading zeroes not allowed" + at + "line: 1, column: 9]"},
	{`{"name":-x}`, "Unexpected character ('x' (code 120)) in numeric value: expected digit (0-9) to follow minus sign, for valid numeric value" + at + "line: 1, column: 10]"},
	{`{"name":1.}`, "Unexpected character ('}' (code 125)) in numeric value: Decimal point not followed by a digit" + at + "line: 1, column: 11]"},
	{`{"name":1e+}`, "Unexpected character ('}' (code 125)) in numeric value: Exponent indicator not followed by a digit" + at + "line: 1, column: 12]"},
	{`{"name":+1}`, "Unexpected character ('+' (code 43)) in numeric value: JSON spec does not allow numbers to have plus signs: enable `JsonReadFeature.ALLOW_LEADING_PLUS_SIGN_FOR_NUMBERS` to allow" + at + "line: 1, column: 10]"},
	{`{"name":NaN}`, "Non-standard token 'NaN': enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow" + at + "line: 1, column: 11]"},
	{`{"name":"a"/**/}`, "Unexpected character ('/' (code 47)): maybe a (non-standard) comment? (not recognized as one since Feature 'ALLOW_COMMENTS' not enabled for parser)" + at + "line: 1, column: 12]"},
	{"{\x01}", "Illegal character ((CTRL-CHAR, code 1)): only regular white space (\\r, \\n, \\t) is allowed between tokens" + at + "line: 1, column: 2]"},
	// Errors inside a property carry its path; string contents are read
	// lazily, so a bad string is inside its property too.
	{"{\"name\":\"a\tb\"}", "Illegal unquoted character ((CTRL-CHAR, code 9)): has to be escaped using backslash to be included in string value" + at + "line: 1, column: 11]" + chain + "[\"name\"])"},
	{`{"name":"a\x"}`, "Unrecognized character escape 'x' (code 120)" + at + "line: 1, column: 12]" + chain + "[\"name\"])"},
	{`{"name":"\u12G4"}`, "Unexpected character ('G' (code 71)): expected a hex-digit for character escape sequence" + at + "line: 1, column: 14]" + chain + "[\"name\"])"},
	{`{"name":"abc`, "Unexpected end-of-input: was expecting closing quote for a string value" + at + "line: 1, column: 13]" + chain + "[\"name\"])"},
	{"{\"name\":\"\xff\"}", "Invalid UTF-8 start byte 0xff" + at + "line: 1, column: 10]" + chain + "[\"name\"])"},
	{"{\"name\":\"\xc3(\"}", "Invalid UTF-8 middle byte 0x28" + at + "line: 1, column: 11]" + chain + "[\"name\"])"},
	{`{"name":{}}`, "Cannot deserialize value of type `java.lang.String` from Object value (token `JsonToken.START_OBJECT`)" + at + "line: 1, column: 9]" + chain + "[\"name\"])"},
	{`{"name":[1]}`, "Cannot deserialize value of type `java.lang.String` from Array value (token `JsonToken.START_ARRAY`)" + at + "line: 1, column: 9]" + chain + "[\"name\"])"},
	{`{"config":"x"}`, "Cannot construct instance of `java.util.LinkedHashMap` (although at least one Creator exists): no String-argument constructor/factory method to deserialize from String value ('x')" + at + "line: 1, column: 11]" + chain + "[\"config\"])"},
	{`{"config":" "}`, "Cannot coerce empty String (\"\") to element of `java.util.LinkedHashMap<java.lang.String,java.lang.String>` (but could if coercion was enabled using `CoercionConfig`)" + at + "line: 1, column: 11]" + chain + "[\"config\"])"},
	{`{"config":true}`, "Cannot deserialize value of type `java.util.LinkedHashMap<java.lang.String,java.lang.String>` from Boolean value (token `JsonToken.VALUE_TRUE`)" + at + "line: 1, column: 11]" + chain + "[\"config\"])"},
	{`{"config":1.5}`, "Cannot deserialize value of type `java.util.LinkedHashMap<java.lang.String,java.lang.String>` from Floating-point value (token `JsonToken.VALUE_NUMBER_FLOAT`)" + at + "line: 1, column: 11]" + chain + "[\"config\"])"},
	{`{"config":{"k":["v"]}}`, "Cannot deserialize value of type `java.lang.String` from Array value (token `JsonToken.START_ARRAY`)" + at + "line: 1, column: 16]" + chain + "[\"config\"]->java.util.LinkedHashMap[\"k\"])"},
	// Parse errors inside the map do not name the key.
	{`{"config":{"k":"a\qb"}}`, "Unrecognized character escape 'q' (code 113)" + at + "line: 1, column: 19]" + chain + "[\"config\"])"},
	{`{"config":{"k" 1}}`, "Unexpected character ('1' (code 49)): was expecting a colon to separate field name and value" + at + "line: 1, column: 16]" + chain + "[\"config\"])"},
	{`{"initial_state":"go"}`, "Cannot construct instance of `org.apache.kafka.connect.runtime.rest.entities.CreateConnectorRequest$InitialState`, problem: No enum constant org.apache.kafka.connect.runtime.rest.entities.CreateConnectorRequest.InitialState.GO" + at + "line: 1, column: 18]" + chain + "[\"initial_state\"])"},
	{`{"initial_state":1}`, "Cannot construct instance of `org.apache.kafka.connect.runtime.rest.entities.CreateConnectorRequest$InitialState`, problem: No enum constant org.apache.kafka.connect.runtime.rest.entities.CreateConnectorRequest.InitialState.1" + at + "line: 1, column: 18]" + chain + "[\"initial_state\"])"},
	// Unknown fields: reported after the object is read...
	{`{"name":"a","tasks.max":"1","config":{}}`, "Unrecognized field \"tasks.max\" (class org.apache.kafka.connect.runtime.rest.entities.CreateConnectorRequest), not marked as ignorable (3 known properties: \"config\", \"name\", \"initial_state\"])" + at + "line: 1, column: 40]" + chain + "[\"tasks.max\"])"},
	// ... or once all three known fields have been seen (one token later)...
	{`{"x":1,"name":"a","config":{},"initial_state":"PAUSED","y":2}`, "Unrecognized field \"x\" (class org.apache.kafka.connect.runtime.rest.entities.CreateConnectorRequest), not marked as ignorable (3 known properties: \"config\", \"name\", \"initial_state\"])" + at + "line: 1, column: 60]" + chain + "[\"x\"])"},
	// ... and at once after that.
	{`{"name":"a","config":{},"initial_state":null,"y":"z"}`, "Unrecognized field \"y\" (class org.apache.kafka.connect.runtime.rest.entities.CreateConnectorRequest), not marked as ignorable (3 known properties: \"config\", \"name\", \"initial_state\"])" + at + "line: 1, column: 50]" + chain + "[\"y\"])"},
	// A syntax error before the end wins over an unknown field.
	{`{"x":1,"name":"a",}`, "Unexpected character ('}' (code 125)): was expecting double-quote to start field name" + at + "line: 1, column: 19]"},
}

func TestDecodeCreateConnectorRequestErrors(t *testing.T) {
	for _, tc := range decodeErrorCases {
		_, err := decodeCreateConnectorRequest([]byte(tc.body))
		if err == nil {
			t.Errorf("%q: no error", tc.body)
			continue
		}
		if err.Error() != tc.msg {
			t.Errorf("%q:\n got  %q\n want %q", tc.body, err.Error(), tc.msg)
		}
		if statusOf(err) != 400 {
			t.Errorf("%q: status %d", tc.body, statusOf(err))
		}
	}
}

func TestDecodeCreateConnectorRequest(t *testing.T) {
	paused, running := entities.InitialPaused, entities.InitialRunning
	cases := []struct {
		body string
		want entities.CreateConnectorRequest
	}{
		{`{"name":"c","config":{"a":"b"}}`, entities.CreateConnectorRequest{Name: "c", Config: map[string]string{"a": "b"}}},
		// Scalars become their text, as Jackson binds them to String.
		{`{"name":42,"config":{"tasks.max":1,"enabled":true,"ratio":1.50,"big":1E+400,"neg":-0}}`, entities.CreateConnectorRequest{
			Name: "42", Config: map[string]string{"tasks.max": "1", "enabled": "true", "ratio": "1.50", "big": "1E+400", "neg": "-0"}}},
		// Nulls: a null config is nil, a null entry is dropped, later
		// duplicates win.
		{`{"name":null,"config":null}`, entities.CreateConnectorRequest{}},
		{`{"config":{"a":"1","b":null,"a":"2","c":"x","c":null}}`, entities.CreateConnectorRequest{Config: map[string]string{"a": "2"}}},
		{`{"name":"a","name":"b"}`, entities.CreateConnectorRequest{Name: "b"}},
		{`{"initial_state":"paused","name":"c","config":{},"initial_state":"Running"}`, entities.CreateConnectorRequest{
			Name: "c", Config: map[string]string{}, InitialState: &running}},
		{`{"initial_state":"PAUSED"}`, entities.CreateConnectorRequest{InitialState: &paused}},
		// Escapes, surrogate pairs and a byte order mark.
		{"\xef\xbb\xbf" + `{"name":"\u0041\ud83d\ude00\/\"\\\b\f\n\r\t","config":{"\u006b":"é"}}`, entities.CreateConnectorRequest{
			Name: "A😀/\"\\\b\f\n\r\t", Config: map[string]string{"k": "é"}}},
		// Lone surrogates become U+FFFD.
		{`{"name":"\ud83dx\ude00"}`, entities.CreateConnectorRequest{Name: "\uFFFDx\uFFFD"}},
		// Jackson stops after the root value: trailing bytes are ignored.
		{`{"name":"c"} trailing {garbage`, entities.CreateConnectorRequest{Name: "c"}},
		{" \t\r\n{ \"name\" : \"c\" } ", entities.CreateConnectorRequest{Name: "c"}},
	}
	for _, tc := range cases {
		got, err := decodeCreateConnectorRequest([]byte(tc.body))
		if err != nil {
			t.Errorf("%q: %v", tc.body, err)
			continue
		}
		if got.Name != tc.want.Name || !maps.Equal(got.Config, tc.want.Config) || (got.Config == nil) != (tc.want.Config == nil) ||
			(got.InitialState == nil) != (tc.want.InitialState == nil) ||
			(got.InitialState != nil && *got.InitialState != *tc.want.InitialState) {
			t.Errorf("%q:\n got  %+v\n want %+v", tc.body, got, tc.want)
		}
	}
}

func TestDecodeEmptyBodies(t *testing.T) {
	for _, body := range []string{"", "  \n\t", "null", "\xef\xbb\xbf"} {
		_, err := decodeCreateConnectorRequest([]byte(body))
		if err == nil || err.Error() != "HTTP 400 Bad Request" || statusOf(err) != 400 {
			t.Errorf("%q: %v", body, err)
		}
	}
}

func TestNestingLimit(t *testing.T) {
	deep := `{"x":` + strings.Repeat("[", 2000) + strings.Repeat("]", 2000) + `}`
	_, err := decodeCreateConnectorRequest([]byte(deep))
	want := "Document nesting depth (1001) exceeds the maximum allowed (1000, from `StreamReadConstraints.getMaxNestingDepth()`)"
	if err == nil || err.Error() != want {
		t.Errorf("got %v", err)
	}
	ok := `{"x":` + strings.Repeat("[", 998) + strings.Repeat("]", 998) + `,"name":"c"}`
	if _, err := decodeCreateConnectorRequest([]byte(ok)); err == nil || !strings.HasPrefix(err.Error(), `Unrecognized field "x"`) {
		t.Errorf("depth 999: %v", err)
	}
}

// FuzzCreateConnectorBody: the POST /connectors decoder never panics,
// every rejection is a 400, and any body it accepts is valid JSON (its
// first value) for encoding/json too. Through the whole handler, garbage
// never gets a 500 and every answer is JSON.
func FuzzCreateConnectorBody(f *testing.F) {
	srv, err := New(Config{}, newFakeHerder(), zerolog.Nop())
	if err != nil {
		f.Fatal(err)
	}
	for _, tc := range decodeErrorCases {
		f.Add([]byte(tc.body))
	}
	for _, s := range []string{
		`{"name":"c","config":{"a":"b"},"initial_state":"paused"}`,
		`{"name":"c","config":{"tasks.max":1,"x":null}}`,
		`{"name":"\ud83d\ude00","config":{}}`, "", "null", `[1,{"a":[]}]`, `{"x":{"y":[1,2,{"z":null}]}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		rec := httptest.NewRecorder()
		hreq := httptest.NewRequest("POST", "/connectors", bytes.NewReader(body))
		hreq.Header.Set("Content-Type", "application/json")
		srv.Handler().ServeHTTP(rec, hreq)
		if rec.Code >= 500 || !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("%q: %d %s", body, rec.Code, rec.Body)
		}

		req, err := decodeCreateConnectorRequest(body)
		if err != nil {
			if statusOf(err) != 400 {
				t.Fatalf("%q: status %d for %v", body, statusOf(err), err)
			}
			return
		}
		if !utf8.ValidString(req.Name) {
			t.Fatalf("%q: invalid UTF-8 name %q", body, req.Name)
		}
		dec := json.NewDecoder(strings.NewReader(strings.TrimPrefix(string(body), "\xef\xbb\xbf")))
		var v any
		if err := dec.Decode(&v); err != nil {
			t.Fatalf("%q accepted, but encoding/json says %v", body, err)
		}
	})
}

// FuzzJSONReader: the reader accepts every well-formed JSON document
// (within its nesting limit) and never panics on anything else.
func FuzzJSONReader(f *testing.F) {
	for _, s := range []string{`{}`, `[]`, `"x"`, `-0.5e-3`, `[1,"a",{"b":null,"c":[true,false]}]`, `{"a":"\u00e9\n"}`, `{,}`, `[1,]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		r := newJSONReader(body)
		tok, err := r.next()
		if err == nil && tok != tokNone {
			err = r.skip(tok)
		}
		deep := strings.Count(string(body), "[")+strings.Count(string(body), "{") > 900
		if json.Valid(body) && utf8.Valid(body) && !deep && err != nil {
			t.Fatalf("%q is valid JSON but: %v", body, err)
		}
	})
}
