package runtime

import (
	"fmt"
	"maps"
	"strings"

	"github.com/IBM/sarama"

	"github.com/ferrykafka/ferry/connect"
	"github.com/ferrykafka/ferry/connect/converters"
	"github.com/ferrykafka/ferry/connect/producer"
)

// recordConverter turns SourceRecords into producer messages with the
// connector's converters (falling back to the worker's).
type recordConverter struct {
	key, value connect.Converter
	header     connect.HeaderConverter
}

// prefixed returns the keys of props under prefix, with the prefix removed.
func prefixed(props map[string]string, prefix string) map[string]string {
	out := map[string]string{}
	for k, v := range props {
		if strings.HasPrefix(k, prefix) {
			out[strings.TrimPrefix(k, prefix)] = v
		}
	}
	return out
}

// pick chooses the connector's converter when it names one (with its
// key.converter.* etc. properties), else the worker's.
func pick(worker ConverterConfig, connClass string, connProps map[string]string, prefix string) (string, map[string]string) {
	if connClass != "" {
		return connClass, prefixed(connProps, prefix+".")
	}
	return worker.Class, maps.Clone(worker.Props)
}

func newRecordConverter(cfg Config, s ConnectorSettings, connProps map[string]string) (*recordConverter, error) {
	kc, kp := pick(cfg.KeyConverter, s.KeyConverter, connProps, KeyKeyConverter)
	vc, vp := pick(cfg.ValueConverter, s.ValueConverter, connProps, KeyValueConverter)
	hc, hp := pick(cfg.HeaderConverter, s.HeaderConverter, connProps, KeyHeaderConverter)
	key, err := converters.New(kc, kp, true)
	if err != nil {
		return nil, fmt.Errorf("key.converter: %w", err)
	}
	value, err := converters.New(vc, vp, false)
	if err != nil {
		return nil, fmt.Errorf("value.converter: %w", err)
	}
	header, err := converters.NewHeader(hc, hp)
	if err != nil {
		return nil, fmt.Errorf("header.converter: %w", err)
	}
	return &recordConverter{key: key, value: value, header: header}, nil
}

func (c *recordConverter) toProducerMessage(rec *connect.SourceRecord) (*producer.Record, error) {
	msg := new(producer.Record)
	if err := c.fill(msg, rec); err != nil {
		return nil, err
	}
	return msg, nil
}

// fill sets the topic, partition, timestamp, key, value and headers of an
// empty msg from rec.
func (c *recordConverter) fill(msg *producer.Record, rec *connect.SourceRecord) error {
	if rec.Topic == "" {
		return fmt.Errorf("record has no topic")
	}
	msg.Topic, msg.Timestamp = rec.Topic, rec.Timestamp
	if rec.Partition != nil {
		msg.Partition, msg.Explicit = *rec.Partition, true
	}
	k, err := c.key.FromConnectData(rec.Topic, rec.KeySchema, rec.Key)
	if err != nil {
		return fmt.Errorf("convert key: %w", err)
	}
	msg.Key = k
	v, err := c.value.FromConnectData(rec.Topic, rec.ValueSchema, rec.Value)
	if err != nil {
		return fmt.Errorf("convert value: %w", err)
	}
	msg.Value = v
	if len(rec.Headers) > 0 {
		msg.Headers = make([]sarama.RecordHeader, 0, len(rec.Headers))
		for _, h := range rec.Headers {
			b, err := c.header.FromConnectHeader(rec.Topic, h.Key, h.Schema, h.Value)
			if err != nil {
				return fmt.Errorf("convert header %s: %w", h.Key, err)
			}
			msg.Headers = append(msg.Headers, sarama.RecordHeader{Key: []byte(h.Key), Value: b})
		}
	}
	return nil
}
