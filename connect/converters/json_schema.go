package converters

import (
	"sort"

	"github.com/ferrykafka/ferry/connect"
)

// writeSchema writes a schema as JsonConverter.asJsonSchema builds it, with
// Jackson's field order: type, then items / keys, values / fields, then
// optional, name, version, doc, parameters, default. A struct field's schema
// gets a trailing "field" member. A nil schema is JSON null.
//
// Connect's schema parameters are a Go map, so they are written sorted by
// key; Java writes them in insertion order.
func (c *JsonConverter) writeSchema(w *jsonWriter, s *connect.Schema, fieldName *string) error {
	if s == nil {
		w.null()
		return nil
	}
	w.raw(`{"type":`)
	switch s.Type {
	case connect.TypeBoolean, connect.TypeInt8, connect.TypeInt16, connect.TypeInt32, connect.TypeInt64,
		connect.TypeFloat32, connect.TypeFloat64, connect.TypeBytes, connect.TypeString:
		w.string(string(s.Type))
	case connect.TypeArray:
		w.raw(`"array","items":`)
		if err := c.writeSchema(w, s.ValueSchema, nil); err != nil {
			return err
		}
	case connect.TypeMap:
		w.raw(`"map","keys":`)
		if err := c.writeSchema(w, s.KeySchema, nil); err != nil {
			return err
		}
		w.raw(`,"values":`)
		if err := c.writeSchema(w, s.ValueSchema, nil); err != nil {
			return err
		}
	case connect.TypeStruct:
		w.raw(`"struct","fields":[`)
		for i, f := range s.Fields {
			if i > 0 {
				w.byte(',')
			}
			name := f.Name
			if err := c.writeSchema(w, f.Schema, &name); err != nil {
				return err
			}
		}
		w.byte(']')
	default:
		return dataErrorf("Couldn't translate unsupported schema type %s.", s.Type)
	}
	w.raw(`,"optional":`)
	w.bool(s.Optional)
	if s.Name != "" {
		w.raw(`,"name":`)
		w.string(s.Name)
	}
	if s.Version != nil {
		w.raw(`,"version":`)
		w.int(int64(*s.Version))
	}
	if s.Doc != "" {
		w.raw(`,"doc":`)
		w.string(s.Doc)
	}
	if s.Params != nil {
		keys := make([]string, 0, len(s.Params))
		for k := range s.Params {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		w.raw(`,"parameters":{`)
		for i, k := range keys {
			if i > 0 {
				w.byte(',')
			}
			w.string(k)
			w.byte(':')
			w.string(s.Params[k])
		}
		w.byte('}')
	}
	if s.Default != nil {
		w.raw(`,"default":`)
		if err := c.writeValue(w, s, s.Default); err != nil {
			return err
		}
	}
	if fieldName != nil {
		w.raw(`,"field":`)
		w.string(*fieldName)
	}
	w.byte('}')
	return nil
}

// readSchema is JsonConverter.asConnectSchema.
func (c *JsonConverter) readSchema(n *jsonNode) (*connect.Schema, error) {
	if n == nil || n.kind == jsonNull {
		return nil, nil
	}
	typeNode := n.get("type")
	if typeNode == nil || typeNode.kind != jsonString {
		return nil, dataErrorf("Schema must contain 'type' field")
	}
	s := &connect.Schema{}
	switch typeNode.s {
	case "boolean", "int8", "int16", "int32", "int64", "float", "double", "bytes", "string":
		s.Type = connect.SchemaType(typeNode.s)
	case "array":
		items := n.get("items")
		if items.isNull() {
			return nil, dataErrorf("Array schema did not specify the element type")
		}
		elem, err := c.readSchema(items)
		if err != nil {
			return nil, err
		}
		s.Type, s.ValueSchema = connect.TypeArray, elem
	case "map":
		keysNode := n.get("keys")
		if keysNode == nil {
			return nil, dataErrorf("Map schema did not specify the key type")
		}
		valuesNode := n.get("values")
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
		fields := n.get("fields")
		if fields == nil || fields.kind != jsonArray {
			return nil, dataErrorf("Struct schema's \"fields\" argument is not an array.")
		}
		seen := map[string]bool{}
		for _, f := range fields.arr {
			nameNode := f.get("field")
			if nameNode == nil || nameNode.kind != jsonString {
				return nil, dataErrorf("Struct schema's field name not specified properly")
			}
			fs, err := c.readSchema(f)
			if err != nil {
				return nil, err
			}
			if fs == nil {
				return nil, dataErrorf("fieldSchema for field %s cannot be null.", nameNode.s)
			}
			if seen[nameNode.s] {
				return nil, dataErrorf("Cannot create field because of field name duplication %s", nameNode.s)
			}
			seen[nameNode.s] = true
			s.Fields = append(s.Fields, connect.Field{Name: nameNode.s, Index: len(s.Fields), Schema: fs})
		}
	default:
		return nil, dataErrorf("Unknown schema type: %s", typeNode.s)
	}
	if o := n.get("optional"); o != nil && o.kind == jsonBool && o.b {
		s.Optional = true
	}
	if nm := n.get("name"); nm != nil && nm.kind == jsonString {
		s.Name = nm.s
	}
	if v := n.get("version"); v != nil && v.isIntegral() {
		ver := v.intValue()
		s.Version = &ver
	}
	if d := n.get("doc"); d != nil && d.kind == jsonString {
		s.Doc = d.s
	}
	if p := n.get("parameters"); p != nil && p.kind == jsonObject && len(p.keys) > 0 {
		s.Params = make(map[string]string, len(p.keys))
		for i, k := range p.keys {
			if p.vals[i].kind != jsonString {
				return nil, dataErrorf("Schema parameters must have string values.")
			}
			s.Params[k] = p.vals[i].s
		}
	}
	if d := n.get("default"); d != nil {
		v, err := c.readValue(s, d)
		if err != nil {
			return nil, err
		}
		s.Default = v
	}
	return s, nil
}
