package converters

import (
	"math/big"
	"strconv"
	"time"

	"github.com/ferrykafka/ferry/connect"
)

// Names of Connect's logical types (schema names), as in
// org.apache.kafka.connect.data.{Decimal,Date,Time,Timestamp}.
const (
	DecimalName   = "org.apache.kafka.connect.data.Decimal"
	DateName      = "org.apache.kafka.connect.data.Date"
	TimeName      = "org.apache.kafka.connect.data.Time"
	TimestampName = "org.apache.kafka.connect.data.Timestamp"
	// DecimalScaleParam is the Decimal schema parameter holding the scale.
	DecimalScaleParam = "scale"
)

// maxDecimalScale bounds the scales Ferry materialises: Java's BigDecimal
// keeps any int scale cheaply, a *big.Rat would need 10^scale.
const maxDecimalScale = 10000

const millisPerDay = 24 * 60 * 60 * 1000

func one() *int32 { v := int32(1); return &v }

// DecimalSchema returns the schema of a Decimal with the given scale
// (bytes, name org.apache.kafka.connect.data.Decimal, version 1).
func DecimalSchema(scale int32) *connect.Schema {
	return &connect.Schema{Type: connect.TypeBytes, Name: DecimalName, Version: one(),
		Params: map[string]string{DecimalScaleParam: strconv.Itoa(int(scale))}}
}

// DateSchema returns the schema of Connect's Date (int32 days since the epoch).
func DateSchema() *connect.Schema {
	return &connect.Schema{Type: connect.TypeInt32, Name: DateName, Version: one()}
}

// TimeSchema returns the schema of Connect's Time (int32 milliseconds of the day).
func TimeSchema() *connect.Schema {
	return &connect.Schema{Type: connect.TypeInt32, Name: TimeName, Version: one()}
}

// TimestampSchema returns the schema of Connect's Timestamp (int64
// milliseconds since the epoch).
func TimestampSchema() *connect.Schema {
	return &connect.Schema{Type: connect.TypeInt64, Name: TimestampName, Version: one()}
}

// decimalScale is Decimal.scale(schema).
func decimalScale(schema *connect.Schema) (int32, error) {
	if schema == nil {
		return 0, dataErrorf("Invalid Decimal schema: scale parameter not found.")
	}
	s, ok := schema.Params[DecimalScaleParam]
	if !ok {
		return 0, dataErrorf("Invalid Decimal schema: scale parameter not found.")
	}
	n, err := strconv.ParseInt(s, 10, 32)
	if err != nil {
		return 0, dataErrorWrap("Invalid scale parameter found in Decimal schema: ", err)
	}
	if n > maxDecimalScale || n < -maxDecimalScale {
		return 0, dataErrorf("Decimal scale %d is outside the range Ferry supports (-%d to %d)", n, maxDecimalScale, maxDecimalScale)
	}
	return int32(n), nil
}

func pow10(n int64) *big.Int { return new(big.Int).Exp(big.NewInt(10), big.NewInt(n), nil) }

// unscaledAt returns r × 10^scale if that is an integer.
func unscaledAt(r *big.Rat, scale int32) (*big.Int, bool) {
	x := new(big.Rat).Set(r)
	if scale >= 0 {
		x.Mul(x, new(big.Rat).SetInt(pow10(int64(scale))))
	} else {
		x.Quo(x, new(big.Rat).SetInt(pow10(int64(-scale))))
	}
	if !x.IsInt() {
		return nil, false
	}
	return new(big.Int).Set(x.Num()), true
}

// minimalDecimal returns r as unscaled × 10^-scale with the smallest
// non-negative scale, if r is a finite decimal.
func minimalDecimal(r *big.Rat) (*big.Int, int64, bool) {
	d := new(big.Int).Set(r.Denom())
	var twos, fives int64
	two, five, zero := big.NewInt(2), big.NewInt(5), new(big.Int)
	m := new(big.Int)
	for d.Cmp(big.NewInt(1)) != 0 {
		switch {
		case m.Mod(d, two).Cmp(zero) == 0:
			d.Quo(d, two)
			twos++
		case m.Mod(d, five).Cmp(zero) == 0:
			d.Quo(d, five)
			fives++
		default:
			return nil, 0, false
		}
	}
	scale := max(twos, fives)
	u, _ := unscaledAt(r, int32(scale))
	return u, scale, true
}

// decimalToBytes is Decimal.fromLogical: the two's-complement big-endian
// unscaled value at the schema's scale.
func decimalToBytes(schema *connect.Schema, r *big.Rat) ([]byte, error) {
	u, err := decimalUnscaled(schema, r)
	if err != nil {
		return nil, err
	}
	return twosComplement(u), nil
}

func decimalUnscaled(schema *connect.Schema, r *big.Rat) (*big.Int, error) {
	scale, err := decimalScale(schema)
	if err != nil {
		return nil, err
	}
	u, ok := unscaledAt(r, scale)
	if !ok {
		valueScale := "unknown"
		if _, s, ok := minimalDecimal(r); ok {
			valueScale = strconv.FormatInt(s, 10)
		}
		return nil, dataErrorf("Decimal value has mismatching scale for given Decimal schema. Schema has scale %d, value has scale %s.", scale, valueScale)
	}
	return u, nil
}

// decimalFromBytes is Decimal.toLogical.
func decimalFromBytes(schema *connect.Schema, b []byte) (*big.Rat, error) {
	scale, err := decimalScale(schema)
	if err != nil {
		return nil, err
	}
	if len(b) == 0 {
		return nil, dataErrorf("Zero length BigInteger")
	}
	return ratOf(fromTwosComplement(b), int64(scale)), nil
}

// ratOf returns unscaled × 10^-scale.
func ratOf(unscaled *big.Int, scale int64) *big.Rat {
	r := new(big.Rat).SetInt(unscaled)
	if scale > 0 {
		return r.Quo(r, new(big.Rat).SetInt(pow10(scale)))
	}
	if scale < 0 {
		return r.Mul(r, new(big.Rat).SetInt(pow10(-scale)))
	}
	return r
}

// twosComplement is BigInteger.toByteArray: the shortest big-endian two's
// complement form.
func twosComplement(x *big.Int) []byte {
	if x.Sign() >= 0 {
		b := x.Bytes()
		if len(b) == 0 || b[0]&0x80 != 0 {
			b = append([]byte{0}, b...)
		}
		return b
	}
	// -x - 1 in one's complement, then invert.
	m := new(big.Int).Neg(x)
	m.Sub(m, big.NewInt(1))
	b := m.Bytes()
	for i := range b {
		b[i] = ^b[i]
	}
	if len(b) == 0 || b[0]&0x80 == 0 {
		b = append([]byte{0xff}, b...)
	}
	return b
}

// fromTwosComplement is new BigInteger(byte[]).
func fromTwosComplement(b []byte) *big.Int {
	x := new(big.Int).SetBytes(b)
	if len(b) > 0 && b[0]&0x80 != 0 {
		x.Sub(x, new(big.Int).Lsh(big.NewInt(1), uint(len(b)*8)))
	}
	return x
}

// dateToDays is Date.fromLogical.
func dateToDays(t time.Time) (int32, error) {
	ms := t.UnixMilli()
	u := t.UTC()
	if u.Hour() != 0 || u.Minute() != 0 || u.Second() != 0 || u.Nanosecond()/1e6 != 0 {
		return 0, dataErrorf("Kafka Connect Date type should not have any time fields set to non-zero values.")
	}
	return int32(ms / millisPerDay), nil
}

// timeToMillis is Time.fromLogical.
func timeToMillis(t time.Time) (int32, error) {
	ms := t.UnixMilli()
	if ms < 0 || ms > millisPerDay {
		return 0, dataErrorf("Kafka Connect Time type should not have any date fields set to non-zero values.")
	}
	return int32(ms), nil
}

// daysToDate is Date.toLogical.
func daysToDate(days int32) time.Time { return time.UnixMilli(int64(days) * millisPerDay).UTC() }

// millisToTime is Time.toLogical.
func millisToTime(ms int32) (time.Time, error) {
	if ms < 0 || ms > millisPerDay {
		return time.Time{}, dataErrorf("Time values must use number of milliseconds greater than 0 and less than 86400000")
	}
	return time.UnixMilli(int64(ms)).UTC(), nil
}
