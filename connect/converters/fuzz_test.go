package converters

import (
	"testing"

	"github.com/ferrykafka/ferry/connect"
)

// The fuzz targets check every decoder returns (never panics) on any input,
// and that whatever it decodes can be encoded again.

func FuzzJsonConverterToConnectData(f *testing.F) {
	for _, s := range []string{
		`{"schema":{"type":"struct","fields":[{"type":"int32","optional":true,"field":"a"},{"type":"map","keys":{"type":"int8"},"values":{"type":"string"},"field":"m"}]},"payload":{"a":1,"m":[[1,"x"]]}}`,
		`{"schema":{"type":"bytes","name":"org.apache.kafka.connect.data.Decimal","parameters":{"scale":"2"}},"payload":"AJw="}`,
		`{"schema":{"type":"bytes","name":"org.apache.kafka.connect.data.Decimal","parameters":{"scale":"-99999"}},"payload":1e-99999}`,
		`{"schema":{"type":"int32","name":"org.apache.kafka.connect.data.Time"},"payload":-1}`,
		`{"schema":{"type":"array","items":{"type":"double"},"default":[1.5]},"payload":null}`,
		`{"schema":null,"payload":[1,2.5e400,"x",{"k":[]},true,null,123456789012345678901234567890]}`,
		`[[[[[[[[[[]]]]]]]]]]`, `"\ud800"`, `1e2147483647`, `-0.0`, ``,
	} {
		f.Add([]byte(s), true)
		f.Add([]byte(s), false)
	}
	f.Fuzz(func(t *testing.T, data []byte, schemas bool) {
		props := map[string]string{"schemas.enable": "false"}
		if schemas {
			props = nil
		}
		for _, format := range []string{"BASE64", "NUMERIC"} {
			p := map[string]string{"decimal.format": format}
			for k, v := range props {
				p[k] = v
			}
			c, err := New(JsonConverterClass, p, false)
			if err != nil {
				t.Fatal(err)
			}
			s, v, err := c.ToConnectData("t", data)
			if err != nil {
				return
			}
			// Re-encoding may fail (Java's reader accepts data its writer
			// rejects), but must not panic.
			_, _ = c.FromConnectData("t", s, v)
		}
	})
}

func FuzzSimpleHeaderConverterToConnectHeader(f *testing.F) {
	for _, s := range []string{
		`{"a":[1,2.5,null],"b":{"c":true}}`, `[2019-08-23T14:34:54.346Z, 5]`, `14\:34\:54.346Z`, `1e40`, `+.5e-3`,
		`"quoted"`, `[[[[]]]]`, `{1:2,3:"4"}`, `2019-99-99`, "\xff\xfe", `1e-2147483648`, `[1,,]`, `{"a":}`,
	} {
		f.Add([]byte(s))
	}
	h := &SimpleHeaderConverter{}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, v, err := h.ToConnectHeader("t", "k", data)
		if err != nil {
			t.Fatalf("ToConnectHeader(%q) returned an error: %v", data, err)
		}
		_, _ = h.FromConnectHeader("t", "k", s, v)
	})
}

func FuzzPrimitiveConverters(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4})
	f.Add([]byte{})
	f.Add([]byte("h\xe9llo"))
	classes := []string{
		ByteArrayConverterClass, StringConverterClass, IntegerConverterClass, LongConverterClass,
		ShortConverterClass, FloatConverterClass, DoubleConverterClass, BooleanConverterClass,
	}
	var convs []connect.Converter
	for _, cl := range classes {
		for _, enc := range []string{"UTF-8", "ISO-8859-1", "US-ASCII", "UTF-16", "UTF-16LE"} {
			c, err := New(cl, map[string]string{"converter.encoding": enc}, false)
			if err != nil {
				f.Fatal(err)
			}
			convs = append(convs, c)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, c := range convs {
			s, v, err := c.ToConnectData("t", data)
			if err != nil {
				continue
			}
			if _, err := c.FromConnectData("t", s, v); err != nil {
				t.Fatalf("%T: re-encoding %v: %v", c, v, err)
			}
		}
	})
}
