package converters

import (
	"math/big"
	"reflect"
	"time"

	"github.com/ferrykafka/ferry/connect"
)

// readValue is JsonConverter.convertToConnect.
func (c *JsonConverter) readValue(s *connect.Schema, n *jsonNode) (any, error) {
	var t connect.SchemaType
	if s != nil {
		t = s.Type
		if n.isNull() {
			switch {
			case s.Default != nil && !c.keepNulls:
				return s.Default, nil
			case s.Optional:
				return nil, nil
			}
			return nil, dataErrorf("Invalid null value for required %s field", javaTypeName(t))
		}
	} else {
		switch n.kind {
		case jsonNull, jsonMissing:
			return nil, nil
		case jsonBool:
			t = connect.TypeBoolean
		case jsonNumber:
			t = connect.TypeFloat64
			if n.num.integral {
				t = connect.TypeInt64
			}
		case jsonArray:
			t = connect.TypeArray
		case jsonObject:
			t = connect.TypeMap
		case jsonString:
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
		return n.kind == jsonBool && n.b, nil
	case connect.TypeInt8:
		return int8(n.intValue()), nil
	case connect.TypeInt16:
		return int16(n.intValue()), nil
	case connect.TypeInt32:
		return n.intValue(), nil
	case connect.TypeInt64:
		return n.longValue(), nil
	case connect.TypeFloat32:
		return n.floatValue(), nil
	case connect.TypeFloat64:
		return n.doubleValue(), nil
	case connect.TypeBytes:
		b, err := n.binaryValue()
		if err != nil {
			return nil, dataErrorWrap("Invalid bytes field", err)
		}
		if b == nil {
			return nil, nil
		}
		return b, nil
	case connect.TypeString:
		if n.kind != jsonString {
			return nil, nil
		}
		return n.s, nil
	case connect.TypeArray:
		var elem *connect.Schema
		if s != nil {
			elem = s.ValueSchema
		}
		// Java iterates the node: an array's elements, an object's values,
		// nothing for scalars.
		items := n.arr
		if n.kind == jsonObject {
			items = n.vals
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
		if n.kind != jsonObject {
			return nil, dataErrorf("Structs should be encoded as JSON objects, but found %s", n.kind.nodeTypeName())
		}
		out := make(map[string]any, len(s.Fields))
		for _, f := range s.Fields {
			fn := n.get(f.Name)
			if fn == nil {
				fn = &jsonNode{kind: jsonMissing}
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
func (c *JsonConverter) readMap(s *connect.Schema, n *jsonNode) (any, error) {
	var ks, vs *connect.Schema
	if s != nil {
		ks, vs = s.KeySchema, s.ValueSchema
	}
	if s == nil || ks == nil || ks.Type == connect.TypeString {
		if n.kind != jsonObject {
			return nil, dataErrorf("Maps with string fields should be encoded as JSON objects, but found %s", n.kind.nodeTypeName())
		}
		out := make(map[string]any, len(n.keys))
		for i, k := range n.keys {
			v, err := c.readValue(vs, n.vals[i])
			if err != nil {
				return nil, err
			}
			out[k] = v
		}
		return out, nil
	}
	if n.kind != jsonArray {
		return nil, dataErrorf("Maps with non-string fields should be encoded as JSON array of tuples, but found %s", n.kind.nodeTypeName())
	}
	out := make(map[any]any, len(n.arr))
	for _, e := range n.arr {
		if e.kind != jsonArray {
			return nil, dataErrorf("Found invalid map entry instead of array tuple: %s", e.kind.nodeTypeName())
		}
		if len(e.arr) != 2 {
			return nil, dataErrorf("Found invalid map entry, expected length 2 but found :%d", len(e.arr))
		}
		k, err := c.readValue(ks, e.arr[0])
		if err != nil {
			return nil, err
		}
		v, err := c.readValue(vs, e.arr[1])
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
func readLogical(s *connect.Schema, n *jsonNode) (any, bool, error) {
	switch s.Name {
	case DecimalName:
		switch n.kind {
		case jsonNumber:
			u, scale := n.decimal()
			if scale > maxDecimalScale || scale < -maxDecimalScale {
				return nil, true, dataErrorf("Decimal scale %d is outside the range Ferry supports (-%d to %d)", scale, maxDecimalScale, maxDecimalScale)
			}
			return ratOf(u, scale), true, nil
		case jsonString:
			b, err := n.binaryValue()
			if err == nil {
				var r *big.Rat
				if r, err = decimalFromBytes(s, b); err == nil {
					return r, true, nil
				}
			}
			return nil, true, dataErrorWrap("Invalid bytes for Decimal field", err)
		}
		return nil, true, dataErrorf("Invalid type for Decimal, underlying representation should be numeric or bytes but was %s", n.kind.nodeTypeName())
	case DateName:
		if !n.isInt() {
			return nil, true, dataErrorf("Invalid type for Date, underlying representation should be integer but was %s", n.kind.nodeTypeName())
		}
		return daysToDate(n.intValue()), true, nil
	case TimeName:
		if !n.isInt() {
			return nil, true, dataErrorf("Invalid type for Time, underlying representation should be integer but was %s", n.kind.nodeTypeName())
		}
		t, err := millisToTime(n.intValue())
		if err != nil {
			return nil, true, err
		}
		return t, true, nil
	case TimestampName:
		if !n.isIntegral() {
			return nil, true, dataErrorf("Invalid type for Timestamp, underlying representation should be integral but was %s", n.kind.nodeTypeName())
		}
		return time.UnixMilli(n.longValue()).UTC(), true, nil
	}
	return nil, false, nil
}
