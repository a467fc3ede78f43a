package javajson

import (
	"encoding/base64"
	"math"
	"math/big"
	"strconv"
)

// Writer builds JSON text token by token, for code that walks its own data
// (a schema and a value) rather than handing Append a Go value. Values are
// written exactly as Append writes them; the caller writes the punctuation
// with RawByte and RawString. The zero Writer is empty and ready to use.
type Writer struct {
	buf []byte
}

// Bytes returns the text written so far.
func (w *Writer) Bytes() []byte { return w.buf }

// RawByte writes c as is: punctuation.
func (w *Writer) RawByte(c byte) { w.buf = append(w.buf, c) }

// RawString writes s as is: punctuation or ready-made JSON text.
func (w *Writer) RawString(s string) { w.buf = append(w.buf, s...) }

// Null writes null.
func (w *Writer) Null() { w.buf = append(w.buf, "null"...) }

// Bool writes true or false.
func (w *Writer) Bool(b bool) { w.buf = strconv.AppendBool(w.buf, b) }

// Int64 writes n in decimal.
func (w *Writer) Int64(n int64) { w.buf = strconv.AppendInt(w.buf, n, 10) }

// Float32 writes f as Float.toString, NaN and the infinities quoted.
func (w *Writer) Float32(f float32) { w.buf = appendNumber(w.buf, float64(f), FormatFloat(f)) }

// Float64 writes f as Double.toString, NaN and the infinities quoted.
func (w *Writer) Float64(f float64) { w.buf = appendNumber(w.buf, f, FormatDouble(f)) }

// Decimal writes unscaled × 10^-scale as Jackson writes a BigDecimal: a
// number in BigDecimal.toString's notation (FormatDecimal).
func (w *Writer) Decimal(unscaled *big.Int, scale int64) {
	w.buf = append(w.buf, FormatDecimal(unscaled, scale)...)
}

// String writes s as a quoted JSON string with Jackson's escaping.
func (w *Writer) String(s string) { w.buf = appendString(w.buf, s) }

// Binary writes b as a base64 string (standard alphabet, padded), as
// Jackson writes a byte[]; nil is written as "".
func (w *Writer) Binary(b []byte) { w.buf = appendBinary(w.buf, b) }

// appendNumber writes a finite number as Java formats it (s); Jackson quotes
// the non-numbers (JsonWriteFeature.WRITE_NAN_AS_STRINGS is on by default).
func appendNumber(dst []byte, f float64, s string) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return appendString(dst, s)
	}
	return append(dst, s...)
}

func appendBinary(dst, b []byte) []byte {
	dst = append(dst, '"')
	dst = base64.StdEncoding.AppendEncode(dst, b)
	return append(dst, '"')
}
