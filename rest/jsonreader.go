package rest

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// jsonReader is a pull parser for request bodies. It accepts exactly the JSON
// that Jackson's default parser (the one behind Java Connect's REST API)
// accepts and, when it rejects a body, fails with the message Jackson would
// give, including its "line: L, column: C" location, so clients that show or
// match Connect's error texts see the same thing.
//
// Behaviour copied from Jackson 2.16's UTF8StreamJsonParser:
//   - string values are read lazily (str), which decides whether a broken
//     string is reported with the property path or without it;
//   - after a field name the value token is read at once and held back;
//   - parsing stops after the root value: trailing bytes are never read
//     (Jackson's FAIL_ON_TRAILING_TOKENS is off in Connect);
//   - columns count bytes, 1-based, and point at the last byte consumed
//     (one past it at the end of the input, as Jackson 2.21 reports it);
//   - nesting deeper than 1000 levels is rejected.
type jsonReader struct {
	in       []byte
	pos      int // bytes consumed
	line     int
	rowStart int

	scopes []jsonScope

	// done: the root value is complete; Jackson reads no further, so
	// trailing bytes are never looked at.
	done bool

	tok    jsonToken // last token returned (Jackson's currentToken)
	tokLoc jsonLoc   // where it started
	text   string    // field name or number text; string value once read
	// strOpen: tok is a string value whose contents have not been read
	// yet; pos is just after its opening quote.
	strOpen bool

	// After a field name, the value token already parsed.
	held     bool
	heldTok  jsonToken
	heldLoc  jsonLoc
	heldText string
}

type jsonToken int

const (
	tokNone jsonToken = iota // nothing yet, or end of input at the root
	tokStartObject
	tokEndObject
	tokStartArray
	tokEndArray
	tokFieldName
	tokString
	tokInt
	tokFloat
	tokTrue
	tokFalse
	tokNull
)

// jacksonName is the token's name in Jackson's JsonToken enum ("null" for
// none, as Java prints a null reference).
func (t jsonToken) jacksonName() string {
	return [...]string{"null", "START_OBJECT", "END_OBJECT", "START_ARRAY", "END_ARRAY", "FIELD_NAME",
		"VALUE_STRING", "VALUE_NUMBER_INT", "VALUE_NUMBER_FLOAT", "VALUE_TRUE", "VALUE_FALSE", "VALUE_NULL"}[t]
}

// valueDesc is Jackson's JsonToken.valueDescFor.
func (t jsonToken) valueDesc() string {
	switch t {
	case tokStartObject, tokEndObject, tokFieldName:
		return "Object value"
	case tokStartArray, tokEndArray:
		return "Array value"
	case tokTrue, tokFalse:
		return "Boolean value"
	case tokFloat:
		return "Floating-point value"
	case tokInt:
		return "Integer value"
	case tokString:
		return "String value"
	case tokNull:
		return "Null value"
	}
	return "<end of input>"
}

type scopeKind uint8

const (
	scopeRoot scopeKind = iota
	scopeArray
	scopeObject
)

type jsonScope struct {
	kind  scopeKind
	start jsonLoc
	index int // entries started so far minus one (Jackson's _index)
}

func (s jsonScope) desc() string {
	return [...]string{"root", "Array", "Object"}[s.kind]
}

// maxNestingDepth is Jackson's StreamReadConstraints default.
const maxNestingDepth = 1000

// Jackson's wording for what a value may be.
const validValues = "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')"

// maxErrorTokenLength is how much of an unrecognized token Jackson quotes.
const maxErrorTokenLength = 256

func newJSONReader(in []byte) *jsonReader {
	r := &jsonReader{in: in, line: 1}
	// Jackson skips a UTF-8 byte order mark and counts columns after it.
	if len(in) >= 3 && in[0] == 0xEF && in[1] == 0xBB && in[2] == 0xBF {
		r.pos, r.rowStart = 3, 3
	}
	r.scopes = []jsonScope{{kind: scopeRoot, start: jsonLoc{line: 1}, index: -1}}
	return r
}

// loc is the current location: the last byte consumed.
func (r *jsonReader) loc() jsonLoc { return jsonLoc{line: r.line, col: r.pos - r.rowStart} }

func (r *jsonReader) fail(format string, args ...any) error {
	return &jacksonError{msg: fmt.Sprintf(format, args...), loc: r.loc()}
}

// failEOF reports running out of input. Jackson 2.21 (what Java Connect
// 4.3 ships) places it one past the last byte.
func (r *jsonReader) failEOF(suffix string) error {
	loc := r.loc()
	loc.col++
	return &jacksonError{msg: "Unexpected end-of-input" + suffix, loc: loc}
}

func (r *jsonReader) unexpectedChar(c rune, comment string) error {
	return r.fail("Unexpected character (%s): %s", charDesc(c), comment)
}

func (r *jsonReader) top() *jsonScope { return &r.scopes[len(r.scopes)-1] }

// next advances to the next token. At the end of a document it returns
// tokNone once the root value is complete; running out of input inside a
// container is an error.
func (r *jsonReader) next() (jsonToken, error) {
	if r.strOpen {
		if _, err := r.str(); err != nil {
			return tokNone, err
		}
	}
	if r.held {
		r.held = false
		r.tok, r.tokLoc, r.text = r.heldTok, r.heldLoc, r.heldText
		r.strOpen = r.tok == tokString
		return r.tok, r.enter(r.tok)
	}
	if r.done {
		r.tok, r.strOpen = tokNone, false
		return tokNone, nil
	}
	c, ok, err := r.skipWS()
	if err != nil {
		return tokNone, err
	}
	top := r.top()
	if !ok {
		if top.kind == scopeRoot {
			r.tok = tokNone
			return tokNone, nil
		}
		return tokNone, r.failEOF(fmt.Sprintf(": expected close marker for %s (start marker at %s)", top.desc(), top.start))
	}
	if c == ']' || c == '}' {
		return r.closeScope(c)
	}
	top.index++
	if top.kind != scopeRoot && top.index > 0 {
		if c != ',' {
			return tokNone, r.unexpectedChar(rune(c), "was expecting comma to separate "+top.desc()+" entries")
		}
		if c, ok, err = r.skipWS(); err != nil {
			return tokNone, err
		} else if !ok {
			return tokNone, r.failEOF(" within/between " + top.desc() + " entries")
		}
	}
	if top.kind != scopeObject {
		return r.value(c)
	}

	// A field name, then a colon, then the start of the value.
	if c != '"' {
		ch, err := r.decodeForError(c)
		if err != nil {
			return tokNone, err
		}
		return tokNone, r.unexpectedChar(ch, "was expecting double-quote to start field name")
	}
	nameLoc := r.loc()
	name, err := r.scanString("name")
	if err != nil {
		return tokNone, err
	}
	r.tok, r.tokLoc, r.text, r.strOpen = tokFieldName, nameLoc, name, false
	gotColon := false
	for {
		c, ok, err = r.skipWS()
		if err != nil {
			return tokNone, err
		}
		if !ok {
			return tokNone, r.failEOF(" within/between Object entries")
		}
		if gotColon {
			break
		}
		if c != ':' {
			return tokNone, r.unexpectedChar(rune(c), "was expecting a colon to separate field name and value")
		}
		gotColon = true
	}
	t, loc, text, err := r.valueStart(c)
	if err != nil {
		return tokNone, err
	}
	r.held, r.heldTok, r.heldLoc, r.heldText = true, t, loc, text
	return tokFieldName, nil
}

// value parses a value starting with c (consumed) outside an object.
func (r *jsonReader) value(c byte) (jsonToken, error) {
	t, loc, text, err := r.valueStart(c)
	if err != nil {
		return tokNone, err
	}
	r.tok, r.tokLoc, r.text, r.strOpen = t, loc, text, t == tokString
	if len(r.scopes) == 1 && t != tokStartArray && t != tokStartObject {
		r.done = true
	}
	return t, r.enter(t)
}

// enter opens a scope for a container token.
func (r *jsonReader) enter(t jsonToken) error {
	var kind scopeKind
	switch t {
	case tokStartArray:
		kind = scopeArray
	case tokStartObject:
		kind = scopeObject
	default:
		return nil
	}
	if len(r.scopes) > maxNestingDepth {
		return &jacksonError{msg: fmt.Sprintf("Document nesting depth (%d) exceeds the maximum allowed (%d, from `StreamReadConstraints.getMaxNestingDepth()`)",
			len(r.scopes), maxNestingDepth)}
	}
	r.scopes = append(r.scopes, jsonScope{kind: kind, start: r.tokLoc, index: -1})
	return nil
}

func (r *jsonReader) closeScope(c byte) (jsonToken, error) {
	top := *r.top()
	r.tokLoc = r.loc()
	if c == ']' && top.kind != scopeArray {
		return tokNone, r.fail("Unexpected close marker ']': expected '}' (for %s starting at %s)", top.desc(), top.start)
	}
	if c == '}' && top.kind != scopeObject {
		return tokNone, r.fail("Unexpected close marker '}': expected ']' (for %s starting at %s)", top.desc(), top.start)
	}
	r.scopes = r.scopes[:len(r.scopes)-1]
	r.done = len(r.scopes) == 1
	r.tok, r.text = tokEndObject, ""
	if c == ']' {
		r.tok = tokEndArray
	}
	return r.tok, nil
}

// valueStart reads the token a value starts with (c, already consumed).
// Strings are left open; numbers and literals are read whole.
func (r *jsonReader) valueStart(c byte) (jsonToken, jsonLoc, string, error) {
	loc := r.loc()
	var err error
	switch {
	case c == '"':
		return tokString, loc, "", nil
	case c == '[':
		return tokStartArray, loc, "", nil
	case c == '{':
		return tokStartObject, loc, "", nil
	case c == 't':
		return tokTrue, loc, "true", r.matchToken("true")
	case c == 'f':
		return tokFalse, loc, "false", r.matchToken("false")
	case c == 'n':
		return tokNull, loc, "null", r.matchToken("null")
	case c == '-' || (c >= '0' && c <= '9'):
		t, text, err := r.number(c)
		return t, loc, text, err
	case c == ']' || c == ',' || c == '}':
		err = r.unexpectedChar(rune(c), "expected a valid value "+validValues)
	case c == 'N' || c == 'I':
		word := "NaN"
		if c == 'I' {
			word = "Infinity"
		}
		if err = r.matchToken(word); err == nil {
			err = r.fail("Non-standard token '%s': enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow", word)
		}
	case c == '+':
		if r.pos >= len(r.in) {
			return tokNone, loc, "", r.failEOF(" in a Number value")
		}
		r.pos++
		err = r.fail("Unexpected character ('+' (code 43)) in numeric value: JSON spec does not allow numbers to have plus signs: enable `JsonReadFeature.ALLOW_LEADING_PLUS_SIGN_FOR_NUMBERS` to allow")
	case javaIdentifierStart(rune(c)):
		err = r.invalidToken(string(rune(c)))
	default:
		err = r.unexpectedChar(rune(c), "expected a valid value "+validValues)
	}
	return tokNone, loc, "", err
}

// matchToken checks the rest of a literal whose first byte was consumed.
func (r *jsonReader) matchToken(word string) error {
	for i := 1; i < len(word); i++ {
		if r.pos >= len(r.in) || r.in[r.pos] != word[i] {
			return r.invalidToken(word[:i])
		}
		r.pos++
	}
	if r.pos < len(r.in) {
		if c := r.in[r.pos]; c >= '0' && c != ']' && c != '}' {
			save := r.pos
			ch, err := r.decodeForError(r.in[r.pos])
			r.pos = save
			if err == nil && javaIdentifierPart(ch) {
				return r.invalidToken(word)
			}
		}
	}
	return nil
}

// invalidToken reports an unrecognized token: what was matched plus the
// identifier characters that follow (the first other character is
// consumed, as Jackson does).
func (r *jsonReader) invalidToken(matched string) error {
	var sb strings.Builder
	sb.WriteString(matched)
	n := utf8.RuneCountInString(matched)
	for r.pos < len(r.in) {
		b := r.in[r.pos]
		r.pos++
		ch, err := r.decodeForError(b)
		if err != nil {
			return err
		}
		if !javaIdentifierPart(ch) {
			break
		}
		sb.WriteRune(ch)
		if n++; n >= maxErrorTokenLength {
			sb.WriteString("...")
			break
		}
	}
	return r.fail("Unrecognized token '%s': was expecting %s", sb.String(), validValues)
}

// skipWS consumes white space and returns the next byte (consumed); ok is
// false at the end of input.
func (r *jsonReader) skipWS() (byte, bool, error) {
	for r.pos < len(r.in) {
		c := r.in[r.pos]
		r.pos++
		switch {
		case c == '/':
			return 0, false, r.unexpectedChar('/', "maybe a (non-standard) comment? (not recognized as one since Feature 'ALLOW_COMMENTS' not enabled for parser)")
		case c > ' ':
			return c, true, nil
		case c == ' ' || c == '\t':
		case c == '\n':
			r.line++
			r.rowStart = r.pos
		case c == '\r':
			if r.pos < len(r.in) && r.in[r.pos] == '\n' {
				r.pos++
			}
			r.line++
			r.rowStart = r.pos
		default:
			return 0, false, r.fail("Illegal character (%s): only regular white space (\\r, \\n, \\t) is allowed between tokens", charDesc(rune(c)))
		}
	}
	return 0, false, nil
}
