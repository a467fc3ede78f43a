package converters

import (
	"fmt"
	"math"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/ferrykafka/ferry/connect"
	"github.com/ferrykafka/ferry/connect/javajson"
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

// collectionFormat is how a text rendering punctuates lists and maps.
type collectionFormat struct {
	sep   string // between two elements or entries
	assoc byte   // between a key and its value
}

var (
	// javaCollection is Java's AbstractCollection/AbstractMap.toString:
	// "[a, b]", "{k=v, k2=v2}".
	javaCollection = collectionFormat{sep: ", ", assoc: '='}
	// valuesCollection is Values.convertToString: "[a,b]", "{k:v,k2:v2}".
	valuesCollection = collectionFormat{sep: ",", assoc: ':'}
)

// appendCollection writes v in format f when it is a Connect ARRAY ("[...]")
// or MAP ("{...}", entries in HashMap order) value, rendering elements, keys
// and values with elem under the element, key and value schemas of schema.
// It reports whether v was a list or a map, and elem's first error.
func appendCollection(b *strings.Builder, schema *connect.Schema, v any, f collectionFormat, elem func(*connect.Schema, any) error) (bool, error) {
	var ks, vs *connect.Schema
	if schema != nil {
		ks, vs = schema.KeySchema, schema.ValueSchema
	}
	if l, ok := asList(v); ok {
		b.WriteByte('[')
		for i, e := range l {
			if i > 0 {
				b.WriteString(f.sep)
			}
			if err := elem(vs, e); err != nil {
				return true, err
			}
		}
		b.WriteByte(']')
		return true, nil
	}
	es, ok := asEntries(v)
	if !ok {
		return false, nil
	}
	b.WriteByte('{')
	for i, e := range es {
		if i > 0 {
			b.WriteString(f.sep)
		}
		if err := elem(ks, e.key); err != nil {
			return true, err
		}
		b.WriteByte(f.assoc)
		if err := elem(vs, e.value); err != nil {
			return true, err
		}
	}
	b.WriteByte('}')
	return true, nil
}

// javaHashOrder sorts entries into the iteration order of a java.util.HashMap
// filled by put (javajson.HashOrder). Connectors written in Java build their
// maps as HashMaps and JsonConverter reads JSON objects into HashMaps, so
// this reproduces Java's bytes for the same data. Go maps have no insertion
// order, so the entries are taken as put in order of key text (which orders
// entries that share a bucket); keys whose Java hash code is unknown (byte
// arrays, structs) make the whole map ordered by key text.
func javaHashOrder(es []entry) {
	if len(es) < 2 {
		return
	}
	texts := make([]string, len(es))
	perm := make([]int, len(es))
	for i, e := range es {
		texts[i] = fmt.Sprint(e.key)
		perm[i] = i
	}
	sort.SliceStable(perm, func(a, b int) bool { return texts[perm[a]] < texts[perm[b]] })
	byText := make([]entry, len(es))
	hashes := make([]int32, len(es))
	hashed := true
	for i, p := range perm {
		byText[i] = es[p]
		h, ok := javaHashCode(es[p].key)
		hashes[i], hashed = h, hashed && ok
	}
	if !hashed {
		copy(es, byText)
		return
	}
	for i, j := range javajson.HashOrder(hashes) {
		es[i] = byText[j]
	}
}

// javaHashCode returns Java's hashCode of the boxed value that corresponds to
// v, for the types whose hash Java defines by value.
func javaHashCode(v any) (int32, bool) {
	switch x := v.(type) {
	case nil:
		return 0, true
	case string:
		return javajson.StringHashCode(x), true
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
