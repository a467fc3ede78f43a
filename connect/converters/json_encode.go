package converters

import (
	"math/big"
	"reflect"
	"time"

	"github.com/ferrykafka/ferry/connect"
	"github.com/ferrykafka/ferry/connect/javajson"
)

// writeValue is JsonConverter.convertToJson followed by Jackson's writer.
func (c *JsonConverter) writeValue(w *javajson.Writer, s *connect.Schema, v any) error {
	if v == nil {
		switch {
		case s == nil:
			w.Null()
			return nil
		case s.Default != nil && !c.keepNulls:
			return c.writeValue(w, s, s.Default)
		case s.Optional:
			w.Null()
			return nil
		}
		return dataErrorf("Conversion error: null value for field that is required and has no default value")
	}
	if s != nil && s.Name != "" {
		if handled, err := c.writeLogical(w, s, v); handled {
			return err
		}
	}
	t, err := schemaTypeOf(s, v)
	if err != nil {
		return err
	}
	mismatch := func() error {
		name := "unknown schema"
		if s != nil {
			name = javaTypeName(s.Type)
		}
		return dataErrorf("Invalid type for %s: %s", name, javaClass(v))
	}
	switch t {
	case connect.TypeInt8:
		n, ok := v.(int8)
		if !ok {
			return mismatch()
		}
		w.Int64(int64(n))
	case connect.TypeInt16:
		n, ok := v.(int16)
		if !ok {
			return mismatch()
		}
		w.Int64(int64(n))
	case connect.TypeInt32:
		n, ok := v.(int32)
		if !ok {
			return mismatch()
		}
		w.Int64(int64(n))
	case connect.TypeInt64:
		switch n := v.(type) {
		case int64:
			w.Int64(n)
		case int:
			w.Int64(int64(n))
		default:
			return mismatch()
		}
	case connect.TypeFloat32:
		f, ok := v.(float32)
		if !ok {
			return mismatch()
		}
		w.Float32(f)
	case connect.TypeFloat64:
		f, ok := v.(float64)
		if !ok {
			return mismatch()
		}
		w.Float64(f)
	case connect.TypeBoolean:
		b, ok := v.(bool)
		if !ok {
			return mismatch()
		}
		w.Bool(b)
	case connect.TypeString:
		str, ok := v.(string)
		if !ok {
			return mismatch()
		}
		w.String(str)
	case connect.TypeBytes:
		b, ok := v.([]byte)
		if !ok {
			return dataErrorf("Invalid type for bytes type: %s", javaClass(v))
		}
		w.Binary(b)
	case connect.TypeArray:
		list, ok := asList(v)
		if !ok {
			return mismatch()
		}
		var elem *connect.Schema
		if s != nil {
			elem = s.ValueSchema
		}
		w.RawByte('[')
		for i, e := range list {
			if i > 0 {
				w.RawByte(',')
			}
			if err := c.writeValue(w, elem, e); err != nil {
				return err
			}
		}
		w.RawByte(']')
	case connect.TypeMap:
		return c.writeMap(w, s, v, mismatch)
	case connect.TypeStruct:
		return c.writeStruct(w, s, v, mismatch)
	default:
		return dataErrorf("Couldn't convert %v to JSON.", v)
	}
	return nil
}

// writeMap writes string-keyed maps as objects and others as arrays of
// [key, value] pairs; without a schema, a map is an object when every key
// is a string.
func (c *JsonConverter) writeMap(w *javajson.Writer, s *connect.Schema, v any, mismatch func() error) error {
	es, ok := asEntries(v)
	if !ok {
		return mismatch()
	}
	var ks, vs *connect.Schema
	objectMode := true
	if s != nil {
		ks, vs = s.KeySchema, s.ValueSchema
		objectMode = ks != nil && ks.Type == connect.TypeString
	} else {
		for _, e := range es {
			if _, isString := e.key.(string); !isString {
				objectMode = false
				break
			}
		}
	}
	if objectMode {
		w.RawByte('{')
		for i, e := range es {
			if i > 0 {
				w.RawByte(',')
			}
			// Java writes the key node's asText(): a null key is "null".
			var key string
			switch k := e.key.(type) {
			case nil:
				if ks != nil && !ks.Optional && (ks.Default == nil || c.keepNulls) {
					return dataErrorf("Conversion error: null value for field that is required and has no default value")
				}
				key = "null"
				if ks != nil && ks.Default != nil && !c.keepNulls {
					key, _ = ks.Default.(string)
				}
			case string:
				key = k
			default:
				return dataErrorf("Invalid type for STRING: %s", javaClass(e.key))
			}
			w.String(key)
			w.RawByte(':')
			if err := c.writeValue(w, vs, e.value); err != nil {
				return err
			}
		}
		w.RawByte('}')
		return nil
	}
	w.RawByte('[')
	for i, e := range es {
		if i > 0 {
			w.RawByte(',')
		}
		w.RawByte('[')
		if err := c.writeValue(w, ks, e.key); err != nil {
			return err
		}
		w.RawByte(',')
		if err := c.writeValue(w, vs, e.value); err != nil {
			return err
		}
		w.RawByte(']')
	}
	w.RawByte(']')
	return nil
}

// writeStruct writes a struct value (a map[string]any keyed by field name)
// as an object with the schema's fields in order.
func (c *JsonConverter) writeStruct(w *javajson.Writer, s *connect.Schema, v any, mismatch func() error) error {
	m, ok := v.(map[string]any)
	if !ok || s == nil {
		return mismatch()
	}
	for k := range m {
		if fieldOf(s, k) == nil {
			return dataErrorf("%s is not a valid field name", k)
		}
	}
	w.RawByte('{')
	for i, f := range s.Fields {
		if i > 0 {
			w.RawByte(',')
		}
		w.String(f.Name)
		w.RawByte(':')
		if err := c.writeValue(w, f.Schema, m[f.Name]); err != nil {
			return err
		}
	}
	w.RawByte('}')
	return nil
}

func fieldOf(s *connect.Schema, name string) *connect.Field {
	for i := range s.Fields {
		if s.Fields[i].Name == name {
			return &s.Fields[i]
		}
	}
	return nil
}

// writeLogical handles the logical types JsonConverter knows; handled is
// false for other schema names.
func (c *JsonConverter) writeLogical(w *javajson.Writer, s *connect.Schema, v any) (handled bool, err error) {
	switch s.Name {
	case DecimalName:
		r, ok := v.(*big.Rat)
		if !ok || r == nil {
			return true, dataErrorf("Invalid type for Decimal, expected BigDecimal but was %s", javaClass(v))
		}
		if c.decimalNumeric {
			u, err := decimalUnscaled(s, r)
			if err != nil {
				return true, err
			}
			scale, _ := decimalScale(s)
			w.Decimal(u, int64(scale))
			return true, nil
		}
		b, err := decimalToBytes(s, r)
		if err != nil {
			return true, err
		}
		w.Binary(b)
		return true, nil
	case DateName, TimeName, TimestampName:
		t, ok := v.(time.Time)
		kind := map[string]string{DateName: "Date", TimeName: "Time", TimestampName: "Timestamp"}[s.Name]
		if !ok {
			return true, dataErrorf("Invalid type for %s, expected Date but was %s", kind, javaClass(v))
		}
		switch s.Name {
		case DateName:
			days, err := dateToDays(t)
			if err != nil {
				return true, err
			}
			w.Int64(int64(days))
		case TimeName:
			ms, err := timeToMillis(t)
			if err != nil {
				return true, err
			}
			w.Int64(int64(ms))
		default:
			w.Int64(t.UnixMilli())
		}
		return true, nil
	}
	return false, nil
}

// schemaTypeOf returns the schema's type, or infers one from a schemaless
// value as Java's ConnectSchema.schemaType does for the Java class.
func schemaTypeOf(s *connect.Schema, v any) (connect.SchemaType, error) {
	if s != nil {
		return s.Type, nil
	}
	switch v.(type) {
	case int8:
		return connect.TypeInt8, nil
	case int16:
		return connect.TypeInt16, nil
	case int32:
		return connect.TypeInt32, nil
	case int64, int:
		return connect.TypeInt64, nil
	case float32:
		return connect.TypeFloat32, nil
	case float64:
		return connect.TypeFloat64, nil
	case bool:
		return connect.TypeBoolean, nil
	case string:
		return connect.TypeString, nil
	case []byte:
		return connect.TypeBytes, nil
	}
	if v != nil {
		switch reflect.TypeOf(v).Kind() {
		case reflect.Slice, reflect.Array:
			return connect.TypeArray, nil
		case reflect.Map:
			return connect.TypeMap, nil
		}
	}
	return "", dataErrorf("Java class %s does not have corresponding schema type.", javaClass(v))
}
