package assessment

import (
	"context"
	"fmt"
	"hash/fnv"

	"rectify/cases"
)

// DemoReviewers are the two demo accounts that score every demo unit.
var DemoReviewers = []Account{
	{ID: "he.ping", Name: "何平", Roles: []cases.Role{cases.RoleReviewer}},
	{ID: "xu.jing", Name: "徐静", Roles: []cases.Role{cases.RoleReviewer}},
}

// LoadDemo fills the demo: last year's round finished (every point scored
// by both reviewers, divergences agreed, findings recorded, finalised) and
// this year's round open (half scored by one reviewer), over the units
// given (several kinds). A round that exists already is left as it is, so
// loading twice changes nothing.
func LoadDemo(ctx context.Context, s *Service, year int, units []cases.Unit) error {
	office := cases.Actor{ID: "li.ming", Name: "李明", Role: cases.RoleOffice}
	approver := cases.Actor{ID: "wang.fang", Name: "王芳", Role: cases.RoleApprover}
	for _, y := range []int{year - 1, year} {
		r, err := s.CreateRound(ctx, office, y, "")
		if cases.ErrorCode(err) == cases.ECONFLICT {
			continue
		}
		if err != nil {
			return fmt.Errorf("demo round %d: %w", y, err)
		}
		for i, u := range units {
			ind := []string{fmt.Sprintf("P%02d", i%11+1), fmt.Sprintf("P%02d", (i+4)%11+1)}
			if _, err := s.SetUnit(ctx, office, r.ID, u, DemoReviewers, ind); err != nil {
				return fmt.Errorf("demo round %d unit %s: %w", y, u.Code, err)
			}
		}
		finished := y < year
		for ui, u := range units {
			for ri, rv := range DemoReviewers {
				if !finished && (ri > 0 || ui > 1) {
					continue
				}
				sh, err := s.Sheet(ctx, r.ID, u.Code)
				if err != nil {
					return err
				}
				for pi, row := range sh.Rows {
					if !finished && pi%2 == 1 {
						continue
					}
					in := demoInput(row, u.Code, rv.ID, y)
					actor := cases.Actor{ID: rv.ID, Name: rv.Name, Role: cases.RoleReviewer}
					if _, err := s.SaveScore(ctx, actor, r.ID, u.Code, row.Point.Code, in); err != nil {
						return fmt.Errorf("demo score %s %s: %w", u.Code, row.Point.Code, err)
					}
				}
			}
		}
		if !finished {
			continue
		}
		for _, u := range units {
			sh, err := s.Sheet(ctx, r.ID, u.Code)
			if err != nil {
				return err
			}
			found := false
			for _, row := range sh.Rows {
				if row.NeedsConsensus() {
					if _, err := s.SaveConsensus(ctx, office, r.ID, u.Code, row.Point.Code, row.Mean, "评估组合议，取两名评估人员评分的平均值"); err != nil {
						return err
					}
				}
				if !found && row.Lost() && len(row.Point.Kinds) == 0 && !row.Point.Individual {
					found = true
					f := Finding{Kind: "E01", Title: row.Point.Name + "存在不足", Facts: "评估中发现：" + row.Point.Checks + "方面存在不足，需限期整改。"}
					if _, err := s.SaveFinding(ctx, office, r.ID, u.Code, row.Point.Code, f); err != nil {
						return err
					}
				}
			}
		}
		if _, err := s.Finalise(ctx, approver, r.ID); err != nil {
			return fmt.Errorf("demo finalise %d: %w", y, err)
		}
	}
	return nil
}

// demoInput is a reviewer's plausible mark for a point, drawn from a hash
// of unit, point, reviewer and year so that the demo is the same each time.
func demoInput(row Row, unit, reviewer string, year int) ScoreInput {
	h := fnv.New32a()
	fmt.Fprintf(h, "%s/%s/%s/%d", unit, row.Point.Code, reviewer, year)
	n := int(h.Sum32() % 100)
	in := ScoreInput{AcceptLedger: true}
	p := row.Point
	switch p.Method {
	case MethodLevels:
		i := 0
		switch {
		case n >= 97:
			i = len(p.Levels) - 1
		case n >= 85:
			i = 2
		case n >= 55:
			i = 1
		}
		if i >= len(p.Levels) {
			i = len(p.Levels) - 1
		}
		in.Mark.Level = p.Levels[i].Label
	case MethodDeduction:
		if n >= 85 {
			in.Mark.Instances = 1
		}
	case MethodYesNo:
		in.Mark.Yes = n < 92
	case MethodSurvey:
		in.Mark.Rate = 85 + float64(n%15)
	}
	if v, err := ScorePoint(p, Mark{Level: in.Mark.Level, Instances: in.Mark.Instances, Yes: in.Mark.Yes, Rate: in.Mark.Rate, Ledger: row.Proposed}); err == nil && v < p.Max {
		in.Comment = "经查阅佐证材料，该项工作存在不足"
	}
	return in
}
