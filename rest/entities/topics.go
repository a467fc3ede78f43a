package entities

// ActiveTopics is the body of GET /connectors/{name}/topics:
// {"<name>":{"topics":["t1","t2"]}} with the topics sorted.
type ActiveTopics map[string]TopicList

// TopicList holds the sorted names of a connector's active topics.
type TopicList struct {
	Topics []string `json:"topics"`
}

// MarshalJSON writes nil Topics as [] (Java never sends null).
func (l TopicList) MarshalJSON() ([]byte, error) {
	type plain TopicList
	p := plain(l)
	if p.Topics == nil {
		p.Topics = []string{}
	}
	return marshal(p)
}
