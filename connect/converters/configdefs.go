package converters

import (
	"maps"

	"github.com/ferrykafka/ferry/connect"
)

// Converter config keys, as Java's ConverterConfig and its subclasses name them.
const (
	TypeConfig                   = "converter.type"
	EncodingConfig               = "converter.encoding"
	SchemasEnableConfig          = "schemas.enable"
	SchemasCacheSizeConfig       = "schemas.cache.size"
	DecimalFormatConfig          = "decimal.format"
	ReplaceNullWithDefaultConfig = "replace.null.with.default"
)

// Converter types (converter.type).
const (
	TypeKey    = "key"
	TypeValue  = "value"
	TypeHeader = "header"
)

// converterConfigDef is ConverterConfig.newConfigDef: converter.type only.
func converterConfigDef() *connect.ConfigDef {
	return connect.NewConfigDef().Define(connect.ConfigKey{
		Name: TypeConfig, Type: connect.TypeStringConfig, Required: true,
		Validator: connect.In(TypeKey, TypeValue, TypeHeader), Importance: connect.ImportanceLow,
		Doc: "How this converter will be used.",
	})
}

// stringConverterConfigDef is StringConverterConfig's ConfigDef.
func stringConverterConfigDef() *connect.ConfigDef {
	return converterConfigDef().Define(connect.ConfigKey{
		Name: EncodingConfig, Type: connect.TypeStringConfig, Default: "UTF-8", Importance: connect.ImportanceHigh,
		Doc:          "The name of the Java character set to use for encoding strings as byte arrays.",
		OrderInGroup: -1, Width: connect.WidthMedium, DisplayName: "Encoding",
	})
}

// jsonConverterConfigDef is JsonConverterConfig's ConfigDef.
func jsonConverterConfigDef() *connect.ConfigDef {
	return converterConfigDef().
		Define(connect.ConfigKey{Name: SchemasEnableConfig, Type: connect.TypeBooleanConfig, Default: true,
			Importance: connect.ImportanceHigh, Doc: "Include schemas within each of the serialized values and keys.",
			Group: "Schemas", OrderInGroup: 0, Width: connect.WidthMedium, DisplayName: "Enable Schemas"}).
		Define(connect.ConfigKey{Name: SchemasCacheSizeConfig, Type: connect.TypeIntConfig, Default: 1000,
			Importance: connect.ImportanceHigh, Doc: "The maximum number of schemas that can be cached in this converter instance.",
			Group: "Schemas", OrderInGroup: 1, Width: connect.WidthMedium, DisplayName: "Schema Cache Size"}).
		Define(connect.ConfigKey{Name: DecimalFormatConfig, Type: connect.TypeStringConfig, Default: "BASE64",
			// Java lists the upper-cased names in its HashSet's order.
			Validator:  connect.InIgnoreCase("NUMERIC", "BASE64"),
			Importance: connect.ImportanceLow,
			Doc: "Controls which format this converter will serialize decimals in." +
				" This value is case insensitive and can be either 'BASE64' (default) or 'NUMERIC'",
			Group: "Serialization", OrderInGroup: 0, Width: connect.WidthMedium, DisplayName: "Decimal Format"}).
		Define(connect.ConfigKey{Name: ReplaceNullWithDefaultConfig, Type: connect.TypeBooleanConfig, Default: true,
			Importance: connect.ImportanceLow,
			Doc: "Whether to replace fields that have a default value and that are null to the default value. " +
				"When set to true, the default value is used, otherwise null is used.",
			Group: "Serialization", OrderInGroup: 1, Width: connect.WidthMedium, DisplayName: "Replace null with default"})
}

// parseConverterConfig parses a converter's properties with converter.type
// set from its use, as Converter.configure(Map, boolean) does in Java.
func parseConverterConfig(def *connect.ConfigDef, props map[string]string, typ string) (connect.Values, error) {
	p := maps.Clone(props)
	if p == nil {
		p = map[string]string{}
	}
	if typ != "" {
		p[TypeConfig] = typ
	}
	return def.Parse(p)
}

func converterType(isKey bool) string {
	if isKey {
		return TypeKey
	}
	return TypeValue
}
