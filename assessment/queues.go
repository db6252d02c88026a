package assessment

import (
	"context"
	"fmt"
)

// ToScore counts the units a reviewer is assigned in open rounds that
// still have a point the reviewer has not scored: the reviewer's queue
// (待评分). It reads each open round's units and scores, not the ledger.
func (s *Service) ToScore(ctx context.Context, reviewer string) (int, error) {
	rs, err := s.Rounds(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, r := range rs {
		if r.Finalised {
			continue
		}
		var mine []RoundUnit
		for _, u := range r.Units {
			for _, rv := range u.Reviewers {
				if rv.ID == reviewer {
					mine = append(mine, u)
				}
			}
		}
		if len(mine) == 0 {
			continue
		}
		scores, err := s.store.FindScores(ctx, r.Round.ID)
		if err != nil {
			return 0, fmt.Errorf("round %s scores: %w", r.Round.ID, err)
		}
		done := map[string]bool{} // unit/point scored by the reviewer
		for _, sc := range scores {
			if sc.Reviewer == reviewer {
				done[sc.Unit+"/"+sc.Point] = true
			}
		}
		for _, u := range mine {
			for _, p := range r.Catalog.PointsFor(u.Individual) {
				if !done[u.Unit+"/"+p.Code] {
					n++
					break
				}
			}
		}
	}
	return n, nil
}

// ToSelfAssess counts the points of a unit, in open rounds assessing it,
// that it has not assessed itself while it still may (no reviewer scored
// them yet): the unit's queue (待自评).
func (s *Service) ToSelfAssess(ctx context.Context, unit string) (int, error) {
	if unit == "" {
		return 0, nil
	}
	rs, err := s.Rounds(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, r := range rs {
		u, ok := r.Unit(unit)
		if r.Finalised || !ok {
			continue
		}
		scores, err := s.store.FindScores(ctx, r.Round.ID)
		if err != nil {
			return 0, fmt.Errorf("round %s scores: %w", r.Round.ID, err)
		}
		scored := map[string]bool{}
		for _, sc := range scores {
			if sc.Unit == unit {
				scored[sc.Point] = true
			}
		}
		self, err := s.SelfOf(ctx, r.Round.ID, unit)
		if err != nil {
			return 0, err
		}
		for _, p := range r.Catalog.PointsFor(u.Individual) {
			if _, ok := self[p.Code]; !ok && !scored[p.Code] {
				n++
			}
		}
	}
	return n, nil
}
