package mirror

import (
	"fmt"
	"regexp"
)

// Java class names of the config property filters Ferry provides
// (config.property.filter.class).
const (
	defaultConfigPropertyFilterClass = "org.apache.kafka.connect.mirror.DefaultConfigPropertyFilter"
)

// configPropertyFilter is Java's DefaultConfigPropertyFilter: a topic config
// property is replicated unless its name fully matches one of the
// config.properties.exclude patterns (joined with "|", as in
// MirrorUtils.compilePatternList). An empty exclude list excludes nothing.
type configPropertyFilter struct {
	exclude *regexp.Regexp
}

// newConfigPropertyFilter compiles the config.properties.exclude patterns.
func newConfigPropertyFilter(exclude []string) (*configPropertyFilter, error) {
	ex, err := compilePatternList(exclude)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", keyConfigPropertiesExclude, err)
	}
	return &configPropertyFilter{exclude: ex}, nil
}

// shouldReplicateConfigProperty reports whether the topic config property
// name may be copied to the remote topic.
func (f *configPropertyFilter) shouldReplicateConfigProperty(name string) bool {
	return f.exclude == nil || !f.exclude.MatchString(name)
}

// shouldReplicateConfigProperty reports whether the topic config property
// name may be copied from a source topic to its remote topic, by the
// configured config.property.filter.class (Java's
// MirrorSourceConnector.shouldReplicateTopicConfigurationProperty).
//
// A sourceConfig built without parseSourceConfig (a literal in a test)
// falls back to its configPropertiesExclude field, or to Java's default
// exclude list when that is nil. It is safe for concurrent use.
func (c *sourceConfig) shouldReplicateConfigProperty(name string) bool {
	f := c.propertyFilter
	if f == nil {
		exclude := c.configPropertiesExclude
		if exclude == nil {
			exclude = splitDefaultList(defaultConfigPropertiesExclude)
		}
		var err error
		if f, err = newConfigPropertyFilter(exclude); err != nil {
			// Validation rejects uncompilable patterns; an unvalidated
			// config replicates nothing rather than something excluded.
			return false
		}
	}
	return f.shouldReplicateConfigProperty(name)
}
