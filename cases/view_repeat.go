package cases

import (
	"sort"
	"time"
)

// repeats lists the cases of unit and violation kind closed since the
// given time, oldest first: what makes a new case a repeat (屡查屡犯). One
// pass over the columns; the closing time is read only for the few rows
// that match.
func (v *view) repeats(unit, kind string, since time.Time) []string {
	v.mu.RLock()
	defer v.mu.RUnlock()
	c := &v.cols
	kindID, ok := c.ids[kind]
	if !ok || kind == "" {
		return nil
	}
	closed := uint8(stateRank[StateClosed] + 1)
	var out []*row
	for s, st := range c.state {
		if st != closed || c.kind[s] != kindID || c.places[c.place[s]].unit != unit {
			continue
		}
		if r := v.slots[s]; !r.c.ClosedAt.Before(since) {
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].c.ClosedAt.Before(out[j].c.ClosedAt) })
	nos := make([]string, len(out))
	for i, r := range out {
		nos[i] = r.c.No
	}
	if len(nos) == 0 {
		return nil
	}
	return nos
}
