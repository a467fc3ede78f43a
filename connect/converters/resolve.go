package converters

import (
	"fmt"
	"sort"
	"strings"

	"github.com/ferrykafka/ferry/connect"
)

// Java class names of the converters Ferry provides.
const (
	ByteArrayConverterClass    = "org.apache.kafka.connect.converters.ByteArrayConverter"
	StringConverterClass       = "org.apache.kafka.connect.storage.StringConverter"
	JsonConverterClass         = "org.apache.kafka.connect.json.JsonConverter"
	SimpleHeaderConverterClass = "org.apache.kafka.connect.storage.SimpleHeaderConverter"
	IntegerConverterClass      = "org.apache.kafka.connect.converters.IntegerConverter"
	LongConverterClass         = "org.apache.kafka.connect.converters.LongConverter"
	ShortConverterClass        = "org.apache.kafka.connect.converters.ShortConverter"
	FloatConverterClass        = "org.apache.kafka.connect.converters.FloatConverter"
	DoubleConverterClass       = "org.apache.kafka.connect.converters.DoubleConverter"
	BooleanConverterClass      = "org.apache.kafka.connect.converters.BooleanConverter"
)

// typedConverter is a Converter that can also be configured as a header
// converter (Java's converters implement both interfaces and learn their use
// from converter.type).
type typedConverter interface {
	connect.Converter
	configure(props map[string]string, typ string) error
}

func (c *ByteArrayConverter) configure(map[string]string, string) error { return nil }

func (c *numberConverter) configure(props map[string]string, typ string) error {
	_, err := parseConverterConfig(converterConfigDef(), props, typ)
	return err
}

func (c *BooleanConverter) configure(props map[string]string, typ string) error {
	_, err := parseConverterConfig(converterConfigDef(), props, typ)
	return err
}

type pluginSpec struct {
	class     string
	configDef func() *connect.ConfigDef
	// newConverter is nil for header-only classes.
	newConverter func() typedConverter
	// newHeader is set for header-only classes.
	newHeader func() connect.HeaderConverter
}

var plugins = []pluginSpec{
	{class: ByteArrayConverterClass, configDef: converterConfigDef, newConverter: func() typedConverter { return &ByteArrayConverter{} }},
	{class: StringConverterClass, configDef: stringConverterConfigDef, newConverter: func() typedConverter { return &StringConverter{} }},
	{class: JsonConverterClass, configDef: jsonConverterConfigDef, newConverter: func() typedConverter { return &JsonConverter{} }},
	{class: IntegerConverterClass, configDef: converterConfigDef, newConverter: func() typedConverter { return NewIntegerConverter().(typedConverter) }},
	{class: LongConverterClass, configDef: converterConfigDef, newConverter: func() typedConverter { return NewLongConverter().(typedConverter) }},
	{class: ShortConverterClass, configDef: converterConfigDef, newConverter: func() typedConverter { return NewShortConverter().(typedConverter) }},
	{class: FloatConverterClass, configDef: converterConfigDef, newConverter: func() typedConverter { return NewFloatConverter().(typedConverter) }},
	{class: DoubleConverterClass, configDef: converterConfigDef, newConverter: func() typedConverter { return NewDoubleConverter().(typedConverter) }},
	{class: BooleanConverterClass, configDef: converterConfigDef, newConverter: func() typedConverter { return &BooleanConverter{} }},
	{class: SimpleHeaderConverterClass, configDef: connect.NewConfigDef, newHeader: func() connect.HeaderConverter { return &SimpleHeaderConverter{} }},
}

// resolve finds a plugin by its class name or an alias: the simple class
// name, or the simple name without the type's suffix ("Converter" for
// converters, "HeaderConverter" for header converters), as Java's
// PluginUtils.computeAliases makes them (every alias here is unambiguous).
func resolve(name string, header bool) *pluginSpec {
	name = strings.TrimSpace(name)
	for i := range plugins {
		p := &plugins[i]
		if !header && p.newConverter == nil {
			continue
		}
		if p.class == name {
			return p
		}
		simple := p.class[strings.LastIndex(p.class, ".")+1:]
		if simple == name {
			return p
		}
		suffix := "Converter"
		if p.newConverter == nil {
			suffix = "HeaderConverter"
		}
		if i := strings.LastIndex(simple, suffix); i > 0 && simple[:i] == name {
			return p
		}
	}
	return nil
}

func available(header bool) string {
	var names []string
	for _, p := range plugins {
		if header || p.newConverter != nil {
			names = append(names, p.class)
		}
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// New returns a configured converter for a key.converter or value.converter
// class name (fully-qualified Java name, simple name, or simple name without
// "Converter"). props are the converter's own properties (the
// key.converter./value.converter. prefix stripped). An unknown class is an
// error wrapping connect.ErrNotFound, worded as Java's.
func New(class string, props map[string]string, isKey bool) (connect.Converter, error) {
	p := resolve(class, false)
	if p == nil {
		return nil, connect.Errorf(connect.ErrNotFound,
			"Failed to find any class that implements Converter and which name matches %s, available converters are: %s",
			class, available(false))
	}
	c := p.newConverter()
	if err := c.Configure(props, isKey); err != nil {
		return nil, fmt.Errorf("configuring %s: %w", p.class, err)
	}
	return c, nil
}

// NewHeader returns a configured header converter for a header.converter
// class name. Every converter class can serve as a header converter (as in
// Java, where they all implement HeaderConverter); SimpleHeaderConverter is
// header-only.
func NewHeader(class string, props map[string]string) (connect.HeaderConverter, error) {
	p := resolve(class, true)
	if p == nil {
		return nil, connect.Errorf(connect.ErrNotFound,
			"Failed to find any class that implements HeaderConverter and which name matches %s, available header converters are: %s",
			class, available(true))
	}
	var h connect.HeaderConverter
	if p.newHeader != nil {
		h = p.newHeader()
	} else {
		h = &headerAdapter{c: p.newConverter()}
	}
	if err := h.Configure(props); err != nil {
		return nil, fmt.Errorf("configuring %s: %w", p.class, err)
	}
	return h, nil
}

// headerAdapter uses a converter as a header converter.
type headerAdapter struct {
	c typedConverter
}

func (a *headerAdapter) Configure(props map[string]string) error {
	return a.c.configure(props, TypeHeader)
}

func (a *headerAdapter) FromConnectHeader(topic, _ string, schema *connect.Schema, value any) ([]byte, error) {
	return a.c.FromConnectData(topic, schema, value)
}

func (a *headerAdapter) ToConnectHeader(topic, _ string, data []byte) (*connect.Schema, any, error) {
	return a.c.ToConnectData(topic, data)
}

// Plugin describes a converter class for Connect's plugin listing
// (GET /connector-plugins?connectorsOnly=false) and its config endpoint.
type Plugin struct {
	Class string
	// Type is connect.PluginConverter or connect.PluginHeaderConverter.
	Type connect.PluginType
	// ConfigDef returns the class's configuration definition.
	ConfigDef func() *connect.ConfigDef
}

// Plugins lists the converter and header converter classes, sorted by class
// name; a class usable both ways is listed once per type, as Java lists it.
func Plugins() []Plugin {
	var out []Plugin
	for _, p := range plugins {
		if p.newConverter != nil {
			out = append(out, Plugin{Class: p.class, Type: connect.PluginConverter, ConfigDef: p.configDef})
		}
		out = append(out, Plugin{Class: p.class, Type: connect.PluginHeaderConverter, ConfigDef: p.configDef})
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Class != out[j].Class {
			return out[i].Class < out[j].Class
		}
		return out[i].Type < out[j].Type
	})
	return out
}
