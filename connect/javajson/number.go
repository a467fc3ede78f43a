package javajson

import (
	"math"
	"strconv"
	"strings"
)

// FormatDouble formats f as Java's Double.toString does (JDK 19 and later,
// which pick the shortest decimal that reads back as f): "1.0", "1234.5",
// "1.0E7", "1.0E-4", "4.9E-324", "NaN", "Infinity", "-0.0".
func FormatDouble(f float64) string { return javaFloatString(f, 64) }

// FormatFloat formats f as Java's Float.toString does (JDK 19 and later).
func FormatFloat(f float32) string { return javaFloatString(float64(f), 32) }

func javaFloatString(f float64, bits int) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case f == 0:
		if math.Signbit(f) {
			return "-0.0"
		}
		return "0.0"
	}
	neg := f < 0
	if neg {
		f = -f
	}
	digits, exp := shortestDecimal(f, bits)
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	// Java writes plain notation when 10^-3 <= |f| < 10^7, judged on the
	// chosen decimal d.ddd x 10^exp.
	switch {
	case exp >= 0 && exp < 7:
		if len(digits) <= exp+1 {
			b.WriteString(digits)
			b.WriteString(strings.Repeat("0", exp+1-len(digits)))
			b.WriteString(".0")
		} else {
			b.WriteString(digits[:exp+1])
			b.WriteByte('.')
			b.WriteString(digits[exp+1:])
		}
	case exp < 0 && exp >= -3:
		b.WriteString("0.")
		b.WriteString(strings.Repeat("0", -exp-1))
		b.WriteString(digits)
	default:
		b.WriteByte(digits[0])
		b.WriteByte('.')
		if len(digits) > 1 {
			b.WriteString(digits[1:])
		} else {
			b.WriteByte('0')
		}
		b.WriteByte('E')
		b.WriteString(strconv.Itoa(exp))
	}
	return b.String()
}

// shortestDecimal returns the significant digits and decimal exponent of the
// decimal Java picks for positive finite f: the shortest one that reads back
// as f, the closest to f among those. When the shortest has a single digit,
// Java also considers two-digit decimals and takes the closest (hence
// 4.9E-324 rather than 5.0E-324).
func shortestDecimal(f float64, bits int) (string, int) {
	digits, exp := splitE(strconv.FormatFloat(f, 'e', -1, bits))
	if len(digits) == 1 {
		two := strconv.FormatFloat(f, 'e', 1, bits)
		if back, err := strconv.ParseFloat(two, bits); err == nil && back == f {
			d2, e2 := splitE(two)
			d2 = strings.TrimRight(d2, "0")
			if d2 == "" {
				d2 = "0"
			}
			return d2, e2
		}
	}
	return digits, exp
}

// splitE splits strconv's "d.ddde±XX" into its digits and exponent.
func splitE(s string) (string, int) {
	mant, expPart, _ := strings.Cut(s, "e")
	exp, _ := strconv.Atoi(expPart)
	return strings.Replace(mant, ".", "", 1), exp
}
