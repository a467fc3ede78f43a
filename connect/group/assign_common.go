package group

import (
	"cmp"
	"slices"
	"strings"
	"unicode/utf8"
)

// Helpers shared by the eager and the incremental cooperative assignor.

// MaxMemberConfigOffset is the highest config-topic offset any member
// reported in its JoinGroup metadata (Java's findMaxMemberConfigOffset). The
// leader may assign only from a config snapshot at or past it; a leader
// whose snapshot is behind should take a fresh snapshot once and, if that is
// still behind, send [AssignConfigMismatch]. It is 0 for no members.
func MaxMemberConfigOffset(members []JoinedMember) int64 {
	if len(members) == 0 {
		return 0
	}
	maxOffset := members[0].State.ConfigOffset
	for _, m := range members[1:] {
		maxOffset = max(maxOffset, m.State.ConfigOffset)
	}
	return maxOffset
}

// AssignConfigMismatch is the assignment a leader whose config snapshot is
// behind [MaxMemberConfigOffset] sends to every member: error
// [ErrConfigMismatch], no work, no revocations, no delay, and the maximum
// member offset as the config offset, so that every member reads the config
// topic at least that far and rejoins. version is the negotiated protocol's
// ([Version0] for eager, [Version1] or [Version2] for incremental). leaderURL
// may be empty: the URL the leader advertised in its metadata is used then.
func AssignConfigMismatch(members []JoinedMember, leaderID, leaderURL string, version int16) map[string]Assignment {
	leaderURL = asgLeaderURL(members, leaderID, leaderURL)
	maxOffset := MaxMemberConfigOffset(members)
	out := make(map[string]Assignment, len(members))
	for _, m := range members {
		out[m.ID] = Assignment{
			Version:      version,
			Error:        ErrConfigMismatch,
			Leader:       leaderID,
			LeaderURL:    leaderURL,
			ConfigOffset: maxOffset,
		}
	}
	return out
}

// asgLeaderURL returns url, or when it is empty the URL the leader
// member advertised (Java takes it from the leader's metadata).
func asgLeaderURL(members []JoinedMember, leaderID, url string) string {
	if url != "" {
		return url
	}
	for _, m := range members {
		if m.ID == leaderID {
			return m.State.URL
		}
	}
	return ""
}

// asgJavaCompare orders strings as Java's String.compareTo does: by UTF-16
// code units. That is code point order except that supplementary characters
// (encoded as surrogates 0xD800-0xDFFF) sort before U+E000..U+FFFF. Strings
// Java would see as equal (different invalid UTF-8 bytes both decoding to
// U+FFFD) fall back to byte order so that the order stays total.
func asgJavaCompare(a, b string) int {
	x, y := a, b
	for x != "" && y != "" {
		if x[0] < utf8.RuneSelf && y[0] < utf8.RuneSelf {
			if x[0] != y[0] {
				return cmp.Compare(x[0], y[0])
			}
			x, y = x[1:], y[1:]
			continue
		}
		rx, nx := utf8.DecodeRuneInString(x)
		ry, ny := utf8.DecodeRuneInString(y)
		if rx != ry {
			if c := cmp.Compare(asgUTF16Head(rx), asgUTF16Head(ry)); c != 0 {
				return c
			}
			// Same high surrogate: the low surrogates order as the code points.
			return cmp.Compare(rx, ry)
		}
		x, y = x[nx:], y[ny:]
	}
	switch {
	case x == "" && y != "":
		return -1
	case x != "" && y == "":
		return 1
	}
	return strings.Compare(a, b)
}

// asgUTF16Head is the first UTF-16 code unit of r.
func asgUTF16Head(r rune) rune {
	if r < 0x10000 {
		return r
	}
	return 0xD800 + (r-0x10000)>>10
}

// asgCompareTasks orders tasks as Java's ConnectorTaskId.compareTo: by
// connector name, then by task number.
func asgCompareTasks(a, b TaskID) int {
	if c := asgJavaCompare(a.Connector, b.Connector); c != 0 {
		return c
	}
	return cmp.Compare(a.Task, b.Task)
}

// asgSortedConnectors returns the distinct names of names in Java order.
func asgSortedConnectors(names []string) []string {
	out := slices.Clone(names)
	slices.SortFunc(out, asgJavaCompare)
	return slices.Compact(out)
}

// asgSortedTasks returns the distinct tasks of tasks in Java order.
func asgSortedTasks(tasks []TaskID) []TaskID {
	out := slices.Clone(tasks)
	slices.SortFunc(out, asgCompareTasks)
	return slices.Compact(out)
}

// asgConfigured is the configured connectors (distinct, Java order) and
// the configured tasks of those connectors (distinct, Java order). Tasks of
// connectors that are not configured are dropped (Java asks the config
// snapshot for the tasks of each configured connector), and so are entries
// with task number ConnectorTask (the connector instance is the connector
// entry).
func asgConfigured(connectors []string, tasks []TaskID) ([]string, []TaskID) {
	conns := asgSortedConnectors(connectors)
	known := make(map[string]struct{}, len(conns))
	for _, c := range conns {
		known[c] = struct{}{}
	}
	kept := make([]TaskID, 0, len(tasks))
	for _, t := range tasks {
		if _, ok := known[t.Connector]; ok && t.Task != ConnectorTask {
			kept = append(kept, t)
		}
	}
	return conns, asgSortedTasks(kept)
}

// asgNilIfEmpty returns nil for an empty slice so that assignments without
// work compare equal however they were built.
func asgNilIfEmpty[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s
}
