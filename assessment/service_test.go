package assessment_test

import (
	"context"
	"strings"
	"testing"

	"rectify/assessment"
	"rectify/cases"
	"rectify/cases/casetest"
)

var (
	rev1   = cases.Actor{ID: "he.ping", Name: "何平", Role: cases.RoleReviewer}
	rev2   = cases.Actor{ID: "xu.jing", Name: "徐静", Role: cases.RoleReviewer}
	acc1   = assessment.Account{ID: "he.ping", Name: "何平", Roles: []cases.Role{cases.RoleReviewer}}
	acc2   = assessment.Account{ID: "xu.jing", Name: "徐静", Roles: []cases.Role{cases.RoleReviewer}}
	office = casetest.Office
	// city is the region of the rounds the tests organise.
	city = "江南省/云州市"
)

type env struct {
	*casetest.Env
	svc *assessment.Service
}

func newEnv(t *testing.T) env {
	t.Helper()
	e := casetest.New(t, nil)
	var kinds []string
	for _, k := range e.Catalog.Kinds {
		kinds = append(kinds, k.Code)
	}
	svc, err := assessment.NewService(assessment.Config{Store: e.DB.Assessment(), Ledger: e.Service, Kinds: kinds})
	if err != nil {
		t.Fatal(err)
	}
	return env{e, svc}
}

func wantCode(t *testing.T, err error, code, field string) {
	t.Helper()
	e, ok := cases.AsError(err)
	if !ok || e.Code != code || (field != "" && e.Field != field && e.Rule != field) {
		t.Fatalf("got %v, want %s on %s", err, code, field)
	}
}

// scoreAll has a reviewer give every point of the unit full marks, except
// the marks in except.
func scoreAll(t *testing.T, e env, r cases.Actor, round, unit string, except map[string]assessment.ScoreInput) {
	t.Helper()
	ctx := context.Background()
	sh, err := e.svc.Sheet(ctx, round, unit)
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range sh.Rows {
		in, ok := except[row.Point.Code]
		if !ok {
			in = assessment.ScoreInput{AcceptLedger: true}
			switch row.Point.Method {
			case assessment.MethodLevels:
				in.Mark.Level = row.Point.Levels[0].Label
			case assessment.MethodYesNo:
				in.Mark.Yes = true
			case assessment.MethodSurvey:
				in.Mark.Rate = 100
			}
			if row.Proposed > 0 {
				in.Comment = "台账扣分"
			}
		}
		if _, err := e.svc.SaveScore(ctx, r, round, unit, row.Point.Code, in); err != nil {
			t.Fatalf("%s %s: %v", r.ID, row.Point.Code, err)
		}
	}
}

func TestRoundLifecycle(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	unit := casetest.Units[0] // QH001
	// A ledger case of the unit this year: B01 proposes a deduction on A2.1.1.
	reg := casetest.Registration(unit.Code)
	c, _, err := e.Service.RegisterFrom(ctx, cases.GlobalScope, office, reg, "", "")
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range []struct {
		a  cases.Action
		in cases.Input
	}{{cases.ActionStartVerification, cases.Input{}}, {cases.ActionOrderRectification, cases.Input{Requirements: "清退超编人员", WorkingDays: 15}}} {
		if c, _, err = e.Service.Transition(ctx, cases.GlobalScope, c.No, office, st.a, st.in, "", 0); err != nil {
			t.Fatal(err)
		}
	}

	t.Run("ErrCreateRole", func(t *testing.T) {
		_, err := e.svc.CreateRound(ctx, rev1, city, 2026, "")
		wantCode(t, err, cases.EREFUSED, "role")
	})
	r, err := e.svc.CreateRound(ctx, office, city, 2026, "")
	if err != nil {
		t.Fatal(err)
	}
	if r.Catalog != "2026" {
		t.Errorf("catalogue %s, want 2026", r.Catalog)
	}
	t.Run("ErrRoundTwice", func(t *testing.T) {
		_, err := e.svc.CreateRound(ctx, office, city, 2026, "")
		wantCode(t, err, cases.ECONFLICT, "")
	})
	t.Run("ErrRoundWithoutRegion", func(t *testing.T) {
		_, err := e.svc.CreateRound(ctx, office, " ", 2026, "")
		wantCode(t, err, cases.EINVALID, "region")
	})
	t.Run("CountyRoundSameYear", func(t *testing.T) {
		// A county office runs its own round of the same year.
		county, err := e.svc.CreateRound(ctx, office, city+"/清河县", 2026, "")
		if err != nil || county.ID == r.ID || county.Region != city+"/清河县" {
			t.Fatalf("county round %+v: %v (city round %s)", county, err, r.ID)
		}
	})

	t.Run("ErrReviewers", func(t *testing.T) {
		bound := assessment.Account{ID: "zhang.san", Name: "张三", Roles: []cases.Role{cases.RoleReviewer}, UnitCode: unit.Code}
		notReviewer := assessment.Account{ID: "li.ming", Name: "李明", Roles: []cases.Role{cases.RoleOffice}}
		for name, rs := range map[string][]assessment.Account{
			"one":          {acc1},
			"same twice":   {acc1, acc1},
			"bound":        {acc1, bound},
			"not reviewer": {acc1, notReviewer},
		} {
			_, err := e.svc.SetUnit(ctx, office, r.ID, unit, rs, nil)
			e2, ok := cases.AsError(err)
			if !ok || e2.Code != cases.EINVALID || e2.Field != "reviewers" {
				t.Errorf("%s: got %v, want EINVALID reviewers", name, err)
			}
		}
		_, err := e.svc.SetUnit(ctx, office, r.ID, unit, []assessment.Account{acc1, acc2}, []string{"P99"})
		wantCode(t, err, cases.EINVALID, "individual")
	})
	if _, err := e.svc.SetUnit(ctx, office, r.ID, unit, []assessment.Account{acc1, acc2}, []string{"P01", "P03"}); err != nil {
		t.Fatal(err)
	}

	sh, err := e.svc.Sheet(ctx, r.ID, unit.Code)
	if err != nil {
		t.Fatal(err)
	}
	if len(sh.Rows) != 47 {
		t.Errorf("sheet has %d points, want 45 common + 2 individual", len(sh.Rows))
	}
	row, _ := sh.Row("A2.1.1")
	if row.Proposed != 1.5 || len(row.Proposals) != 1 || row.Proposals[0].CaseNo != c.No {
		t.Fatalf("A2.1.1 proposals %+v, want 1.5 for %s", row.Proposals, c.No)
	}

	t.Run("ErrNotAssigned", func(t *testing.T) {
		other := cases.Actor{ID: "sun.yu", Role: cases.RoleReviewer}
		_, err := e.svc.SaveScore(ctx, other, r.ID, unit.Code, "B1.1.1", assessment.ScoreInput{Mark: assessment.Mark{Level: "好"}})
		wantCode(t, err, cases.EREFUSED, "reviewer")
	})
	t.Run("ErrOverrideWithoutReason", func(t *testing.T) {
		_, err := e.svc.SaveScore(ctx, rev1, r.ID, unit.Code, "A2.1.1", assessment.ScoreInput{Comment: "x"})
		wantCode(t, err, cases.EINVALID, "override_reason")
	})
	t.Run("ErrCommentOnDeduction", func(t *testing.T) {
		_, err := e.svc.SaveScore(ctx, rev1, r.ID, unit.Code, "B1.1.1", assessment.ScoreInput{Mark: assessment.Mark{Level: "一般"}})
		wantCode(t, err, cases.EINVALID, "comment")
	})

	// Reviewer 1 accepts the ledger's deduction; reviewer 2 overrides it
	// with a reason; they diverge on B1.1.1 (好 3 against 差 0.9).
	scoreAll(t, e, rev1, r.ID, unit.Code, nil)
	scoreAll(t, e, rev2, r.ID, unit.Code, map[string]assessment.ScoreInput{
		"A2.1.1": {Mark: assessment.Mark{Ledger: 1}, OverrideReason: "已部分整改", Comment: "超编进人已部分整改"},
		"B1.1.1": {Mark: assessment.Mark{Level: "差"}, Comment: "主要职责履行不到位"},
	})
	sh, _ = e.svc.Sheet(ctx, r.ID, unit.Code)
	a, _ := sh.Row("A2.1.1")
	if a.Final != 1.75 || a.Diverges || !a.Scores["xu.jing"].Override {
		t.Errorf("A2.1.1: final %g diverges %v, want mean 1.75 of 1.5 and 2 without divergence", a.Final, a.Diverges)
	}
	b, _ := sh.Row("B1.1.1")
	if !b.NeedsConsensus() || b.Mean != 1.95 {
		t.Fatalf("B1.1.1: mean %g diverges %v, want 1.95 needing consensus", b.Mean, b.Diverges)
	}
	// The ledger case cost marks on A2.1.1: the result letter lists it.
	if ls := sh.LedgerLosses(); len(ls) != 1 || ls[0].CaseNo != c.No || ls[0].Deduct != 1.5 || ls[0].Category != "规定执行" || ls[0].Title != c.Title {
		t.Errorf("ledger losses %+v, want %s costing 1.5 under 规定执行", ls, c.No)
	}

	t.Run("ErrFinaliseRole", func(t *testing.T) {
		_, err := e.svc.Finalise(ctx, office, r.ID)
		wantCode(t, err, cases.EREFUSED, "role")
	})
	t.Run("ErrFinaliseDiverging", func(t *testing.T) {
		_, err := e.svc.Finalise(ctx, casetest.Approver, r.ID)
		wantCode(t, err, cases.EREFUSED, "incomplete")
		if !strings.Contains(err.Error(), "1 个要点分歧待合议") {
			t.Errorf("got %v", err)
		}
	})
	t.Run("ErrConsensusNotDiverging", func(t *testing.T) {
		_, err := e.svc.SaveConsensus(ctx, office, r.ID, unit.Code, "A2.1.1", 1.5, "x")
		wantCode(t, err, cases.EREFUSED, "diverges")
	})
	if _, err := e.svc.SaveConsensus(ctx, office, r.ID, unit.Code, "B1.1.1", 2.4, "合议后认定较好"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.SaveFinding(ctx, rev1, r.ID, unit.Code, "B1.1.1", assessment.Finding{Kind: "E01", Title: "职责履行不到位", Facts: "部分职责未落实。"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.SaveFinding(ctx, rev2, r.ID, unit.Code, "A2.1.1", assessment.Finding{Title: "超编进人未整改到位", Facts: "仍超编 1 人。"}); err != nil {
		t.Fatal(err)
	}
	t.Run("ErrFindingWithoutLoss", func(t *testing.T) {
		_, err := e.svc.SaveFinding(ctx, rev1, r.ID, unit.Code, "C1.2.1", assessment.Finding{Kind: "E02", Title: "x", Facts: "y"})
		wantCode(t, err, cases.EREFUSED, "lost")
	})

	fin, err := e.svc.Finalise(ctx, casetest.Approver, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if fin.Digest == "" || fin.Seq != 2 {
		t.Errorf("finalise event %+v", fin)
	}
	t.Run("ErrImmutable", func(t *testing.T) {
		_, err := e.svc.SaveScore(ctx, rev1, r.ID, unit.Code, "B1.1.1", assessment.ScoreInput{Mark: assessment.Mark{Level: "好"}})
		wantCode(t, err, cases.EREFUSED, "finalised")
		_, err = e.svc.SaveConsensus(ctx, office, r.ID, unit.Code, "B1.1.1", 3, "x")
		wantCode(t, err, cases.EREFUSED, "finalised")
		_, err = e.svc.SetUnit(ctx, office, r.ID, unit, []assessment.Account{acc1, acc2}, nil)
		wantCode(t, err, cases.EREFUSED, "finalised")
	})
	ss, err := e.svc.Standings(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	// 100 less A2.1.1 (3 - 1.75) less B1.1.1 (3 - 2.4) = 98.15.
	if len(ss) != 1 || ss[0].Total != 98.15 || ss[0].Grade != "优秀" || ss[0].Rank != 1 || ss[0].Categories["A"] != 23.75 {
		t.Errorf("standings %+v", ss)
	}

	// Findings into cases: idempotent, linked both ways.
	c1, replayed, err := e.svc.ConvertFinding(ctx, cases.GlobalScope, office, r.ID, unit.Code, "A2.1.1")
	if err != nil || replayed {
		t.Fatal(err, replayed)
	}
	if c1.Source != "assessment" || c1.Origin != "assessment:"+r.ID+"/QH001/A2.1.1" || c1.Kind != "B01" {
		t.Errorf("case %+v", c1)
	}
	again, replayed, err := e.svc.ConvertFinding(ctx, cases.GlobalScope, casetest.Office2, r.ID, unit.Code, "A2.1.1")
	if err != nil || !replayed || again.No != c1.No {
		t.Errorf("second conversion: %s replayed %v %v, want %s", again.No, replayed, err, c1.No)
	}
	all, err := e.svc.ConvertAll(ctx, cases.GlobalScope, office, r.ID)
	if err != nil || len(all) != 1 || all[0].No == c1.No {
		t.Fatalf("convert all: %v %v", all, err)
	}
	fs, _ := e.svc.Findings(ctx, r.ID)
	for _, f := range fs {
		got, err := e.Service.Case(ctx, cases.GlobalScope, f.CaseNo)
		if err != nil || got.Origin != f.Origin() {
			t.Errorf("finding %s → case %s origin %q: %v", f.Origin(), f.CaseNo, got.Origin, err)
		}
	}
	if again, _ := e.svc.ConvertAll(ctx, cases.GlobalScope, office, r.ID); len(again) != 0 {
		t.Errorf("second convert all registered %d cases", len(again))
	}
	// The assessment's own cases propose no deduction.
	sh, _ = e.svc.Sheet(ctx, r.ID, unit.Code)
	if a, _ := sh.Row("A2.1.1"); len(a.Proposals) != 1 {
		t.Errorf("proposals after conversion: %+v", a.Proposals)
	}

	t.Run("ErrReopenWithoutReason", func(t *testing.T) {
		_, err := e.svc.Reopen(ctx, casetest.Approver, r.ID, " ")
		wantCode(t, err, cases.EINVALID, "reason")
	})
	if _, err := e.svc.Reopen(ctx, casetest.Approver, r.ID, "单位申请复核"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.SaveScore(ctx, rev1, r.ID, unit.Code, "C1.2.1", assessment.ScoreInput{Mark: assessment.Mark{Yes: true}}); err != nil {
		t.Errorf("after reopening: %v", err)
	}
	st, err := e.svc.Round(ctx, r.ID)
	if err != nil || st.Finalised || len(st.Events) != 3 || st.Events[2].Reason != "单位申请复核" {
		t.Errorf("state after reopening: %+v %v", st.Events, err)
	}
}

func TestEventChain(t *testing.T) {
	var es []assessment.Event
	prev := ""
	for i, k := range []string{assessment.EventCreate, assessment.EventFinalise, assessment.EventReopen} {
		e := assessment.Event{Round: "2026", Seq: i + 1, Kind: k, Prev: prev, Reason: "r"}
		e.Hash = assessment.EventHash(e)
		prev = e.Hash
		es = append(es, e)
	}
	if err := assessment.CheckEvents(es); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		f    func(es []assessment.Event)
	}{
		{"ErrReasonRewritten", func(es []assessment.Event) { es[2].Reason = "x" }},
		{"ErrKindRewritten", func(es []assessment.Event) { es[1].Kind = assessment.EventReopen }},
		{"ErrSeqGap", func(es []assessment.Event) { es[1].Seq = 3 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := append([]assessment.Event(nil), es...)
			tt.f(c)
			if err := assessment.CheckEvents(c); cases.ErrorCode(err) != cases.ECORRUPT {
				t.Errorf("got %v, want corrupt", err)
			}
		})
	}
}
