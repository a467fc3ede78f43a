package mirror

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/rs/zerolog"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/ferrykafka/ferry/connect/kafkaclient"
	"github.com/ferrykafka/ferry/test/testkit"
)

// aclString is a binding as "<pattern>:<resource> <principal>@<host> <permission> <operation>".
func aclString(r sarama.Resource, a sarama.Acl) string {
	return fmt.Sprintf("%s:%s %s@%s %s %s", r.ResourcePatternType.String(), r.ResourceName, a.Principal, a.Host,
		a.PermissionType.String(), a.Operation.String())
}

func topicACL(name string, pattern sarama.AclResourcePatternType, acls ...*sarama.Acl) sarama.ResourceAcls {
	return sarama.ResourceAcls{
		Resource: sarama.Resource{ResourceType: sarama.AclResourceTopic, ResourceName: name, ResourcePatternType: pattern},
		Acls:     acls,
	}
}

func acl(principal string, perm sarama.AclPermissionType, op sarama.AclOperation) *sarama.Acl {
	return &sarama.Acl{Principal: principal, Host: "*", PermissionType: perm, Operation: op}
}

// sourceACLs has one binding of every kind syncTopicAcls tells apart.
func sourceACLs() []sarama.ResourceAcls {
	return []sarama.ResourceAcls{
		topicACL("orders", sarama.AclPatternLiteral,
			acl("User:reader", sarama.AclPermissionAllow, sarama.AclOperationRead),
			acl("User:writer", sarama.AclPermissionAllow, sarama.AclOperationWrite), // dropped
			acl("User:owner", sarama.AclPermissionAllow, sarama.AclOperationAll),    // -> READ
			acl("User:banned", sarama.AclPermissionDeny, sarama.AclOperationWrite),  // kept
			acl("User:banned", sarama.AclPermissionDeny, sarama.AclOperationAll),    // kept
			acl("User:admin", sarama.AclPermissionAllow, sarama.AclOperationDescribeConfigs)),
		topicACL("ord", sarama.AclPatternPrefixed, acl("User:reader", sarama.AclPermissionAllow, sarama.AclOperationRead)),
		topicACL("__consumer_offsets", sarama.AclPatternLiteral, acl("User:reader", sarama.AclPermissionAllow, sarama.AclOperationRead)),
		topicACL("target.orders", sarama.AclPatternLiteral, acl("User:reader", sarama.AclPermissionAllow, sarama.AclOperationRead)),
		topicACL("heartbeats", sarama.AclPatternLiteral, acl("User:reader", sarama.AclPermissionAllow, sarama.AclOperationRead)),
		topicACL("payments", sarama.AclPatternLiteral, acl("User:reader", sarama.AclPermissionAllow, sarama.AclOperationRead)),
		{Resource: sarama.Resource{ResourceType: sarama.AclResourceGroup, ResourceName: "orders", ResourcePatternType: sarama.AclPatternLiteral},
			Acls: []*sarama.Acl{acl("User:reader", sarama.AclPermissionAllow, sarama.AclOperationRead)}},
	}
}

func TestTargetACLs(t *testing.T) {
	cases := []struct {
		name  string
		props map[string]string
		want  []string
	}{
		{
			name: "defaults",
			want: []string{
				"Literal:source.heartbeats User:reader@* Allow Read",
				"Literal:source.orders User:admin@* Allow DescribeConfigs",
				"Literal:source.orders User:banned@* Deny All",
				"Literal:source.orders User:banned@* Deny Write",
				"Literal:source.orders User:owner@* Allow Read",
				"Literal:source.orders User:reader@* Allow Read",
				"Literal:source.payments User:reader@* Allow Read",
			},
		},
		{
			name:  "only topics the filter selects (and heartbeats)",
			props: map[string]string{"topics": "payments"},
			want: []string{
				"Literal:source.heartbeats User:reader@* Allow Read",
				"Literal:source.payments User:reader@* Allow Read",
			},
		},
		{
			name:  "identity policy keeps names",
			props: map[string]string{"topics": "orders", "heartbeats.replication.enabled": "false", "replication.policy.class": "IdentityReplicationPolicy"},
			want: []string{
				"Literal:orders User:admin@* Allow DescribeConfigs",
				"Literal:orders User:banned@* Deny All",
				"Literal:orders User:banned@* Deny Write",
				"Literal:orders User:owner@* Allow Read",
				"Literal:orders User:reader@* Allow Read",
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			props := map[string]string{"source.cluster.alias": "source", "target.cluster.alias": "target"}
			for k, v := range tc.props {
				props[k] = v
			}
			cfg, err := parseSourceConfig(newSourceConfigDef(), props)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, c := range cfg.targetACLs(sourceACLs()) {
				if c.ResourceType != sarama.AclResourceTopic {
					t.Errorf("binding on resource type %v", c.ResourceType)
				}
				got = append(got, aclString(c.Resource, c.Acl))
			}
			slices.Sort(got)
			if !slices.Equal(got, tc.want) {
				t.Errorf("target ACLs\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

func TestTargetACLDoesNotAlterTheSource(t *testing.T) {
	all := acl("User:owner", sarama.AclPermissionAllow, sarama.AclOperationAll)
	selectionConfig(t, nil).targetACL("orders", all)
	if all.Operation != sarama.AclOperationAll {
		t.Errorf("the source binding was changed to %v", all.Operation.String())
	}
}

// saslProps are a PLAIN login's client settings.
func saslProps(user, pass string) map[string]string {
	return map[string]string{
		"security.protocol": "SASL_PLAINTEXT",
		"sasl.mechanism":    "PLAIN",
		"sasl.jaas.config":  fmt.Sprintf(`org.apache.kafka.common.security.plain.PlainLoginModule required username="%s" password="%s";`, user, pass),
	}
}

func topicACLs(t *testing.T, admin sarama.ClusterAdmin) ([]string, error) {
	t.Helper()
	all, err := admin.ListAcls(sarama.AclFilter{ResourceType: sarama.AclResourceTopic, ResourcePatternTypeFilter: sarama.AclPatternAny,
		Operation: sarama.AclOperationAny, PermissionType: sarama.AclPermissionAny})
	if err != nil {
		return nil, err
	}
	var out []string
	for _, r := range all {
		for _, a := range r.Acls {
			out = append(out, aclString(r.Resource, *a))
		}
	}
	slices.Sort(out)
	return out, nil
}

// TestConnectorSyncsTopicACLs runs the ACL sync against a source with an
// authorizer and SASL (kfake's ACLs), the connector logging in as a
// superuser.
func TestConnectorSyncsTopicACLs(t *testing.T) {
	src := testkit.NewCluster(t, 1, kfake.EnableSASL(), kfake.EnableACLs(), kfake.Superuser("PLAIN", "mm2", "mm2-secret"))
	tgt := testkit.NewCluster(t, 1)
	kc, err := kafkaclient.Parse(mergeProps(map[string]string{"bootstrap.servers": bootstrap(src)}, saslProps("mm2", "mm2-secret")))
	if err != nil {
		t.Fatal(err)
	}
	srcAdmin, err := sarama.NewClusterAdmin(kc.Brokers, kc.Sarama)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srcAdmin.Close() })
	tgtAdmin := newAdmin(t, tgt)
	createTopics(t, srcAdmin, map[string]int32{"orders": 1, "__private": 1})
	var creations []*sarama.ResourceAcls
	for _, b := range sourceACLs() {
		creations = append(creations, &b)
	}
	if err := srcAdmin.CreateACLs(creations); err != nil {
		t.Fatal(err)
	}

	props := baseProps(src, tgt)
	for k, v := range saslProps("mm2", "mm2-secret") {
		props["source.cluster."+k] = v
	}
	props["sync.topic.acls.interval.seconds"] = "1"
	props["topics"] = "orders"
	_, cctx := startConnector(t, props)

	want := []string{
		"Literal:source.heartbeats User:reader@* Allow Read",
		"Literal:source.orders User:admin@* Allow DescribeConfigs",
		"Literal:source.orders User:banned@* Deny All",
		"Literal:source.orders User:banned@* Deny Write",
		"Literal:source.orders User:owner@* Allow Read",
		"Literal:source.orders User:reader@* Allow Read",
	}
	testkit.Eventually(t, 10*time.Second, func() error {
		got, err := topicACLs(t, tgtAdmin)
		if err != nil {
			return err
		}
		if !slices.Equal(got, want) {
			return fmt.Errorf("target ACLs\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		return nil
	})

	// A binding added later is synced at the next interval.
	later := []*sarama.ResourceAcls{{Resource: sarama.Resource{ResourceType: sarama.AclResourceTopic, ResourceName: "orders",
		ResourcePatternType: sarama.AclPatternLiteral}, Acls: []*sarama.Acl{acl("User:late", sarama.AclPermissionAllow, sarama.AclOperationDescribe)}}}
	if err := srcAdmin.CreateACLs(later); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 10*time.Second, func() error {
		got, err := topicACLs(t, tgtAdmin)
		if err != nil {
			return err
		}
		if !slices.Contains(got, "Literal:source.orders User:late@* Allow Describe") {
			return fmt.Errorf("target ACLs %v", got)
		}
		return nil
	})
	if errs := cctx.raisedErrors(); len(errs) > 0 {
		t.Fatalf("connector raised %v", errs)
	}
}

func mergeProps(ms ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, m := range ms {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

// logSink is a log sink safe for the connector's goroutines.
type logSink struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logSink) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logSink) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func (b *logSink) count(s string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return strings.Count(b.buf.String(), s)
}

// TestConnectorACLSyncWithoutAuthorizer: a source that answers
// SECURITY_DISABLED is noted once at INFO, then only at DEBUG, and nothing
// fails.
func TestConnectorACLSyncWithoutAuthorizer(t *testing.T) {
	src := testkit.NewCluster(t, 1)
	tgt := testkit.NewCluster(t, 1)
	createTopics(t, newAdmin(t, src), map[string]int32{"orders": 1})
	disabled := src.Kfake().Fault(kfake.Fault{Keys: []kmsg.Key{kmsg.DescribeACLs}, Err: kerr.SecurityDisabled, Count: -1})
	created := tgt.Kfake().Fault(kfake.Fault{Keys: []kmsg.Key{kmsg.CreateACLs}, Observe: true, Count: -1})

	logs := &logSink{}
	cctx := newConnectorContext(t)
	cctx.log = zerolog.New(logs).Level(zerolog.DebugLevel)
	props := baseProps(src, tgt)
	props["sync.topic.acls.interval.seconds"] = "1"
	props["offset-syncs.topic.replication.factor"] = "1"
	c := NewMirrorSourceConnector()
	if err := c.Start(context.Background(), cctx, props); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Stop(context.Background()) })

	// Three syncs answered and logged: the first at INFO, two at DEBUG. (A
	// request the broker answered may still be in flight in the client
	// when Stop cancels the loop, so count log lines, not requests.)
	testkit.Eventually(t, 10*time.Second, func() error {
		if n, logged := disabled.Hits(), logs.count("ACL authorizer still not found"); n < 3 || logged < 2 {
			return fmt.Errorf("%d ACL syncs so far, %d logged at DEBUG", n, logged)
		}
		return nil
	})
	stopCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.Stop(stopCtx); err != nil {
		t.Fatal(err)
	}
	const notice = "No ACL authorizer is configured on the source Kafka cluster"
	if n := logs.count(notice); n != 1 {
		t.Errorf("the missing authorizer was logged %d times at INFO; want once", n)
	}
	if n := logs.count("ACL authorizer still not found"); n < 2 {
		t.Errorf("later syncs logged %d DEBUG lines; want one each", n)
	}
	if n := logs.count(`"level":"error"`) + logs.count(`"level":"warn"`); n != 0 {
		t.Errorf("%d warnings or errors logged", n)
	}
	if n := created.Hits(); n != 0 {
		t.Errorf("%d CreateAcls requests sent to the target", n)
	}
	if errs := cctx.raisedErrors(); len(errs) > 0 {
		t.Fatalf("connector raised %v", errs)
	}
}

func TestConnectorACLSyncReportsRefusedBindings(t *testing.T) {
	src := testkit.NewCluster(t, 1)
	tgt := testkit.NewCluster(t, 1)
	srcAdmin := newAdmin(t, src)
	createTopics(t, srcAdmin, map[string]int32{"orders": 1, "payments": 1})
	if err := srcAdmin.CreateACLs([]*sarama.ResourceAcls{
		{Resource: sarama.Resource{ResourceType: sarama.AclResourceTopic, ResourceName: "orders", ResourcePatternType: sarama.AclPatternLiteral},
			Acls: []*sarama.Acl{acl("User:reader", sarama.AclPermissionAllow, sarama.AclOperationRead)}},
		{Resource: sarama.Resource{ResourceType: sarama.AclResourceTopic, ResourceName: "payments", ResourcePatternType: sarama.AclPatternLiteral},
			Acls: []*sarama.Acl{acl("User:reader", sarama.AclPermissionAllow, sarama.AclOperationRead)}},
	}); err != nil {
		t.Fatal(err)
	}
	tgt.Kfake().Fault(kfake.Fault{Keys: []kmsg.Key{kmsg.CreateACLs}, Resource: "source.orders", Err: kerr.ClusterAuthorizationFailed, Count: -1})

	logs := &logSink{}
	cctx := newConnectorContext(t)
	cctx.log = zerolog.New(logs)
	props := baseProps(src, tgt)
	props["sync.topic.acls.interval.seconds"] = "1"
	props["offset-syncs.topic.replication.factor"] = "1"
	c := NewMirrorSourceConnector()
	if err := c.Start(context.Background(), cctx, props); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Stop(context.Background()) })
	tgtAdmin := newAdmin(t, tgt)
	testkit.Eventually(t, 10*time.Second, func() error {
		got, err := topicACLs(t, tgtAdmin)
		if err != nil {
			return err
		}
		if want := []string{"Literal:source.payments User:reader@* Allow Read"}; !slices.Equal(got, want) {
			return fmt.Errorf("target ACLs %v; want %v", got, want)
		}
		if logs.count(`could not sync an ACL of a remote topic`) == 0 {
			return fmt.Errorf("the refused binding was not logged:\n%s", logs)
		}
		return nil
	})
	if logs.count(`"topic":"source.orders"`) == 0 {
		t.Errorf("the warning does not name the topic:\n%s", logs)
	}
}
