package mirror

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// Property tests of the sync arrays. A generator replays a replication
// flow: per upstream partition a log of upstream records, some replicated
// (each to a known downstream offset), some not (filtered, compacted,
// transaction markers), syncs emitted for some replicated records, syncs
// repeated, and upstream rewinds (the source task re-replicating from an
// earlier offset, or the upstream topic re-created). Every sync is handed
// to a syncArrays and, after each, the checker verifies:
//
//  1. rules A-D of the arrays (slot 0 is the newest sync, B and C between
//     every pair of slots, slot 63 the oldest sync since the last clear),
//     plus newest-first order of the slots;
//  2. translation is monotone in the group's offset for a fixed state;
//  3. a translation is -1, or the downstream offset of a retained sync at
//     the group's offset, or one past a retained sync before it; it never
//     exceeds the true downstream position of the group's offset (where
//     the first record at or after it was, or will be, replicated) nor
//     the least position any flow producing the same syncs could have;
//  4. only syncs since the last clear (rewind, or each sync of an initial
//     read that must keep only the last one) are ever used; offsets below
//     the first of them translate to -1;
//
// and, before the initial read finished, that nothing is translated.

// syncChoices is where the generator's decisions come from: a seeded
// random source, or the bytes of a fuzz input.
type syncChoices interface {
	// int64n returns a value in [0, n); n > 0.
	int64n(n int64) int64
	// more reports whether the generator may go on.
	more() bool
}

type randChoices struct{ r *rand.Rand }

func (c randChoices) int64n(n int64) int64 { return c.r.Int64N(n) }
func (c randChoices) more() bool           { return true }

// byteChoices reads decisions from fuzz input, as few bytes per decision as
// its range needs; the input running out ends the scenario.
type byteChoices struct{ b []byte }

func (c *byteChoices) int64n(n int64) int64 {
	var v uint64
	for bits := 0; bits < 64 && uint64(n-1)>>bits != 0 && len(c.b) > 0; bits += 8 {
		v = v<<8 | uint64(c.b[0])
		c.b = c.b[1:]
	}
	return int64(v % uint64(n))
}

func (c *byteChoices) more() bool { return len(c.b) > 0 }

// replicatedRun is a stretch of consecutive upstream records written to
// consecutive downstream offsets.
type replicatedRun struct{ up, down, n int64 }

type modelSync struct {
	up, down int64
	id       uint64
}

// syncModel is one upstream partition: the generator's flow and the
// checker's view of what the arrays must hold.
type syncModel struct {
	tp topicPartition
	// The flow: the next upstream record offset, the next downstream
	// offset, and the replicated records of the current epoch (since the
	// last rewind), ascending.
	nextUp, nextDown int64
	runs             []replicatedRun
	last             *modelSync // the last sync emitted

	// The checker: the syncs since the arrays were last cleared, in the
	// order handled (their upstream offsets never decrease).
	era []modelSync
}

// genSync produces the next sync of the flow.
func (m *syncModel) genSync(c syncChoices) (up, down int64) {
	op := c.int64n(100)
	switch {
	case op < 8 && m.last != nil: // the same sync again
		return m.last.up, m.last.down
	case op < 13 && m.last != nil && m.last.up > 0: // upstream rewind
		// Re-replication from an earlier upstream offset (0: the topic was
		// created again); the downstream log goes on, with fresh copies.
		m.nextUp = c.int64n(m.last.up)
		if c.int64n(4) == 0 {
			m.nextUp = 0
		}
		m.nextDown += 1 + c.int64n(3)
		m.runs = nil
		return m.replicate(c, 0, true)
	default:
		var skip int64
		switch k := c.int64n(10); {
		case k < 5: // the next record
		case k < 8:
			skip = 1 + c.int64n(20)
		case k < 9:
			skip = c.int64n(10000)
		default:
			skip = c.int64n(int64(1) << (20 + c.int64n(26)))
		}
		return m.replicate(c, skip, false)
	}
}

// replicate skips skip upstream records (not replicated), adds a run of
// replicated records and returns a sync for one of them (the first when
// first is set: the record that starts a re-replication).
func (m *syncModel) replicate(c syncChoices, skip int64, first bool) (up, down int64) {
	m.nextUp += skip
	if c.int64n(5) == 0 {
		m.nextDown += 1 + c.int64n(2) // transaction markers or other gaps
	}
	n := 1 + c.int64n(30)
	if c.int64n(20) == 0 {
		n = 1 + c.int64n(1<<20)
	}
	run := replicatedRun{up: m.nextUp, down: m.nextDown, n: n}
	m.runs = append(m.runs, run)
	m.nextUp += n
	m.nextDown += n
	k := int64(0)
	if !first {
		k = c.int64n(n)
	}
	return run.up + k, run.down + k
}

// trueDown is where a consumer at upstream offset u must start downstream
// so as to skip nothing: the downstream offset of the first replicated
// record at or after u in the current epoch, or the next downstream offset
// when none was replicated yet.
func (m *syncModel) trueDown(u int64) int64 {
	i, _ := slices.BinarySearchFunc(m.runs, u, func(r replicatedRun, u int64) int {
		return cmp.Compare(r.up+r.n-1, u)
	})
	if i == len(m.runs) {
		return m.nextDown
	}
	r := m.runs[i]
	return r.down + max(u-r.up, 0)
}

// leastDown is the lowest downstream position of u that any flow producing
// the syncs of the era could have: the downstream offset of the last sync
// at u, or one past the last sync before it. ok is false when no sync of
// the era is at or before u.
func (m *syncModel) leastDown(u int64) (int64, bool) {
	i, _ := slices.BinarySearchFunc(m.era, u, func(s modelSync, u int64) int {
		if s.up <= u {
			return -1
		}
		return 1
	})
	if i == 0 {
		return 0, false
	}
	s := m.era[i-1]
	if s.up == u {
		return s.down, true
	}
	return s.down + 1, true
}

// syncChecker runs one scenario.
type syncChecker struct {
	tb      testing.TB
	label   string
	a       *syncArrays
	must    bool
	step    int
	history []string
	// translations counts the translations checked.
	translations int
}

func (k *syncChecker) failf(format string, args ...any) {
	k.tb.Helper()
	h := k.history
	if len(h) > 30 {
		h = h[len(h)-30:]
	}
	k.tb.Fatalf("%s, step %d (mustReadToEnd=%v): %s\nlast syncs handled: %s",
		k.label, k.step, k.must, fmt.Sprintf(format, args...), strings.Join(h, " "))
}

// runSyncScenario generates and checks up to maxSyncs syncs over two
// partitions. It returns the number of syncs and translations checked.
func runSyncScenario(tb testing.TB, label string, c syncChoices, maxSyncs int) (syncs, translations int) {
	tb.Helper()
	k := &syncChecker{tb: tb, label: label, must: c.int64n(2) == 1}
	k.a = newSyncArrays(k.must)
	initial := int(c.int64n(int64(maxSyncs)/3 + 1))
	models := []*syncModel{{tp: topicPartition{"t", 0}}, {tp: topicPartition{"t", 1}}}
	for _, m := range models {
		switch c.int64n(4) {
		case 0: // a long-lived topic
			m.nextUp = c.int64n(int64(1) << 50)
			m.nextDown = c.int64n(int64(1) << 50)
		case 1:
			m.nextUp = c.int64n(1000)
			m.nextDown = c.int64n(1000)
		}
	}
	var lastID uint64
	for k.step = 0; k.step < maxSyncs && c.more(); k.step++ {
		if k.step == initial {
			k.a.finishInitialRead()
			for _, m := range models {
				k.checkTranslations(c, m)
			}
		}
		m := models[0]
		if c.int64n(5) == 0 {
			m = models[1]
		}
		up, down := m.genSync(c)
		k.history = append(k.history, fmt.Sprintf("%s:%d:%d", m.tp, up, down))
		s := k.a.handle(offsetSync{tp: m.tp, upstreamOffset: up, downstreamOffset: down})
		id := s[0].id
		if id <= lastID {
			k.failf("sync ids must grow: %d after %d", id, lastID)
		}
		lastID = id
		n := modelSync{up: up, down: down, id: id}
		initialRead := k.step < initial
		if m.last == nil || (k.must && initialRead) || up < m.last.up {
			m.era = m.era[:0]
		}
		m.era = append(m.era, n)
		m.last = &m.era[len(m.era)-1]
		k.checkRules(m, s, n)
		if initialRead {
			if _, ok := k.a.translate(m.tp, up); ok {
				k.failf("translated %s during the initial read", m.tp)
			}
			continue
		}
		k.checkTranslations(c, m)
	}
	return k.step, k.translations
}

// checkRules checks property 1 on the array of m after sync n.
func (k *syncChecker) checkRules(m *syncModel, s *syncArray, n modelSync) {
	k.tb.Helper()
	if s[0].upstream != n.up || s[0].downstream != n.down {
		k.failf("rule A: slot 0 holds %d:%d, the newest sync is %d:%d", s[0].upstream, s[0].downstream, n.up, n.down)
	}
	if err := checkSyncRules(s); err != nil {
		k.failf("%v\nsyncs %s", err, s)
	}
	first := m.era[0]
	if got := s[syncsPerPartition-1]; got.id != first.id && n.up-first.up < int64(1)<<62 {
		k.failf("rule D: slot 63 holds %d:%d (id %d), the first sync since the last clear is %d:%d (id %d)\nsyncs %s",
			got.upstream, got.downstream, got.id, first.up, first.down, first.id, s)
	}
	for i := 0; i+1 < syncsPerPartition; i++ {
		if s[i].id < s[i+1].id || s[i].upstream < s[i+1].upstream {
			k.failf("slots %d and %d are not newest first: %d:%d (id %d) before %d:%d (id %d)",
				i, i+1, s[i].upstream, s[i].downstream, s[i].id, s[i+1].upstream, s[i+1].downstream, s[i+1].id)
		}
	}
	if s[syncsPerPartition-1].id < first.id {
		k.failf("a sync from before the last clear is kept: id %d < %d", s[syncsPerPartition-1].id, first.id)
	}
}

// checkTranslations checks properties 2-4 for a set of group offsets.
func (k *syncChecker) checkTranslations(c syncChoices, m *syncModel) {
	k.tb.Helper()
	if len(m.era) == 0 {
		if _, ok := k.a.translate(m.tp, 0); ok {
			k.failf("translated %s without any sync", m.tp)
		}
		return
	}
	s := k.a.syncs(m.tp)
	first, newest := m.era[0], m.era[len(m.era)-1]
	us := []int64{first.up - 1, first.up, newest.up, newest.up + 1, m.nextUp, m.nextUp + 1 + c.int64n(1000), 0}
	for range 3 {
		e := m.era[c.int64n(int64(len(m.era)))]
		us = append(us, e.up-1, e.up, e.up+1)
		r := s[c.int64n(syncsPerPartition)]
		us = append(us, r.upstream, r.upstream+1+c.int64n(3))
		if span := m.nextUp - first.up + 10; span > 0 {
			us = append(us, first.up-5+c.int64n(span))
		}
	}
	us = slices.DeleteFunc(us, func(u int64) bool { return u < 0 })
	slices.Sort(us)
	us = slices.Compact(us)

	prev, prevU := int64(math.MinInt64), int64(-1)
	for _, u := range us {
		k.translations++
		got, used, how := k.a.lookup(m.tp, u)
		if how != translationTooOld && how != translationDone {
			k.failf("translate(%s, %d): no answer (%d) with syncs present", m.tp, u, how)
		}
		least, any := m.leastDown(u)
		switch how {
		case translationTooOld:
			if got != -1 {
				k.failf("translate(%s, %d) = %d for a group behind every sync, want -1", m.tp, u, got)
			}
			if any {
				k.failf("translate(%s, %d) = -1, but sync %d:%d (since the last clear) is at or before it", m.tp, u, first.up, first.down)
			}
		case translationDone:
			if !any {
				k.failf("translate(%s, %d) = %d, but every sync since the last clear is ahead of it (first: %d)", m.tp, u, got, first.up)
			}
			if used.id < first.id {
				k.failf("translate(%s, %d) used sync %d:%d from before the last clear", m.tp, u, used.upstream, used.downstream)
			}
			want := used.downstream + 1
			if used.upstream == u {
				want = used.downstream
			}
			if used.upstream > u || got != want {
				k.failf("translate(%s, %d) = %d using sync %d:%d, want its downstream offset, +1 past it", m.tp, u, got, used.upstream, used.downstream)
			}
			for i := range s {
				if s[i].upstream <= u {
					if s[i] != used {
						k.failf("translate(%s, %d) used %d:%d, the newest sync at or before it is %d:%d", m.tp, u, used.upstream, used.downstream, s[i].upstream, s[i].downstream)
					}
					break
				}
			}
			if got > least {
				k.failf("translate(%s, %d) = %d is past %d, where the group's next record may be downstream", m.tp, u, got, least)
			}
			if td := m.trueDown(u); got > td {
				k.failf("translate(%s, %d) = %d skips records: the next record at or after %d is at downstream %d", m.tp, u, got, u, td)
			}
		}
		if got < prev {
			k.failf("translation not monotone: translate(%s, %d) = %d after translate(%d) = %d\nsyncs %s", m.tp, u, got, prevU, prev, s)
		}
		prev, prevU = got, u
	}
}

// propertySeed is the base seed of the random cases: OFFSET_SYNC_STORE_SEED
// if set (to replay a failure), random otherwise. It is always logged.
func propertySeed(t *testing.T) uint64 {
	if v := os.Getenv("OFFSET_SYNC_STORE_SEED"); v != "" {
		seed, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			t.Fatalf("OFFSET_SYNC_STORE_SEED=%q: %v", v, err)
		}
		return seed
	}
	return rand.Uint64()
}

func TestOffsetSyncStoreProperties(t *testing.T) {
	seed := propertySeed(t)
	t.Logf("base seed %d (replay with OFFSET_SYNC_STORE_SEED=%d)", seed, seed)
	cases := 2000
	if testing.Short() {
		cases = 200
	}
	var syncs, translations int
	for i := range cases {
		caseSeed := seed + uint64(i)
		r := rand.New(rand.NewPCG(caseSeed, 0x0ff5e7))
		n, tr := runSyncScenario(t, fmt.Sprintf("case %d (seed %d, base seed %d)", i, caseSeed, seed),
			randChoices{r}, 10+r.IntN(400))
		syncs += n
		translations += tr
	}
	if syncs == 0 || translations == 0 {
		t.Fatal("the generator produced nothing")
	}
	t.Logf("%d cases: %d syncs handled, %d translations checked", cases, syncs, translations)
}

// FuzzOffsetSyncStore runs the same checks on scenarios decoded from the
// fuzz input; the seed corpus runs with go test.
func FuzzOffsetSyncStore(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{0})
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
	f.Add(slices.Repeat([]byte{0xff}, 200))
	f.Add(slices.Repeat([]byte{0, 50, 99, 7}, 300))
	for i := range 8 {
		r := rand.New(rand.NewPCG(uint64(i), 1))
		b := make([]byte, 200+r.IntN(3000))
		for j := range b {
			b[j] = byte(r.Uint32())
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		runSyncScenario(t, "fuzz input", &byteChoices{b: data}, 1000)
	})
}
