package connect

import (
	"context"
	"errors"
	"strings"
	"testing"
)

type stubSource struct{ SourceConnectorBase }

func (stubSource) Version() string            { return "1" }
func (stubSource) Config() *ConfigDef         { return NewConfigDef() }
func (stubSource) Stop(context.Context) error { return nil }
func (stubSource) Start(context.Context, ConnectorContext, map[string]string) error {
	return nil
}
func (stubSource) TaskConfigs(context.Context, int) ([]map[string]string, error) { return nil, nil }

func plugin(class string) ConnectorPlugin {
	return ConnectorPlugin{
		Class: class, TaskClass: class + "Task", Type: PluginSource, Version: "1",
		NewConnector:  func() Connector { return stubSource{} },
		NewSourceTask: func() SourceTask { return nil },
	}
}

func TestRegistryResolvesConnectNames(t *testing.T) {
	r := NewRegistry()
	if err := r.RegisterConnector(plugin("org.apache.kafka.connect.mirror.MirrorSourceConnector")); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"org.apache.kafka.connect.mirror.MirrorSourceConnector", "MirrorSourceConnector", "MirrorSource", " MirrorSource "} {
		p, err := r.Connector(name)
		if err != nil || p.Class != "org.apache.kafka.connect.mirror.MirrorSourceConnector" {
			t.Errorf("Connector(%q) = %v, %v", name, p, err)
		}
	}
	if p, err := r.Task("org.apache.kafka.connect.mirror.MirrorSourceConnectorTask"); err != nil || p.SimpleName() != "MirrorSourceConnector" {
		t.Errorf("Task: %v %v", p, err)
	}
	_, err := r.Connector("Mirror")
	if !errors.Is(err, ErrNotFound) || err.Error() != "Failed to find any class that implements Connector and which name matches Mirror, available connectors are: org.apache.kafka.connect.mirror.MirrorSourceConnector" {
		t.Errorf("unknown name: %v", err)
	}
}

func TestRegistryAmbiguousAliases(t *testing.T) {
	r := NewRegistry()
	for _, c := range []string{"a.FooConnector", "b.FooConnector"} {
		if err := r.RegisterConnector(plugin(c)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := r.Connector("a.FooConnector"); err != nil {
		t.Errorf("full name must resolve: %v", err)
	}
	for _, alias := range []string{"FooConnector", "Foo"} {
		if _, err := r.Connector(alias); err == nil || !strings.Contains(err.Error(), "ambiguous") {
			t.Errorf("alias %s: %v", alias, err)
		}
	}
}

func TestRegistryRejectsBadPlugins(t *testing.T) {
	r := NewRegistry()
	bad := map[string]ConnectorPlugin{
		"no class":       {Type: PluginSource, NewConnector: func() Connector { return stubSource{} }},
		"no constructor": {Class: "x.A", Type: PluginSource},
		"no task":        {Class: "x.B", Type: PluginSource, NewConnector: func() Connector { return stubSource{} }},
		"wrong type":     {Class: "x.C", Type: PluginTransformation, NewConnector: func() Connector { return stubSource{} }},
		"type mismatch": {Class: "x.D", Type: PluginSink, NewConnector: func() Connector { return stubSource{} },
			NewSourceTask: func() SourceTask { return nil }},
	}
	for name, p := range bad {
		if err := r.RegisterConnector(p); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if err := r.RegisterConnector(plugin("x.E")); err != nil {
		t.Fatal(err)
	}
	if err := r.RegisterConnector(plugin("x.E")); err == nil {
		t.Error("duplicate accepted")
	}
	if got := len(r.Connectors()); got != 1 {
		t.Errorf("%d plugins registered", got)
	}
}
