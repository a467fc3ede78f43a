package javajson

import "unicode/utf16"

// StringHashCode is Java's String.hashCode: s*31^(n-1) + ... over the UTF-16
// code units of s.
func StringHashCode(s string) int32 {
	var h int32
	for _, r := range s {
		if r >= 0x10000 {
			hi, lo := utf16.EncodeRune(r)
			h = 31*h + hi
			h = 31*h + lo
			continue
		}
		h = 31*h + r
	}
	return h
}

// HashMap constants from java.util.HashMap.
const (
	hashMapInitialCapacity = 16
	hashMapTreeifyLength   = 9 // a bin is treeified when it reaches this many nodes
	hashMapMinTreeCapacity = 64
)

// spread is HashMap.hash: the high half of the hash code folded into the
// low half.
func spread(h int32) uint32 {
	u := uint32(h)
	return u ^ (u >> 16)
}

// JavaHashMapOrder returns the iteration order of a java.util.HashMap created
// with the default capacity (16) and load factor (0.75) after keys were put
// in the given order. Repeated keys keep their first position, as a put of an
// existing key does not move it.
//
// The model: buckets are visited in index order, bucket = spread(hashCode) &
// (capacity-1); a bucket keeps its keys in insertion order (appends at the
// tail, resize splits preserve order); the table doubles when the size
// exceeds 0.75*capacity, and also when a bucket reaches 9 keys while the
// table is smaller than 64 (HashMap.treeifyBin resizes instead of building a
// tree then). Red-black tree bins (9+ keys in one bucket of a table of 64 or
// more) are not modelled; they keep insertion order here, which Java's tree
// bins do not. No Connect map comes anywhere near that.
func JavaHashMapOrder(keys []string) []string {
	type entry struct {
		key  string
		hash uint32
	}
	capacity := hashMapInitialCapacity
	table := make([][]entry, capacity)
	seen := make(map[string]bool, len(keys))
	size := 0
	resize := func() {
		next := make([][]entry, capacity*2)
		for _, bin := range table {
			for _, e := range bin {
				i := e.hash & uint32(len(next)-1)
				next[i] = append(next[i], e)
			}
		}
		table = next
		capacity *= 2
	}
	for _, k := range keys {
		if seen[k] {
			continue
		}
		seen[k] = true
		e := entry{key: k, hash: spread(StringHashCode(k))}
		i := e.hash & uint32(capacity-1)
		table[i] = append(table[i], e)
		if len(table[i]) >= hashMapTreeifyLength && capacity < hashMapMinTreeCapacity {
			resize()
		}
		size++
		if size > capacity*3/4 {
			resize()
		}
	}
	out := make([]string, 0, size)
	for _, bin := range table {
		for _, e := range bin {
			out = append(out, e.key)
		}
	}
	return out
}
