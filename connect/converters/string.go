package converters

import (
	"fmt"

	"github.com/ferrykafka/ferry/connect"
)

// StringConverter writes a value's string form and reads bytes as a string
// (org.apache.kafka.connect.storage.StringConverter). converter.encoding
// names the Java charset (UTF-8 by default; ISO-8859-1, US-ASCII and UTF-16
// variants are supported too); key./value.serializer.encoding and
// key./value.deserializer.encoding override it per direction, as they do for
// Java's StringSerializer and StringDeserializer.
type StringConverter struct {
	enc, dec *charset
}

// Configure reads converter.encoding.
func (c *StringConverter) Configure(props map[string]string, isKey bool) error {
	return c.configure(props, converterType(isKey))
}

func (c *StringConverter) configure(props map[string]string, typ string) error {
	v, err := parseConverterConfig(stringConverterConfigDef(), props, typ)
	if err != nil {
		return err
	}
	encoding, _ := v[EncodingConfig].(string)
	role := "value"
	if typ == TypeKey {
		role = "key"
	}
	pick := func(kind string) (*charset, error) {
		name, ok := props[role+"."+kind+".encoding"]
		if !ok {
			name = encoding
		}
		cs, ok := lookupCharset(name)
		if !ok {
			return nil, fmt.Errorf("Unsupported encoding %s", name)
		}
		return cs, nil
	}
	if c.enc, err = pick("serializer"); err != nil {
		return err
	}
	c.dec, err = pick("deserializer")
	return err
}

func (c *StringConverter) charsets() (enc, dec *charset) {
	enc, dec = c.enc, c.dec
	if enc == nil {
		enc, _ = lookupCharset("UTF-8")
	}
	if dec == nil {
		dec, _ = lookupCharset("UTF-8")
	}
	return enc, dec
}

// FromConnectData encodes the value's string form (Java's toString); a nil
// value gives nil bytes.
func (c *StringConverter) FromConnectData(_ string, schema *connect.Schema, value any) ([]byte, error) {
	if value == nil {
		return nil, nil
	}
	enc, _ := c.charsets()
	if s, ok := value.(string); ok {
		return enc.encode(s), nil
	}
	return enc.encode(javaToString(schema, value)), nil
}

// ToConnectData decodes the bytes with the optional STRING schema.
func (c *StringConverter) ToConnectData(_ string, data []byte) (*connect.Schema, any, error) {
	if data == nil {
		return connect.OptionalStringSchema, nil, nil
	}
	_, dec := c.charsets()
	return connect.OptionalStringSchema, dec.decode(data), nil
}
