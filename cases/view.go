package cases

import (
	"bytes"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/google/btree"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// view is the ledger as one process holds it in memory: the current
// projection of every case, the units, the documents and evidence attached
// to each case, and what lists need to filter, sort and count cases without
// asking the database. FerretDB, the embedded engine, reads and decodes
// every document for any filter, sort or count, so a list served by the
// database costs time in proportion to the ledger; served from here it
// costs one pass over rows already in memory.
//
// The view is derived. It is loaded from a snapshot and the journal entries
// after it (or folded from the events), kept current by the events this
// process records and by the journal other processes write, and compared
// with the events by Verify. Its rows are immutable: an update replaces the
// row, so a row handed to a reader never changes under it.
type view struct {
	mu     sync.RWMutex
	rows   map[string]*row // by case number
	slots  []*row          // by slot: the order rows entered this view
	orders [numOrders]*btree.BTreeG[*row]
	text   textIndex
	cols   cols
	units  map[string]Unit
	keys   map[string]string // idempotency key → case number
	maxOrd map[int]int       // year → highest ordinal in the view
	pos    int64             // the journal position the view includes
	mark   *Mark             // the latest checkpoint recorded

	// Unit names sort as Chinese readers expect, by pinyin (安平 before
	// 清河 before 云州), not by code point; keys are kept per name.
	collator *collate.Collator
	unitKeys map[string][]byte
}

// unitKey returns the collation key of a unit's name. Callers hold mu.
func (v *view) unitKey(name string) []byte {
	k, ok := v.unitKeys[name]
	if !ok {
		var buf collate.Buffer
		k = bytes.Clone(v.collator.KeyFromString(&buf, name))
		v.unitKeys[name] = k
	}
	return k
}

// row is one case in the view.
type row struct {
	c        Case
	slot     int32
	text     string      // searchText(c): fixed at registration
	refAt    int32       // where the source reference begins in text
	unitKey  []byte      // collation key of the unit's name (pinyin order)
	regions  []string    // region keys of every level: 江南省, 江南省/云州市, …
	docs     []string    // ids of documents issued on the case, in order
	numbers  []docNumber // numbers of documents issued on the case, folded
	evidence []string    // ids of evidence uploaded for the case, in order
	key      string      // the idempotency key it was registered with
}

// The sort orders the view keeps. Each is total: ties are broken by the
// ledger number, so that paging is stable.
const (
	orderNo = iota
	orderDeadline
	orderUpdated
	orderUnit
	orderState
	numOrders
)

// stateRank orders states as the ledger lists them, not alphabetically.
var stateRank = func() map[State]int {
	m := map[State]int{}
	for i, s := range States {
		m[s] = i
	}
	return m
}()

func lessNoOf(a, b *Case) bool {
	if a.Year != b.Year {
		return a.Year < b.Year
	}
	if a.Ordinal != b.Ordinal {
		return a.Ordinal < b.Ordinal
	}
	return a.No < b.No
}

// orderLess are the comparisons of the orders. Unit and state orders list
// newer cases first within a unit or a state, as the ledger does by default.
var orderLess = [numOrders]func(a, b *row) bool{
	orderNo: func(a, b *row) bool { return lessNoOf(&a.c, &b.c) },
	orderDeadline: func(a, b *row) bool {
		// Cases without a deadline come after every dated one: a list by
		// deadline starts with what is due soonest.
		if a.c.Deadline != b.c.Deadline {
			if a.c.Deadline == "" || b.c.Deadline == "" {
				return b.c.Deadline == ""
			}
			return a.c.Deadline < b.c.Deadline
		}
		return lessNoOf(&a.c, &b.c)
	},
	orderUpdated: func(a, b *row) bool {
		if !a.c.UpdatedAt.Equal(b.c.UpdatedAt) {
			return a.c.UpdatedAt.Before(b.c.UpdatedAt)
		}
		return lessNoOf(&a.c, &b.c)
	},
	orderUnit: func(a, b *row) bool {
		if c := bytes.Compare(a.unitKey, b.unitKey); c != 0 {
			return c < 0
		}
		if a.c.UnitName != b.c.UnitName {
			return a.c.UnitName < b.c.UnitName
		}
		return lessNoOf(&b.c, &a.c)
	},
	orderState: func(a, b *row) bool {
		if ra, rb := stateRank[a.c.State], stateRank[b.c.State]; ra != rb {
			return ra < rb
		}
		return lessNoOf(&b.c, &a.c)
	},
}

func newView() *view {
	v := &view{rows: map[string]*row{}, text: newTextIndex(), cols: newCols(), units: map[string]Unit{}, keys: map[string]string{}, maxOrd: map[int]int{},
		collator: collate.New(language.Chinese), unitKeys: map[string][]byte{}}
	for i := range v.orders {
		v.orders[i] = btree.NewG(32, orderLess[i])
	}
	return v
}

// regionKeysOf returns the key of every level of a region path.
func regionKeysOf(path []string) []string {
	keys := make([]string, len(path))
	for i := range path {
		keys[i] = RegionKey(path[:i+1])
	}
	return keys
}

// put inserts r or replaces the row of the same case. Callers hold mu.
func (v *view) put(r *row) {
	old, exists := v.rows[r.c.No]
	if exists {
		r.slot, r.text, r.refAt, r.regions = old.slot, old.text, old.refAt, old.regions
		for _, t := range v.orders {
			t.Delete(old)
		}
		v.slots[r.slot] = r
	} else {
		r.slot = int32(len(v.slots))
		text, refAt := searchText(r.c)
		r.text, r.refAt = text, int32(refAt)
		r.regions = regionKeysOf(r.c.Region)
		v.slots = append(v.slots, r)
		indexed := r.text
		for _, n := range r.numbers {
			indexed += "\n" + n.Number
		}
		v.text.add(r.slot, indexed)
	}
	r.unitKey = v.unitKey(r.c.UnitName)
	v.rows[r.c.No] = r
	v.cols.set(r)
	for _, t := range v.orders {
		t.ReplaceOrInsert(r)
	}
	if r.c.Ordinal > v.maxOrd[r.c.Year] {
		v.maxOrd[r.c.Year] = r.c.Ordinal
	}
	if r.key != "" {
		v.keys[r.key] = r.c.No
	}
}

// applyEvent folds e into its case. It reports whether e was applied:
// an event the view already holds (seq ≤ version) is ignored, and one past
// the next (a gap) is refused, so that the caller fetches what is missing
// first. Callers hold mu.
func (v *view) applyEvent(e Event) (applied, gap bool) {
	old := v.rows[e.CaseNo]
	version := 0
	if old != nil {
		version = old.c.Version
	}
	switch {
	case e.Seq <= version:
		return false, false
	case e.Seq > version+1:
		return false, true
	}
	r := &row{}
	if old != nil {
		*r = *old
	} else if e.Registered != nil {
		r.key = e.Registered.IdempotencyKey
	}
	r.c = Apply(r.c, e)
	if e.Action == ActionRecordDocument && e.Input != nil {
		// The event names the document's number but not whom it is
		// addressed to: the document's link says whether the unit may
		// find it.
		r.numbers = v.withNumber(r, e.Input.Reference, false)
	}
	if e.Action == ActionAddSource && e.Input != nil {
		// A merged source's reference is found as the first one is, and
		// hidden as it is from those who may not see references.
		r.numbers = v.withNumber(r, e.Input.Reference, false)
	}
	v.put(r)
	return true, false
}

// docNumber is the number of a document issued on a case, folded for the
// text search, and whether the document is addressed to the case's unit.
type docNumber struct {
	Number string `json:"number"`
	ToUnit bool   `json:"to_unit,omitempty"`
}

// withNumber returns r's document numbers with number added (or marked as
// addressed to the unit), indexing it for the text search when new. r must
// hold a slot already, or get one from put, which indexes its numbers.
// Callers hold mu.
func (v *view) withNumber(r *row, number string, toUnit bool) []docNumber {
	n := normText(strings.TrimSpace(number))
	if n == "" {
		return r.numbers
	}
	for i, have := range r.numbers {
		if have.Number == n {
			if !toUnit || have.ToUnit {
				return r.numbers
			}
			out := slices.Clone(r.numbers)
			out[i].ToUnit = true
			return out
		}
	}
	if old := v.rows[r.c.No]; old != nil {
		v.text.addLate(old.slot, n)
	}
	return append(slices.Clone(r.numbers), docNumber{Number: n, ToUnit: toUnit})
}

// reset replaces a case's projection outright (a repair from its events).
// Callers hold mu.
func (v *view) reset(c Case) {
	r := &row{c: c}
	if old := v.rows[c.No]; old != nil {
		r.docs, r.evidence, r.key, r.numbers = old.docs, old.evidence, old.key, old.numbers
	}
	v.put(r)
}

// link attaches a document or evidence id to cases. Callers hold mu.
func (v *view) link(l Link) {
	for _, no := range l.Cases {
		old := v.rows[no]
		if old == nil {
			continue // a case the view does not hold (yet): Verify reports it
		}
		r := *old
		switch l.Kind {
		case LinkDocument:
			numbers := v.withNumber(&r, l.Number, l.ToUnit)
			if contains(r.docs, l.ID) {
				if len(numbers) != len(r.numbers) || !slices.Equal(numbers, r.numbers) {
					r.numbers = numbers
					v.put(&r)
				}
				continue
			}
			r.docs, r.numbers = append(append([]string(nil), r.docs...), l.ID), numbers
		case LinkEvidence:
			if contains(r.evidence, l.ID) {
				continue
			}
			r.evidence = append(append([]string(nil), r.evidence...), l.ID)
		}
		v.put(&r)
	}
}

// drop removes a case. Its slot stays taken (slots never move) but empty.
// Callers hold mu.
func (v *view) drop(no string) {
	r := v.rows[no]
	if r == nil {
		return
	}
	for _, t := range v.orders {
		t.Delete(r)
	}
	delete(v.rows, no)
	v.slots[r.slot] = nil
	v.cols.clear(r.slot)
	if r.key != "" {
		delete(v.keys, r.key)
	}
}

// swap replaces the content of v with that of w (a reload).
func (v *view) swap(w *view) {
	w.mu.Lock()
	defer w.mu.Unlock()
	v.mu.Lock()
	defer v.mu.Unlock()
	v.rows, v.slots, v.orders, v.text, v.cols = w.rows, w.slots, w.orders, w.text, w.cols
	v.collator, v.unitKeys = w.collator, w.unitKeys
	v.units, v.keys, v.maxOrd, v.pos, v.mark = w.units, w.keys, w.maxOrd, w.pos, w.mark
}

// setMark records a checkpoint, unless the view holds a later one (entries
// of two servers may arrive in either order). Callers hold mu.
func (v *view) setMark(m Mark) {
	if v.mark == nil || m.N > v.mark.N {
		v.mark = &m
	}
}

// putUnit stores or replaces a unit. Callers hold mu.
func (v *view) putUnit(u Unit) { v.units[u.Code] = u }

// version returns the version of case no in the view (0 if absent).
func (v *view) version(no string) int {
	v.mu.RLock()
	defer v.mu.RUnlock()
	if r := v.rows[no]; r != nil {
		return r.c.Version
	}
	return 0
}

// hasLink reports whether case no lists the record id of kind.
func (v *view) hasLink(kind, id, no string) bool {
	v.mu.RLock()
	defer v.mu.RUnlock()
	r := v.rows[no]
	if r == nil {
		return false
	}
	if kind == LinkDocument {
		return contains(r.docs, id)
	}
	return contains(r.evidence, id)
}

// get returns the row of case no.
func (v *view) get(no string) (*row, bool) {
	v.mu.RLock()
	defer v.mu.RUnlock()
	r, ok := v.rows[no]
	return r, ok
}

// unit returns a unit.
func (v *view) unit(code string) (Unit, bool) {
	v.mu.RLock()
	defer v.mu.RUnlock()
	u, ok := v.units[code]
	return u, ok
}

// caseByKey returns the case registered with an idempotency key.
func (v *view) caseByKey(key string) (string, bool) {
	v.mu.RLock()
	defer v.mu.RUnlock()
	no, ok := v.keys[key]
	return no, ok
}

// lastOrdinal is the highest ordinal of year in the view.
func (v *view) lastOrdinal(year int) int {
	v.mu.RLock()
	defer v.mu.RUnlock()
	return v.maxOrd[year]
}

// size returns the number of cases.
func (v *view) size() int {
	v.mu.RLock()
	defer v.mu.RUnlock()
	return len(v.rows)
}

// viewData is the content of a view, as a snapshot stores it.
type viewData struct {
	Cases []viewCase `json:"cases"`
	Units []Unit     `json:"units"`
	// Mark is the latest checkpoint recorded (format 2 keeps it in the
	// header).
	Mark *Mark `json:"checkpoint,omitempty"`
}

// viewCase is one case of a snapshot.
type viewCase struct {
	Case     Case     `json:"case"`
	Docs     []string `json:"docs,omitempty"`
	Evidence []string `json:"evidence,omitempty"`
	Key      string   `json:"key,omitempty"`
	// Numbers are the numbers of the documents issued on the case.
	Numbers []docNumber `json:"numbers,omitempty"`
}

// data copies the view's content, cases in slot order, and the journal
// position it includes. Rows are immutable, so only the copying itself
// needs the lock.
func (v *view) data() (viewData, int64) {
	v.mu.RLock()
	pos, mark := v.pos, v.mark
	rows := make([]*row, 0, len(v.rows))
	for _, r := range v.slots {
		if r != nil {
			rows = append(rows, r)
		}
	}
	units := make([]Unit, 0, len(v.units))
	for _, u := range v.units {
		units = append(units, u)
	}
	v.mu.RUnlock()
	d := viewData{Cases: make([]viewCase, len(rows)), Units: units, Mark: mark}
	for i, r := range rows {
		d.Cases[i] = viewCase{Case: r.c, Docs: r.docs, Evidence: r.evidence, Key: r.key, Numbers: r.numbers}
	}
	sort.Slice(d.Units, func(i, j int) bool { return d.Units[i].Code < d.Units[j].Code })
	return d, pos
}

// load fills an empty view with d.
func (v *view) load(d viewData) {
	v.mu.Lock()
	defer v.mu.Unlock()
	for i := range d.Units {
		v.loadItem(snapshotItem{Unit: &d.Units[i]})
	}
	for i := range d.Cases {
		v.loadItem(snapshotItem{Case: &d.Cases[i]})
	}
	if d.Mark != nil {
		v.setMark(*d.Mark)
	}
}

// loadItem adds a unit or a case read from a snapshot. Callers hold mu.
func (v *view) loadItem(it snapshotItem) {
	if it.Mark != nil {
		v.setMark(*it.Mark)
	}
	if u := it.Unit; u != nil {
		v.units[u.Code] = *u
	}
	if vc := it.Case; vc != nil {
		if vc.Case.Region == nil {
			vc.Case.Region = []string{}
		}
		v.put(&row{c: vc.Case, docs: vc.Docs, evidence: vc.Evidence, key: vc.Key, numbers: vc.Numbers})
	}
}
