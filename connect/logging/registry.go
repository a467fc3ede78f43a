package logging

import (
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"
)

// RootName is the root logger's name, as Log4j 1 named it and Connect's
// REST API still does (matched in any case; "" names the root too, as in
// Log4j 2).
const RootName = "root"

// FieldName is the field every named logger adds to its events.
const FieldName = "logger"

// LoggerLevel is a logger's level and when SetLevel last changed it (zero:
// never, or only at start-up).
type LoggerLevel struct {
	Level        Level
	LastModified time.Time
}

// Registry hands out named loggers and changes their levels at run time.
type Registry struct {
	base  zerolog.Logger // the root logger, with the lowest static level
	clock func() time.Time
	log   zerolog.Logger // the registry's own logger

	mu    sync.Mutex
	nodes map[string]*node // by name; the root under ""
}

// Option configures a Registry.
type Option func(*Registry)

// WithClock sets the clock last_modified is read from (tests).
func WithClock(now func() time.Time) Option { return func(r *Registry) { r.clock = now } }

// New builds a registry over root: every logger it hands out writes where
// root writes, with root's fields, hooks and writer. The root logger's
// initial level is root's level (the worker's configured log level).
func New(root zerolog.Logger, opts ...Option) *Registry {
	r := &Registry{
		base:  root.Level(All.threshold()), // the nodes decide
		clock: time.Now,
		nodes: map[string]*node{},
	}
	for _, o := range opts {
		o(r)
	}
	rootNode := &node{own: true, level: FromZerolog(root.GetLevel())}
	rootNode.setEffective(rootNode.level)
	r.nodes[""] = rootNode
	r.log = r.Logger(RegistryLogger)
	return r
}

// canonical maps the root's names to "".
func canonical(name string) string {
	if name == "" || strings.EqualFold(name, RootName) {
		return ""
	}
	return name
}

// Logger returns the logger called name, creating it if it is new: it
// logs at the level the registry has for name at the time of each event
// and adds the field "logger": name.
func (r *Registry) Logger(name string) zerolog.Logger {
	r.mu.Lock()
	n := r.nodeLocked(canonical(name))
	r.mu.Unlock()
	return r.base.Sample(n).With().Str(FieldName, n.displayName()).Logger()
}

// nodeLocked returns the node called name, creating it with the level it
// inherits.
func (r *Registry) nodeLocked(name string) *node {
	if n, ok := r.nodes[name]; ok {
		return n
	}
	n := &node{name: name}
	n.setEffective(r.inheritedLocked(name))
	r.nodes[name] = n
	return n
}

// inheritedLocked is the level of name's nearest dotted ancestor that has
// a level of its own, else the root's.
func (r *Registry) inheritedLocked(name string) Level {
	for {
		i := strings.LastIndexByte(name, '.')
		if i < 0 {
			return r.nodes[""].level
		}
		name = name[:i]
		if n, ok := r.nodes[name]; ok && n.own {
			return n.level
		}
	}
}

// Level returns the level of the logger called exactly name; ok is false
// if no such logger was ever used or set.
func (r *Registry) Level(name string) (level LoggerLevel, ok bool) {
	r.mu.Lock()
	n, ok := r.nodes[canonical(name)]
	if ok {
		level = LoggerLevel{Level: n.effective, LastModified: n.lastModified}
	}
	r.mu.Unlock()
	if !ok {
		r.log.Warn().Str("name", name).Msg("unable to find level for logger")
	}
	return level, ok
}

// Levels returns the level of every known logger whose level is not OFF,
// by name ("root" for the root), as Java's Loggers.allLevels.
func (r *Registry) Levels() map[string]LoggerLevel {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[string]LoggerLevel, len(r.nodes))
	for _, n := range r.nodes {
		if n.effective != Off {
			out[n.displayName()] = LoggerLevel{Level: n.effective, LastModified: n.lastModified}
		}
	}
	return out
}

// SetLevel sets the level of namespace and its descendants (see the
// package comment), creating namespace's logger if it is new, and returns
// the names of the loggers whose level changed, sorted. level is a Log4j
// level name in any case; an invalid one is ErrInvalidLevel and changes
// nothing.
func (r *Registry) SetLevel(namespace, level string) ([]string, error) {
	lvl, err := ParseLevel(level)
	if err != nil {
		return nil, err
	}
	ns := canonical(namespace)
	r.log.Info().Str("namespace", displayName(ns)).Stringer("level", lvl).
		Msg("setting level of namespace and children")
	r.mu.Lock()
	affected := r.setLevelLocked(ns, lvl)
	r.mu.Unlock()
	return affected, nil
}

// displayName is the name shown to users: "root" for the root.
func displayName(name string) string {
	if name == "" {
		return RootName
	}
	return name
}

func (r *Registry) setLevelLocked(ns string, lvl Level) []string {
	target := r.nodeLocked(ns)
	// What each logger's level was. Java compares against its list of
	// levels, which leaves out loggers at OFF: those count as changed
	// even when set to OFF again.
	before := make(map[*node]Level, len(r.nodes))
	for _, n := range r.nodes {
		before[n] = n.effective
	}
	for _, n := range r.nodes {
		if n == target || (n.own && strings.HasPrefix(n.name, ns)) {
			n.own, n.level = true, lvl
		}
	}
	for _, n := range r.nodes {
		if n.own {
			n.setEffective(n.level)
		} else {
			n.setEffective(r.inheritedLocked(n.name))
		}
	}
	// Only loggers named under the namespace can have changed: the others
	// inherit from nothing that did. For the root, every name qualifies.
	now := r.clock()
	affected := []string{}
	for _, n := range r.nodes {
		if !strings.HasPrefix(n.name, ns) {
			continue
		}
		if old := before[n]; old != n.effective || old == Off {
			n.lastModified = now
			affected = append(affected, n.displayName())
		}
	}
	sort.Strings(affected)
	return affected
}
