package converters

import (
	"encoding/base64"
	"math"
	"strconv"
	"unicode/utf8"
)

// jsonWriter appends JSON in the compact form Jackson's default
// ObjectMapper writes: no whitespace, non-ASCII characters unescaped, control
// characters escaped (\b \t \n \f \r, others as \u00XX with upper-case hex),
// Java's Double.toString/Float.toString for floating-point numbers and
// non-finite numbers quoted (QUOTE_NON_NUMERIC_NUMBERS).
type jsonWriter struct {
	buf []byte
}

func (w *jsonWriter) raw(s string) { w.buf = append(w.buf, s...) }

func (w *jsonWriter) byte(c byte) { w.buf = append(w.buf, c) }

func (w *jsonWriter) null() { w.raw("null") }

func (w *jsonWriter) bool(b bool) { w.buf = strconv.AppendBool(w.buf, b) }

func (w *jsonWriter) int(n int64) { w.buf = strconv.AppendInt(w.buf, n, 10) }

func (w *jsonWriter) float32(f float32) {
	if math.IsNaN(float64(f)) || math.IsInf(float64(f), 0) {
		w.string(javaFloat(f))
		return
	}
	w.raw(javaFloat(f))
}

func (w *jsonWriter) float64(f float64) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		w.string(javaDouble(f))
		return
	}
	w.raw(javaDouble(f))
}

func (w *jsonWriter) binary(b []byte) {
	w.byte('"')
	w.buf = base64.StdEncoding.AppendEncode(w.buf, b)
	w.byte('"')
}

const hexUpper = "0123456789ABCDEF"

// string writes a quoted, escaped string. Bytes that are not valid UTF-8 are
// written as U+FFFD, as a Java String decoded from them would hold.
func (w *jsonWriter) string(s string) {
	w.byte('"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				w.buf = append(w.buf, '\\', c)
			case c >= 0x20:
				w.buf = append(w.buf, c)
			case c == '\b':
				w.raw(`\b`)
			case c == '\t':
				w.raw(`\t`)
			case c == '\n':
				w.raw(`\n`)
			case c == '\f':
				w.raw(`\f`)
			case c == '\r':
				w.raw(`\r`)
			default:
				w.buf = append(w.buf, '\\', 'u', '0', '0', hexUpper[c>>4], hexUpper[c&0xF])
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			w.raw("\uFFFD")
		} else {
			w.raw(s[i : i+n])
		}
		i += n
	}
	w.byte('"')
}
