package connect

// SchemaType is the type of a Connect schema, spelled as Connect spells it in
// JSON envelopes ("int32", "bytes", ...).
type SchemaType string

// The Connect schema types.
const (
	TypeInt8    SchemaType = "int8"
	TypeInt16   SchemaType = "int16"
	TypeInt32   SchemaType = "int32"
	TypeInt64   SchemaType = "int64"
	TypeFloat32 SchemaType = "float"
	TypeFloat64 SchemaType = "double"
	TypeBoolean SchemaType = "boolean"
	TypeString  SchemaType = "string"
	TypeBytes   SchemaType = "bytes"
	TypeArray   SchemaType = "array"
	TypeMap     SchemaType = "map"
	TypeStruct  SchemaType = "struct"
)

// Schema describes the shape of a record key, value or header value. It is the
// subset of Connect's Schema that Ferry's converters and connectors use; a nil
// *Schema means "schemaless", as a null Schema does in Java.
type Schema struct {
	Type     SchemaType
	Optional bool
	Name     string
	Version  *int32
	Doc      string
	// Params are the schema parameters (Java's Schema.parameters()).
	Params map[string]string
	// Default is the default value, if any.
	Default any
	// Fields are the fields of a struct schema, in order.
	Fields []Field
	// KeySchema and ValueSchema describe map entries; ValueSchema alone
	// describes array elements.
	KeySchema   *Schema
	ValueSchema *Schema
}

// Field is one field of a struct schema.
type Field struct {
	Name   string
	Index  int
	Schema *Schema
}

// Predefined schemas, matching Java's Schema.*_SCHEMA constants.
var (
	BytesSchema          = &Schema{Type: TypeBytes}
	OptionalBytesSchema  = &Schema{Type: TypeBytes, Optional: true}
	StringSchema         = &Schema{Type: TypeString}
	OptionalStringSchema = &Schema{Type: TypeString, Optional: true}
	Int32Schema          = &Schema{Type: TypeInt32}
	Int64Schema          = &Schema{Type: TypeInt64}
	BooleanSchema        = &Schema{Type: TypeBoolean}
)
