package kafkastore

// orderedLog is a Log whose topic creation can be put after another's
// (kafkalog.Log; the in-memory logs have no topic to order).
type orderedLog interface {
	TopicSettled() <-chan struct{}
	CreateAfter(after <-chan struct{})
}

// TopicSettled is closed once Start has created or found the config topic
// (or failed before); nil when the store's log has no topic to create.
// The herder creates the other internal topics after it: see
// kafkalog.Log.CreateAfter.
func (s *ConfigStore) TopicSettled() <-chan struct{} {
	if o, ok := s.log.(orderedLog); ok {
		return o.TopicSettled()
	}
	return nil
}

// CreateTopicAfter makes Start create (or check) the offsets topic only once
// after is closed. Call it before Start.
func (s *OffsetStore) CreateTopicAfter(after <-chan struct{}) { createAfter(s.log, after) }

// CreateTopicAfter makes Start create (or check) the status topic only once
// after is closed. Call it before Start.
func (s *StatusStore) CreateTopicAfter(after <-chan struct{}) { createAfter(s.log, after) }

func createAfter(l Log, after <-chan struct{}) {
	if o, ok := l.(orderedLog); ok {
		o.CreateAfter(after)
	}
}
