package converters

import (
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// charset encodes and decodes strings as a Java Charset does, replacing what
// it cannot map ('?' when encoding, U+FFFD when decoding).
type charset struct {
	name   string
	encode func(string) []byte
	decode func([]byte) string
}

// charsets maps Java charset names and aliases (upper case) to charsets.
var charsets = map[string]*charset{}

func init() {
	add := func(c *charset, names ...string) {
		for _, n := range append([]string{c.name}, names...) {
			charsets[strings.ToUpper(n)] = c
		}
	}
	add(&charset{"UTF-8", func(s string) []byte { return []byte(s) }, decodeUTF8}, "UTF8", "unicode-1-1-utf-8")
	add(&charset{"ISO-8859-1", encodeLatin1, decodeLatin1},
		"ISO8859_1", "ISO8859-1", "ISO_8859_1", "ISO_8859-1", "ISO_8859-1:1987", "8859_1", "latin1", "l1",
		"IBM819", "IBM-819", "cp819", "csISOLatin1", "819", "iso-ir-100", "ISO-LATIN-1")
	add(&charset{"US-ASCII", encodeASCII, decodeASCII},
		"ASCII", "us", "iso646-us", "ISO646-US", "default", "646", "ascii7", "cp367", "csASCII", "IBM367",
		"ANSI_X3.4-1968", "ANSI_X3.4-1986", "ISO_646.irv:1991", "iso_646.irv:1983", "iso-ir-6")
	add(&charset{"UTF-16", func(s string) []byte { return append([]byte{0xFE, 0xFF}, encodeUTF16(s, false)...) }, decodeUTF16BOM},
		"UTF_16", "utf16", "unicode")
	add(&charset{"UTF-16BE", func(s string) []byte { return encodeUTF16(s, false) }, func(b []byte) string { return decodeUTF16(b, false) }},
		"UTF_16BE", "ISO-10646-UCS-2", "X-UTF-16BE", "UnicodeBigUnmarked")
	add(&charset{"UTF-16LE", func(s string) []byte { return encodeUTF16(s, true) }, func(b []byte) string { return decodeUTF16(b, true) }},
		"UTF_16LE", "X-UTF-16LE", "UnicodeLittleUnmarked")
}

// lookupCharset is Charset.forName: names are case-insensitive.
func lookupCharset(name string) (*charset, bool) {
	c, ok := charsets[strings.ToUpper(name)]
	return c, ok
}

// decodeUTF8 decodes as Java's UTF-8 decoder does, replacing malformed input
// with U+FFFD.
func decodeUTF8(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	var sb strings.Builder
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		sb.WriteRune(r)
		b = b[n:]
	}
	return sb.String()
}

func encodeLatin1(s string) []byte {
	out := make([]byte, 0, len(s))
	for _, r := range s {
		if r > 0xFF {
			r = '?'
		}
		out = append(out, byte(r))
	}
	return out
}

func decodeLatin1(b []byte) string {
	rs := make([]rune, len(b))
	for i, c := range b {
		rs[i] = rune(c)
	}
	return string(rs)
}

func encodeASCII(s string) []byte {
	out := make([]byte, 0, len(s))
	for _, r := range s {
		if r > 0x7F {
			r = '?'
		}
		out = append(out, byte(r))
	}
	return out
}

func decodeASCII(b []byte) string {
	rs := make([]rune, len(b))
	for i, c := range b {
		if c > 0x7F {
			rs[i] = utf8.RuneError
		} else {
			rs[i] = rune(c)
		}
	}
	return string(rs)
}

func encodeUTF16(s string, little bool) []byte {
	units := utf16.Encode([]rune(s))
	out := make([]byte, 0, 2*len(units))
	for _, u := range units {
		if little {
			out = append(out, byte(u), byte(u>>8))
		} else {
			out = append(out, byte(u>>8), byte(u))
		}
	}
	return out
}

func decodeUTF16(b []byte, little bool) string {
	units := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		if little {
			units = append(units, uint16(b[i])|uint16(b[i+1])<<8)
		} else {
			units = append(units, uint16(b[i])<<8|uint16(b[i+1]))
		}
	}
	s := string(utf16.Decode(units))
	if len(b)%2 == 1 {
		s += string(utf8.RuneError)
	}
	return s
}

// decodeUTF16BOM is Java's "UTF-16": a byte-order mark selects the byte
// order (and is dropped); without one the text is big-endian.
func decodeUTF16BOM(b []byte) string {
	switch {
	case len(b) >= 2 && b[0] == 0xFE && b[1] == 0xFF:
		return decodeUTF16(b[2:], false)
	case len(b) >= 2 && b[0] == 0xFF && b[1] == 0xFE:
		return decodeUTF16(b[2:], true)
	}
	return decodeUTF16(b, false)
}
