package logging

import (
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"
)

// node is one named logger. Its threshold is what logging reads, without
// a lock; the rest is guarded by the Registry's mutex.
type node struct {
	name string // "" for the root

	// threshold is the effective level's zerolog threshold.
	threshold atomic.Int32

	// own: the node has a level of its own (a Log4j LoggerConfig); level
	// is then that level.
	own   bool
	level Level
	// effective is own level, or the nearest configured ancestor's.
	effective Level
	// lastModified is when SetLevel last changed effective; zero: never.
	lastModified time.Time
}

// Sample makes a node a zerolog.Sampler: zerolog asks it, before building
// an event, whether the event's level passes the node's current level.
func (n *node) Sample(lvl zerolog.Level) bool {
	return int32(lvl) >= n.threshold.Load()
}

// setEffective records the effective level and publishes its threshold.
func (n *node) setEffective(l Level) {
	n.effective = l
	n.threshold.Store(int32(l.threshold()))
}

// displayName is the name shown to users: "root" for the root.
func (n *node) displayName() string { return displayName(n.name) }
