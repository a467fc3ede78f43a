package converters

import (
	"fmt"
	"math"
	"reflect"
	"sort"
	"time"
	"unicode/utf16"
)

// entry is one map entry.
type entry struct {
	key, value any
}

// asList returns the elements of a Connect ARRAY value: []any, or any other
// slice or array type except []byte.
func asList(v any) ([]any, bool) {
	switch x := v.(type) {
	case []any:
		return x, true
	case []byte, string, nil:
		return nil, false
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array {
		return nil, false
	}
	out := make([]any, rv.Len())
	for i := range out {
		out[i] = rv.Index(i).Interface()
	}
	return out, true
}

// asEntries returns the entries of a Connect MAP value (any Go map type) in
// the order Java's HashMap would iterate them (see javaHashOrder).
func asEntries(v any) ([]entry, bool) {
	var out []entry
	switch m := v.(type) {
	case map[string]any:
		out = make([]entry, 0, len(m))
		for k, x := range m {
			out = append(out, entry{k, x})
		}
	case map[any]any:
		out = make([]entry, 0, len(m))
		for k, x := range m {
			out = append(out, entry{k, x})
		}
	case map[string]string:
		out = make([]entry, 0, len(m))
		for k, x := range m {
			out = append(out, entry{k, x})
		}
	default:
		rv := reflect.ValueOf(v)
		if !rv.IsValid() || rv.Kind() != reflect.Map {
			return nil, false
		}
		out = make([]entry, 0, rv.Len())
		it := rv.MapRange()
		for it.Next() {
			out = append(out, entry{it.Key().Interface(), it.Value().Interface()})
		}
	}
	javaHashOrder(out)
	return out, true
}

// javaHashOrder sorts entries into the iteration order of a java.util.HashMap
// filled by put (default capacity 16, load factor 0.75): by bucket index of
// the spread hash code in the final table. Connectors written in Java build
// their maps as HashMaps and JsonConverter reads JSON objects into HashMaps,
// so this reproduces Java's bytes for the same data. Go maps have no
// insertion order, so entries sharing a bucket are ordered by key text; keys
// whose Java hash code is unknown (byte arrays, structs) make the whole map
// ordered by key text.
func javaHashOrder(es []entry) {
	if len(es) < 2 {
		return
	}
	capacity := 16
	for len(es) > capacity*3/4 {
		capacity *= 2
	}
	idx := make([]int, len(es))
	texts := make([]string, len(es))
	hashed := true
	for i, e := range es {
		texts[i] = fmt.Sprint(e.key)
		h, ok := javaHashCode(e.key)
		if !ok {
			hashed = false
		}
		u := uint32(h)
		idx[i] = int((u ^ (u >> 16)) & uint32(capacity-1))
	}
	perm := make([]int, len(es))
	for i := range perm {
		perm[i] = i
	}
	sort.SliceStable(perm, func(a, b int) bool {
		i, j := perm[a], perm[b]
		if hashed && idx[i] != idx[j] {
			return idx[i] < idx[j]
		}
		return texts[i] < texts[j]
	})
	sorted := make([]entry, len(es))
	for i, p := range perm {
		sorted[i] = es[p]
	}
	copy(es, sorted)
}

// javaHashCode returns Java's hashCode of the boxed value that corresponds to
// v, for the types whose hash Java defines by value.
func javaHashCode(v any) (int32, bool) {
	switch x := v.(type) {
	case nil:
		return 0, true
	case string:
		var h int32
		for _, c := range utf16.Encode([]rune(x)) {
			h = 31*h + int32(c)
		}
		return h, true
	case bool:
		if x {
			return 1231, true
		}
		return 1237, true
	case int8:
		return int32(x), true
	case int16:
		return int32(x), true
	case int32:
		return x, true
	case int64:
		return int32(x ^ int64(uint64(x)>>32)), true
	case int:
		return javaHashCode(int64(x))
	case float32:
		if x != x {
			return 0x7fc00000, true
		}
		return int32(math.Float32bits(x)), true
	case float64:
		b := math.Float64bits(x)
		if x != x {
			b = 0x7ff8000000000000
		}
		return int32(b ^ (b >> 32)), true
	case time.Time:
		return javaHashCode(x.UnixMilli())
	case []any:
		h := int32(1)
		for _, e := range x {
			eh, ok := javaHashCode(e)
			if !ok {
				return 0, false
			}
			h = 31*h + eh
		}
		return h, true
	case map[string]any:
		var h int32
		for k, e := range x {
			kh, _ := javaHashCode(k)
			eh, ok := javaHashCode(e)
			if !ok {
				return 0, false
			}
			h += kh ^ eh
		}
		return h, true
	}
	return 0, false
}
