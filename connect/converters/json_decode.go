package converters

import (
	"math/big"
	"reflect"
	"time"

	"github.com/ferrykafka/ferry/connect"
	"github.com/ferrykafka/ferry/connect/javajson"
)

// readValue is JsonConverter.convertToConnect.
func (c *JsonConverter) readValue(s *connect.Schema, n *javajson.Node) (any, error) {
	var t connect.SchemaType
	if s != nil {
		t = s.Type
		if n.IsNull() {
			switch {
			case s.Default != nil && !c.keepNulls:
				return s.Default, nil
			case s.Optional:
				return nil, nil
			}
			return nil, dataErrorf("Invalid null value for required %s field", javaTypeName(t))
		}
	} else {
		switch n.Kind {
		case javajson.KindNull, javajson.KindMissing:
			return nil, nil
		case javajson.KindBool:
			t = connect.TypeBoolean
		case javajson.KindNumber:
			t = connect.TypeFloat64
			if n.IsIntegral() {
				t = connect.TypeInt64
			}
		case javajson.KindArray:
			t = connect.TypeArray
		case javajson.KindObject:
			t = connect.TypeMap
		case javajson.KindString:
			t = connect.TypeString
		}
	}
	if s != nil && s.Name != "" {
		if v, handled, err := readLogical(s, n); handled {
			return v, err
		}
	}
	switch t {
	case connect.TypeBoolean:
		return n.Kind == javajson.KindBool && n.Bool, nil
	case connect.TypeInt8:
		return int8(n.Int32()), nil
	case connect.TypeInt16:
		return int16(n.Int32()), nil
	case connect.TypeInt32:
		return n.Int32(), nil
	case connect.TypeInt64:
		return n.Int64(), nil
	case connect.TypeFloat32:
		return n.Float32(), nil
	case connect.TypeFloat64:
		return n.Float64(), nil
	case connect.TypeBytes:
		b, err := n.Binary()
		if err != nil {
			return nil, dataErrorWrap("Invalid bytes field", err)
		}
		if b == nil {
			return nil, nil
		}
		return b, nil
	case connect.TypeString:
		if n.Kind != javajson.KindString {
			return nil, nil
		}
		return n.Text, nil
	case connect.TypeArray:
		var elem *connect.Schema
		if s != nil {
			elem = s.ValueSchema
		}
		// Java iterates the node: an array's elements, an object's values,
		// nothing for scalars.
		items := n.Elems
		if n.Kind == javajson.KindObject {
			items = n.Values
		}
		out := make([]any, 0, len(items))
		for _, e := range items {
			v, err := c.readValue(elem, e)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case connect.TypeMap:
		return c.readMap(s, n)
	case connect.TypeStruct:
		if n.Kind != javajson.KindObject {
			return nil, dataErrorf("Structs should be encoded as JSON objects, but found %s", n.Kind)
		}
		out := make(map[string]any, len(s.Fields))
		for _, f := range s.Fields {
			fn := n.Get(f.Name)
			if fn == nil {
				fn = &javajson.Node{}
			}
			v, err := c.readValue(f.Schema, fn)
			if err != nil {
				return nil, err
			}
			out[f.Name] = v
		}
		return out, nil
	}
	return nil, dataErrorf("Unknown schema type: %s", t)
}

// readMap reads a string-keyed (or schemaless) map from an object and any
// other map from an array of [key, value] pairs.
func (c *JsonConverter) readMap(s *connect.Schema, n *javajson.Node) (any, error) {
	var ks, vs *connect.Schema
	if s != nil {
		ks, vs = s.KeySchema, s.ValueSchema
	}
	if s == nil || ks == nil || ks.Type == connect.TypeString {
		if n.Kind != javajson.KindObject {
			return nil, dataErrorf("Maps with string fields should be encoded as JSON objects, but found %s", n.Kind)
		}
		out := make(map[string]any, len(n.Keys))
		for i, k := range n.Keys {
			v, err := c.readValue(vs, n.Values[i])
			if err != nil {
				return nil, err
			}
			out[k] = v
		}
		return out, nil
	}
	if n.Kind != javajson.KindArray {
		return nil, dataErrorf("Maps with non-string fields should be encoded as JSON array of tuples, but found %s", n.Kind)
	}
	out := make(map[any]any, len(n.Elems))
	for _, e := range n.Elems {
		if e.Kind != javajson.KindArray {
			return nil, dataErrorf("Found invalid map entry instead of array tuple: %s", e.Kind)
		}
		if len(e.Elems) != 2 {
			return nil, dataErrorf("Found invalid map entry, expected length 2 but found :%d", len(e.Elems))
		}
		k, err := c.readValue(ks, e.Elems[0])
		if err != nil {
			return nil, err
		}
		v, err := c.readValue(vs, e.Elems[1])
		if err != nil {
			return nil, err
		}
		if k != nil && !reflect.TypeOf(k).Comparable() {
			return nil, dataErrorf("Ferry cannot use a %s map key (%s) in a Go map", javaTypeName(ks.Type), javaClass(k))
		}
		out[k] = v
	}
	return out, nil
}

// readLogical converts the logical types JsonConverter knows.
func readLogical(s *connect.Schema, n *javajson.Node) (any, bool, error) {
	switch s.Name {
	case DecimalName:
		switch n.Kind {
		case javajson.KindNumber:
			u, scale := n.Decimal()
			if scale > maxDecimalScale || scale < -maxDecimalScale {
				return nil, true, dataErrorf("Decimal scale %d is outside the range Ferry supports (-%d to %d)", scale, maxDecimalScale, maxDecimalScale)
			}
			return ratOf(u, scale), true, nil
		case javajson.KindString:
			b, err := n.Binary()
			if err == nil {
				var r *big.Rat
				if r, err = decimalFromBytes(s, b); err == nil {
					return r, true, nil
				}
			}
			return nil, true, dataErrorWrap("Invalid bytes for Decimal field", err)
		}
		return nil, true, dataErrorf("Invalid type for Decimal, underlying representation should be numeric or bytes but was %s", n.Kind)
	case DateName:
		if !n.IsInt() {
			return nil, true, dataErrorf("Invalid type for Date, underlying representation should be integer but was %s", n.Kind)
		}
		return daysToDate(n.Int32()), true, nil
	case TimeName:
		if !n.IsInt() {
			return nil, true, dataErrorf("Invalid type for Time, underlying representation should be integer but was %s", n.Kind)
		}
		t, err := millisToTime(n.Int32())
		if err != nil {
			return nil, true, err
		}
		return t, true, nil
	case TimestampName:
		if !n.IsIntegral() {
			return nil, true, dataErrorf("Invalid type for Timestamp, underlying representation should be integral but was %s", n.Kind)
		}
		return time.UnixMilli(n.Int64()).UTC(), true, nil
	}
	return nil, false, nil
}
