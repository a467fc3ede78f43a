package kafkaclient

import (
	"github.com/IBM/sarama"
)

// DescribeTopicConfig returns a topic's config entries (only the named ones
// when names are given), with a per-resource error returned as an error
// wrapping its Kafka error code.
func DescribeTopicConfig(admin sarama.ClusterAdmin, topic string, names ...string) ([]sarama.ConfigEntry, error) {
	results, err := admin.DescribeConfigs([]*sarama.ConfigResource{{Type: sarama.TopicResource, Name: topic, ConfigNames: names}}, sarama.DescribeConfigsOptions{})
	if err != nil {
		return nil, err
	}
	var out []sarama.ConfigEntry
	for _, r := range results {
		if r.Name != topic {
			continue
		}
		if r.ErrorCode != sarama.ErrNoError {
			return nil, &sarama.DescribeConfigError{Err: r.ErrorCode, ErrMsg: r.ErrorMsg}
		}
		out = append(out, r.Configs...)
	}
	return out, nil
}
