package rest

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/ferrykafka/ferry/rest/entities"
)

// Request bodies of the config and offsets endpoints, decoded with
// Jackson's rules (error texts are in the golden files).

func TestDecodeConfigMap(t *testing.T) {
	got, err := decodeConfigMap([]byte(`{"a":"x","n":1.50,"b":false,"gone":null,"a":"y"} ignored`))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"a": "y", "n": "1.50", "b": "false"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	for _, body := range []string{"", "  ", "null"} {
		_, err := decodeConfigMap([]byte(body))
		if statusOf(err) != 400 || err.Error() != "HTTP 400 Bad Request" {
			t.Errorf("%q: %v", body, err)
		}
	}
}

func TestDecodeConfigPatch(t *testing.T) {
	got, err := decodeConfigPatch([]byte(`{"set":"v","n":7,"drop":null,"again":"1","again":null}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 4 || *got["set"] != "v" || *got["n"] != "7" || got["drop"] != nil || got["again"] != nil {
		t.Errorf("patch %v", got)
	}
	if _, ok := got["drop"]; !ok {
		t.Error("null value lost")
	}
	// The same refusals as a config map.
	for _, body := range []string{`[]`, `"x"`, `1`, `{"a":{}}`, `{"a":[]}`, `{"a"}`} {
		_, errPatch := decodeConfigPatch([]byte(body))
		_, errMap := decodeConfigMap([]byte(body))
		if errPatch == nil || errMap == nil || errPatch.Error() != errMap.Error() {
			t.Errorf("%s: patch %v, map %v", body, errPatch, errMap)
		}
	}
}

func TestDecodeConnectorOffsets(t *testing.T) {
	body := `{"offsets":[
		{"partition":{"file":"/a","n":[1,{"x":null}]},"offset":{"pos":12345678901234567890,"f":-1.5e3,"ok":true,"k":"v","k":"w"}},
		{"offset":null,"partition":{}},
		{"partition":null}
	]}`
	got, err := decodeConnectorOffsets([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	want := entities.ConnectorOffsets{Offsets: []entities.ConnectorOffset{
		{Partition: map[string]any{"file": "/a", "n": []any{json.Number("1"), map[string]any{"x": nil}}},
			Offset: map[string]any{"pos": json.Number("12345678901234567890"), "f": json.Number("-1.5e3"), "ok": true, "k": "w"}},
		{Partition: map[string]any{}},
		{},
	}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %#v\nwant %#v", got, want)
	}

	for _, body := range []string{`{}`, `{"offsets":null}`} {
		got, err := decodeConnectorOffsets([]byte(body))
		if err != nil || got.Offsets != nil {
			t.Errorf("%s: %v, %v", body, got, err)
		}
	}
	if got, err := decodeConnectorOffsets([]byte(`{"offsets":[]}`)); err != nil || got.Offsets == nil || len(got.Offsets) != 0 {
		t.Errorf("empty list: %#v, %v", got, err)
	}
}

// The endpoints hand the herder what the body said.
func TestConfigAndOffsetsReachTheHerder(t *testing.T) {
	h := goldenFixture()
	var gotPatch map[string]*string
	var gotOffsets entities.ConnectorOffsets
	rec := &recordingHerder{fakeHerder: h, patch: &gotPatch, offsets: &gotOffsets}
	s, _ := newTestServer(t, rec, Config{})

	expect(t, call(t, s, "PATCH", "/connectors/src/config", `{"file":null,"tasks.max":3}`), 200,
		`{"name":"src","config":{"connector.class":"FileStreamSource","name":"src","tasks.max":"3","topic":"lines"},`+
			`"tasks":[{"connector":"src","task":0},{"connector":"src","task":1}],"type":"source"}`)
	if len(gotPatch) != 2 || gotPatch["file"] != nil || *gotPatch["tasks.max"] != "3" {
		t.Errorf("patch %v", gotPatch)
	}

	expect(t, call(t, s, "PATCH", "/connectors/stopped/offsets", `{"offsets":[{"partition":{"p":1},"offset":null}]}`), 200,
		`{"message":"The Connect framework-managed offsets for this connector have been altered successfully. `+
			`However, if this connector manages offsets externally, they will need to be manually altered in the system that the connector uses."}`)
	want := []entities.ConnectorOffset{{Partition: map[string]any{"p": json.Number("1")}}}
	if !reflect.DeepEqual(gotOffsets.Offsets, want) {
		t.Errorf("offsets %#v", gotOffsets.Offsets)
	}

	// The name check happens before the herder is asked.
	n := h.callCount()
	expect(t, call(t, s, "PATCH", "/connectors/src/config", `{"name":"x"}`), 400,
		errorBody(400, "Connector name configuration (x) doesn't match connector name in the URL (src)"))
	expect(t, call(t, s, "PATCH", "/connectors/stopped/offsets", `{"offsets":[]}`), 400,
		errorBody(400, "Partitions / offsets need to be provided for an alter offsets request"))
	if h.callCount() != n {
		t.Errorf("herder called: %s", h.lastCall())
	}
}

// recordingHerder keeps the arguments of PATCH calls.
type recordingHerder struct {
	*fakeHerder
	patch   *map[string]*string
	offsets *entities.ConnectorOffsets
}

func (r *recordingHerder) PatchConnectorConfig(ctx context.Context, name string, patch map[string]*string) (entities.ConnectorInfo, error) {
	*r.patch = patch
	return r.fakeHerder.PatchConnectorConfig(ctx, name, patch)
}

func (r *recordingHerder) AlterConnectorOffsets(ctx context.Context, name string, o entities.ConnectorOffsets) (entities.Message, error) {
	*r.offsets = o
	return r.fakeHerder.AlterConnectorOffsets(ctx, name, o)
}

func TestBodyErrorsAre400(t *testing.T) {
	for _, body := range []string{`{"offsets":[1]}`, `{"x":1}`, `{"offsets":[{"partition":"a"}]}`, `[`} {
		_, err := decodeConnectorOffsets([]byte(body))
		var je *jacksonError
		if !errors.As(err, &je) || statusOf(err) != 400 {
			t.Errorf("%s: %v", body, err)
		}
	}
}
