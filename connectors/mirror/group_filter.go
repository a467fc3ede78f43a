package mirror

import "fmt"

// defaultGroupFilterClass is the Java class name of the group filter Ferry
// provides (group.filter.class).
const defaultGroupFilterClass = "org.apache.kafka.connect.mirror.DefaultGroupFilter"

// groupFilter is Java's DefaultGroupFilter: a consumer group is checkpointed
// when its id matches the groups patterns and not the groups.exclude
// patterns (excludes win). Each list is joined with "|" and must match the
// whole group id; an empty list matches nothing, as with topicFilter.
type groupFilter struct {
	filter topicFilter
}

func newGroupFilter(include, exclude []string) (*groupFilter, error) {
	in, err := compilePatternList(include)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", keyGroups, err)
	}
	ex, err := compilePatternList(exclude)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", keyGroupsExclude, err)
	}
	return &groupFilter{filter: topicFilter{include: in, exclude: ex}}, nil
}

// shouldReplicateGroup is Java's GroupFilter.shouldReplicateGroup.
func (f *groupFilter) shouldReplicateGroup(group string) bool {
	return f.filter.shouldReplicateTopic(group)
}
