package cases

import (
	"context"
	"fmt"
)

// Repeats lists the cases of unit and violation kind closed within the
// last RepeatYears, oldest first — what registering a case of that unit
// and kind records in RepeatOf (屡查屡犯) — so that a form can name them
// before anything is registered. Cases outside scope are left out. It
// writes nothing.
func (s *Service) Repeats(ctx context.Context, scope Scope, unit, kind string) ([]Case, error) {
	if unit == "" || kind == "" {
		return nil, nil
	}
	var out []Case
	for _, no := range s.view.repeats(unit, kind, s.now().AddDate(-RepeatYears, 0, 0)) {
		c, err := s.Case(ctx, scope, no)
		if ErrorCode(err) == ENOTFOUND {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("earlier case %s of %s: %w", no, unit, err)
		}
		out = append(out, c)
	}
	return out, nil
}
