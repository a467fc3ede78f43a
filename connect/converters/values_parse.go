package converters

import (
	"errors"
	"reflect"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/ferrykafka/ferry/connect"
)

// schemaValue is Java's SchemaAndValue; a nil *schemaValue is Java's null.
type schemaValue struct {
	schema *connect.Schema
	value  any
}

// errValueTooLarge stands for the Throwables (out of memory on numbers with
// huge exponents) that make SimpleHeaderConverter fall back to bytes.
var errValueTooLarge = errors.New("number too large to convert")

// valuesParseString is Java's Values.parseString: it infers a schema and value
// from text (the inverse of valuesToString). Besides a DataError it can
// return errValueTooLarge.
func valuesParseString(s string) (*schemaValue, error) {
	if s == "" {
		return &schemaValue{connect.StringSchema, ""}, nil
	}
	p := &valuesParser{tok: &valuesTokenizer{original: s}}
	return p.parse(false, 0)
}

type valuesParser struct {
	tok *valuesTokenizer
}

// maxValuesDepth bounds recursion on deeply nested input.
const maxValuesDepth = 1000

var (
	trueValue  = &schemaValue{connect.BooleanSchema, true}
	falseValue = &schemaValue{connect.BooleanSchema, false}
)

func (p *valuesParser) canParseSingleTokenLiteral(embedded bool, literal string) bool {
	start := p.tok.mark()
	if p.tok.canConsume(literal) {
		if embedded || !p.tok.hasNext() {
			return true
		}
	}
	p.tok.rewindTo(start)
	return false
}

func (p *valuesParser) parse(embedded bool, depth int) (*schemaValue, error) {
	if depth > maxValuesDepth {
		return nil, dataErrorf("Value nesting is too deep")
	}
	switch {
	case !p.tok.hasNext():
		return nil, nil
	case embedded && p.tok.canConsume(`"`):
		return p.parseQuotedString()
	case p.canParseSingleTokenLiteral(embedded, "null"):
		return nil, nil
	case p.canParseSingleTokenLiteral(embedded, "true"):
		return trueValue, nil
	case p.canParseSingleTokenLiteral(embedded, "false"):
		return falseValue, nil
	}
	start := p.tok.mark()
	var sv *schemaValue
	var err error
	tried := true
	switch {
	case p.tok.canConsume("["):
		sv, err = p.parseArray(depth)
	case p.tok.canConsume("{"):
		sv, err = p.parseMap(depth)
	default:
		tried = false
	}
	if tried {
		if err == nil {
			return sv, nil
		}
		if !errors.Is(err, ErrData) {
			return nil, err
		}
		p.tok.rewindTo(start)
	}
	t := p.tok.nextToken()
	if isBlank(t) {
		return &schemaValue{connect.StringSchema, t}, nil
	}
	return p.parseNextToken(embedded, javaTrim(t))
}

func (p *valuesParser) parseNextToken(embedded bool, token string) (*schemaValue, error) {
	first, _ := utf8.DecodeRuneInString(token)
	isDigit := unicode.IsDigit(first)
	if isDigit {
		if t := p.parseMultipleTokensAsTemporal(token); t != nil {
			return t, nil
		}
	}
	if isDigit || first == '+' || first == '-' {
		sv, err := parseValuesNumber(token)
		if err != nil {
			return nil, err
		}
		if sv != nil {
			return sv, nil
		}
	}
	if embedded {
		return nil, dataErrorf("Failed to parse embedded value")
	}
	return &schemaValue{connect.StringSchema, p.tok.original}, nil
}

func (p *valuesParser) parseQuotedString() (*schemaValue, error) {
	var b strings.Builder
	for p.tok.hasNext() {
		if p.tok.canConsume(`"`) {
			break
		}
		b.WriteString(p.tok.nextToken())
	}
	content := b.String()
	if t := parseValuesTemporal(content); t != nil {
		return t, nil
	}
	return &schemaValue{connect.StringSchema, content}, nil
}

func (p *valuesParser) parseArray(depth int) (*schemaValue, error) {
	var result []any
	var merger schemaMerger
	for p.tok.hasNext() {
		if p.tok.canConsume("]") {
			listSchema := &connect.Schema{Type: connect.TypeArray}
			if merger.common != nil {
				listSchema.ValueSchema = merger.common
				aligned := make([]any, 0, len(result))
				for _, v := range result {
					nv, err := valuesConvertTo(merger.common, v)
					if err != nil {
						return nil, err
					}
					aligned = append(aligned, nv)
				}
				result = aligned
			}
			if result == nil {
				result = []any{}
			}
			return &schemaValue{listSchema, result}, nil
		}
		if p.tok.canConsume(",") {
			return nil, dataErrorf("Unable to parse an empty array element: %s", p.tok.original)
		}
		elem, err := p.parse(true, depth+1)
		if err != nil {
			return nil, err
		}
		merger.merge(elem)
		if elem != nil {
			result = append(result, elem.value)
		} else {
			result = append(result, nil)
		}
		pos := p.tok.mark()
		if p.tok.canConsume("]") {
			p.tok.rewindTo(pos)
		} else if !p.tok.canConsume(",") {
			return nil, dataErrorf("Array elements missing ',' delimiter")
		}
	}
	if prev, ok := p.tok.previousToken(); ok && prev == "," {
		return nil, dataErrorf("Array is missing element after ',': %s", p.tok.original)
	}
	return nil, dataErrorf("Array is missing terminating ']': %s", p.tok.original)
}

func (p *valuesParser) parseMap(depth int) (*schemaValue, error) {
	var keys, values []any
	var keyMerger, valueMerger schemaMerger
	for p.tok.hasNext() {
		if p.tok.canConsume("}") {
			mapSchema := &connect.Schema{Type: connect.TypeMap}
			switch {
			case keyMerger.common != nil && valueMerger.common != nil:
				mapSchema.KeySchema, mapSchema.ValueSchema = keyMerger.common, valueMerger.common
			case keyMerger.common != nil:
				mapSchema.KeySchema = keyMerger.common
			}
			m, err := buildValuesMap(keys, values, mapSchema.KeySchema, mapSchema.ValueSchema)
			if err != nil {
				return nil, err
			}
			return &schemaValue{mapSchema, m}, nil
		}
		if p.tok.canConsume(",") {
			return nil, dataErrorf("Unable to parse a map entry with no key or value: %s", p.tok.original)
		}
		key, err := p.parse(true, depth+1)
		if err != nil {
			return nil, err
		}
		if key == nil || key.value == nil {
			return nil, dataErrorf("Map entry may not have a null key: %s", p.tok.original)
		}
		if !p.tok.canConsume(":") {
			return nil, dataErrorf("Map entry is missing ':' at %d in %s", p.tok.position(), p.tok.original)
		}
		value, err := p.parse(true, depth+1)
		if err != nil {
			return nil, err
		}
		keys = append(keys, key.value)
		if value != nil {
			values = append(values, value.value)
		} else {
			values = append(values, nil)
		}
		p.tok.canConsume(",")
		keyMerger.merge(key)
		valueMerger.merge(value)
	}
	if prev, ok := p.tok.previousToken(); ok && prev == "," {
		return nil, dataErrorf("Map is missing element after ',': %s", p.tok.original)
	}
	return nil, dataErrorf("Map is missing terminating '}': %s", p.tok.original)
}

// buildValuesMap aligns keys (and values, when they have a common schema)
// with their schemas and builds the map: map[string]any when every key is a
// string, else map[any]any. Later duplicates win, as in Java's map.
func buildValuesMap(keys, values []any, ks, vs *connect.Schema) (any, error) {
	allStrings := true
	for i := range keys {
		var err error
		if ks != nil {
			if keys[i], err = valuesConvertTo(ks, keys[i]); err != nil {
				return nil, err
			}
			if vs != nil {
				if values[i], err = valuesConvertTo(vs, values[i]); err != nil {
					return nil, err
				}
			}
		}
		if _, ok := keys[i].(string); !ok {
			allStrings = false
		}
		if keys[i] == nil || !reflect.TypeOf(keys[i]).Comparable() {
			return nil, dataErrorf("Ferry cannot use a %s as a map key", javaClass(keys[i]))
		}
	}
	if allStrings {
		m := make(map[string]any, len(keys))
		for i, k := range keys {
			m[k.(string)] = values[i]
		}
		return m, nil
	}
	m := make(map[any]any, len(keys))
	for i, k := range keys {
		m[k] = values[i]
	}
	return m, nil
}

func (p *valuesParser) parseMultipleTokensAsTemporal(token string) *schemaValue {
	pos := p.tok.mark()
	if rest, ok := p.tok.nextN(4); ok {
		if t := parseValuesTemporal(token + rest); t != nil {
			return t
		}
	}
	p.tok.rewindTo(pos)
	return parseValuesTemporal(token)
}

// javaLength is String.length: UTF-16 code units.
func javaLength(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// parseValuesTemporal is ValueParser.parseAsTemporal: text of exactly the
// length of an ISO-8601 time (13), timestamp (24) or date (10) is parsed
// leniently with that pattern.
func parseValuesTemporal(token string) *schemaValue {
	token = strings.ReplaceAll(token, `\:`, ":")
	var layout []dateElem
	var schema *connect.Schema
	switch javaLength(token) {
	case 13:
		layout, schema = timeLayout, TimeSchema()
	case 24:
		layout, schema = timestampLayout, TimestampSchema()
	case 10:
		layout, schema = dateLayout, DateSchema()
	default:
		return nil
	}
	t, ok := parseLenientDate(token, layout)
	if !ok {
		return nil
	}
	return &schemaValue{schema, t}
}
