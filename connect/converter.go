package connect

// Converter turns Connect data into the bytes of a Kafka record key or value
// and back (Java's org.apache.kafka.connect.storage.Converter). The runtime
// configures one converter for keys and one for values per task.
type Converter interface {
	// Configure receives the converter's own properties (the
	// key.converter./value.converter. prefix already stripped).
	Configure(props map[string]string, isKey bool) error
	FromConnectData(topic string, schema *Schema, value any) ([]byte, error)
	ToConnectData(topic string, data []byte) (*Schema, any, error)
}

// HeaderConverter turns Connect header values into header bytes and back
// (Java's HeaderConverter).
type HeaderConverter interface {
	Configure(props map[string]string) error
	FromConnectHeader(topic, key string, schema *Schema, value any) ([]byte, error)
	ToConnectHeader(topic, key string, data []byte) (*Schema, any, error)
}
