package mirror

import (
	"fmt"
	"regexp"
	"strings"
)

// defaultTopicFilterClass is the Java class name of the topic filter Ferry
// provides (topic.filter.class).
const defaultTopicFilterClass = "org.apache.kafka.connect.mirror.DefaultTopicFilter"

// topicFilter is Java's DefaultTopicFilter (topic.filter.class): a topic is replicated when it
// matches the include patterns and not the exclude patterns. Each list is
// joined with "|" and must match the whole topic name (Java's
// Matcher.matches()). An empty list matches nothing.
//
// Patterns are Go (RE2) regular expressions. The usual topic patterns mean
// the same as in Java; Java-only constructs (look-around, backreferences,
// possessive quantifiers) are rejected when the configuration is validated.
type topicFilter struct {
	include, exclude *regexp.Regexp
}

func newTopicFilter(include, exclude []string) (*topicFilter, error) {
	in, err := compilePatternList(include)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", keyTopics, err)
	}
	ex, err := compilePatternList(exclude)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", keyTopicsExclude, err)
	}
	return &topicFilter{include: in, exclude: ex}, nil
}

func (f *topicFilter) shouldReplicateTopic(topic string) bool {
	included := f.include != nil && f.include.MatchString(topic)
	excluded := f.exclude != nil && f.exclude.MatchString(topic)
	return included && !excluded
}

// compilePatternList is Java's MirrorUtils.compilePatternList: nil for an
// empty list (which matches nothing, whereas an empty pattern would match
// everything), else the patterns joined with "|", anchored for a full match.
func compilePatternList(list []string) (*regexp.Regexp, error) {
	if len(list) == 0 {
		return nil, nil
	}
	joined := strings.Join(list, "|")
	re, err := regexp.Compile(`^(?:` + joined + `)$`)
	if err != nil {
		return nil, fmt.Errorf("invalid regular expression %q: %w", joined, err)
	}
	return re, nil
}
