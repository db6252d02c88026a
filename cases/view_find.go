package cases

import (
	"sort"
	"strings"
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
}

// matchesExceptState reports whether r passes every filter but the state.
func (p *rowFilter) matchesExceptState(r *row) bool {
	f := &p.f
	c := &r.c
	switch {
	case !f.Scope.Global && !p.inScope(r):
		return false
	case f.Source != "" && c.Source != f.Source:
		return false
	case f.SourceRef != "" && c.SourceRef != f.SourceRef:
		return false
	case f.UnitCode != "" && c.UnitCode != f.UnitCode:
		return false
	case f.Kind != "" && c.Kind != f.Kind:
		return false
	case f.Year != 0 && c.Year != f.Year:
		return false
	case f.Region != "" && (p.regionAt >= len(r.regions) || r.regions[p.regionAt] != f.Region):
		return false
	case f.Light != LightNone && LightOf(*c, f.Today, f.YellowUntil) != f.Light:
		return false
	}
	if p.text != "" {
		if p.textSet != nil {
			if !p.textSet.has(r.slot) {
				return false
			}
			if p.textExact {
				return true
			}
		}
		return strings.Contains(r.text, p.text)
	}
	return true
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
	if f.Scope.Units != nil {
		p.scopeUnits = make(map[string]bool, len(f.Scope.Units))
		for _, u := range f.Scope.Units {
			p.scopeUnits[u] = true
		}
	}
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
	visit := func(r *row) bool {
		if !p.matchesExceptState(r) {
			return true
		}
		out.Counts[r.c.State]++
		if p.states != nil && !p.states[r.c.State] {
			return true
		}
		if out.Total >= skip && len(out.Cases) < per {
			out.Cases = append(out.Cases, r.c)
		}
		out.Total++
		return true
	}
	if so.desc {
		v.orders[so.order].Descend(visit)
	} else {
		v.orders[so.order].Ascend(visit)
	}
	return out, nil
}

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
