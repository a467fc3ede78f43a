package mirrorclient

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
)

// golden is testdata/records_golden.json, written by Kafka 4.3.1's own
// Heartbeat and Checkpoint classes (testdata/GenRecords.java says how to
// rerun it).
type golden struct {
	Generator  string `json:"generator"`
	Heartbeats []struct {
		Name             string         `json:"name"`
		Source           string         `json:"source"`
		Target           string         `json:"target"`
		Timestamp        int64          `json:"timestamp"`
		Key              string         `json:"key"`
		Value            string         `json:"value"`
		String           string         `json:"string"`
		ConnectPartition map[string]any `json:"connectPartition"`
	} `json:"heartbeats"`
	Checkpoints []struct {
		Name             string         `json:"name"`
		Group            string         `json:"group"`
		Topic            string         `json:"topic"`
		Partition        int32          `json:"partition"`
		UpstreamOffset   int64          `json:"upstreamOffset"`
		DownstreamOffset int64          `json:"downstreamOffset"`
		Metadata         string         `json:"metadata"`
		Key              string         `json:"key"`
		Value            string         `json:"value"`
		String           string         `json:"string"`
		ConnectPartition map[string]any `json:"connectPartition"`
	} `json:"checkpoints"`
	Decodes []struct {
		Kind             string `json:"kind"`
		Name             string `json:"name"`
		Key              string `json:"key"`
		Value            string `json:"value"`
		OK               bool   `json:"ok"`
		Error            string `json:"error"`
		Source           string `json:"source"`
		Target           string `json:"target"`
		Timestamp        int64  `json:"timestamp"`
		Group            string `json:"group"`
		Topic            string `json:"topic"`
		Partition        int32  `json:"partition"`
		UpstreamOffset   int64  `json:"upstreamOffset"`
		DownstreamOffset int64  `json:"downstreamOffset"`
		Metadata         string `json:"metadata"`
	} `json:"decodes"`
	Limits struct {
		HeartbeatAlias32768           string `json:"heartbeatAlias32768"`
		CheckpointMetadata32768       string `json:"checkpointMetadata32768"`
		CheckpointGroup32767KeyLength int    `json:"checkpointGroup32767KeyLength"`
	} `json:"limits"`
}

func loadGolden(t *testing.T) golden {
	t.Helper()
	raw, err := os.ReadFile("testdata/records_golden.json")
	if err != nil {
		t.Fatal(err)
	}
	var g golden
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&g); err != nil {
		t.Fatalf("parse golden file: %v", err)
	}
	if len(g.Heartbeats) == 0 || len(g.Checkpoints) == 0 || len(g.Decodes) == 0 {
		t.Fatalf("golden file has no cases: %+v", g)
	}
	return g
}

func unhex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatalf("bad hex %q: %v", s, err)
	}
	return b
}

// sameJSON compares a Go map with one read from the golden file by their
// JSON forms (numbers compared as written, not as float64).
func sameJSON(t *testing.T, got, want map[string]any) {
	t.Helper()
	norm := func(m map[string]any) map[string]any {
		raw, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		var out map[string]any
		if err := dec.Decode(&out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	if g, w := norm(got), norm(want); !reflect.DeepEqual(g, w) {
		t.Errorf("got %v, Java has %v", g, w)
	}
}

func TestHeartbeatGoldenFromJava(t *testing.T) {
	g := loadGolden(t)
	for _, c := range g.Heartbeats {
		t.Run(c.Name, func(t *testing.T) {
			h := Heartbeat{SourceClusterAlias: c.Source, TargetClusterAlias: c.Target, Timestamp: c.Timestamp}
			key, err := h.RecordKey()
			if err != nil {
				t.Fatal(err)
			}
			if got := hex.EncodeToString(key); got != c.Key {
				t.Errorf("key %s, Java wrote %s", got, c.Key)
			}
			if got := hex.EncodeToString(h.RecordValue()); got != c.Value {
				t.Errorf("value %s, Java wrote %s", got, c.Value)
			}
			if got := h.String(); got != c.String {
				t.Errorf("String() %q, Java's toString %q", got, c.String)
			}
			sameJSON(t, h.ConnectPartition(), c.ConnectPartition)

			back, err := DecodeHeartbeat(unhex(t, c.Key), unhex(t, c.Value))
			if err != nil {
				t.Fatalf("decode Java's bytes: %v", err)
			}
			if back != h {
				t.Errorf("decoded %+v, want %+v", back, h)
			}
		})
	}
}

func TestCheckpointGoldenFromJava(t *testing.T) {
	g := loadGolden(t)
	for _, c := range g.Checkpoints {
		t.Run(c.Name, func(t *testing.T) {
			cp := Checkpoint{ConsumerGroupID: c.Group, Topic: c.Topic, Partition: c.Partition,
				UpstreamOffset: c.UpstreamOffset, DownstreamOffset: c.DownstreamOffset, Metadata: c.Metadata}
			key, err := cp.RecordKey()
			if err != nil {
				t.Fatal(err)
			}
			if got := hex.EncodeToString(key); got != c.Key {
				t.Errorf("key %s, Java wrote %s", got, c.Key)
			}
			value, err := cp.RecordValue()
			if err != nil {
				t.Fatal(err)
			}
			if got := hex.EncodeToString(value); got != c.Value {
				t.Errorf("value %s, Java wrote %s", got, c.Value)
			}
			if got := cp.String(); got != c.String {
				t.Errorf("String() %q, Java's toString %q", got, c.String)
			}
			sameJSON(t, cp.ConnectPartition(), c.ConnectPartition)
			if tp := cp.TopicPartition(); tp.Topic != c.Topic || tp.Partition != c.Partition {
				t.Errorf("TopicPartition() = %v", tp)
			}

			back, err := DecodeCheckpoint(unhex(t, c.Key), unhex(t, c.Value))
			if err != nil {
				t.Fatalf("decode Java's bytes: %v", err)
			}
			if back != cp {
				t.Errorf("decoded %+v, want %+v", back, cp)
			}
		})
	}
}

// TestDecodeLikeJava feeds Java's deserializeRecord and Ferry's decoders the
// same hand-made bytes: other versions read with the version-0 layout,
// trailing bytes ignored, and every truncation or negative length refused
// with an error naming the field Java names.
func TestDecodeLikeJava(t *testing.T) {
	g := loadGolden(t)
	for _, c := range g.Decodes {
		t.Run(c.Kind+"/"+c.Name, func(t *testing.T) {
			key, value := unhex(t, c.Key), unhex(t, c.Value)
			var err error
			switch c.Kind {
			case "heartbeat":
				var h Heartbeat
				h, err = DecodeHeartbeat(key, value)
				want := Heartbeat{SourceClusterAlias: c.Source, TargetClusterAlias: c.Target, Timestamp: c.Timestamp}
				if err == nil && h != want {
					t.Errorf("decoded %+v, Java read %+v", h, want)
				}
			case "checkpoint":
				var cp Checkpoint
				cp, err = DecodeCheckpoint(key, value)
				want := Checkpoint{ConsumerGroupID: c.Group, Topic: c.Topic, Partition: c.Partition,
					UpstreamOffset: c.UpstreamOffset, DownstreamOffset: c.DownstreamOffset, Metadata: c.Metadata}
				if err == nil && cp != want {
					t.Errorf("decoded %+v, Java read %+v", cp, want)
				}
			default:
				t.Fatalf("unknown kind %q", c.Kind)
			}
			if c.OK {
				if err != nil {
					t.Errorf("Java read these bytes, Ferry says: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Java refused these bytes (%s), Ferry read them", c.Error)
			}
			if !errors.Is(err, ErrCorruptRecord) {
				t.Errorf("error %v does not wrap ErrCorruptRecord", err)
			}
			// Java: "Error reading field 'x': ..."; Ferry names the same field.
			field := c.Error[strings.Index(c.Error, "'"):]
			field = field[:strings.Index(field[1:], "'")+2]
			if !strings.Contains(err.Error(), "error reading field "+field) {
				t.Errorf("error %q does not name field %s like Java's %q", err, field, c.Error)
			}
			if !strings.Contains(err.Error(), c.Kind+" key") && !strings.Contains(err.Error(), c.Kind+" value") {
				t.Errorf("error %q does not say which record part it read", err)
			}
		})
	}
}

func TestDecodeErrorMessages(t *testing.T) {
	cases := []struct {
		name       string
		decode     func() error
		wantSubstr string
	}{
		{"truncated timestamp", func() error {
			_, err := DecodeHeartbeat([]byte{0, 1, 'A', 0, 1, 'B'}, []byte{0, 0, 0, 0, 0})
			return err
		}, "heartbeat value: corrupt record: error reading field 'timestamp' at byte 2: INT64 needs 8 bytes, only 3 available"},
		{"string longer than the bytes", func() error {
			_, err := DecodeHeartbeat([]byte{0, 5, 'A', 'B', 'C'}, []byte{0, 0, 0, 0, 0, 0, 0, 0, 0, 1})
			return err
		}, "heartbeat key: corrupt record: error reading field 'sourceClusterAlias' at byte 0: string of length 5, only 3 bytes available"},
		{"negative string length", func() error {
			_, err := DecodeCheckpoint([]byte{0, 1, 'g', 0xff, 0xfe}, []byte{0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0})
			return err
		}, "checkpoint key: corrupt record: error reading field 'topic' at byte 3: string length -2 cannot be negative"},
		{"missing partition", func() error {
			_, err := DecodeCheckpoint([]byte{0, 1, 'g', 0, 1, 't', 0}, []byte{0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0})
			return err
		}, "checkpoint key: corrupt record: error reading field 'partition' at byte 6: INT32 needs 4 bytes, only 1 available"},
		{"nil value", func() error {
			_, err := DecodeCheckpoint([]byte{0, 1, 'g', 0, 1, 't', 0, 0, 0, 0}, nil)
			return err
		}, "checkpoint value: corrupt record: error reading field 'version' at byte 0: INT16 needs 2 bytes, only 0 available"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.decode()
			if err == nil || err.Error() != c.wantSubstr {
				t.Errorf("error %v, want %q", err, c.wantSubstr)
			}
		})
	}
}

// TestDecodeNeverPanics decodes every prefix of valid records, and the
// valid records with each byte flipped: each either decodes or returns a
// corrupt-record error.
func TestDecodeNeverPanics(t *testing.T) {
	hk, _ := Heartbeat{SourceClusterAlias: "src", TargetClusterAlias: "dst", Timestamp: 5}.RecordKey()
	hv := Heartbeat{Timestamp: 5}.RecordValue()
	cp := Checkpoint{ConsumerGroupID: "grp", Topic: "A.t", Partition: 3, UpstreamOffset: 9, DownstreamOffset: 8, Metadata: "md"}
	ck, _ := cp.RecordKey()
	cv, _ := cp.RecordValue()
	check := func(err error) {
		if err != nil && !errors.Is(err, ErrCorruptRecord) {
			t.Fatalf("error %v does not wrap ErrCorruptRecord", err)
		}
	}
	fails := 0
	for _, pair := range [][2][]byte{{hk, hv}, {ck, cv}} {
		key, value := pair[0], pair[1]
		for i := 0; i < len(key); i++ {
			_, err1 := DecodeHeartbeat(key[:i], value)
			_, err2 := DecodeCheckpoint(key[:i], value)
			check(err1)
			check(err2)
			if err1 != nil && err2 != nil {
				fails++
			}
		}
		for i := 0; i < len(value); i++ {
			_, err1 := DecodeHeartbeat(key, value[:i])
			_, err2 := DecodeCheckpoint(key, value[:i])
			check(err1)
			check(err2)
		}
		for i := range key {
			flipped := bytes.Clone(key)
			flipped[i] ^= 0xff
			_, err := DecodeCheckpoint(flipped, value)
			check(err)
			_, err = DecodeHeartbeat(flipped, value)
			check(err)
		}
	}
	if fails == 0 {
		t.Error("no truncated key was refused")
	}
}

func TestStringLimitLikeJava(t *testing.T) {
	g := loadGolden(t)
	big := strings.Repeat("a", 32768)
	max := strings.Repeat("a", 32767)

	_, err := Heartbeat{SourceClusterAlias: big, TargetClusterAlias: "b"}.RecordKey()
	if !errors.Is(err, ErrStringTooLong) || !strings.Contains(err.Error(), "'sourceClusterAlias'") ||
		!strings.Contains(err.Error(), "string length 32768") {
		t.Errorf("32768-byte alias: %v (Java: %s)", err, g.Limits.HeartbeatAlias32768)
	}
	_, err = Heartbeat{SourceClusterAlias: "a", TargetClusterAlias: big}.RecordKey()
	if !errors.Is(err, ErrStringTooLong) || !strings.Contains(err.Error(), "'targetClusterAlias'") {
		t.Errorf("32768-byte target alias: %v", err)
	}
	_, err = Checkpoint{ConsumerGroupID: "g", Topic: "t", Metadata: big}.RecordValue()
	if !errors.Is(err, ErrStringTooLong) || !strings.Contains(err.Error(), "'metadata'") {
		t.Errorf("32768-byte metadata: %v (Java: %s)", err, g.Limits.CheckpointMetadata32768)
	}
	for _, c := range []Checkpoint{{ConsumerGroupID: big, Topic: "t"}, {ConsumerGroupID: "g", Topic: big}} {
		if _, err := c.RecordKey(); !errors.Is(err, ErrStringTooLong) {
			t.Errorf("32768-byte group or topic: %v", err)
		}
	}
	if !strings.Contains(g.Limits.HeartbeatAlias32768, "String length 32768 is larger than the maximum string length") {
		t.Errorf("Java's limit changed: %s", g.Limits.HeartbeatAlias32768)
	}

	key, err := Checkpoint{ConsumerGroupID: max, Topic: "t"}.RecordKey()
	if err != nil {
		t.Fatalf("32767-byte group: %v", err)
	}
	if len(key) != g.Limits.CheckpointGroup32767KeyLength {
		t.Errorf("key length %d, Java's %d", len(key), g.Limits.CheckpointGroup32767KeyLength)
	}
	back, err := DecodeCheckpoint(key, mustValue(t, Checkpoint{}))
	if err != nil || back.ConsumerGroupID != max {
		t.Errorf("32767-byte group does not round-trip: %v", err)
	}
}

func mustValue(t *testing.T, c Checkpoint) []byte {
	t.Helper()
	v, err := c.RecordValue()
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestConnectOffsets(t *testing.T) {
	for name, got := range map[string]map[string]any{
		"heartbeat":  HeartbeatConnectOffset(),
		"checkpoint": CheckpointConnectOffset(),
	} {
		// MirrorUtils.wrapOffset(0): a single "offset" key holding a long.
		if !reflect.DeepEqual(got, map[string]any{"offset": int64(0)}) {
			t.Errorf("%s offset %#v", name, got)
		}
	}
	// Callers may change the returned map without touching the next one.
	m := HeartbeatConnectOffset()
	m["offset"] = int64(7)
	if HeartbeatConnectOffset()["offset"] != int64(0) {
		t.Error("HeartbeatConnectOffset returns a shared map")
	}
}

func TestTopicPartitionString(t *testing.T) {
	if got := (TopicPartition{Topic: "A.orders", Partition: 12}).String(); got != "A.orders-12" {
		t.Errorf("got %q", got)
	}
}
