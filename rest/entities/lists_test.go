package entities

import (
	"encoding/json"
	"testing"
)

// Lists Java never sends as null.
func TestNilListsMarshalEmpty(t *testing.T) {
	for _, tc := range []struct {
		v    any
		want string
	}{
		{ActiveTopics{"c": {}}, `{"c":{"topics":[]}}`},
		{ActiveTopics{"c": {Topics: []string{"a", "b"}}}, `{"c":{"topics":["a","b"]}}`},
		{ConnectorOffsets{}, `{"offsets":[]}`},
		{ConnectorOffsets{Offsets: []ConnectorOffset{{Partition: map[string]any{"p": "x"}}}},
			`{"offsets":[{"partition":{"p":"x"},"offset":null}]}`},
		{Message{Message: "m"}, `{"message":"m"}`},
		{WorkerStatus{Status: HealthStarting, Message: "Worker is still starting up."},
			`{"status":"starting","message":"Worker is still starting up."}`},
		{PluginInfo{Class: "X", Type: "converter"}, `{"class":"X","type":"converter"}`},
	} {
		b, err := json.Marshal(tc.v)
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != tc.want {
			t.Errorf("got  %s\nwant %s", b, tc.want)
		}
	}
}
