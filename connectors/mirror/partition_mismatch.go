package mirror

import (
	"maps"
	"slices"
)

// reportExtraRemotePartitions warns, once per connector start, about remote
// topics that have more partitions than their source topic. Records keep
// their partition number (as Java's MirrorSourceTask copies them), so
// nothing is lost or reordered, but the remote topic's extra partitions
// receive nothing, which consumers of the remote topic may not expect.
// (Fewer partitions are added by createRemoteTopics.)
func (c *MirrorSourceConnector) reportExtraRemotePartitions(source, target map[string]int32) {
	for _, topic := range slices.Sorted(maps.Keys(source)) {
		remote := c.cfg.policy.FormatRemoteTopic(c.cfg.sourceAlias, topic)
		have, ok := target[remote]
		want := source[topic]
		if !ok || have <= want {
			continue
		}
		c.log.Warn().Str("topic", topic).Str("remote_topic", remote).
			Int32("source_partitions", want).Int32("remote_partitions", have).
			Msgf("remote topic %q has %d partitions, more than the %d of source topic %q: records are copied to the partition "+
				"of the same number, so partitions %d to %d of %q stay empty", remote, have, want, topic, want, have-1, remote)
	}
}
