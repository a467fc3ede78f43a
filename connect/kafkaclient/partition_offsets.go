package kafkaclient

import (
	"errors"

	"github.com/IBM/sarama"
)

// PartitionOffset asks the leader of one partition for an offset, once:
// which is sarama.OffsetOldest (the log start), sarama.OffsetNewest (the
// end: the high watermark, or the last stable offset under
// sarama.ReadCommitted) or a timestamp in milliseconds.
//
// A partition without a known leader fails with the client's error
// (sarama.ErrUnknownTopicOrPartition for a topic it does not know); a
// failed request closes the connection to the leader, which the client
// reopens on its next use. Refreshing metadata and retrying are the
// caller's.
func PartitionOffset(client sarama.Client, topic string, partition int32, which int64, isolation sarama.IsolationLevel) (int64, error) {
	leader, err := client.Leader(topic, partition)
	if err != nil {
		return 0, err
	}
	req := sarama.NewOffsetRequest(client.Config().Version)
	req.IsolationLevel = isolation
	req.AddBlock(topic, partition, which, 1)
	resp, err := leader.GetAvailableOffsets(req)
	if err == nil && resp == nil {
		err = sarama.ErrIncompleteResponse
	}
	if err != nil {
		_ = leader.Close()
		return 0, err
	}
	blk := resp.GetBlock(topic, partition)
	switch {
	case blk == nil:
		return 0, sarama.ErrIncompleteResponse
	case !errors.Is(blk.Err, sarama.ErrNoError):
		return 0, blk.Err
	case req.Version == 0:
		// Version 0 answers with a list of offsets.
		if len(blk.Offsets) == 0 {
			return 0, sarama.ErrIncompleteResponse
		}
		return blk.Offsets[0], nil
	}
	return blk.Offset, nil
}
