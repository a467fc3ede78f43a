package converters

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// This file parses JSON into a small node tree with the semantics Connect's
// JsonDeserializer gets from Jackson's ObjectMapper.readTree: numbers keep
// their exact value (integers as int/long/BigInteger, anything with a
// fraction or exponent as BigDecimal, USE_BIG_DECIMAL_FOR_FLOATS), leading
// zeros are allowed (ALLOW_LEADING_ZEROS_FOR_NUMBERS), duplicate object keys
// keep the last value at the first key's position, content after the root
// value is ignored (FAIL_ON_TRAILING_TOKENS is off) and empty input is a
// "missing" node. Limits follow Jackson 2.16's StreamReadConstraints.

type jsonKind uint8

const (
	jsonMissing jsonKind = iota
	jsonNull
	jsonBool
	jsonNumber
	jsonString
	jsonArray
	jsonObject
)

// nodeTypeName is Jackson's JsonNodeType name, used in Connect's messages.
func (k jsonKind) nodeTypeName() string {
	return [...]string{"MISSING", "NULL", "BOOLEAN", "NUMBER", "STRING", "ARRAY", "OBJECT"}[k]
}

type jsonNode struct {
	kind jsonKind
	b    bool
	s    string // string value, or a number's literal text
	num  *jsonNum
	arr  []*jsonNode
	keys []string
	vals []*jsonNode
}

// jsonNum is a parsed number. Integral literals are Jackson's IntNode,
// LongNode or BigIntegerNode; others are DecimalNode (unscaled × 10^-scale).
type jsonNum struct {
	integral bool
	i64      int64 // integral and fits a long
	fitsLong bool
	fitsInt  bool
	bigInt   *big.Int // integral, beyond long
	unscaled *big.Int // decimal
	scale    int64    // decimal
}

const (
	maxJSONDepth        = 1000
	maxJSONNumberLength = 1000
)

// get returns an object member, or nil.
func (n *jsonNode) get(key string) *jsonNode {
	if n == nil || n.kind != jsonObject {
		return nil
	}
	for i, k := range n.keys {
		if k == key {
			return n.vals[i]
		}
	}
	return nil
}

func (n *jsonNode) has(key string) bool { return n.get(key) != nil }

func (n *jsonNode) isNull() bool { return n == nil || n.kind == jsonNull || n.kind == jsonMissing }

// isInt is JsonNode.isInt: an integral literal that fits an int.
func (n *jsonNode) isInt() bool { return n.kind == jsonNumber && n.num.integral && n.num.fitsInt }

func (n *jsonNode) isIntegral() bool { return n.kind == jsonNumber && n.num.integral }

// intValue is JsonNode.intValue: the low 32 bits of the (truncated) number;
// 0 for non-numbers.
func (n *jsonNode) intValue() int32 { return int32(n.longValue()) }

// longValue is JsonNode.longValue: the low 64 bits of the (truncated)
// number; 0 for non-numbers.
func (n *jsonNode) longValue() int64 {
	if n.kind != jsonNumber {
		return 0
	}
	x := n.num
	switch {
	case x.integral && x.fitsLong:
		return x.i64
	case x.integral:
		return lowBits(x.bigInt)
	}
	// BigDecimal.longValue: truncate toward zero, keep the low 64 bits.
	if x.scale <= 0 {
		if -x.scale >= 64 { // × 10^k has 2^k as a factor: the low 64 bits are 0
			return 0
		}
		return lowBits(new(big.Int).Mul(x.unscaled, pow10(-x.scale)))
	}
	if x.scale > int64(len(x.unscaled.String())) {
		return 0
	}
	return lowBits(new(big.Int).Quo(x.unscaled, pow10(x.scale)))
}

func lowBits(x *big.Int) int64 {
	m := new(big.Int).And(x, new(big.Int).SetUint64(math.MaxUint64))
	return int64(m.Uint64())
}

// floatValue and doubleValue are correctly rounded, as Java's conversions
// of int, long, BigInteger and BigDecimal are; 0 for non-numbers.
func (n *jsonNode) floatValue() float32 {
	if n.kind != jsonNumber {
		return 0
	}
	f, _ := strconv.ParseFloat(n.s, 32)
	return float32(f)
}

func (n *jsonNode) doubleValue() float64 {
	if n.kind != jsonNumber {
		return 0
	}
	f, _ := strconv.ParseFloat(n.s, 64)
	return f
}

// decimal returns the number as unscaled × 10^-scale (JsonNode.decimalValue).
func (n *jsonNode) decimal() (*big.Int, int64) {
	x := n.num
	switch {
	case !x.integral:
		return x.unscaled, x.scale
	case x.fitsLong:
		return big.NewInt(x.i64), 0
	}
	return x.bigInt, 0
}

// binaryValue is JsonNode.binaryValue: base64 text decoded as Jackson's
// default variant does; nil for non-strings.
func (n *jsonNode) binaryValue() ([]byte, error) {
	if n.kind != jsonString {
		return nil, nil
	}
	return decodeJacksonBase64(n.s)
}

type jsonParser struct {
	data []byte
	pos  int
}

// parseJSON parses data as Connect's JsonDeserializer does.
func parseJSON(data []byte) (*jsonNode, error) {
	p := &jsonParser{data: data}
	if len(data) >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF {
		p.pos = 3
	}
	p.skipSpace()
	if p.pos >= len(p.data) {
		return &jsonNode{kind: jsonMissing}, nil
	}
	n, err := p.value(0)
	if err != nil {
		return nil, err
	}
	if n.kind == jsonNumber && p.pos < len(p.data) && !isJSONSpace(p.data[p.pos]) {
		return nil, p.errorf("Expected space separating root-level values")
	}
	return n, nil
}

func isJSONSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func (p *jsonParser) skipSpace() {
	for p.pos < len(p.data) && isJSONSpace(p.data[p.pos]) {
		p.pos++
	}
}

func (p *jsonParser) errorf(format string, args ...any) error {
	return fmt.Errorf("%s at offset %d", fmt.Sprintf(format, args...), p.pos)
}

func (p *jsonParser) unexpected() error {
	if p.pos >= len(p.data) {
		return p.errorf("Unexpected end-of-input")
	}
	return p.errorf("Unexpected character (%q)", p.data[p.pos])
}

func (p *jsonParser) value(depth int) (*jsonNode, error) {
	if p.pos >= len(p.data) {
		return nil, p.unexpected()
	}
	switch c := p.data[p.pos]; {
	case c == '{':
		return p.object(depth + 1)
	case c == '[':
		return p.array(depth + 1)
	case c == '"':
		s, err := p.str()
		if err != nil {
			return nil, err
		}
		return &jsonNode{kind: jsonString, s: s}, nil
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	case c == 't':
		return p.literal("true", &jsonNode{kind: jsonBool, b: true})
	case c == 'f':
		return p.literal("false", &jsonNode{kind: jsonBool})
	case c == 'n':
		return p.literal("null", &jsonNode{kind: jsonNull})
	}
	return nil, p.unexpected()
}

func (p *jsonParser) literal(word string, n *jsonNode) (*jsonNode, error) {
	end := p.pos + len(word)
	if end > len(p.data) || string(p.data[p.pos:end]) != word {
		return nil, p.errorf("Unrecognized token")
	}
	if end < len(p.data) {
		if c := p.data[end]; c == '_' || c == '$' || c >= 0x80 || (c|0x20 >= 'a' && c|0x20 <= 'z') || (c >= '0' && c <= '9') {
			return nil, p.errorf("Unrecognized token")
		}
	}
	p.pos = end
	return n, nil
}

func (p *jsonParser) object(depth int) (*jsonNode, error) {
	if depth > maxJSONDepth {
		return nil, p.errorf("Document nesting depth exceeds the maximum allowed (%d)", maxJSONDepth)
	}
	p.pos++ // {
	n := &jsonNode{kind: jsonObject}
	var index map[string]int
	p.skipSpace()
	if p.pos < len(p.data) && p.data[p.pos] == '}' {
		p.pos++
		return n, nil
	}
	for {
		p.skipSpace()
		if p.pos >= len(p.data) || p.data[p.pos] != '"' {
			return nil, p.unexpected()
		}
		key, err := p.str()
		if err != nil {
			return nil, err
		}
		p.skipSpace()
		if p.pos >= len(p.data) || p.data[p.pos] != ':' {
			return nil, p.unexpected()
		}
		p.pos++
		p.skipSpace()
		v, err := p.value(depth)
		if err != nil {
			return nil, err
		}
		if index == nil {
			index = map[string]int{}
		}
		if i, dup := index[key]; dup {
			n.vals[i] = v
		} else {
			index[key] = len(n.keys)
			n.keys = append(n.keys, key)
			n.vals = append(n.vals, v)
		}
		p.skipSpace()
		if p.pos >= len(p.data) {
			return nil, p.unexpected()
		}
		switch p.data[p.pos] {
		case ',':
			p.pos++
		case '}':
			p.pos++
			return n, nil
		default:
			return nil, p.unexpected()
		}
	}
}

func (p *jsonParser) array(depth int) (*jsonNode, error) {
	if depth > maxJSONDepth {
		return nil, p.errorf("Document nesting depth exceeds the maximum allowed (%d)", maxJSONDepth)
	}
	p.pos++ // [
	n := &jsonNode{kind: jsonArray}
	p.skipSpace()
	if p.pos < len(p.data) && p.data[p.pos] == ']' {
		p.pos++
		return n, nil
	}
	for {
		p.skipSpace()
		v, err := p.value(depth)
		if err != nil {
			return nil, err
		}
		n.arr = append(n.arr, v)
		p.skipSpace()
		if p.pos >= len(p.data) {
			return nil, p.unexpected()
		}
		switch p.data[p.pos] {
		case ',':
			p.pos++
		case ']':
			p.pos++
			return n, nil
		default:
			return nil, p.unexpected()
		}
	}
}

var errBadEscape = errors.New("Unrecognized character escape")

// str parses a string literal; p.pos is at the opening quote.
func (p *jsonParser) str() (string, error) {
	p.pos++
	start := p.pos
	// Fast path: no escapes.
	for p.pos < len(p.data) {
		c := p.data[p.pos]
		if c == '"' {
			raw := p.data[start:p.pos]
			if !utf8.Valid(raw) {
				return "", p.errorf("Invalid UTF-8 in string")
			}
			p.pos++
			return string(raw), nil
		}
		if c == '\\' || c < 0x20 {
			break
		}
		p.pos++
	}
	buf := append([]byte(nil), p.data[start:p.pos]...)
	for {
		if p.pos >= len(p.data) {
			return "", p.errorf("Unexpected end-of-input in a String value")
		}
		c := p.data[p.pos]
		switch {
		case c == '"':
			p.pos++
			if !utf8.Valid(buf) {
				return "", p.errorf("Invalid UTF-8 in string")
			}
			return string(buf), nil
		case c < 0x20:
			return "", p.errorf("Illegal unquoted character (CTRL-CHAR, code %d): has to be escaped using backslash to be included in string value", c)
		case c != '\\':
			buf = append(buf, c)
			p.pos++
			continue
		}
		p.pos++
		if p.pos >= len(p.data) {
			return "", p.errorf("Unexpected end-of-input in character escape sequence")
		}
		e := p.data[p.pos]
		p.pos++
		switch e {
		case '"', '\\', '/':
			buf = append(buf, e)
		case 'b':
			buf = append(buf, '\b')
		case 'f':
			buf = append(buf, '\f')
		case 'n':
			buf = append(buf, '\n')
		case 'r':
			buf = append(buf, '\r')
		case 't':
			buf = append(buf, '\t')
		case 'u':
			r, err := p.hex4()
			if err != nil {
				return "", err
			}
			if utf16.IsSurrogate(r) && r < 0xDC00 && p.pos+1 < len(p.data) && p.data[p.pos] == '\\' && p.data[p.pos+1] == 'u' {
				save := p.pos
				p.pos += 2
				r2, err := p.hex4()
				if err == nil && r2 >= 0xDC00 && r2 <= 0xDFFF {
					r = utf16.DecodeRune(r, r2)
				} else {
					p.pos = save
				}
			}
			buf = utf8.AppendRune(buf, r) // a lone surrogate becomes U+FFFD
		default:
			p.pos--
			return "", fmt.Errorf("%w %q at offset %d", errBadEscape, e, p.pos)
		}
	}
}

func (p *jsonParser) hex4() (rune, error) {
	if p.pos+4 > len(p.data) {
		return 0, p.errorf("Unexpected end-of-input in character escape sequence")
	}
	v, err := strconv.ParseUint(string(p.data[p.pos:p.pos+4]), 16, 32)
	if err != nil {
		return 0, p.errorf("Unexpected character in character escape sequence: expected a hex-digit")
	}
	p.pos += 4
	return rune(v), nil
}

// number parses -?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?, leading zeros allowed.
func (p *jsonParser) number() (*jsonNode, error) {
	start := p.pos
	digits := func() int {
		s := p.pos
		for p.pos < len(p.data) && p.data[p.pos] >= '0' && p.data[p.pos] <= '9' {
			p.pos++
		}
		return p.pos - s
	}
	if p.data[p.pos] == '-' {
		p.pos++
	}
	intStart := p.pos
	if digits() == 0 {
		return nil, p.errorf("Unexpected character after '-': expected digit")
	}
	intDigits := string(p.data[intStart:p.pos])
	fracDigits := ""
	integral := true
	if p.pos < len(p.data) && p.data[p.pos] == '.' {
		p.pos++
		fs := p.pos
		if digits() == 0 {
			return nil, p.errorf("Decimal point not followed by a digit")
		}
		fracDigits = string(p.data[fs:p.pos])
		integral = false
	}
	var exp int64
	if p.pos < len(p.data) && (p.data[p.pos] == 'e' || p.data[p.pos] == 'E') {
		p.pos++
		neg := false
		if p.pos < len(p.data) && (p.data[p.pos] == '+' || p.data[p.pos] == '-') {
			neg = p.data[p.pos] == '-'
			p.pos++
		}
		es := p.pos
		if digits() == 0 {
			return nil, p.errorf("Exponent indicator not followed by a digit")
		}
		e, err := strconv.ParseInt(string(p.data[es:p.pos]), 10, 32)
		if err != nil {
			return nil, p.errorf("Exponent overflow")
		}
		if neg {
			e = -e
		}
		exp = e
		integral = false
	}
	text := string(p.data[start:p.pos])
	if len(text) > maxJSONNumberLength {
		return nil, p.errorf("Number value length (%d) exceeds the maximum allowed (%d)", len(text), maxJSONNumberLength)
	}
	neg := p.data[start] == '-'
	x := &jsonNum{integral: integral}
	if integral {
		if v, err := strconv.ParseInt(text, 10, 64); err == nil {
			x.i64, x.fitsLong = v, true
			x.fitsInt = v >= math.MinInt32 && v <= math.MaxInt32
		} else {
			x.bigInt, _ = new(big.Int).SetString(text, 10)
		}
	} else {
		u, _ := new(big.Int).SetString(intDigits+fracDigits, 10)
		if neg {
			u.Neg(u)
		}
		x.unscaled = u
		x.scale = int64(len(fracDigits)) - exp
		if x.scale > math.MaxInt32 || x.scale < math.MinInt32 {
			return nil, p.errorf("Exponent overflow")
		}
	}
	return &jsonNode{kind: jsonNumber, s: text, num: x}, nil
}
