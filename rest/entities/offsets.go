package entities

// ConnectorOffsets is the body of GET /connectors/{name}/offsets and of
// PATCH /connectors/{name}/offsets: {"offsets":[{"partition":{...},
// "offset":{...}}]}. In a PATCH an offset may be null, which resets that
// partition.
type ConnectorOffsets struct {
	Offsets []ConnectorOffset `json:"offsets"`
}

// MarshalJSON writes nil Offsets as [] (Java never sends null).
func (o ConnectorOffsets) MarshalJSON() ([]byte, error) {
	type plain ConnectorOffsets
	p := plain(o)
	if p.Offsets == nil {
		p.Offsets = []ConnectorOffset{}
	}
	return marshal(p)
}

// ConnectorOffset is one source partition and its offset. Values are what
// JSON decoding yields (string, float64/json.Number, bool, nil, and nested
// map[string]any / []any); the REST layer's PATCH decoding gives numbers
// as json.Number holding the number as sent. A nil Offset is JSON null.
type ConnectorOffset struct {
	Partition map[string]any `json:"partition"`
	Offset    map[string]any `json:"offset"`
}

// Message is Connect's {"message":"..."} body (offset alter and reset).
type Message struct {
	Message string `json:"message"`
}
