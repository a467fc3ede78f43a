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
func JavaHashMapOrder(keys []string) []string {
	distinct := make([]string, 0, len(keys))
	seen := make(map[string]bool, len(keys))
	for _, k := range keys {
		if !seen[k] {
			seen[k] = true
			distinct = append(distinct, k)
		}
	}
	hashes := make([]int32, len(distinct))
	for i, k := range distinct {
		hashes[i] = StringHashCode(k)
	}
	out := make([]string, len(distinct))
	for i, j := range HashOrder(hashes) {
		out[i] = distinct[j]
	}
	return out
}

// HashOrder is JavaHashMapOrder for keys of any type, given by their Java
// hashCode values: hashes[i] is the hash code of the i-th distinct key put
// into a new java.util.HashMap (default capacity and load factor), and the
// result lists the indices into hashes in the map's iteration order.
//
// The model: buckets are visited in index order, bucket = spread(hashCode) &
// (capacity-1); a bucket keeps its keys in insertion order (appends at the
// tail, resize splits preserve order); the table doubles when the size
// exceeds 0.75*capacity, and also when a bucket reaches 9 keys while the
// table is smaller than 64 (HashMap.treeifyBin resizes instead of building a
// tree then). Red-black tree bins (9+ keys in one bucket of a table of 64 or
// more) are not modelled; they keep insertion order here, which Java's tree
// bins do not. No Connect map comes anywhere near that.
func HashOrder(hashes []int32) []int {
	type entry struct {
		index int
		hash  uint32
	}
	capacity := hashMapInitialCapacity
	table := make([][]entry, capacity)
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
	for size, h := range hashes {
		e := entry{index: size, hash: spread(h)}
		i := e.hash & uint32(capacity-1)
		table[i] = append(table[i], e)
		if len(table[i]) >= hashMapTreeifyLength && capacity < hashMapMinTreeCapacity {
			resize()
		}
		if size+1 > capacity*3/4 {
			resize()
		}
	}
	out := make([]int, 0, len(hashes))
	for _, bin := range table {
		for _, e := range bin {
			out = append(out, e.index)
		}
	}
	return out
}
