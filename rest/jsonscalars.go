package rest

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// Scalars for jsonReader: numbers, strings with their escapes and UTF-8,
// and how Jackson names characters in its messages.
// number reads a number whose first byte (a digit or '-') was consumed.
func (r *jsonReader) number(first byte) (jsonToken, string, error) {
	start := r.pos - 1
	c := first
	if c == '-' {
		if r.pos >= len(r.in) {
			return tokNone, "", r.failEOF(" in " + r.tok.jacksonName())
		}
		c = r.in[r.pos]
		r.pos++
		if c < '0' || c > '9' {
			return tokNone, "", r.numberChar(rune(c), "expected digit (0-9) to follow minus sign, for valid numeric value")
		}
	}
	if c == '0' && r.pos < len(r.in) && r.in[r.pos] >= '0' && r.in[r.pos] <= '9' {
		return tokNone, "", r.fail("Invalid numeric value: Leading zeroes not allowed")
	}
	for r.pos < len(r.in) && r.in[r.pos] >= '0' && r.in[r.pos] <= '9' {
		r.pos++
	}
	if r.pos >= len(r.in) {
		return tokInt, string(r.in[start:r.pos]), nil
	}
	c = r.in[r.pos]
	if c != '.' && c|0x20 != 'e' {
		return tokInt, string(r.in[start:r.pos]), r.verifyRootSpace()
	}
	r.pos++
	eof := false
	if c == '.' {
		digits := 0
		for {
			if r.pos >= len(r.in) {
				eof = true
				break
			}
			c = r.in[r.pos]
			r.pos++
			if c < '0' || c > '9' {
				break
			}
			digits++
		}
		if digits == 0 {
			return tokNone, "", r.numberChar(rune(c), "Decimal point not followed by a digit")
		}
	}
	if !eof && c|0x20 == 'e' {
		if r.pos >= len(r.in) {
			return tokNone, "", r.failEOF(" in " + r.tok.jacksonName())
		}
		c = r.in[r.pos]
		r.pos++
		if c == '-' || c == '+' {
			if r.pos >= len(r.in) {
				return tokNone, "", r.failEOF(" in " + r.tok.jacksonName())
			}
			c = r.in[r.pos]
			r.pos++
		}
		digits := 0
		for c >= '0' && c <= '9' {
			digits++
			if r.pos >= len(r.in) {
				eof = true
				break
			}
			c = r.in[r.pos]
			r.pos++
		}
		if digits == 0 {
			return tokNone, "", r.numberChar(rune(c), "Exponent indicator not followed by a digit")
		}
	}
	if !eof {
		r.pos-- // give back the byte after the number
		text := string(r.in[start:r.pos])
		return tokFloat, text, r.verifyRootSpace()
	}
	return tokFloat, string(r.in[start:r.pos]), nil
}

func (r *jsonReader) numberChar(c rune, comment string) error {
	return r.fail("Unexpected character (%s) in numeric value: %s", charDesc(c), comment)
}

// verifyRootSpace: a number at the root must be followed by white space
// (pos is at the byte after the number).
func (r *jsonReader) verifyRootSpace() error {
	if len(r.scopes) != 1 || r.pos >= len(r.in) {
		return nil
	}
	switch c := r.in[r.pos]; c {
	case ' ', '\t', '\r':
		return nil
	case '\n':
		r.pos++
		r.line++
		r.rowStart = r.pos
		return nil
	default:
		r.pos++
		return r.unexpectedChar(rune(c), "Expected space separating root-level values")
	}
}

// str returns the current string value, reading it if still open.
func (r *jsonReader) str() (string, error) {
	if r.strOpen {
		s, err := r.scanString("string value")
		if err != nil {
			return "", err
		}
		r.strOpen = false
		r.text = s
	}
	return r.text, nil
}

// scanString reads string contents up to and including the closing quote.
// what is "name" or "string value", as in Jackson's messages.
func (r *jsonReader) scanString(what string) (string, error) {
	var sb strings.Builder
	var high rune // pending high surrogate from a \u escape
	flush := func() {
		if high != 0 {
			sb.WriteRune(utf8.RuneError)
			high = 0
		}
	}
	for {
		if r.pos >= len(r.in) {
			if what == "name" {
				return "", r.failEOF(" in field name")
			}
			return "", r.failEOF(": was expecting closing quote for a string value")
		}
		c := r.in[r.pos]
		r.pos++
		switch {
		case c == '"':
			flush()
			return sb.String(), nil
		case c == '\\':
			u, isUnit, err := r.escape()
			if err != nil {
				return "", err
			}
			if !isUnit {
				flush()
				sb.WriteRune(u)
				continue
			}
			switch {
			case utf16.IsSurrogate(u) && u < 0xDC00:
				flush()
				high = u
			case utf16.IsSurrogate(u) && high != 0:
				sb.WriteRune(utf16.DecodeRune(high, u))
				high = 0
			default:
				flush()
				sb.WriteRune(u)
			}
		case c < ' ':
			return "", r.fail("Illegal unquoted character (%s): has to be escaped using backslash to be included in %s", charDesc(rune(c)), what)
		case c < 0x80:
			flush()
			sb.WriteByte(c)
		default:
			flush()
			ch, err := r.utf8Char(c, what)
			if err != nil {
				return "", err
			}
			sb.WriteRune(ch)
		}
	}
}

// escape decodes what follows a backslash. isUnit reports a \u escape
// (a UTF-16 unit that may be half of a surrogate pair).
func (r *jsonReader) escape() (rune, bool, error) {
	if r.pos >= len(r.in) {
		return 0, false, r.failEOF(" in character escape sequence")
	}
	c := r.in[r.pos]
	r.pos++
	switch c {
	case 'b':
		return '\b', false, nil
	case 't':
		return '\t', false, nil
	case 'n':
		return '\n', false, nil
	case 'f':
		return '\f', false, nil
	case 'r':
		return '\r', false, nil
	case '"', '/', '\\':
		return rune(c), false, nil
	case 'u':
	default:
		ch, err := r.decodeForError(c)
		if err != nil {
			return 0, false, err
		}
		return 0, false, r.fail("Unrecognized character escape %s", charDesc(ch))
	}
	var v rune
	for i := 0; i < 4; i++ {
		if r.pos >= len(r.in) {
			return 0, false, r.failEOF(" in character escape sequence")
		}
		h := r.in[r.pos]
		r.pos++
		d := hexDigit(h)
		if d < 0 {
			return 0, false, r.unexpectedChar(rune(h), "expected a hex-digit for character escape sequence")
		}
		v = v<<4 | rune(d)
	}
	return v, true, nil
}

func hexDigit(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// utf8Char decodes a multi-byte character inside a string the way Jackson
// does: lead bytes 0xC0-0xF7 are accepted (overlong forms too), and a bad
// lead or continuation byte is reported by value.
func (r *jsonReader) utf8Char(lead byte, what string) (rune, error) {
	var need int
	var v rune
	switch {
	case lead&0xE0 == 0xC0:
		need, v = 1, rune(lead&0x1F)
	case lead&0xF0 == 0xE0:
		need, v = 2, rune(lead&0x0F)
	case lead&0xF8 == 0xF0:
		need, v = 3, rune(lead&0x07)
	default:
		return 0, r.fail("Invalid UTF-8 start byte 0x%x", lead)
	}
	for ; need > 0; need-- {
		if r.pos >= len(r.in) {
			if what == "name" {
				return 0, r.failEOF(" in field name")
			}
			return 0, r.failEOF(" in VALUE_STRING")
		}
		d := r.in[r.pos]
		r.pos++
		if d&0xC0 != 0x80 {
			return 0, r.fail("Invalid UTF-8 middle byte 0x%x", d)
		}
		v = v<<6 | rune(d&0x3F)
	}
	if !utf8.ValidRune(v) {
		return utf8.RuneError, nil
	}
	return v, nil
}

// decodeForError turns the byte c (consumed) and, for a multi-byte
// character, the bytes after it into the character Jackson names in an
// error message.
func (r *jsonReader) decodeForError(c byte) (rune, error) {
	if c < 0x80 {
		return rune(c), nil
	}
	return r.utf8Char(c, "string value")
}

// charDesc is Jackson's description of a character in error messages.
func charDesc(c rune) string {
	if isISOControl(c) {
		return fmt.Sprintf("(CTRL-CHAR, code %d)", c)
	}
	if c > 255 {
		if c > 0xFFFF {
			// Java describes the first UTF-16 unit of the character.
			c, _ = utf16.EncodeRune(c)
		}
		return fmt.Sprintf("'%c' (code %d / 0x%x)", c, c, c)
	}
	return fmt.Sprintf("'%c' (code %d)", c, c)
}

func isISOControl(c rune) bool { return c <= 0x1F || (c >= 0x7F && c <= 0x9F) }

// javaIdentifierStart is Java's Character.isJavaIdentifierStart.
func javaIdentifierStart(c rune) bool {
	return unicode.IsLetter(c) || c == '$' || c == '_' ||
		unicode.In(c, unicode.Sc, unicode.Pc, unicode.Nl)
}

// javaIdentifierPart is Java's Character.isJavaIdentifierPart.
func javaIdentifierPart(c rune) bool {
	return javaIdentifierStart(c) || unicode.IsDigit(c) ||
		unicode.In(c, unicode.Mn, unicode.Mc, unicode.Cf) ||
		(c <= 0x08) || (c >= 0x0E && c <= 0x1B) || (c >= 0x7F && c <= 0x9F)
}
