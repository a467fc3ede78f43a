package e2e

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/ferrykafka/ferry/connect/kafkaclient"
	"github.com/ferrykafka/ferry/test/kafkaharness"
	"github.com/ferrykafka/ferry/test/testkit"
)

// The sync suites check what MirrorSourceConnector keeps in line besides
// records: topic configs, new topics and partitions, and topic ACLs. They
// run on kfake and on real Kafka (FERRY_TEST_KAFKA=real) with the same code.

// syncAdmin is an admin client for a cluster; extra are client settings
// (security) added to bootstrap.servers.
func syncAdmin(t testing.TB, addrs []string, extra map[string]string) sarama.ClusterAdmin {
	t.Helper()
	props := map[string]string{"bootstrap.servers": join(addrs), "client.id": "ferry-e2e-sync"}
	maps.Copy(props, extra)
	kc, err := kafkaclient.Parse(props)
	if err != nil {
		t.Fatal(err)
	}
	admin, err := sarama.NewClusterAdmin(kc.Brokers, kc.Sarama)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = admin.Close() })
	return admin
}

// startMirror starts a worker on target and a MirrorSourceConnector with
// cfg (mirrorConfig plus overrides), and waits until it runs.
func startMirror(t *testing.T, target []string, name string, cfg map[string]string) *workerProcess {
	t.Helper()
	w := startWorker(t, writeProps(t, workerProps(target, testkit.UniqueName("e2e-sync"))))
	code, body := call(t, http.MethodPost, w.restURL()+"/connectors", map[string]any{"name": name, "config": cfg})
	if code != http.StatusCreated {
		t.Fatalf("create connector: %d %s", code, body)
	}
	testkit.Eventually(t, 60*time.Second, func() error { return runningStatus(t, w.restURL(), name, 1) })
	return w
}

// remoteTopicConfig is a polling condition: the topic's config name is
// value, set on the topic itself, or (value "") not set on the topic.
func remoteTopicConfig(admin sarama.ClusterAdmin, topic, name, value string) error {
	entries, err := kafkaclient.DescribeTopicConfig(admin, topic, name)
	if err != nil {
		return fmt.Errorf("describe %s: %w", topic, err)
	}
	for _, e := range entries {
		if e.Name != name {
			continue
		}
		onTopic := e.Source == sarama.SourceTopic
		switch {
		case value == "" && onTopic:
			return fmt.Errorf("%s: %s=%s is set on the topic; want it unset", topic, name, e.Value)
		case value != "" && (!onTopic || e.Value != value):
			return fmt.Errorf("%s: %s=%s (from %v); want %s set on the topic", topic, name, e.Value, e.Source, value)
		}
		return nil
	}
	return fmt.Errorf("%s has no config %s", topic, name)
}

func setTopicConfigs(t *testing.T, admin sarama.ClusterAdmin, topic string, set map[string]string) {
	t.Helper()
	entries := map[string]sarama.IncrementalAlterConfigsEntry{}
	for k, v := range set {
		entries[k] = sarama.IncrementalAlterConfigsEntry{Operation: sarama.IncrementalAlterConfigsOperationSet, Value: &v}
	}
	if err := admin.IncrementalAlterConfig(sarama.TopicResource, topic, entries, false); err != nil {
		t.Fatalf("alter configs of %s: %v", topic, err)
	}
}

// TestMirrorSyncsTopicConfigs: the remote topic is created with the source
// topic's configs and follows their changes within the sync interval;
// a property in config.properties.exclude is never copied.
func TestMirrorSyncsTopicConfigs(t *testing.T) {
	t.Parallel()
	ks := testkit.StartKafkas(t, "source", "target")
	source, target := ks[0], ks[1]
	srcAdmin, tgtAdmin := syncAdmin(t, source.Addrs(), nil), syncAdmin(t, target.Addrs(), nil)
	topic := testkit.UniqueName("configs")
	remote := sourceAlias + "." + topic
	hour, week := "3600000", "604800000"
	if err := srcAdmin.CreateTopic(topic, &sarama.TopicDetail{NumPartitions: 1, ReplicationFactor: 1,
		ConfigEntries: map[string]*string{"retention.ms": &hour, "segment.ms": &hour}}, false); err != nil {
		t.Fatal(err)
	}

	cfg := mirrorConfig(source.Addrs(), target.Addrs(), topic)
	cfg["sync.topic.configs.interval.seconds"] = "1"
	cfg["config.properties.exclude"] = `segment\.ms`
	w := startMirror(t, target.Addrs(), "config-sync", cfg)

	testkit.Eventually(t, 30*time.Second, func() error { return remoteTopicConfig(tgtAdmin, remote, "retention.ms", hour) })
	if err := remoteTopicConfig(tgtAdmin, remote, "segment.ms", ""); err != nil {
		t.Errorf("at creation: %v", err)
	}

	// Both changes are read in the same sync: once retention.ms arrived,
	// segment.ms would have too, were it not excluded.
	setTopicConfigs(t, srcAdmin, topic, map[string]string{"retention.ms": week, "segment.ms": week})
	testkit.Eventually(t, 30*time.Second, func() error { return remoteTopicConfig(tgtAdmin, remote, "retention.ms", week) })
	if err := remoteTopicConfig(tgtAdmin, remote, "segment.ms", ""); err != nil {
		t.Errorf("after the sync: %v", err)
	}
	// The broker took every operation of the syncs so far (SET for the
	// topic's values, DELETE for its defaults).
	for _, failure := range []string{"topic config sync failed", "could not alter the configuration of a remote topic",
		"could not read the configs of a source topic"} {
		if strings.Contains(w.output(), failure) {
			t.Errorf("the worker logged %q", failure)
		}
	}

	// Real brokers here run without an authorizer: the ACL sync notes it
	// once and carries on quietly.
	if testkit.KafkaMode() == testkit.KafkaReal {
		const notice = "No ACL authorizer is configured on the source Kafka cluster"
		testkit.Eventually(t, 30*time.Second, func() error {
			if !strings.Contains(w.output(), notice) {
				return fmt.Errorf("no notice of the missing authorizer yet")
			}
			return nil
		})
		if n := strings.Count(w.output(), notice); n != 1 {
			t.Errorf("the missing authorizer was noted %d times; want once", n)
		}
	}
}

// TestMirrorPicksUpNewTopicsAndPartitions: with the connector running, a new
// source topic and new partitions of a replicated one are found by the
// refresh, created on the target and copied partition by partition, without
// a restart.
func TestMirrorPicksUpNewTopicsAndPartitions(t *testing.T) {
	t.Parallel()
	ks := testkit.StartKafkas(t, "source", "target")
	source, target := ks[0], ks[1]
	prefix := testkit.UniqueName("grow")
	first, later := prefix+"-first", prefix+"-later"
	createTopic(t, source.Addrs(), first, 1)

	cfg := mirrorConfig(source.Addrs(), target.Addrs(), prefix+"-.*")
	cfg["refresh.topics.interval.seconds"] = "1"
	startMirror(t, target.Addrs(), "grow", cfg)
	_, tgt := saramaConfig(t, target.Addrs())
	copied := func(topic string, want int64) func() error {
		return func() error {
			if n := endOffsets(t, tgt, sourceAlias+"."+topic); n != want {
				return fmt.Errorf("%s: %d of %d records copied", topic, n, want)
			}
			return nil
		}
	}
	produce(t, source.Addrs(), first, 1, 0, 10)
	testkit.Eventually(t, 60*time.Second, copied(first, 10))

	// A new topic.
	createTopic(t, source.Addrs(), later, 2)
	produce(t, source.Addrs(), later, 2, 0, 20)
	testkit.Eventually(t, 60*time.Second, copied(later, 20))

	// New partitions of a replicated topic.
	if err := syncAdmin(t, source.Addrs(), nil).CreatePartitions(first, 3, nil, false); err != nil {
		t.Fatal(err)
	}
	produce(t, source.Addrs(), first, 3, 10, 30)
	testkit.Eventually(t, 60*time.Second, copied(first, 40))

	for _, topic := range []string{first, later} {
		src, dst := readAll(t, source.Addrs(), topic), readAll(t, target.Addrs(), sourceAlias+"."+topic)
		if len(dst) != len(src) {
			t.Errorf("%s: %d non-empty partitions on the target, %d on the source", topic, len(dst), len(src))
		}
		for _, p := range partitionsOf(src) {
			if err := sameRecords(src[p], dst[p]); err != nil {
				t.Errorf("%s partition %d: %v", topic, p, err)
			}
		}
	}
}

// aclSource starts the source cluster of the ACL test: it needs an
// authorizer, and returns the client settings that log in to it as a
// superuser (none on real Kafka, where the anonymous PLAINTEXT user is one).
func aclSource(t *testing.T) (source, target testkit.Kafka, login map[string]string) {
	t.Helper()
	switch testkit.KafkaMode() {
	case testkit.KafkaInProcess:
		login = map[string]string{
			"security.protocol": "SASL_PLAINTEXT",
			"sasl.mechanism":    "PLAIN",
			"sasl.jaas.config":  `org.apache.kafka.common.security.plain.PlainLoginModule required username="mm2" password="mm2-secret";`,
		}
		src := testkit.NewCluster(t, 1, kfake.EnableSASL(), kfake.EnableACLs(), kfake.Superuser("PLAIN", "mm2", "mm2-secret"))
		return src, testkit.NewCluster(t, 1), login
	case testkit.KafkaReal:
		cs := kafkaharness.StartClusters(t, []string{"source", "target"}, kafkaharness.WithBrokerConfigs(map[string]string{
			"authorizer.class.name":          "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
			"super.users":                    "User:ANONYMOUS",
			"allow.everyone.if.no.acl.found": "true",
		}))
		return cs[0], cs[1], nil
	default:
		t.Skip("ACL sync needs a source cluster with an authorizer the suite controls; " +
			"FERRY_TEST_KAFKA=external clusters are used as they are (run it with kfake or FERRY_TEST_KAFKA=real)")
		return nil, nil, nil
	}
}

func literalTopicACLs(t *testing.T, admin sarama.ClusterAdmin, topic string) ([]string, error) {
	t.Helper()
	bindings, err := admin.ListAcls(sarama.AclFilter{ResourceType: sarama.AclResourceTopic, ResourceName: &topic,
		ResourcePatternTypeFilter: sarama.AclPatternLiteral, Operation: sarama.AclOperationAny, PermissionType: sarama.AclPermissionAny})
	if err != nil {
		return nil, err
	}
	var out []string
	for _, b := range bindings {
		for _, a := range b.Acls {
			out = append(out, fmt.Sprintf("%s@%s %s %s", a.Principal, a.Host, a.PermissionType.String(), a.Operation.String()))
		}
	}
	slices.Sort(out)
	return out, nil
}

// TestMirrorSyncsTopicACLs: literal topic ACLs of the source reach the
// remote topic, ALLOW WRITE dropped and ALLOW ALL turned into ALLOW READ;
// prefixed ACLs are not copied.
func TestMirrorSyncsTopicACLs(t *testing.T) {
	t.Parallel()
	source, target, login := aclSource(t)
	srcAdmin, tgtAdmin := syncAdmin(t, source.Addrs(), login), syncAdmin(t, target.Addrs(), nil)
	topic := testkit.UniqueName("acls")
	remote := sourceAlias + "." + topic
	if err := srcAdmin.CreateTopic(topic, &sarama.TopicDetail{NumPartitions: 1, ReplicationFactor: 1}, false); err != nil {
		t.Fatal(err)
	}
	literal := sarama.Resource{ResourceType: sarama.AclResourceTopic, ResourceName: topic, ResourcePatternType: sarama.AclPatternLiteral}
	prefixed := sarama.Resource{ResourceType: sarama.AclResourceTopic, ResourceName: topic, ResourcePatternType: sarama.AclPatternPrefixed}
	entry := func(principal string, perm sarama.AclPermissionType, op sarama.AclOperation) *sarama.Acl {
		return &sarama.Acl{Principal: principal, Host: "*", PermissionType: perm, Operation: op}
	}
	if err := srcAdmin.CreateACLs([]*sarama.ResourceAcls{
		{Resource: literal, Acls: []*sarama.Acl{
			entry("User:reader", sarama.AclPermissionAllow, sarama.AclOperationRead),
			entry("User:writer", sarama.AclPermissionAllow, sarama.AclOperationWrite),
			entry("User:owner", sarama.AclPermissionAllow, sarama.AclOperationAll),
			entry("User:banned", sarama.AclPermissionDeny, sarama.AclOperationWrite),
		}},
		{Resource: prefixed, Acls: []*sarama.Acl{entry("User:prefix", sarama.AclPermissionAllow, sarama.AclOperationRead)}},
	}); err != nil {
		t.Fatal(err)
	}

	cfg := mirrorConfig(source.Addrs(), target.Addrs(), topic)
	for k, v := range login {
		cfg["source.cluster."+k] = v
	}
	cfg["sync.topic.acls.interval.seconds"] = "1"
	startMirror(t, target.Addrs(), "acl-sync", cfg)

	want := []string{"User:banned@* Deny Write", "User:owner@* Allow Read", "User:reader@* Allow Read"}
	testkit.Eventually(t, 30*time.Second, func() error {
		got, err := literalTopicACLs(t, tgtAdmin, remote)
		if err != nil {
			return err
		}
		if !slices.Equal(got, want) {
			return fmt.Errorf("ACLs of %s: %v; want %v", remote, got, want)
		}
		return nil
	})
	// Nothing else was created on the target for this topic.
	prefix := remote
	all, err := tgtAdmin.ListAcls(sarama.AclFilter{ResourceType: sarama.AclResourceTopic, ResourceName: &prefix,
		ResourcePatternTypeFilter: sarama.AclPatternAny, Operation: sarama.AclOperationAny, PermissionType: sarama.AclPermissionAny})
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range all {
		if b.ResourcePatternType != sarama.AclPatternLiteral {
			t.Errorf("%v binding on %s copied to the target", b.ResourcePatternType.String(), b.ResourceName)
		}
	}
}
