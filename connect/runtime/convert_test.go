package runtime

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ferrykafka/ferry/connect"
	"github.com/ferrykafka/ferry/connect/converters"
)

func workerConverters(key, value, header ConverterConfig) Config {
	return Config{KeyConverter: key, ValueConverter: value, HeaderConverter: header}
}

var (
	stringConv = ConverterConfig{Class: converters.StringConverterClass}
	headerConv = ConverterConfig{Class: converters.SimpleHeaderConverterClass}
)

func mustSettings(t *testing.T, props map[string]string) ConnectorSettings {
	t.Helper()
	s, err := ParseConnectorSettings(props)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func encode(t *testing.T, b []byte) string {
	t.Helper()
	if b == nil {
		t.Fatal("null bytes")
	}
	return string(b)
}

// Which converter a connector gets: its own class with its own prefixed
// properties, else the worker's class with the worker's properties (never a
// mix of the two, as in Java's Worker.startTask).
func TestRecordConverterSelection(t *testing.T) {
	jsonNoSchemas := ConverterConfig{Class: converters.JsonConverterClass, Props: map[string]string{"schemas.enable": "false"}}
	cases := []struct {
		name      string
		worker    Config
		conn      []string
		wantKey   string
		wantValue string
		wantHdr   string
	}{
		{
			name:      "worker converters",
			worker:    workerConverters(stringConv, jsonNoSchemas, headerConv),
			wantKey:   "k",
			wantValue: `"v"`,
			wantHdr:   "7",
		},
		{
			name:   "connector overrides with its prefixed properties",
			worker: workerConverters(stringConv, stringConv, headerConv),
			conn: []string{KeyValueConverter, "org.apache.kafka.connect.json.JsonConverter",
				"value.converter.schemas.enable", "false", "key.converter.schemas.enable", "true"},
			wantKey:   "k",
			wantValue: `"v"`,
			wantHdr:   "7",
		},
		{
			name:      "connector class without its own properties does not inherit the worker's",
			worker:    workerConverters(stringConv, jsonNoSchemas, headerConv),
			conn:      []string{KeyValueConverter, "JsonConverter"},
			wantKey:   "k",
			wantValue: `{"schema":{"type":"string","optional":false},"payload":"v"}`,
			wantHdr:   "7",
		},
		{
			name:      "key and header converters by alias",
			worker:    workerConverters(jsonNoSchemas, stringConv, headerConv),
			conn:      []string{KeyKeyConverter, "String", KeyHeaderConverter, "JsonConverter", "header.converter.schemas.enable", "false"},
			wantKey:   "k",
			wantValue: "v",
			wantHdr:   "7",
		},
		{
			name:      "worker JSON key converter",
			worker:    workerConverters(jsonNoSchemas, stringConv, ConverterConfig{Class: converters.JsonConverterClass}),
			wantKey:   `"k"`,
			wantValue: "v",
			wantHdr:   `{"schema":{"type":"int32","optional":false},"payload":7}`,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			props := connProps("c", tc.conn...)
			c, err := newRecordConverter(tc.worker, mustSettings(t, props), props)
			if err != nil {
				t.Fatal(err)
			}
			msg, err := c.toProducerMessage(&connect.SourceRecord{
				Topic: "t", KeySchema: connect.StringSchema, Key: "k", ValueSchema: connect.StringSchema, Value: "v",
				Headers: []connect.Header{{Key: "h", Schema: connect.Int32Schema, Value: int32(7)}},
			})
			if err != nil {
				t.Fatal(err)
			}
			if got := encode(t, msg.Key); got != tc.wantKey {
				t.Errorf("key = %s, want %s", got, tc.wantKey)
			}
			if got := encode(t, msg.Value); got != tc.wantValue {
				t.Errorf("value = %s, want %s", got, tc.wantValue)
			}
			if len(msg.Headers) != 1 || string(msg.Headers[0].Value) != tc.wantHdr {
				t.Errorf("headers = %v, want h=%s", msg.Headers, tc.wantHdr)
			}
		})
	}
}

func TestRecordConverterErrors(t *testing.T) {
	worker := workerConverters(stringConv, stringConv, headerConv)
	cases := []struct {
		name     string
		worker   Config
		conn     []string
		want     string
		notFound bool
	}{
		{"unknown connector value converter", worker, []string{KeyValueConverter, "AvroConverter"},
			"value.converter: Failed to find any class that implements Converter and which name matches AvroConverter, available converters are: ", true},
		{"unknown connector key converter", worker, []string{KeyKeyConverter, "com.example.Nope"},
			"key.converter: Failed to find any class that implements Converter and which name matches com.example.Nope", true},
		{"unknown header converter", worker, []string{KeyHeaderConverter, "Nope"},
			"header.converter: Failed to find any class that implements HeaderConverter and which name matches Nope", true},
		{"unknown worker converter", workerConverters(stringConv, ConverterConfig{Class: "Nope"}, headerConv), nil,
			"value.converter: Failed to find any class that implements Converter and which name matches Nope", true},
		{"bad converter property", worker, []string{KeyValueConverter, "JsonConverter", "value.converter.schemas.enable", "maybe"},
			"value.converter: configuring org.apache.kafka.connect.json.JsonConverter: Invalid value maybe for configuration schemas.enable", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			props := connProps("c", tc.conn...)
			_, err := newRecordConverter(tc.worker, mustSettings(t, props), props)
			if err == nil {
				t.Fatal("accepted")
			}
			if !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("error = %q\nwant prefix %q", err.Error(), tc.want)
			}
			if errors.Is(err, connect.ErrNotFound) != tc.notFound {
				t.Errorf("errors.Is(ErrNotFound) = %v, want %v", !tc.notFound, tc.notFound)
			}
		})
	}
}

func stringConverter(t *testing.T) *recordConverter {
	t.Helper()
	props := connProps("c")
	c, err := newRecordConverter(workerConverters(stringConv, stringConv, headerConv), mustSettings(t, props), props)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestToProducerMessage(t *testing.T) {
	c := stringConverter(t)
	ts := time.UnixMilli(1_700_000_000_123)
	msg, err := c.toProducerMessage(&connect.SourceRecord{
		SourcePartition: map[string]any{"p": 1}, SourceOffset: map[string]any{"o": 2},
		Topic: "orders", Partition: connect.PartitionOf(2),
		KeySchema: connect.StringSchema, Key: "key-1",
		ValueSchema: connect.StringSchema, Value: "value-1",
		Timestamp: ts,
		Headers: []connect.Header{
			{Key: "a", Schema: connect.StringSchema, Value: "x"},
			{Key: "b", Schema: connect.BooleanSchema, Value: true},
			{Key: "n", Schema: connect.OptionalStringSchema, Value: nil},
			{Key: "a", Schema: connect.Int64Schema, Value: int64(42)},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if msg.Topic != "orders" || msg.Partition != 2 || !msg.Timestamp.Equal(ts) {
		t.Errorf("topic/partition/timestamp = %s/%d/%v", msg.Topic, msg.Partition, msg.Timestamp)
	}
	if encode(t, msg.Key) != "key-1" || encode(t, msg.Value) != "value-1" {
		t.Errorf("key/value = %v/%v", msg.Key, msg.Value)
	}
	want := []struct {
		key   string
		value []byte
	}{{"a", []byte("x")}, {"b", []byte("true")}, {"n", nil}, {"a", []byte("42")}}
	if len(msg.Headers) != len(want) {
		t.Fatalf("headers = %v", msg.Headers)
	}
	for i, w := range want {
		h := msg.Headers[i]
		if string(h.Key) != w.key || string(h.Value) != string(w.value) || (w.value == nil) != (h.Value == nil) {
			t.Errorf("header %d = %s=%q, want %s=%q (in order, duplicates kept)", i, h.Key, h.Value, w.key, w.value)
		}
	}
	if msg.Meta != nil || !msg.Explicit {
		t.Errorf("meta = %v, explicit = %v; the task sets Meta, the record named its partition", msg.Meta, msg.Explicit)
	}
}

func TestToProducerMessageNullsAndDefaults(t *testing.T) {
	c := stringConverter(t)
	msg, err := c.toProducerMessage(&connect.SourceRecord{Topic: "t"})
	if err != nil {
		t.Fatal(err)
	}
	if msg.Key != nil || msg.Value != nil {
		t.Errorf("null key/value became %v/%v; want nil (a tombstone)", msg.Key, msg.Value)
	}
	if msg.Partition != 0 || msg.Explicit || !msg.Timestamp.IsZero() || msg.Headers != nil {
		t.Errorf("partition=%d explicit=%v timestamp=%v headers=%v; want zero values (partitioner and producer decide)", msg.Partition, msg.Explicit, msg.Timestamp, msg.Headers)
	}
}

func TestToProducerMessageErrors(t *testing.T) {
	props := connProps("c", KeyKeyConverter, "IntegerConverter", KeyValueConverter, "LongConverter", KeyHeaderConverter, "IntegerConverter")
	c, err := newRecordConverter(workerConverters(stringConv, stringConv, headerConv), mustSettings(t, props), props)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		rec  connect.SourceRecord
		want string
	}{
		{"no topic", connect.SourceRecord{Key: int32(1)}, "record has no topic"},
		{"key", connect.SourceRecord{Topic: "t", Key: "one"}, "convert key: "},
		{"value", connect.SourceRecord{Topic: "t", Key: int32(1), Value: "two"}, "convert value: "},
		{"header", connect.SourceRecord{Topic: "t", Key: int32(1), Value: int64(2), Headers: []connect.Header{{Key: "h", Value: "three"}}}, "convert header h: "},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.toProducerMessage(&tc.rec)
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("error = %v, want prefix %q", err, tc.want)
			}
		})
	}
	// The same converters accept well-typed data.
	if _, err := c.toProducerMessage(&connect.SourceRecord{Topic: "t", Key: int32(1), Value: int64(2), Headers: []connect.Header{{Key: "h", Value: int32(3)}}}); err != nil {
		t.Errorf("well-typed record: %v", err)
	}
}
