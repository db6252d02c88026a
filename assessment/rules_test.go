package assessment

import (
	"testing"

	"rectify/cases"
)

func TestScore(t *testing.T) {
	levels := Point{Code: "B1.1.1", Max: 3, Method: MethodLevels, Levels: []Level{{"好", 1}, {"较好", 0.8}, {"差", 0.3}}}
	ded := Point{Code: "A2.1.1", Max: 3, Method: MethodDeduction, Per: 1.5, Floor: 0.5}
	yn := Point{Code: "B2.1.1", Max: 2, Method: MethodYesNo}
	sv := Point{Code: "F1.1.1", Max: 2, Method: MethodSurvey}
	tests := []struct {
		name    string
		p       Point
		m       Mark
		want    float64
		wantErr string // field of the EINVALID error
	}{
		{"LevelsTop", levels, Mark{Level: "好"}, 3, ""},
		{"LevelsFraction", levels, Mark{Level: "较好"}, 2.4, ""},
		{"LevelsLow", levels, Mark{Level: "差"}, 0.9, ""},
		{"ErrLevelMissing", levels, Mark{}, 0, "level"},
		{"ErrLevelUnknown", levels, Mark{Level: "一般"}, 0, "level"},
		{"DeductionNone", ded, Mark{}, 3, ""},
		{"DeductionOne", ded, Mark{Instances: 1}, 1.5, ""},
		{"DeductionFloor", ded, Mark{Instances: 5}, 0.5, ""},
		{"DeductionLedger", ded, Mark{Ledger: 1}, 2, ""},
		{"DeductionBoth", ded, Mark{Instances: 1, Ledger: 0.5}, 1, ""},
		{"ErrDeductionNegative", ded, Mark{Instances: -1}, 0, "instances"},
		{"ErrLedgerNegative", ded, Mark{Ledger: -1}, 0, "ledger"},
		{"Yes", yn, Mark{Yes: true}, 2, ""},
		{"No", yn, Mark{}, 0, ""},
		{"Survey", sv, Mark{Rate: 92.5}, 1.85, ""},
		{"SurveyFull", sv, Mark{Rate: 100}, 2, ""},
		{"ErrSurveyOver", sv, Mark{Rate: 101}, 0, "rate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ScorePoint(tt.p, tt.m)
			if tt.wantErr != "" {
				e, ok := cases.AsError(err)
				if !ok || e.Code != cases.EINVALID || e.Field != tt.wantErr {
					t.Fatalf("got %v, want EINVALID on %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got %g, want %g", got, tt.want)
			}
		})
	}
}

func TestProposals(t *testing.T) {
	cat := builtin(t)
	c := func(no, unit, kind string, year int, st cases.State, src string) cases.Case {
		return cases.Case{No: no, UnitCode: unit, Kind: kind, Year: year, State: st, Source: src}
	}
	in := []cases.Case{
		c("2026-0003", "U1", "B01", 2026, cases.StateRectifying, "patrol"),
		c("2026-0001", "U1", "B01", 2026, cases.StateClosed, "audit"),
		c("2026-0002", "U1", "D03", 2026, cases.StateVerifying, "hotline"),
		c("2026-0004", "U1", "D03", 2026, cases.StateDismissed, "hotline"),
		c("2025-0009", "U1", "B01", 2025, cases.StateRectifying, "patrol"),
		c("2026-0005", "U2", "B01", 2026, cases.StateRectifying, "patrol"),
		c("2026-0006", "U1", "C01", 2026, cases.StateTransferred, "special"),
		c("2026-0007", "U1", "C02", 2026, cases.StateRectifying, "assessment"),
	}
	got := Proposals(cat, 2026, "U1", in)
	want := []struct {
		point, no string
		deduct    float64
		pending   bool
	}{
		{"A2.1.1", "2026-0001", 0.5, false},
		{"A2.1.1", "2026-0003", 1.5, false},
		{"A2.2.1", "2026-0006", 1.5, false},
		{"A2.3.2", "2026-0002", 0, true},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d proposals %+v, want %d", len(got), got, len(want))
	}
	for i, w := range want {
		g := got[i]
		if g.Point != w.point || g.CaseNo != w.no || g.Deduct != w.deduct || g.Pending != w.pending {
			t.Errorf("proposal %d: got %+v, want %+v", i, g, w)
		}
	}
	if d := ProposedDeduction(got, "A2.1.1"); d != 2 {
		t.Errorf("A2.1.1 proposed %g, want 2", d)
	}
}

func TestAggregate(t *testing.T) {
	r := DefaultRules()
	tests := []struct {
		name     string
		max      float64
		scores   []float64
		mean     float64
		diverges bool
	}{
		{"None", 3, nil, 0, false},
		{"One", 3, []float64{2.4}, 2.4, false},
		{"Agree", 3, []float64{3, 2.4}, 2.7, false},
		{"AtThreshold", 3, []float64{3, 2.1}, 2.55, false},
		{"Diverge", 3, []float64{3, 0.9}, 1.95, true},
		{"ThreeMean", 2, []float64{2, 2, 1.6}, 1.87, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mean, div := r.Aggregate(tt.max, tt.scores)
			if mean != tt.mean || div != tt.diverges {
				t.Errorf("got %g %v, want %g %v", mean, div, tt.mean, tt.diverges)
			}
		})
	}
}

func TestGradesAndRules(t *testing.T) {
	r := DefaultRules()
	for total, want := range map[float64]string{100: "优秀", 90: "优秀", 89.99: "良好", 80: "良好", 60: "一般", 59.5: "较差", 0: "较差"} {
		if got := r.GradeOf(total); got != want {
			t.Errorf("GradeOf(%g) = %s, want %s", total, got, want)
		}
	}
	if err := r.Check(); err != nil {
		t.Error(err)
	}
	bad := []Rules{
		{Divergence: 0, Grades: r.Grades},
		{Divergence: 0.2, Grades: []Grade{{"优秀", 90}, {"较差", 10}}},
		{Divergence: 0.2, Grades: []Grade{{"良好", 80}, {"优秀", 90}, {"较差", 0}}},
	}
	for i, b := range bad {
		if b.Check() == nil {
			t.Errorf("rules %d accepted", i)
		}
	}
}

func TestTotals(t *testing.T) {
	cat := builtin(t)
	full := map[string]float64{}
	for _, p := range cat.CommonPoints() {
		full[p.Code] = p.Max
	}
	full["P01"], full["P02"] = 10, 6
	total, by := Totals(cat, []string{"P01", "P02"}, full)
	if total != 98 || by["B"] != 23 || by["A"] != 25 || by["F"] != 10 {
		t.Errorf("got %g %v, want 98 with B 23", total, by)
	}
	total, _ = Totals(cat, nil, map[string]float64{"A1.1.1": 3})
	if total != 3 {
		t.Errorf("got %g, want 3", total)
	}
}

func TestRankWithinKind(t *testing.T) {
	ss := []Standing{
		{Unit: "a", Kind: "admin", Total: 80, Scored: 56, Points: 56},
		{Unit: "b", Kind: "admin", Total: 91, Scored: 56, Points: 56},
		{Unit: "c", Kind: "admin", Total: 80, Scored: 56, Points: 56},
		{Unit: "d", Kind: "admin", Total: 70, Scored: 56, Points: 56},
		{Unit: "e", Kind: "institution", Total: 60, Scored: 56, Points: 56},
	}
	RankWithinKind(ss)
	want := []struct {
		unit     string
		rank, of int
	}{{"b", 1, 4}, {"a", 2, 4}, {"c", 2, 4}, {"d", 4, 4}, {"e", 1, 1}}
	for i, w := range want {
		if ss[i].Unit != w.unit || ss[i].Rank != w.rank || ss[i].RankOf != w.of {
			t.Errorf("%d: got %s %d/%d, want %s %d/%d", i, ss[i].Unit, ss[i].Rank, ss[i].RankOf, w.unit, w.rank, w.of)
		}
	}
	WithPrevious(ss, map[string]float64{"b": 88.5})
	if ss[0].Previous == nil || ss[0].Change != 2.5 || ss[1].Previous != nil {
		t.Errorf("change: got %+v", ss[:2])
	}
}

// While a round is open, a unit none of whose points is scored is not
// scored: no grade, not ranked, not compared with last year (issue 21: it
// showed 0 分, 较差, rank 1/1 and 较上年 -91.79). A partly scored unit is
// not graded, ranked or compared either (47.48 of 24 points was 较差 and
// -38.66): its total is a sum so far, shown with how much is scored.
func TestUnscoredUnitsAreNotGradedRankedOrCompared(t *testing.T) {
	cat := builtin(t)
	points := cat.PointsFor(nil)
	sheet := func(unit, kind string, scored int) Sheet {
		sh := Sheet{State: RoundState{Catalog: cat}, Unit: RoundUnit{Unit: unit, Kind: kind}}
		for i, p := range points {
			r := Row{Point: p, Scores: map[string]Score{}}
			if i < scored {
				r.Scores["rev"] = Score{Score: p.Max}
				r.Mean, r.Final, r.Complete = p.Max, p.Max, true
			}
			sh.Rows = append(sh.Rows, r)
		}
		return sh
	}
	rules := DefaultRules()
	for _, tt := range []struct {
		name               string
		scored             int
		grade              string
		notScored, partial bool
		categories         int
	}{
		{"NoneScored", 0, "", true, false, 0},
		{"FirstPointOnly", 1, "", false, true, 1},
		{"AllScored", len(points), "优秀", false, false, 6},
	} {
		t.Run(tt.name, func(t *testing.T) {
			st := sheet("u", "admin", tt.scored).Standing(rules)
			if st.Grade != tt.grade || st.NotScored() != tt.notScored || st.Partial() != tt.partial ||
				st.Scored != tt.scored || st.Points != len(points) || len(st.ScoredCategories) != tt.categories {
				t.Errorf("got grade %q, scored %d/%d, not scored %v, partial %v, categories %v",
					st.Grade, st.Scored, st.Points, st.NotScored(), st.Partial(), st.ScoredCategories)
			}
		})
	}
	ss := []Standing{
		sheet("none", "admin", 0).Standing(rules),
		sheet("full", "admin", len(points)).Standing(rules),
		sheet("part", "admin", 10).Standing(rules),
		sheet("alone", "institution", 0).Standing(rules),
	}
	RankWithinKind(ss)
	WithPrevious(ss, map[string]float64{"none": 91.79, "full": 90, "alone": 80})
	want := []struct {
		unit     string
		rank, of int
		compared bool
	}{{"full", 1, 1, true}, {"part", 0, 0, false}, {"none", 0, 0, false}, {"alone", 0, 0, false}}
	for i, w := range want {
		if ss[i].Unit != w.unit || ss[i].Rank != w.rank || ss[i].RankOf != w.of || (ss[i].Previous != nil) != w.compared {
			t.Errorf("%d: got %s %d/%d compared %v, want %s %d/%d compared %v", i, ss[i].Unit, ss[i].Rank, ss[i].RankOf,
				ss[i].Previous != nil, w.unit, w.rank, w.of, w.compared)
		}
	}
}
