package converters

import (
	"math"
	"math/big"
	"time"

	"github.com/ferrykafka/ferry/connect"
	"github.com/ferrykafka/ferry/connect/javajson"
)

// schemaMerger is Values.SchemaMerger: the schema common to the values seen,
// widening numbers; nil once two values have no common schema.
type schemaMerger struct {
	common       *connect.Schema
	incompatible bool
}

func (m *schemaMerger) merge(sv *schemaValue) {
	if sv == nil || sv.schema == nil || m.incompatible {
		return
	}
	if m.common == nil {
		m.common = sv.schema
		return
	}
	m.common = mergeSchemas(m.common, sv.schema)
	m.incompatible = m.common == nil
}

var numericRank = map[connect.SchemaType]int{
	connect.TypeInt8: 1, connect.TypeInt16: 2, connect.TypeInt32: 3, connect.TypeInt64: 4,
	connect.TypeFloat32: 5, connect.TypeFloat64: 6,
}

// mergeSchemas is Values.mergeSchemas: numbers widen to the wider type (any
// integer with a float gives the float); equal types give the newer schema
// when their optionality matches.
func mergeSchemas(prev, next *connect.Schema) *connect.Schema {
	if prev.Type != next.Type {
		pr, ok1 := numericRank[prev.Type]
		nr, ok2 := numericRank[next.Type]
		if !ok1 || !ok2 {
			return nil
		}
		if nr > pr {
			return next
		}
		return prev
	}
	if prev.Optional == next.Optional {
		if prev.Optional {
			return prev
		}
		return next
	}
	return nil
}

// valuesConvertTo is Values.convertTo(toSchema, null, value) for the values
// parseString produces.
func valuesConvertTo(to *connect.Schema, v any) (any, error) {
	if v == nil {
		if to.Optional {
			return nil, nil
		}
		return nil, dataErrorf("Unable to convert a null value to a schema that requires a value")
	}
	fail := func() (any, error) {
		return nil, dataErrorf("Unable to convert %v (%s) to a number", v, javaClass(v))
	}
	switch to.Type {
	case connect.TypeInt8, connect.TypeInt16, connect.TypeInt32, connect.TypeInt64:
		if to.Name == DateName || to.Name == TimeName || to.Name == TimestampName {
			if _, isTime := v.(time.Time); isTime {
				return v, nil
			}
		}
		n, ok := asJavaLong(v)
		if !ok {
			return fail()
		}
		switch {
		case to.Name == DateName:
			return daysToDate(int32(n)), nil
		case to.Name == TimeName:
			return millisToTime(int32(n))
		case to.Name == TimestampName:
			return time.UnixMilli(n).UTC(), nil
		case to.Type == connect.TypeInt8:
			return int8(n), nil
		case to.Type == connect.TypeInt16:
			return int16(n), nil
		case to.Type == connect.TypeInt32:
			return int32(n), nil
		}
		return n, nil
	case connect.TypeFloat32:
		if f, ok := v.(float32); ok {
			return f, nil
		}
		f, ok := asJavaDouble(v)
		if !ok {
			return fail()
		}
		return float32(f), nil
	case connect.TypeFloat64:
		f, ok := asJavaDouble(v)
		if !ok {
			return fail()
		}
		return f, nil
	}
	// Strings, booleans, decimals, lists and maps only ever merge with
	// their own kind; Java returns them unchanged.
	return v, nil
}

// asJavaLong is Number.longValue for the numbers parseString produces.
func asJavaLong(v any) (int64, bool) {
	switch n := v.(type) {
	case int8:
		return int64(n), true
	case int16:
		return int64(n), true
	case int32:
		return int64(n), true
	case int64:
		return n, true
	case float32:
		return javaDoubleToLong(float64(n)), true
	case float64:
		return javaDoubleToLong(n), true
	case *big.Rat:
		q := new(big.Int).Quo(n.Num(), n.Denom())
		return javajson.LowInt64(q), true
	}
	return 0, false
}

// javaDoubleToLong is Java's (long) cast: truncation, saturating, NaN to 0.
func javaDoubleToLong(f float64) int64 {
	switch {
	case f != f:
		return 0
	case f >= math.MaxInt64:
		return math.MaxInt64
	case f <= math.MinInt64:
		return math.MinInt64
	}
	return int64(f)
}

// asJavaDouble is Number.doubleValue for the numbers parseString produces.
func asJavaDouble(v any) (float64, bool) {
	switch n := v.(type) {
	case int8:
		return float64(n), true
	case int16:
		return float64(n), true
	case int32:
		return float64(n), true
	case int64:
		return float64(n), true
	case float32:
		return float64(n), true
	case float64:
		return n, true
	case *big.Rat:
		f, _ := n.Float64()
		return f, true
	}
	return 0, false
}
