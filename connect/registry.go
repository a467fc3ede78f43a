package connect

import (
	"fmt"
	"sort"
	"strings"
)

// PluginType is a plugin kind as Connect's REST API names it.
type PluginType string

// Plugin types.
const (
	PluginSource          PluginType = "source"
	PluginSink            PluginType = "sink"
	PluginConverter       PluginType = "converter"
	PluginHeaderConverter PluginType = "header_converter"
	PluginTransformation  PluginType = "transformation"
	PluginPredicate       PluginType = "predicate"
)

// ConnectorPlugin describes one connector: its names, its ConfigDef (through
// a fresh instance) and constructors for the connector and its tasks.
type ConnectorPlugin struct {
	// Class is the fully-qualified Java class name Connect users write in
	// connector.class, e.g. org.apache.kafka.connect.mirror.MirrorSourceConnector.
	Class string
	// TaskClass is the Java name of the task class. The runtime writes it
	// into every task config as task.class, as Java workers need it to run
	// the task.
	TaskClass string
	Type      PluginType
	Version   string
	// NewConnector returns a new, unstarted connector.
	NewConnector func() Connector
	// NewSourceTask returns a new, unstarted task (source connectors).
	NewSourceTask func() SourceTask
}

// SimpleName is the class name without its package.
func (p *ConnectorPlugin) SimpleName() string { return simpleName(p.Class) }

// Registry resolves connector names to plugins. Plugins are registered
// explicitly (no init side effects); a name resolves by its fully-qualified
// class name, its simple name, or its simple name without the "Connector"
// suffix, the two aliases only while they are unambiguous (Java's
// PluginUtils alias rules).
type Registry struct {
	byClass map[string]*ConnectorPlugin
	byTask  map[string]*ConnectorPlugin
	aliases map[string][]*ConnectorPlugin
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{
		byClass: map[string]*ConnectorPlugin{},
		byTask:  map[string]*ConnectorPlugin{},
		aliases: map[string][]*ConnectorPlugin{},
	}
}

// RegisterConnector adds a connector plugin.
func (r *Registry) RegisterConnector(p ConnectorPlugin) error {
	switch {
	case p.Class == "":
		return fmt.Errorf("connector plugin without a class name")
	case p.NewConnector == nil:
		return fmt.Errorf("connector plugin %s has no constructor", p.Class)
	case p.Type != PluginSource && p.Type != PluginSink:
		return fmt.Errorf("connector plugin %s has type %q; want source or sink", p.Class, p.Type)
	case p.Type == PluginSource && p.NewSourceTask == nil:
		return fmt.Errorf("source connector plugin %s has no task constructor", p.Class)
	}
	if _, isSource := p.NewConnector().(SourceConnector); isSource != (p.Type == PluginSource) {
		return fmt.Errorf("connector plugin %s: type %q does not match its implementation (SourceConnector: %v)", p.Class, p.Type, isSource)
	}
	if _, dup := r.byClass[p.Class]; dup {
		return fmt.Errorf("connector plugin %s registered twice", p.Class)
	}
	pc := p
	r.byClass[p.Class] = &pc
	if p.TaskClass != "" {
		r.byTask[p.TaskClass] = &pc
	}
	for _, a := range aliasesOf(p.Class, "Connector") {
		r.aliases[a] = append(r.aliases[a], &pc)
	}
	return nil
}

// Connector resolves a connector.class value. The error wraps ErrNotFound and
// lists what is available.
func (r *Registry) Connector(name string) (*ConnectorPlugin, error) {
	name = strings.TrimSpace(name)
	if p, ok := r.byClass[name]; ok {
		return p, nil
	}
	if ps := r.aliases[name]; len(ps) == 1 {
		return ps[0], nil
	} else if len(ps) > 1 {
		var names []string
		for _, p := range ps {
			names = append(names, p.Class)
		}
		sort.Strings(names)
		return nil, Errorf(ErrNotFound, "Connector alias %s is ambiguous: it names %s", name, strings.Join(names, ", "))
	}
	return nil, Errorf(ErrNotFound, "Failed to find any class that implements Connector and which name matches %s, available connectors are: %s",
		name, strings.Join(r.classNames(), ", "))
}

// Task resolves a task.class value to the plugin that owns the task.
func (r *Registry) Task(taskClass string) (*ConnectorPlugin, error) {
	if p, ok := r.byTask[strings.TrimSpace(taskClass)]; ok {
		return p, nil
	}
	return nil, Errorf(ErrNotFound, "No task class named %s is registered", taskClass)
}

// Connectors returns every connector plugin, sorted by class name.
func (r *Registry) Connectors() []*ConnectorPlugin {
	out := make([]*ConnectorPlugin, 0, len(r.byClass))
	for _, n := range r.classNames() {
		out = append(out, r.byClass[n])
	}
	return out
}

func (r *Registry) classNames() []string {
	names := make([]string, 0, len(r.byClass))
	for n := range r.byClass {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func simpleName(class string) string {
	if i := strings.LastIndexAny(class, ".$"); i >= 0 {
		return class[i+1:]
	}
	return class
}

// aliasesOf returns the simple name and, if it ends with suffix, the simple
// name without it.
func aliasesOf(class, suffix string) []string {
	s := simpleName(class)
	out := []string{s}
	if p := strings.TrimSuffix(s, suffix); p != s && p != "" {
		out = append(out, p)
	}
	return out
}
