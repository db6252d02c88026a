package cases

import (
	"slices"
	"sort"
	"strings"

	"rectify/cases/personal"
)

// LedgerPage is one page of a case list with everything a ledger page
// shows about the whole selection: the total, and the count in each state
// of the cases that match every filter but the state one.
type LedgerPage struct {
	Cases  []Case
	Total  int
	Counts map[State]int
}

// sortOrders maps the accepted sort keys to an order and a direction.
var sortOrders = map[string]struct {
	order int
	desc  bool
}{
	"": {orderNo, true}, "-no": {orderNo, true}, "no": {orderNo, false},
	"deadline": {orderDeadline, false}, "-deadline": {orderDeadline, true},
	"updated": {orderUpdated, false}, "-updated": {orderUpdated, true},
	"unit": {orderUnit, false}, "-unit": {orderUnit, true},
	"state": {orderState, false}, "-state": {orderState, true},
}

// SortKeys lists the sort keys a case list accepts.
func SortKeys() []string {
	out := make([]string, 0, len(sortOrders))
	for k := range sortOrders {
		if k != "" {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// rowFilter is a CaseFilter prepared for testing rows.
type rowFilter struct {
	f          CaseFilter
	scopeUnits map[string]bool
	states     map[State]bool
	regionAt   int // depth of f.Region
	text       string
	textSet    bitset // candidate slots of the text search; nil = test every row
	textExact  bool   // every candidate matches
	textMasked bool   // match against the text with personal numbers masked
}

// matchesText reports whether r's search text holds the filter's text.
func (p *rowFilter) matchesText(r *row) bool {
	if p.textSet != nil {
		if !p.textSet.has(r.slot) {
			return false
		}
		hidden := p.f.SecretHidden && r.c.Level == LevelSecret
		if p.textExact && !p.f.TextWithoutRef && !p.textMasked && !hidden {
			return true
		}
	}
	text := r.text
	if p.f.TextWithoutRef {
		text = text[:r.refAt]
	}
	if p.f.TextAsSeen && p.f.SecretHidden && r.c.Level == LevelSecret {
		text = normText(r.c.No + "\n" + r.c.Title + "\n")
	}
	if p.textMasked {
		text = personal.Mask(text)
	}
	return strings.Contains(text, p.text) || p.matchesNumber(r)
}

// matchesNumber reports whether the number of a document issued on r's
// case holds the filter's text. Those who may not see the source reference
// find only the documents addressed to the unit, which they receive.
func (p *rowFilter) matchesNumber(r *row) bool {
	for _, n := range r.numbers {
		if (n.ToUnit || !p.f.TextWithoutRef) && strings.Contains(n.Number, p.text) {
			return true
		}
	}
	return false
}

func (p *rowFilter) inScope(r *row) bool {
	s := &p.f.Scope
	if !s.Valid() {
		return false
	}
	depth := strings.Count(s.Region, "/")
	if depth >= len(r.regions) || r.regions[depth] != s.Region {
		return false
	}
	return p.scopeUnits == nil || p.scopeUnits[r.c.UnitCode]
}

// unitSet is the set of a scope's units; nil (no limit) for nil.
func unitSet(units []string) map[string]bool {
	if units == nil {
		return nil
	}
	m := make(map[string]bool, len(units))
	for _, u := range units {
		m[u] = true
	}
	return m
}

// find answers a case list: the page f asks for, the total and the counts
// per state, in one pass over the rows in the order asked for. Callers
// set f.Today and f.YellowUntil when f.Light is set.
func (v *view) find(f CaseFilter) (LedgerPage, error) {
	so, ok := sortOrders[f.Sort]
	if !ok {
		return LedgerPage{}, Invalid("sort", "未知的排序方式「%s」", f.Sort)
	}
	page, per := normalizePage(f.Page, f.PerPage)
	skip := (page - 1) * per
	p := &rowFilter{f: f, text: normText(strings.TrimSpace(f.Text))}
	// Masking changes only digits: a search without any matches the
	// masked text where it matches the text (no mask on every row).
	p.textMasked = f.TextAsSeen && personal.MayHold(p.text)
	p.scopeUnits = unitSet(f.Scope.Units)
	if len(f.States) > 0 {
		p.states = map[State]bool{}
		for _, s := range f.States {
			p.states[s] = true
		}
	}
	if f.Region != "" {
		p.regionAt = strings.Count(f.Region, "/")
	}
	out := LedgerPage{Cases: []Case{}, Counts: map[State]int{}}
	v.mu.RLock()
	defer v.mu.RUnlock()
	if p.text != "" {
		if slots, exact, ok := v.text.candidates(p.text); ok {
			p.textSet, p.textExact = newBitset(len(v.slots), slots), exact
			if len(slots) == 0 {
				return out, nil
			}
		}
	}
	q := v.cols.query(p)
	if q.none {
		return out, nil
	}
	// One pass over the columns: the counts, the total, and — while they
	// are few — the matching slots themselves.
	var counts [stateSlots]int
	gathered := make([]int32, 0, 64)
	c := &v.cols
	for s, st := range c.state {
		if st == 0 || !c.match(q, s, v.slots) || p.text != "" && !p.matchesText(v.slots[s]) {
			continue
		}
		counts[st]++
		if q.stateOK[st] {
			if out.Total < gatherMax {
				gathered = append(gathered, int32(s))
			}
			out.Total++
		}
	}
	for i, n := range counts[1:] {
		if n > 0 {
			out.Counts[States[i]] = n
		}
	}
	if skip >= out.Total {
		return out, nil
	}
	want := min(per, out.Total-skip)
	less := orderLess[so.order]
	if out.Total <= gatherMax {
		// Few matches: sort them rather than walk the whole order.
		rows := make([]*row, len(gathered))
		for i, s := range gathered {
			rows[i] = v.slots[s]
		}
		sort.Slice(rows, func(i, j int) bool {
			if so.desc {
				return less(rows[j], rows[i])
			}
			return less(rows[i], rows[j])
		})
		for _, r := range rows[skip : skip+want] {
			out.Cases = append(out.Cases, r.c)
		}
		return out, nil
	}
	// Many: walk the order from the nearer end, testing only the columns.
	desc, from := so.desc, skip
	if skip+want > out.Total/2 {
		desc, from = !desc, out.Total-skip-want
	}
	seen := 0
	visit := func(r *row) bool {
		s := int(r.slot)
		if !q.stateOK[c.state[s]] || !c.match(q, s, v.slots) || p.text != "" && !p.matchesText(r) {
			return true
		}
		if seen >= from {
			out.Cases = append(out.Cases, r.c)
		}
		seen++
		return len(out.Cases) < want
	}
	if desc {
		v.orders[so.order].Descend(visit)
	} else {
		v.orders[so.order].Ascend(visit)
	}
	if desc != so.desc {
		slices.Reverse(out.Cases)
	}
	return out, nil
}

// gatherMax is the most matches a list sorts itself; above it, it walks
// the order kept for the sort asked for. A variable so that tests take
// both ways.
var gatherMax = 2048

// findUnits answers a unit list, ordered by region and code.
func (v *view) findUnits(f UnitFilter) ([]Unit, int) {
	page, per := normalizePage(f.Page, f.PerPage)
	text := normText(strings.TrimSpace(f.Text))
	v.mu.RLock()
	all := make([]Unit, 0, len(v.units))
	for _, u := range v.units {
		switch {
		case !f.Scope.AllowsUnit(u):
		case f.Region != "" && !regionWithin(u.Region, f.Region):
		case f.Kind != "" && u.Kind != f.Kind:
		case text != "" && !strings.Contains(normText(u.Name), text) && !strings.Contains(normText(u.Code), text):
		default:
			all = append(all, u)
		}
	}
	v.mu.RUnlock()
	sort.Slice(all, func(i, j int) bool {
		a, b := RegionKey(all[i].Region), RegionKey(all[j].Region)
		if a != b {
			return a < b
		}
		return all[i].Code < all[j].Code
	})
	total := len(all)
	from := min((page-1)*per, total)
	return all[from:min(from+per, total)], total
}

// regionWithin reports whether path lies within the region key.
func regionWithin(path []string, key string) bool {
	k := RegionKey(path)
	return k == key || strings.HasPrefix(k, key+"/")
}

// regions lists the region keys, at every level, of the units within scope.
func (v *view) regions(scope Scope) []string {
	seen := map[string]bool{}
	v.mu.RLock()
	for _, u := range v.units {
		if !scope.AllowsUnit(u) {
			continue
		}
		for i := range u.Region {
			if part := u.Region[:i+1]; scope.AllowsRegion(part) {
				seen[RegionKey(part)] = true
			}
		}
	}
	v.mu.RUnlock()
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// openCasesOf returns the open cases of each unit in codes, newest first, in one pass
// over the columns whatever the number of units: what the standing of a
// page of units needs, without a list per unit.
func (v *view) openCasesOf(codes map[string]bool) map[string][]Case {
	out := make(map[string][]Case, len(codes))
	v.mu.RLock()
	defer v.mu.RUnlock()
	c := &v.cols
	wanted := make([]bool, len(c.places))
	for i := range c.places {
		wanted[i] = codes[c.places[i].unit]
	}
	var open [stateSlots]bool
	for i, s := range States {
		open[i+1] = s.Open()
	}
	for s, st := range c.state {
		if st == 0 || !open[st] || !wanted[c.place[s]] {
			continue
		}
		k := v.slots[s].c
		out[k.UnitCode] = append(out[k.UnitCode], k)
	}
	// Newest first, as the ledger lists a unit's cases.
	for _, cs := range out {
		sort.Slice(cs, func(i, j int) bool { return lessNoOf(&cs[j], &cs[i]) })
	}
	return out
}
