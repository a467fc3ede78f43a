package mmconfig

import "unicode/utf16"

// Flow is an ordered pair of clusters: records flow from Source to Target
// (Java's SourceAndTarget).
type Flow struct {
	Source, Target string
}

// String names the flow as Java does: "A->B". It is also the flow's worker
// id and default client.id.
func (f Flow) String() string { return f.Source + "->" + f.Target }

// prefix starts the flow's settings: "A->B.".
func (f Flow) prefix() string { return f.String() + "." }

// Flows returns the flows that get a herder, as Java's clusterPairs does:
// every ordered pair of different clusters that is enabled
// (A->B.enabled = true) or has heartbeats on (A->B.emit.heartbeats.enabled,
// else the top-level emit.heartbeats.enabled, default true). With the
// defaults every pair gets one, so that heartbeats also flow back.
//
// The order is Java's: MirrorMakerConfig walks its clusters as a HashSet,
// so the pairs follow the HashSet order of the aliases, not the file's.
func (c *Config) Flows() []Flow {
	aliases := javaHashSetOrder(c.clusterList)
	globalHeartbeats := true
	if v, ok := c.originals[keyEmitHeartbeats]; ok {
		globalHeartbeats = javaParseBoolean(v)
	}
	var flows []Flow
	for _, s := range aliases {
		for _, t := range aliases {
			if s == t {
				continue
			}
			f := Flow{Source: s, Target: t}
			heartbeats := globalHeartbeats
			if v, ok := c.originals[f.prefix()+keyEmitHeartbeats]; ok {
				heartbeats = javaParseBoolean(v)
			}
			if c.Enabled(f) || heartbeats {
				flows = append(flows, f)
			}
		}
	}
	return flows
}

// Enabled reports whether the flow is enabled (A->B.enabled = true; Java's
// Boolean.parseBoolean, so anything but "true" in any case is false).
// A flow that is not enabled may still run for its heartbeats (Flows).
func (c *Config) Enabled(f Flow) bool { return javaParseBoolean(c.originals[f.prefix()+keyEnabled]) }

// javaHashSetOrder returns the distinct strings of list in the order Java
// iterates a new HashSet<>(list): by bucket of the spread String.hashCode,
// then by insertion within a bucket. A bucket reaching nine entries in a
// table under 64 buckets doubles the table as Java does; a larger table
// would turn that bucket into a tree, whose order is not modelled (that
// takes dozens of aliases colliding).
func javaHashSetOrder(list []string) []string {
	capacity := int(float32(len(list))/0.75) + 1
	if capacity < 16 {
		capacity = 16
	}
	n := 1
	for n < capacity {
		n <<= 1
	}
	buckets := make([][]string, n)
	seen := map[string]bool{}
	for _, s := range list {
		if seen[s] {
			continue
		}
		seen[s] = true
		i := javaSpreadHash(s) & (len(buckets) - 1)
		buckets[i] = append(buckets[i], s)
		if len(buckets[i]) > 8 && len(buckets) < 64 {
			buckets = rehash(buckets, 2*len(buckets))
		}
	}
	var out []string
	for _, b := range buckets {
		out = append(out, b...)
	}
	return out
}

// rehash moves the entries into n buckets, keeping their relative order
// within each bucket as Java's resize does.
func rehash(buckets [][]string, n int) [][]string {
	out := make([][]string, n)
	for _, b := range buckets {
		for _, s := range b {
			i := javaSpreadHash(s) & (n - 1)
			out[i] = append(out[i], s)
		}
	}
	return out
}

// javaSpreadHash is Java's String.hashCode (over UTF-16 code units) spread
// as HashMap.hash does, as a non-negative bucket selector.
func javaSpreadHash(s string) int {
	var h int32
	for _, u := range utf16.Encode([]rune(s)) {
		h = 31*h + int32(u)
	}
	return int(uint32(h ^ int32(uint32(h)>>16)))
}
