package converters

import (
	"strings"

	"github.com/ferrykafka/ferry/connect"
	"github.com/ferrykafka/ferry/connect/javajson"
)

// JsonConverter is org.apache.kafka.connect.json.JsonConverter. With
// schemas.enable=true (the default) it writes {"schema":...,"payload":...}
// envelopes and requires them when reading; with schemas.enable=false it
// writes plain JSON and reads any JSON without a schema (integers as int64,
// other numbers as float64, objects as map[string]any, arrays as []any).
//
// Its output is byte-identical to Java's for the same data: JSON text comes
// from javajson.Writer, map entry order from javaHashOrder; it reads with
// javajson.ReadTree, as Java's JsonDeserializer does. The zero value is a
// JsonConverter with Java's defaults.
type JsonConverter struct {
	schemasDisabled bool
	decimalNumeric  bool
	// keepNulls is replace.null.with.default=false.
	keepNulls bool
}

// Configure reads schemas.enable, schemas.cache.size, decimal.format and
// replace.null.with.default.
func (c *JsonConverter) Configure(props map[string]string, isKey bool) error {
	return c.configure(props, converterType(isKey))
}

func (c *JsonConverter) configure(props map[string]string, typ string) error {
	v, err := parseConverterConfig(jsonConverterConfigDef(), props, typ)
	if err != nil {
		return err
	}
	enabled, _ := v[SchemasEnableConfig].(bool)
	format, _ := v[DecimalFormatConfig].(string)
	replace, _ := v[ReplaceNullWithDefaultConfig].(bool)
	c.schemasDisabled = !enabled
	c.decimalNumeric = strings.EqualFold(format, "NUMERIC")
	c.keepNulls = !replace
	return nil
}

// FromConnectData serializes value. A nil schema with a nil value gives nil
// bytes (a tombstone); a nil value with an optional schema gives the JSON
// null (or an envelope with a null payload).
func (c *JsonConverter) FromConnectData(_ string, schema *connect.Schema, value any) ([]byte, error) {
	if schema == nil && value == nil {
		return nil, nil
	}
	w := &javajson.Writer{}
	if c.schemasDisabled {
		if err := c.writeValue(w, schema, value); err != nil {
			return nil, err
		}
		return w.Bytes(), nil
	}
	w.RawString(`{"schema":`)
	if err := c.writeSchema(w, schema, nil); err != nil {
		return nil, err
	}
	w.RawString(`,"payload":`)
	if err := c.writeValue(w, schema, value); err != nil {
		return nil, err
	}
	w.RawByte('}')
	return w.Bytes(), nil
}

// ToConnectData parses data. Nil data gives a nil schema and value.
func (c *JsonConverter) ToConnectData(_ string, data []byte) (*connect.Schema, any, error) {
	if data == nil {
		return nil, nil, nil
	}
	root, err := javajson.ReadTree(data)
	if err != nil {
		return nil, nil, dataErrorWrap("Converting byte[] to Kafka Connect data failed due to serialization error: ", err)
	}
	if c.schemasDisabled {
		v, err := c.readValue(nil, root)
		if err != nil {
			return nil, nil, err
		}
		return nil, v, nil
	}
	if root.Kind != javajson.KindObject || len(root.Keys) != 2 || root.Get("schema") == nil || root.Get("payload") == nil {
		return nil, nil, dataErrorf("JsonConverter with schemas.enable requires \"schema\" and \"payload\" fields and may not contain additional fields." +
			" If you are trying to deserialize plain JSON data, set schemas.enable=false in your converter configuration.")
	}
	schema, err := c.readSchema(root.Get("schema"))
	if err != nil {
		return nil, nil, err
	}
	v, err := c.readValue(schema, root.Get("payload"))
	if err != nil {
		return nil, nil, err
	}
	return schema, v, nil
}
