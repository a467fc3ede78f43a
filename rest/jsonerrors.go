package rest

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"

	"github.com/ferrykafka/ferry/connect/javajson"
)

// jsonLoc is a position in a request body as Jackson reports it: 1-based
// line, and the 1-based byte column of the last byte read (0: none).
type jsonLoc struct{ line, col int }

// redactedSource is how Jackson 2.16+ names the input in locations
// (StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION is off by default).
const redactedSource = "REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled)"

func (l jsonLoc) String() string {
	if l.col > 0 {
		return fmt.Sprintf("[Source: %s; line: %d, column: %d]", redactedSource, l.line, l.col)
	}
	return fmt.Sprintf("[Source: %s; line: %d]", redactedSource, l.line)
}

// jacksonError is a request body that could not be read, described as
// Jackson describes it: message, location, and for errors inside a
// property the reference chain, e.g.
//
//	Unexpected character ('}' (code 125)): was expecting double-quote to start field name
//	 at [Source: REDACTED (...); line: 1, column: 14] (through reference chain: ...["config"])
//
// Java Connect answers these with status 500 (its exception mapper treats
// them as unexpected); Ferry answers 400 with the same message.
type jacksonError struct {
	msg  string
	loc  jsonLoc  // line 0: no location
	path []string // reference chain, outermost first
}

func (e *jacksonError) Error() string {
	var sb strings.Builder
	sb.WriteString(e.msg)
	if e.loc.line > 0 {
		sb.WriteString("\n at ")
		sb.WriteString(e.loc.String())
	}
	if len(e.path) > 0 {
		sb.WriteString(" (through reference chain: ")
		sb.WriteString(strings.Join(e.path, "->"))
		sb.WriteString(")")
	}
	return sb.String()
}

// HTTPStatus makes an unreadable body a 400.
func (e *jacksonError) HTTPStatus() int { return 400 }

// withPath adds a reference to the front of err's chain (Jackson's
// prependPath, done as the error leaves a property or a map entry).
func withPath(err error, ref string) error {
	var je *jacksonError
	if errors.As(err, &je) {
		je.path = append([]string{ref}, je.path...)
	}
	return err
}

// javaRef is one element of a reference chain: Class["field"].
func javaRef(class, field string) string { return class + `["` + field + `"]` }

// Java types Jackson names in messages about request bodies.
const (
	javaString    = "java.lang.String"
	javaStringMap = "java.util.LinkedHashMap<java.lang.String,java.lang.String>"
	javaMapClass  = "java.util.LinkedHashMap"
)

// mismatch: a value of the wrong JSON shape for the target type.
func mismatch(typeDesc string, t jsonToken, loc jsonLoc) error {
	return &jacksonError{
		msg: fmt.Sprintf("Cannot deserialize value of type `%s` from %s (token `JsonToken.%s`)", typeDesc, t.valueDesc(), t.jacksonName()),
		loc: loc,
	}
}

// noCreator: a scalar where an object is needed.
func noCreator(class, detail string, loc jsonLoc) error {
	return &jacksonError{
		msg: fmt.Sprintf("Cannot construct instance of `%s` (although at least one Creator exists): %s", class, detail),
		loc: loc,
	}
}

// fromString: a JSON string where an object or map is needed; target
// describes the type for the empty-string case ("`X` value" or
// "element of `X`").
func fromString(class, target, s string, loc jsonLoc) error {
	if javaTrim(s) == "" { // empty or blank: Jackson names both "empty String"
		return &jacksonError{
			msg: fmt.Sprintf("Cannot coerce empty String (\"\") to %s (but could if coercion was enabled using `CoercionConfig`)", target),
			loc: loc,
		}
	}
	return noCreator(class, fmt.Sprintf("no String-argument constructor/factory method to deserialize from String value ('%s')", s), loc)
}

// fromScalar: a number or boolean where an object is needed.
func fromScalar(class string, t jsonToken, text string, loc jsonLoc) error {
	var detail string
	switch t {
	case tokTrue, tokFalse:
		detail = fmt.Sprintf("no boolean/Boolean-argument constructor/factory method to deserialize from boolean value (%s)", text)
	case tokInt:
		n, _ := new(big.Int).SetString(text, 10)
		switch {
		case n == nil:
			detail = fmt.Sprintf("no int/Int-argument constructor/factory method to deserialize from Number value (%s)", text)
		case n.IsInt64() && n.Int64() >= math.MinInt32 && n.Int64() <= math.MaxInt32:
			detail = fmt.Sprintf("no int/Int-argument constructor/factory method to deserialize from Number value (%s)", n)
		case n.IsInt64():
			detail = fmt.Sprintf("no long/Long-argument constructor/factory method to deserialize from Number value (%s)", n)
		default:
			detail = fmt.Sprintf("no BigInteger-argument constructor/factory method to deserialize from Number value (%s)", n)
		}
	default:
		f, _ := strconv.ParseFloat(text, 64) // overflow gives ±Inf, as in Java
		detail = fmt.Sprintf("no double/Double-argument constructor/factory method to deserialize from Number value (%s)", javajson.FormatDouble(f))
	}
	return noCreator(class, detail, loc)
}

// javaTrim trims what Java's String.trim trims: every char <= ' '.
func javaTrim(s string) string {
	return strings.TrimFunc(s, func(r rune) bool { return r <= ' ' })
}
