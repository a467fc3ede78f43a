package converters

import (
	"sort"

	"github.com/ferrykafka/ferry/connect"
	"github.com/ferrykafka/ferry/connect/javajson"
)

// writeSchema writes a schema as JsonConverter.asJsonSchema builds it, with
// Jackson's field order: type, then items / keys, values / fields, then
// optional, name, version, doc, parameters, default. A struct field's schema
// gets a trailing "field" member. A nil schema is JSON null.
//
// Connect's schema parameters are a Go map, so they are written sorted by
// key; Java writes them in insertion order.
func (c *JsonConverter) writeSchema(w *javajson.Writer, s *connect.Schema, fieldName *string) error {
	if s == nil {
		w.Null()
		return nil
	}
	w.RawString(`{"type":`)
	switch s.Type {
	case connect.TypeBoolean, connect.TypeInt8, connect.TypeInt16, connect.TypeInt32, connect.TypeInt64,
		connect.TypeFloat32, connect.TypeFloat64, connect.TypeBytes, connect.TypeString:
		w.String(string(s.Type))
	case connect.TypeArray:
		w.RawString(`"array","items":`)
		if err := c.writeSchema(w, s.ValueSchema, nil); err != nil {
			return err
		}
	case connect.TypeMap:
		w.RawString(`"map","keys":`)
		if err := c.writeSchema(w, s.KeySchema, nil); err != nil {
			return err
		}
		w.RawString(`,"values":`)
		if err := c.writeSchema(w, s.ValueSchema, nil); err != nil {
			return err
		}
	case connect.TypeStruct:
		w.RawString(`"struct","fields":[`)
		for i, f := range s.Fields {
			if i > 0 {
				w.RawByte(',')
			}
			name := f.Name
			if err := c.writeSchema(w, f.Schema, &name); err != nil {
				return err
			}
		}
		w.RawByte(']')
	default:
		return dataErrorf("Couldn't translate unsupported schema type %s.", s.Type)
	}
	w.RawString(`,"optional":`)
	w.Bool(s.Optional)
	if s.Name != "" {
		w.RawString(`,"name":`)
		w.String(s.Name)
	}
	if s.Version != nil {
		w.RawString(`,"version":`)
		w.Int64(int64(*s.Version))
	}
	if s.Doc != "" {
		w.RawString(`,"doc":`)
		w.String(s.Doc)
	}
	if s.Params != nil {
		keys := make([]string, 0, len(s.Params))
		for k := range s.Params {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		w.RawString(`,"parameters":{`)
		for i, k := range keys {
			if i > 0 {
				w.RawByte(',')
			}
			w.String(k)
			w.RawByte(':')
			w.String(s.Params[k])
		}
		w.RawByte('}')
	}
	if s.Default != nil {
		w.RawString(`,"default":`)
		if err := c.writeValue(w, s, s.Default); err != nil {
			return err
		}
	}
	if fieldName != nil {
		w.RawString(`,"field":`)
		w.String(*fieldName)
	}
	w.RawByte('}')
	return nil
}

// readSchema is JsonConverter.asConnectSchema.
func (c *JsonConverter) readSchema(n *javajson.Node) (*connect.Schema, error) {
	if n == nil || n.Kind == javajson.KindNull {
		return nil, nil
	}
	typeNode := n.Get("type")
	if typeNode == nil || typeNode.Kind != javajson.KindString {
		return nil, dataErrorf("Schema must contain 'type' field")
	}
	s := &connect.Schema{}
	switch typeNode.Text {
	case "boolean", "int8", "int16", "int32", "int64", "float", "double", "bytes", "string":
		s.Type = connect.SchemaType(typeNode.Text)
	case "array":
		items := n.Get("items")
		if items.IsNull() {
			return nil, dataErrorf("Array schema did not specify the element type")
		}
		elem, err := c.readSchema(items)
		if err != nil {
			return nil, err
		}
		s.Type, s.ValueSchema = connect.TypeArray, elem
	case "map":
		keysNode := n.Get("keys")
		if keysNode == nil {
			return nil, dataErrorf("Map schema did not specify the key type")
		}
		valuesNode := n.Get("values")
		if valuesNode == nil {
			return nil, dataErrorf("Map schema did not specify the value type")
		}
		ks, err := c.readSchema(keysNode)
		if err != nil {
			return nil, err
		}
		vs, err := c.readSchema(valuesNode)
		if err != nil {
			return nil, err
		}
		if ks == nil {
			return nil, dataErrorf("keySchema cannot be null.")
		}
		if vs == nil {
			return nil, dataErrorf("valueSchema cannot be null.")
		}
		s.Type, s.KeySchema, s.ValueSchema = connect.TypeMap, ks, vs
	case "struct":
		s.Type = connect.TypeStruct
		fields := n.Get("fields")
		if fields == nil || fields.Kind != javajson.KindArray {
			return nil, dataErrorf("Struct schema's \"fields\" argument is not an array.")
		}
		seen := map[string]bool{}
		for _, f := range fields.Elems {
			nameNode := f.Get("field")
			if nameNode == nil || nameNode.Kind != javajson.KindString {
				return nil, dataErrorf("Struct schema's field name not specified properly")
			}
			fs, err := c.readSchema(f)
			if err != nil {
				return nil, err
			}
			if fs == nil {
				return nil, dataErrorf("fieldSchema for field %s cannot be null.", nameNode.Text)
			}
			if seen[nameNode.Text] {
				return nil, dataErrorf("Cannot create field because of field name duplication %s", nameNode.Text)
			}
			seen[nameNode.Text] = true
			s.Fields = append(s.Fields, connect.Field{Name: nameNode.Text, Index: len(s.Fields), Schema: fs})
		}
	default:
		return nil, dataErrorf("Unknown schema type: %s", typeNode.Text)
	}
	if o := n.Get("optional"); o != nil && o.Kind == javajson.KindBool && o.Bool {
		s.Optional = true
	}
	if nm := n.Get("name"); nm != nil && nm.Kind == javajson.KindString {
		s.Name = nm.Text
	}
	if v := n.Get("version"); v != nil && v.IsIntegral() {
		ver := v.Int32()
		s.Version = &ver
	}
	if d := n.Get("doc"); d != nil && d.Kind == javajson.KindString {
		s.Doc = d.Text
	}
	if p := n.Get("parameters"); p != nil && p.Kind == javajson.KindObject && len(p.Keys) > 0 {
		s.Params = make(map[string]string, len(p.Keys))
		for i, k := range p.Keys {
			if p.Values[i].Kind != javajson.KindString {
				return nil, dataErrorf("Schema parameters must have string values.")
			}
			s.Params[k] = p.Values[i].Text
		}
	}
	if d := n.Get("default"); d != nil {
		v, err := c.readValue(s, d)
		if err != nil {
			return nil, err
		}
		s.Default = v
	}
	return s, nil
}
