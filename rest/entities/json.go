package entities

import (
	"bytes"
	"encoding/json"
)

// marshal encodes v as Jackson does: '<', '>' and '&' are written as they
// are, not escaped as encoding/json.Marshal escapes them (a worker id
// "A->B" or a trace with "<init>" keeps its bytes).
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
