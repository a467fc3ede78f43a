package javajson

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// decoder parses JSON into Nodes. tree selects ReadTree's Jackson
// semantics; without it the JSON must be strict and numbers with a fraction
// or exponent are only read as float64.
type decoder struct {
	data []byte
	pos  int
	tree bool
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func (d *decoder) skipSpace() {
	for d.pos < len(d.data) && isSpace(d.data[d.pos]) {
		d.pos++
	}
}

func (d *decoder) errorf(format string, args ...any) error {
	return d.errorAt(d.pos, format, args...)
}

func (d *decoder) errorAt(offset int, format string, args ...any) error {
	return &SyntaxError{Offset: offset, Msg: fmt.Sprintf(format, args...)}
}

func (d *decoder) unexpected() error {
	if d.pos >= len(d.data) {
		return d.errorf("Unexpected end-of-input")
	}
	return d.errorf("Unexpected character (%q)", d.data[d.pos])
}

func (d *decoder) value(depth int) (*Node, error) {
	if d.pos >= len(d.data) {
		return nil, d.unexpected()
	}
	switch c := d.data[d.pos]; {
	case c == '{':
		return d.object(depth + 1)
	case c == '[':
		return d.array(depth + 1)
	case c == '"':
		s, err := d.string()
		if err != nil {
			return nil, err
		}
		return &Node{Kind: KindString, Text: s}, nil
	case c == '-' || (c >= '0' && c <= '9'):
		return d.number()
	case c == 't':
		return d.literal("true", &Node{Kind: KindBool, Bool: true})
	case c == 'f':
		return d.literal("false", &Node{Kind: KindBool})
	case c == 'n':
		return d.literal("null", &Node{Kind: KindNull})
	}
	return nil, d.unexpected()
}

// literal reads word; like Jackson, it refuses a word that runs on into
// identifier characters ("truex").
func (d *decoder) literal(word string, n *Node) (*Node, error) {
	end := d.pos + len(word)
	if end > len(d.data) || string(d.data[d.pos:end]) != word {
		return nil, d.errorf("Unrecognized token")
	}
	if end < len(d.data) {
		if c := d.data[end]; c == '_' || c == '$' || c >= 0x80 || (c|0x20 >= 'a' && c|0x20 <= 'z') || (c >= '0' && c <= '9') {
			return nil, d.errorf("Unrecognized token")
		}
	}
	d.pos = end
	return n, nil
}

func (d *decoder) object(depth int) (*Node, error) {
	n := &Node{Kind: KindObject}
	var index map[string]int
	err := d.container(depth, '}', func() error {
		if d.pos >= len(d.data) || d.data[d.pos] != '"' {
			return d.unexpected()
		}
		key, err := d.string()
		if err != nil {
			return err
		}
		d.skipSpace()
		if d.pos >= len(d.data) || d.data[d.pos] != ':' {
			return d.unexpected()
		}
		d.pos++
		d.skipSpace()
		v, err := d.value(depth)
		if err != nil {
			return err
		}
		if index == nil {
			index = map[string]int{}
		}
		if i, dup := index[key]; dup {
			n.Values[i] = v
		} else {
			index[key] = len(n.Keys)
			n.Keys = append(n.Keys, key)
			n.Values = append(n.Values, v)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return n, nil
}

func (d *decoder) array(depth int) (*Node, error) {
	n := &Node{Kind: KindArray}
	err := d.container(depth, ']', func() error {
		v, err := d.value(depth)
		if err != nil {
			return err
		}
		n.Elems = append(n.Elems, v)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return n, nil
}

// container parses an object or an array, d.pos at its opening bracket:
// item reads one member or element (spaces before it skipped), and items are
// separated by commas up to the closing bracket end.
func (d *decoder) container(depth int, end byte, item func() error) error {
	if depth > maxDepth {
		return d.errorf("Document nesting depth exceeds the maximum allowed (%d)", maxDepth)
	}
	d.pos++ // { or [
	d.skipSpace()
	if d.pos < len(d.data) && d.data[d.pos] == end {
		d.pos++
		return nil
	}
	for {
		d.skipSpace()
		if err := item(); err != nil {
			return err
		}
		d.skipSpace()
		if d.pos >= len(d.data) {
			return d.unexpected()
		}
		switch d.data[d.pos] {
		case ',':
			d.pos++
		case end:
			d.pos++
			return nil
		default:
			return d.unexpected()
		}
	}
}

// string parses a string literal; d.pos is at the opening quote. The
// contents must be valid UTF-8; a lone surrogate escape becomes U+FFFD.
func (d *decoder) string() (string, error) {
	d.pos++
	start := d.pos
	// Fast path: no escapes.
	for d.pos < len(d.data) {
		c := d.data[d.pos]
		if c == '"' {
			raw := d.data[start:d.pos]
			if !utf8.Valid(raw) {
				return "", d.errorf("Invalid UTF-8 in string")
			}
			d.pos++
			return string(raw), nil
		}
		if c == '\\' || c < 0x20 {
			break
		}
		d.pos++
	}
	buf := append([]byte(nil), d.data[start:d.pos]...)
	for {
		if d.pos >= len(d.data) {
			return "", d.errorf("Unexpected end-of-input in a String value")
		}
		c := d.data[d.pos]
		switch {
		case c == '"':
			d.pos++
			if !utf8.Valid(buf) {
				return "", d.errorf("Invalid UTF-8 in string")
			}
			return string(buf), nil
		case c < 0x20:
			return "", d.errorf("Illegal unquoted character (CTRL-CHAR, code %d): has to be escaped using backslash to be included in string value", c)
		case c != '\\':
			buf = append(buf, c)
			d.pos++
			continue
		}
		d.pos++
		if d.pos >= len(d.data) {
			return "", d.errorf("Unexpected end-of-input in character escape sequence")
		}
		e := d.data[d.pos]
		d.pos++
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
			r, err := d.hex4()
			if err != nil {
				return "", err
			}
			// A high surrogate followed by an escaped low one is one code
			// point; anything else is a lone surrogate.
			if utf16.IsSurrogate(r) && r < 0xDC00 && d.pos+1 < len(d.data) && d.data[d.pos] == '\\' && d.data[d.pos+1] == 'u' {
				save := d.pos
				d.pos += 2
				r2, err := d.hex4()
				if err == nil && r2 >= 0xDC00 && r2 <= 0xDFFF {
					r = utf16.DecodeRune(r, r2)
				} else {
					d.pos = save
				}
			}
			buf = utf8.AppendRune(buf, r) // a lone surrogate becomes U+FFFD
		default:
			return "", d.errorAt(d.pos-1, "Unrecognized character escape %q", e)
		}
	}
}

func (d *decoder) hex4() (rune, error) {
	if d.pos+4 > len(d.data) {
		return 0, d.errorf("Unexpected end-of-input in character escape sequence")
	}
	var r rune
	for _, c := range d.data[d.pos : d.pos+4] {
		r <<= 4
		switch {
		case c >= '0' && c <= '9':
			r |= rune(c - '0')
		case c >= 'a' && c <= 'f':
			r |= rune(c - 'a' + 10)
		case c >= 'A' && c <= 'F':
			r |= rune(c - 'A' + 10)
		default:
			return 0, d.errorf("Unexpected character in character escape sequence: expected a hex-digit")
		}
	}
	d.pos += 4
	return r, nil
}

// number parses -?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?; leading zeros only
// for ReadTree.
func (d *decoder) number() (*Node, error) {
	start := d.pos
	digits := func() int {
		s := d.pos
		for d.pos < len(d.data) && d.data[d.pos] >= '0' && d.data[d.pos] <= '9' {
			d.pos++
		}
		return d.pos - s
	}
	if d.data[d.pos] == '-' {
		d.pos++
	}
	intStart := d.pos
	if n := digits(); n == 0 {
		return nil, d.errorf("Unexpected character after '-': expected digit")
	} else if n > 1 && d.data[intStart] == '0' && !d.tree {
		return nil, d.errorAt(intStart, "Invalid numeric value: Leading zeroes not allowed")
	}
	intDigits := string(d.data[intStart:d.pos])
	fracDigits := ""
	integral := true
	if d.pos < len(d.data) && d.data[d.pos] == '.' {
		d.pos++
		fs := d.pos
		if digits() == 0 {
			return nil, d.errorf("Decimal point not followed by a digit")
		}
		fracDigits = string(d.data[fs:d.pos])
		integral = false
	}
	expStart := -1
	if d.pos < len(d.data) && (d.data[d.pos] == 'e' || d.data[d.pos] == 'E') {
		d.pos++
		expStart = d.pos
		if d.pos < len(d.data) && (d.data[d.pos] == '+' || d.data[d.pos] == '-') {
			d.pos++
		}
		if digits() == 0 {
			return nil, d.errorf("Exponent indicator not followed by a digit")
		}
		integral = false
	}
	text := string(d.data[start:d.pos])
	if len(text) > maxNumberLength {
		return nil, d.errorAt(start, "Number value length (%d) exceeds the maximum allowed (%d)", len(text), maxNumberLength)
	}
	x := &number{integral: integral}
	switch {
	case integral:
		if v, err := strconv.ParseInt(text, 10, 64); err == nil {
			x.i64, x.fitsLong, x.fitsInt = v, true, fitsInt32(v)
		} else {
			x.bigInt, _ = new(big.Int).SetString(text, 10)
		}
	case d.tree:
		// The exact value, as BigDecimal(String) reads it: its scale must
		// fit an int.
		var exp int64
		if expStart >= 0 {
			e, err := strconv.ParseInt(string(d.data[expStart:d.pos]), 10, 32)
			if err != nil {
				return nil, d.errorf("Exponent overflow")
			}
			exp = e
		}
		u, _ := new(big.Int).SetString(intDigits+fracDigits, 10)
		if d.data[start] == '-' {
			u.Neg(u)
		}
		x.unscaled = u
		x.scale = int64(len(fracDigits)) - exp
		if x.scale > math.MaxInt32 || x.scale < math.MinInt32 {
			return nil, d.errorf("Exponent overflow")
		}
	}
	return &Node{Kind: KindNumber, Text: text, num: x}, nil
}
