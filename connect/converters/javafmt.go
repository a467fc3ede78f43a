package converters

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"
)

// javaDouble formats f as Java's Double.toString (JDK 19+, shortest
// round-tripping digits): "1.0", "0.001", "1.0E7", "1.0E-4", "NaN",
// "Infinity".
func javaDouble(f float64) string { return javaFloating(f, 64) }

// javaFloat formats f as Java's Float.toString.
func javaFloat(f float32) string { return javaFloating(float64(f), 32) }

func javaFloating(f float64, bits int) string {
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
	abs := math.Abs(f)
	if abs >= 1e-3 && abs < 1e7 {
		s := strconv.FormatFloat(f, 'f', -1, bits)
		if !strings.Contains(s, ".") {
			s += ".0"
		}
		return s
	}
	s := strconv.FormatFloat(f, 'e', -1, bits)
	mant, exp, _ := strings.Cut(s, "e")
	if !strings.Contains(mant, ".") {
		mant += ".0"
	}
	e, _ := strconv.Atoi(exp)
	return mant + "E" + strconv.Itoa(e)
}

// bigDecimalString formats unscaled × 10^-scale as Java's
// BigDecimal.toString: plain notation when the scale is not negative and the
// adjusted exponent is at least -6, scientific ("1.5E+3") otherwise.
func bigDecimalString(unscaled *big.Int, scale int64) string {
	coeff := new(big.Int).Abs(unscaled).String()
	neg := unscaled.Sign() < 0
	adjusted := -scale + int64(len(coeff)-1)
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	switch {
	case scale == 0:
		b.WriteString(coeff)
	case scale > 0 && adjusted >= -6:
		if int64(len(coeff)) > scale {
			i := int64(len(coeff)) - scale
			b.WriteString(coeff[:i])
			b.WriteByte('.')
			b.WriteString(coeff[i:])
		} else {
			b.WriteString("0.")
			b.WriteString(strings.Repeat("0", int(scale-int64(len(coeff)))))
			b.WriteString(coeff)
		}
	default:
		b.WriteString(coeff[:1])
		if len(coeff) > 1 {
			b.WriteByte('.')
			b.WriteString(coeff[1:])
		}
		b.WriteByte('E')
		if adjusted > 0 {
			b.WriteByte('+')
		}
		b.WriteString(strconv.FormatInt(adjusted, 10))
	}
	return b.String()
}

// javaClass names the Java class that corresponds to a Go value, as Java's
// messages print value.getClass() ("class java.lang.Integer"). Go types with
// no Java counterpart are named by their Go type.
func javaClass(v any) string {
	switch v.(type) {
	case int8:
		return "class java.lang.Byte"
	case int16:
		return "class java.lang.Short"
	case int32:
		return "class java.lang.Integer"
	case int64, int:
		return "class java.lang.Long"
	case float32:
		return "class java.lang.Float"
	case float64:
		return "class java.lang.Double"
	case bool:
		return "class java.lang.Boolean"
	case string:
		return "class java.lang.String"
	case []byte:
		return "class [B"
	case []any:
		return "class java.util.ArrayList"
	case map[string]any, map[any]any:
		return "class java.util.HashMap"
	case time.Time:
		return "class java.util.Date"
	case *big.Rat:
		return "class java.math.BigDecimal"
	}
	return fmt.Sprintf("%T", v)
}
