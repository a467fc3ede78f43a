package converters

import (
	"math"
	"math/big"
	"strconv"
	"strings"

	"github.com/ferrykafka/ferry/connect"
)

// parseValuesNumber is ValueParser.parseAsNumber: the smallest integer type
// that holds an integral value; else float32, or float64, when the number
// has a non-zero scale and fits; else a Decimal. It returns nil when the text
// is not a Java BigDecimal.
func parseValuesNumber(token string) (*schemaValue, error) {
	d, ok := parseBigDecimal(token)
	if !ok {
		return nil, nil
	}
	if n, ok := d.exactLong(); ok {
		switch {
		case int64(int8(n)) == n:
			return &schemaValue{int8Schema, int8(n)}, nil
		case int64(int16(n)) == n:
			return &schemaValue{int16Schema, int16(n)}, nil
		case int64(int32(n)) == n:
			return &schemaValue{connect.Int32Schema, int32(n)}, nil
		}
		return &schemaValue{connect.Int64Schema, n}, nil
	}
	canonical := d.digits + "e" + strconv.FormatInt(-d.scale, 10)
	if d.neg {
		canonical = "-" + canonical
	}
	f32, _ := strconv.ParseFloat(canonical, 32)
	if !math.IsInf(f32, 0) && d.scale != 0 {
		return &schemaValue{float32Schema, float32(f32)}, nil
	}
	f64, _ := strconv.ParseFloat(canonical, 64)
	if !math.IsInf(f64, 0) && d.scale != 0 {
		return &schemaValue{float64Schema, f64}, nil
	}
	if d.scale > maxDecimalScale || d.scale < -maxDecimalScale {
		return nil, errValueTooLarge
	}
	u, _ := new(big.Int).SetString(d.digits, 10)
	if d.neg {
		u.Neg(u)
	}
	return &schemaValue{DecimalSchema(int32(d.scale)), ratOf(u, d.scale)}, nil
}

// bigDecimal is the text of a parsed BigDecimal: unsigned digits (leading
// zeros kept) and a scale.
type bigDecimal struct {
	neg    bool
	digits string
	scale  int64
}

// parseBigDecimal accepts Java's BigDecimal(String) syntax:
// [+-]digits[.digits][(e|E)[+-]digits], with digits on at least one side of
// the point, and a scale that fits an int.
func parseBigDecimal(s string) (bigDecimal, bool) {
	var d bigDecimal
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		d.neg = s[i] == '-'
		i++
	}
	var intPart, frac strings.Builder
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		intPart.WriteByte(s[i])
		i++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			frac.WriteByte(s[i])
			i++
		}
	}
	if intPart.Len()+frac.Len() == 0 {
		return d, false
	}
	var exp int64
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		j := i
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		k := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if k == i {
			return d, false
		}
		e, err := strconv.ParseInt(s[j:i], 10, 32)
		if err != nil {
			return d, false
		}
		exp = e
	}
	if i != len(s) {
		return d, false
	}
	d.digits = intPart.String() + frac.String()
	d.scale = int64(frac.Len()) - exp
	if d.scale > math.MaxInt32 || d.scale < math.MinInt32 {
		return d, false
	}
	return d, true
}

// exactLong returns the value if it is integral and fits a long, computed
// without materialising large powers of ten.
func (d bigDecimal) exactLong() (int64, bool) {
	digits := strings.TrimLeft(d.digits, "0")
	if digits == "" {
		return 0, true
	}
	if d.scale > 0 {
		if int64(len(digits)) <= d.scale {
			return 0, false // a non-zero fraction
		}
		cut := int64(len(digits)) - d.scale
		if strings.TrimRight(digits[cut:], "0") != "" {
			return 0, false
		}
		digits = digits[:cut]
	} else if d.scale < 0 {
		if int64(len(digits))-d.scale > 19 {
			return 0, false
		}
		digits += strings.Repeat("0", int(-d.scale))
	}
	if d.neg {
		digits = "-" + digits
	}
	n, err := strconv.ParseInt(digits, 10, 64)
	return n, err == nil
}
