package cases

import (
	"slices"
	"strings"
)

// cols holds, by slot, the fields lists filter on, packed in arrays of
// small integers. Counting the matches among 100,000 cases is then one pass
// over a few megabytes in slot order, instead of a walk through 100,000
// rows scattered over the heap (measured: 7–17 ms a list before, see
// docs/PERFORMANCE.md). Strings are interned: a filter compares numbers.
type cols struct {
	state    []uint8 // 1 + index in States; 0 is an empty slot
	late     []bool  // submitted after the deadline
	sentBack []bool  // the last submission was sent back
	repeat   []bool  // a repeat case (屡查屡犯)
	// moreSrc holds, for the few cases reported through more than one
	// channel, the sources after the first (interned).
	moreSrc  map[int32][]uint32
	deadline []int32  // YYYYMMDD; 0 is none, -1 one that is not a date
	place    []uint32 // the case's unit and region, an index in places
	source   []uint32 // interned strings (see ids); 0 is ""
	kind     []uint32
	ref      []uint32
	year     []int32

	places   []place
	placeIDs map[string]uint32
	ids      map[string]uint32
}

// place is a unit together with the region its cases were registered in:
// what scope and region filters decide on, once per place instead of once
// per case.
type place struct {
	unit    string
	regions []string // region keys of every level
}

// stateSlots bounds 1 + the number of states, for arrays indexed by a
// column's state.
const stateSlots = 16

func init() {
	if len(States)+1 > stateSlots {
		panic("cases: more states than stateSlots")
	}
}

func newCols() cols {
	return cols{placeIDs: map[string]uint32{}, ids: map[string]uint32{"": 0}, moreSrc: map[int32][]uint32{}}
}

// intern returns the id of s, adding it if new.
func (c *cols) intern(s string) uint32 {
	id, ok := c.ids[s]
	if !ok {
		id = uint32(len(c.ids))
		c.ids[s] = id
	}
	return id
}

// set records the fields of r in its slot. Callers hold the view's lock.
func (c *cols) set(r *row) {
	s := int(r.slot)
	for len(c.state) <= s {
		c.state = append(c.state, 0)
		c.late = append(c.late, false)
		c.sentBack = append(c.sentBack, false)
		c.repeat = append(c.repeat, false)
		c.deadline = append(c.deadline, 0)
		c.place = append(c.place, 0)
		c.source = append(c.source, 0)
		c.kind = append(c.kind, 0)
		c.ref = append(c.ref, 0)
		c.year = append(c.year, 0)
	}
	k := &r.c
	c.state[s] = uint8(stateRank[k.State] + 1)
	c.late[s] = k.SubmittedLate
	c.sentBack[s] = k.SentBack
	c.repeat[s] = len(k.RepeatOf) > 0
	if len(k.Sources) > 1 {
		more := make([]uint32, 0, len(k.Sources)-1)
		for _, src := range k.Sources[1:] {
			more = append(more, c.intern(src.Source))
		}
		c.moreSrc[int32(s)] = more
	}
	c.deadline[s] = dateNumber(k.Deadline)
	key := k.UnitCode + "\x00" + strings.Join(r.regions, "\x00")
	id, ok := c.placeIDs[key]
	if !ok {
		id = uint32(len(c.places))
		c.places = append(c.places, place{unit: k.UnitCode, regions: r.regions})
		c.placeIDs[key] = id
	}
	c.place[s] = id
	c.source[s] = c.intern(k.Source)
	c.kind[s] = c.intern(k.Kind)
	c.ref[s] = c.intern(k.SourceRef)
	c.year[s] = int32(k.Year)
}

// clear empties a slot.
func (c *cols) clear(slot int32) {
	if int(slot) < len(c.state) {
		c.state[slot] = 0
	}
}

// dateNumber turns YYYY-MM-DD into YYYYMMDD, which orders as the date
// does; "" is 0 and anything else -1.
func dateNumber(d string) int32 {
	if d == "" {
		return 0
	}
	if len(d) != 10 || d[4] != '-' || d[7] != '-' {
		return -1
	}
	n := int32(0)
	for i := 0; i < 10; i++ {
		if i == 4 || i == 7 {
			continue
		}
		if d[i] < '0' || d[i] > '9' {
			return -1
		}
		n = n*10 + int32(d[i]-'0')
	}
	return n
}

// colQuery is a CaseFilter turned into numbers to compare with cols.
type colQuery struct {
	none      bool   // some filter value is in no case: nothing matches
	placeOK   []bool // by place; nil when neither scope, region nor unit filters
	source    uint32 // 0: any
	kind      uint32
	ref       uint32
	year      int32
	light     Light
	sentBack  int8 // 0 any, 1 sent back, -1 not sent back
	repeat    bool
	today     int32
	until     int32
	slowLight bool // today or yellowUntil is not a date: compare as LightOf does
	todayS    string
	untilS    string
	stateOK   [stateSlots]bool
	allStates bool
	open      [stateSlots]bool
	submitted uint8
	confirmed uint8
}

// query prepares f for cols. Callers hold the view's lock.
func (c *cols) query(p *rowFilter) *colQuery {
	f := &p.f
	q := &colQuery{year: int32(f.Year), light: f.Light, today: dateNumber(f.Today), until: dateNumber(f.YellowUntil),
		todayS: f.Today, untilS: f.YellowUntil}
	q.slowLight = q.today < 0 || q.until < 0
	q.repeat = f.Repeat
	if f.SentBack != nil {
		q.sentBack = -1
		if *f.SentBack {
			q.sentBack = 1
		}
	}
	lookup := func(s string) uint32 {
		if s == "" {
			return 0
		}
		id, ok := c.ids[s]
		if !ok {
			q.none = true
		}
		return id
	}
	q.source, q.kind, q.ref = lookup(f.Source), lookup(f.Kind), lookup(f.SourceRef)
	if !f.Scope.Global || f.Region != "" || f.UnitCode != "" {
		q.placeOK = make([]bool, len(c.places))
		for i := range c.places {
			pl := &c.places[i]
			r := &row{c: Case{UnitCode: pl.unit}, regions: pl.regions}
			q.placeOK[i] = (f.Scope.Global || p.inScope(r)) &&
				(f.UnitCode == "" || pl.unit == f.UnitCode) &&
				(f.Region == "" || p.regionAt < len(pl.regions) && pl.regions[p.regionAt] == f.Region)
		}
	}
	q.allStates = p.states == nil
	for i, s := range States {
		q.stateOK[i+1] = q.allStates || p.states[s]
		q.open[i+1] = s.Open()
	}
	q.submitted = uint8(stateRank[StateSubmitted] + 1)
	q.confirmed = uint8(stateRank[StateConfirmed] + 1)
	return q
}

// match reports whether slot passes every filter of q but the state and
// the text. The slot must not be empty.
func (c *cols) match(q *colQuery, s int, slots []*row) bool {
	switch {
	case q.placeOK != nil && !q.placeOK[c.place[s]]:
		return false
	case q.source != 0 && c.source[s] != q.source && !slices.Contains(c.moreSrc[int32(s)], q.source):
		return false
	case q.repeat && !c.repeat[s]:
		return false
	case q.kind != 0 && c.kind[s] != q.kind:
		return false
	case q.ref != 0 && c.ref[s] != q.ref:
		return false
	case q.year != 0 && c.year[s] != q.year:
		return false
	case q.sentBack != 0 && c.sentBack[s] != (q.sentBack > 0):
		return false
	case q.light != LightNone && c.light(q, s, slots) != q.light:
		return false
	}
	return true
}

// light is LightOf on the columns (on the row, for a deadline that is not
// a date).
func (c *cols) light(q *colQuery, s int, slots []*row) Light {
	st := c.state[s]
	d := c.deadline[s]
	switch {
	case d < 0 || q.slowLight:
		return LightOf(slots[s].c, q.todayS, q.untilS)
	case !q.open[st]:
		return LightNone
	case (st == q.submitted || st == q.confirmed) && c.late[s]:
		return LightRed
	case st == q.submitted, st == q.confirmed, d == 0:
		return LightGreen
	case d < q.today:
		return LightRed
	case d <= q.until:
		return LightYellow
	default:
		return LightGreen
	}
}
