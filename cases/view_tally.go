package cases

import "context"

// Tally is what a scope holds in each state, with the counts the work
// queues need: what is overdue and what was sent back. One pass over the
// view's columns answers it, so the console can show it on every page.
type Tally struct {
	ByState  map[State]int `json:"by_state"`
	Overdue  int           `json:"overdue"`   // open cases whose light is red
	SentBack int           `json:"sent_back"` // in rectification after a submission was sent back
}

// Tally counts the cases within scope.
func (s *Service) Tally(ctx context.Context, scope Scope) (Tally, error) {
	if !scope.Valid() {
		return Tally{}, Invalid("scope", "没有给出查询范围")
	}
	today := s.Today()
	return s.view.tally(CaseFilter{Scope: scope, Today: today, YellowUntil: s.YellowUntil(today)}), nil
}

func (v *view) tally(f CaseFilter) Tally {
	out := Tally{ByState: map[State]int{}}
	p := &rowFilter{f: f, scopeUnits: unitSet(f.Scope.Units)}
	v.mu.RLock()
	defer v.mu.RUnlock()
	q := v.cols.query(p)
	if q.none {
		return out
	}
	var counts [stateSlots]int
	rectifying := uint8(stateRank[StateRectifying] + 1)
	c := &v.cols
	for s, st := range c.state {
		if st == 0 || !c.match(q, s, v.slots) {
			continue
		}
		counts[st]++
		if q.open[st] && c.light(q, s, v.slots) == LightRed {
			out.Overdue++
		}
		if st == rectifying && c.sentBack[s] {
			out.SentBack++
		}
	}
	for i, n := range counts[1:] {
		if n > 0 {
			out.ByState[States[i]] = n
		}
	}
	return out
}
