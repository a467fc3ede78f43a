package mirrorclient

import (
	"errors"
	"fmt"
	"strings"
)

// Java class names of the policies, as written in replication.policy.class.
const (
	DefaultReplicationPolicyClass  = "org.apache.kafka.connect.mirror.DefaultReplicationPolicy"
	IdentityReplicationPolicyClass = "org.apache.kafka.connect.mirror.IdentityReplicationPolicy"
)

// Configuration keys the policies read (MirrorClientConfig's names).
const (
	// SeparatorConfig is the separator of remote topic names.
	SeparatorConfig = "replication.policy.separator"
	// SeparatorDefault is the default separator.
	SeparatorDefault = "."
	// InternalTopicSeparatorEnabledConfig: when "false", internal topics use
	// "." even with a custom separator. Read only when SeparatorConfig is set,
	// as in Java.
	InternalTopicSeparatorEnabledConfig = "replication.policy.internal.topic.separator.enabled"
	// SourceClusterAliasConfig tells IdentityReplicationPolicy the source
	// of its topics.
	SourceClusterAliasConfig = "source.cluster.alias"
)

// ErrUnknownReplicationPolicy is wrapped by NewReplicationPolicy's error for a
// class name it cannot resolve.
var ErrUnknownReplicationPolicy = errors.New("unknown replication policy class")

// NewReplicationPolicy returns the policy named by className (a Java class
// name, fully qualified or simple) configured from props the way Java's
// configure(props) does: SeparatorConfig if present (and then
// InternalTopicSeparatorEnabledConfig), plus SourceClusterAliasConfig for the
// identity policy. Other keys are ignored, so a whole connector config may be
// passed.
func NewReplicationPolicy(className string, props map[string]string) (ReplicationPolicy, error) {
	separator, internalEnabled := SeparatorDefault, true
	if sep, ok := props[SeparatorConfig]; ok {
		separator = sep
		if v, ok := props[InternalTopicSeparatorEnabledConfig]; ok {
			// Java's Boolean.parseBoolean of the original value: "true" in
			// any case is true, anything else (" true" included) false.
			internalEnabled = strings.EqualFold(v, "true")
		}
	}
	switch strings.TrimSpace(className) {
	case DefaultReplicationPolicyClass, "DefaultReplicationPolicy":
		return NewDefaultReplicationPolicy(separator, internalEnabled), nil
	case IdentityReplicationPolicyClass, "IdentityReplicationPolicy":
		p := NewIdentityReplicationPolicy(separator, internalEnabled)
		if alias, ok := props[SourceClusterAliasConfig]; ok {
			p = p.WithSourceClusterAlias(alias)
		}
		return p, nil
	}
	return nil, fmt.Errorf("%w %q: Ferry provides %s and %s", ErrUnknownReplicationPolicy,
		className, DefaultReplicationPolicyClass, IdentityReplicationPolicyClass)
}
