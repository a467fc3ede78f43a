package group

import (
	"cmp"
	"reflect"
	"slices"
	"testing"
)

// The decoders never panic; what they accept re-encodes, and decoding the
// re-encoded bytes gives the same work (as sets: the encoder reorders
// connectors as Java's HashSet does and drops repeated connectors).

func fuzzSeeds(f *testing.F) {
	alloc := gb().i16(2).i16(0).str("leader-1").str("http://w1:8083").i64(40).
		i32(1).entry("src", -1, 0, 1).i32(1).entry("gone", 3).i32(250).b
	for _, b := range [][]byte{
		gb().i16(0).i16(0).str("leader-1").str("http://w1:8083").i64(42).
			i32(3).entry("conn-b", -1, 1).entry("conn-a", -1, 0, 2).entry("conn-c", 0).b,
		gb().i16(1).i16(0).str("l").str("u").i64(1).i32(-1).i32(-1).i32(10).b,
		gb().i16(2).i16(1).str("m-0").str("http://leader:8083").i64(-1).i32(0).i32(0).i32(0).b,
		gb().i16(0).str("http://w1:8083").i64(12).b,
		gb().i16(1).str("u").i64(3).i32(-1).b,
		gb().i16(2).str("u").i64(41).i32(int32(len(alloc))).raw(alloc).b,
		alloc,
		{},
		{0xff, 0xff},
	} {
		f.Add(b)
	}
}

func FuzzDecodeAssignment(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := DecodeAssignment(b)
		if err != nil {
			return
		}
		fuzzCheckAssignment(t, a)
	})
}

func FuzzDecodeWorkerState(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		ws, err := DecodeWorkerState(b)
		if err != nil {
			return
		}
		enc, err := EncodeWorkerState(ws)
		if err != nil {
			t.Fatalf("decoded %+v does not re-encode: %v", ws, err)
		}
		back, err := DecodeWorkerState(enc)
		if err != nil {
			t.Fatalf("re-encoded %x does not decode: %v", enc, err)
		}
		if back.Version != ws.Version || back.URL != ws.URL || back.ConfigOffset != ws.ConfigOffset {
			t.Fatalf("round trip changed the header: %+v -> %+v", ws, back)
		}
		if ws.Version == Version0 || ws.Allocation == nil {
			if back.Allocation != nil {
				t.Fatalf("round trip invented an allocation: %+v", back)
			}
			return
		}
		if back.Allocation == nil {
			t.Fatal("round trip lost the allocation")
		}
		want := *ws.Allocation
		want.Version = ws.Version // the embedded header carries the metadata version
		if !reflect.DeepEqual(fuzzCanonical(*back.Allocation), fuzzCanonical(want)) {
			t.Fatalf("allocation changed:\n got %+v\nwant %+v", *back.Allocation, want)
		}
		fuzzCheckAssignment(t, *ws.Allocation)
	})
}

func fuzzCheckAssignment(t *testing.T, a Assignment) {
	t.Helper()
	enc, err := EncodeAssignment(a)
	if err != nil {
		t.Fatalf("decoded %+v does not re-encode: %v", a, err)
	}
	back, err := DecodeAssignment(enc)
	if err != nil {
		t.Fatalf("re-encoded %x does not decode: %v", enc, err)
	}
	if !reflect.DeepEqual(fuzzCanonical(back), fuzzCanonical(a)) {
		t.Fatalf("round trip changed the assignment:\n got %+v\nwant %+v", back, a)
	}
	again, err := EncodeAssignment(back)
	if err != nil {
		t.Fatalf("second encode: %v", err)
	}
	if _, err := DecodeAssignment(again); err != nil {
		t.Fatalf("second decode: %v", err)
	}
}

// fuzzCanonical compares work as sets of connectors and multisets of tasks.
func fuzzCanonical(a Assignment) Assignment {
	conns := func(s []string) []string {
		if len(s) == 0 {
			return nil
		}
		out := slices.Clone(s)
		slices.Sort(out)
		return slices.Compact(out)
	}
	tasks := func(s []TaskID) []TaskID {
		if len(s) == 0 {
			return nil
		}
		out := slices.Clone(s)
		slices.SortFunc(out, func(x, y TaskID) int {
			return cmp.Or(cmp.Compare(x.Connector, y.Connector), cmp.Compare(x.Task, y.Task))
		})
		return out
	}
	a.Connectors = conns(a.Connectors)
	a.Tasks = tasks(a.Tasks)
	a.RevokedConnectors = conns(a.RevokedConnectors)
	a.RevokedTasks = tasks(a.RevokedTasks)
	return a
}
