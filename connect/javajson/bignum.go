package javajson

import (
	"math"
	"math/big"
	"strconv"
	"strings"
)

// FormatDecimal formats unscaled × 10^-scale as Java's BigDecimal.toString
// does (and so as Jackson writes a BigDecimal): plain notation when the
// scale is not negative and the adjusted exponent is at least -6,
// scientific ("1.5E+3") otherwise.
func FormatDecimal(unscaled *big.Int, scale int64) string {
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

// LowInt64 is Java's BigInteger.longValue: the low 64 bits of x in two's
// complement.
func LowInt64(x *big.Int) int64 {
	m := new(big.Int).And(x, new(big.Int).SetUint64(math.MaxUint64))
	return int64(m.Uint64())
}

func pow10(n int64) *big.Int { return new(big.Int).Exp(big.NewInt(10), big.NewInt(n), nil) }
