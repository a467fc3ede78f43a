package mirror

import (
	"context"
	"errors"
	"sync/atomic"

	"github.com/IBM/sarama"
)

// shouldReplicateACL is Java's MirrorSourceConnector.shouldReplicateAcl:
// every ACL is copied except ALLOW WRITE (only MirrorMaker writes to a
// remote topic). DENY entries, WRITE ones included, are copied.
func shouldReplicateACL(acl *sarama.Acl) bool {
	return acl.PermissionType != sarama.AclPermissionAllow || acl.Operation != sarama.AclOperationWrite
}

// targetACL is Java's targetAclBinding: the binding on the remote topic
// (LITERAL), ALLOW ALL downgraded to ALLOW READ, anything else unchanged.
func (c *sourceConfig) targetACL(topic string, acl *sarama.Acl) *sarama.AclCreation {
	entry := *acl
	if entry.PermissionType == sarama.AclPermissionAllow && entry.Operation == sarama.AclOperationAll {
		entry.Operation = sarama.AclOperationRead
	}
	return &sarama.AclCreation{
		Resource: sarama.Resource{
			ResourceType:        sarama.AclResourceTopic,
			ResourceName:        c.policy.FormatRemoteTopic(c.sourceAlias, topic),
			ResourcePatternType: sarama.AclPatternLiteral,
		},
		Acl: entry,
	}
}

// targetACLs selects and translates the source's topic ACLs as Java's
// syncTopicAcls does: LITERAL bindings on topics that shouldReplicateTopic
// accepts (whether or not they exist yet), without ALLOW WRITE, renamed to
// the remote topic. As in Java, a LITERAL "*" binding is treated as a topic
// named "*" (and so becomes "<alias>.*" under the default policy).
func (c *sourceConfig) targetACLs(bindings []sarama.ResourceAcls) []*sarama.AclCreation {
	var out []*sarama.AclCreation
	for _, b := range bindings {
		if b.ResourceType != sarama.AclResourceTopic || b.ResourcePatternType != sarama.AclPatternLiteral ||
			!c.shouldReplicateTopic(b.ResourceName) {
			continue
		}
		for _, acl := range b.Acls {
			if acl != nil && shouldReplicateACL(acl) {
				out = append(out, c.targetACL(b.ResourceName, acl))
			}
		}
	}
	return out
}

// aclSync is the state of the periodic topic ACL sync, owned by its loop.
type aclSync struct {
	c *MirrorSourceConnector
	// noAuthorizer is set once the source answered SECURITY_DISABLED, so
	// that is logged at INFO once (Java's noAclAuthorizer).
	noAuthorizer atomic.Bool
}

// run is one run of Java's syncTopicAcls: the source's topic ACLs are
// selected and translated by targetACLs and created on the target (which
// ignores bindings it already has). A source without an authorizer
// (SECURITY_DISABLED) is logged once at INFO and at DEBUG on later runs,
// and nothing is synced; as in Java, the sync resumes by itself should an
// authorizer be configured later. A binding the target refuses is logged
// and tried again at the next run.
func (s *aclSync) run(ctx context.Context) error {
	c := s.c
	bindings, err := c.source.describeTopicACLs(ctx)
	if errors.Is(err, sarama.ErrSecurityDisabled) {
		if s.noAuthorizer.CompareAndSwap(false, true) {
			c.log.Info().Msg("No ACL authorizer is configured on the source Kafka cluster, so no topic ACL syncing will take place. " +
				"Consider disabling topic ACL syncing by setting " + keySyncTopicAclsEnabled + " to 'false'.")
		} else {
			c.log.Debug().Msg("source-side ACL authorizer still not found; skipping topic ACL sync")
		}
		return nil
	}
	if err != nil {
		return err
	}
	creations := c.cfg.targetACLs(bindings)
	if len(creations) == 0 {
		c.log.Debug().Msg("no topic ACLs to sync")
		return nil
	}
	refused, err := c.target.createACLs(ctx, creations)
	if err != nil {
		return err
	}
	synced := 0
	for i, err := range refused {
		if err == nil {
			synced++
			continue
		}
		a := creations[i]
		c.log.Warn().Err(err).Str("topic", a.ResourceName).Str("principal", a.Principal).Str("host", a.Host).
			Str("operation", a.Operation.String()).Str("permission", a.PermissionType.String()).
			Msg("could not sync an ACL of a remote topic")
	}
	c.log.Debug().Int("acls", synced).Msg("synced topic ACLs")
	return nil
}
