package converters

import (
	"strings"

	"github.com/ferrykafka/ferry/connect"
)

// javaTypeName is Schema.Type.toString: the enum constant name ("INT32",
// "FLOAT64", "BYTES").
func javaTypeName(t connect.SchemaType) string {
	switch t {
	case connect.TypeFloat32:
		return "FLOAT32"
	case connect.TypeFloat64:
		return "FLOAT64"
	}
	return strings.ToUpper(string(t))
}

// Optional schemas of the primitive types, as Java's Schema.OPTIONAL_*_SCHEMA.
var (
	optionalInt16Schema   = &connect.Schema{Type: connect.TypeInt16, Optional: true}
	optionalInt32Schema   = &connect.Schema{Type: connect.TypeInt32, Optional: true}
	optionalInt64Schema   = &connect.Schema{Type: connect.TypeInt64, Optional: true}
	optionalFloat32Schema = &connect.Schema{Type: connect.TypeFloat32, Optional: true}
	optionalFloat64Schema = &connect.Schema{Type: connect.TypeFloat64, Optional: true}
	optionalBooleanSchema = &connect.Schema{Type: connect.TypeBoolean, Optional: true}
)

// Required schemas of the primitive types, as Java's Schema.*_SCHEMA.
var (
	int8Schema    = &connect.Schema{Type: connect.TypeInt8}
	int16Schema   = &connect.Schema{Type: connect.TypeInt16}
	float32Schema = &connect.Schema{Type: connect.TypeFloat32}
	float64Schema = &connect.Schema{Type: connect.TypeFloat64}
)
