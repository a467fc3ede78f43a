package kafkastore

import "testing"

// The package's test helpers, for twin_test.go: it is in package
// kafkastore_test because it imports storage/memstore, which imports this
// package.
var (
	CtxFor             = ctxFor
	StartStore         = start
	OptionsFor         = options
	NewTestConfigStore = newConfigStore
	NewTestStatusStore = newStatusStore
	ReadRaw            = readRaw
)

// Listener records config store listener calls.
type Listener = listener

// Calls returns the calls made so far.
func (l *listener) Calls() []string { return l.get() }

// Write puts raw records (value "" = tombstone) into the topic.
func (r *rawTopic) Write(t *testing.T, recs ...[2]string) { r.write(t, recs...) }
