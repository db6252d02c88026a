package briefing_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"rectify/cases"
	"rectify/cases/briefing"
	"rectify/cases/catalog"
)

func checklist(t *testing.T) *briefing.Checklist {
	t.Helper()
	cat, err := catalog.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	cl, err := briefing.BuiltinChecklist(cat.HasKind)
	if err != nil {
		t.Fatal(err)
	}
	return cl
}

// TestChecklistHasFiveAreasAnd26Items: seed 002's counts, every kind in
// the catalog.
func TestChecklistHasFiveAreasAnd26Items(t *testing.T) {
	cl := checklist(t)
	if len(cl.Areas) != 5 || len(cl.Items) != 26 {
		t.Fatalf("%d areas, %d items; seed 002 has 5 and 26", len(cl.Areas), len(cl.Items))
	}
	for _, a := range cl.Areas {
		if !slices.ContainsFunc(cl.Items, func(it briefing.Item) bool { return it.Area == a.Code }) {
			t.Errorf("area %s has no item", a.Code)
		}
	}
}

func TestParseChecklistRejects(t *testing.T) {
	for name, js := range map[string]string{
		"UnknownArea":   `{"areas":[{"code":"P","name":"x"}],"items":[{"code":"1","area":"Q","text":"x","kinds":["B01"]}]}`,
		"Twice":         `{"areas":[{"code":"P","name":"x"}],"items":[{"code":"1","area":"P","text":"x","kinds":["B01"]},{"code":"1","area":"P","text":"y","kinds":["B01"]}]}`,
		"UnknownKind":   `{"areas":[{"code":"P","name":"x"}],"items":[{"code":"1","area":"P","text":"x","kinds":["Z99"]}]}`,
		"UnknownSignal": `{"areas":[{"code":"P","name":"x"}],"items":[{"code":"1","area":"P","text":"x","signals":["moon"]}]}`,
		"PointsNowhere": `{"areas":[{"code":"P","name":"x"}],"items":[{"code":"1","area":"P","text":"x"}]}`,
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := briefing.ParseChecklist([]byte(js), func(k string) bool { return k == "B01" }); err == nil {
				t.Error("accepted")
			}
		})
	}
}

var today = "2026-04-01"

func unit() cases.Unit {
	return cases.Unit{Code: "QH001", Name: "清河县教育局", Region: []string{"江南省", "云州市", "清河县"},
		Establishment: []cases.Establishment{{Type: "行政编制", Approved: 20, Actual: 22}, {Type: "事业编制", Approved: 100, Actual: 90}},
		LeaderPosts:   cases.Posts{Approved: 5, Actual: 5}}
}

func at(d string) time.Time { t, _ := time.Parse(time.DateOnly, d); return t }

func ledger() []cases.Case {
	return []cases.Case{
		{No: "2026-0003", Kind: "B01", Title: "超编进人", State: cases.StateRectifying, Deadline: "2026-03-01", Source: "patrol"},
		{No: "2026-0001", Kind: "D03", Title: "超期借用", State: cases.StateRectifying, Deadline: "2026-06-01", Source: "hotline", RepeatOf: []string{"2024-0007"}},
		{No: "2024-0007", Kind: "D03", Title: "超期借用", State: cases.StateClosed, ClosedAt: at("2024-05-01")},
		{No: "2021-0002", Kind: "B04", Title: "混岗", State: cases.StateClosed, ClosedAt: at("2022-05-01")}, // over three years
	}
}

func light(c cases.Case) cases.Light {
	if c.Deadline != "" && c.Deadline < today {
		return cases.LightRed
	}
	return cases.LightGreen
}

func input(t *testing.T) briefing.Input {
	return briefing.Input{Unit: unit(), Today: today, Cases: ledger(), Light: light, Checklist: checklist(t),
		Clues: []briefing.Clue{{Channel: "hotline", Kind: "D03"}, {Channel: "audit", Kind: "B01"}, {Channel: "audit", Kind: "B01"}}}
}

func TestAssembleFigures(t *testing.T) {
	t.Run("OKWithoutSnapshot", func(t *testing.T) {
		b := briefing.Assemble(input(t))
		want := []briefing.EstablishmentRow{{Type: "行政编制", Approved: 20, Actual: 22, Over: 2, Roster: -1}, {Type: "事业编制", Approved: 100, Actual: 90, Vacant: 10, Roster: -1}}
		if !slices.Equal(b.Establishment, want) || b.SnapshotDate != "" || b.LeaderPosts.Roster != -1 {
			t.Errorf("establishment %+v", b.Establishment)
		}
	})
	t.Run("OKRosterIsTheLaterWord", func(t *testing.T) {
		in := input(t)
		in.Staffing = &briefing.Staffing{SnapshotDate: "2026-03-31", Actual: map[string]int{"行政编制": 20, "事业编制": 101}, LeaderPostsActual: 6,
			Warnings: []briefing.Warning{{Rule: "over_posts", Label: "超职数", Explanation: "核定5名，实配6名"}}}
		b := briefing.Assemble(in)
		// Exactly at quota: neither vacant nor over.
		if e := b.Establishment[0]; e.Roster != 20 || e.Vacant != 0 || e.Over != 0 {
			t.Errorf("at quota: %+v", e)
		}
		if e := b.Establishment[1]; e.Over != 1 || e.Vacant != 0 {
			t.Errorf("over: %+v", e)
		}
		if b.LeaderPosts.Over != 1 || b.SnapshotDate != "2026-03-31" || len(b.Warnings) != 1 {
			t.Errorf("posts %+v", b.LeaderPosts)
		}
		if b.Focus[0].Code != "A05" && b.Focus[0].Code != "S01" && !strings.Contains(b.Focus[0].Reason, "预警") {
			t.Logf("focus %+v", b.Focus[:3])
		}
	})
}

func TestAssembleHistory(t *testing.T) {
	b := briefing.Assemble(input(t))
	var open []string
	for _, l := range b.Open {
		open = append(open, l.No)
	}
	if !slices.Equal(open, []string{"2026-0001", "2026-0003"}) || b.Overdue != 1 {
		t.Errorf("open %v overdue %d", open, b.Overdue)
	}
	if len(b.Settled) != 1 || b.Settled[0].No != "2024-0007" || b.Settled[0].Closed != "2024-05-01" {
		t.Errorf("settled %+v (older than three years must be left out)", b.Settled)
	}
	if b.CluesTotal != 3 || len(b.Clues) != 2 || b.Clues[0].Channel != "audit" || b.Clues[0].N != 2 {
		t.Errorf("clues %+v", b.Clues)
	}
}

// TestFocusRanking: the item the most data points to ranks first, each
// ranked item says why, and items nothing points to carry no reason.
func TestFocusRanking(t *testing.T) {
	b := briefing.Assemble(input(t))
	top := b.TopFocus(5)
	// A04 超编进人: one open overdue case and two audit clues of B01, and
	// the figures over quota: 3+2+2*2 = 9, plus A01's share.
	if top[0].Code != "A04" && top[0].Code != "A01" {
		t.Fatalf("top %+v", top)
	}
	if !strings.Contains(top[0].Reason, "在办问题1件") || !strings.Contains(top[0].Reason, "逾期1件") || !strings.Contains(top[0].Reason, "待核实线索2条") {
		t.Errorf("reason %q", top[0].Reason)
	}
	for _, f := range b.Focus {
		if (f.Score == 0) != (f.Reason == "") {
			t.Errorf("%s: score %d reason %q", f.Code, f.Score, f.Reason)
		}
	}
	s04 := slices.IndexFunc(b.Focus, func(f briefing.Focus) bool { return f.Code == "S04" })
	if s04 < 0 || !strings.Contains(b.Focus[s04].Reason, "屡查屡犯1件") {
		t.Errorf("S04 %+v", b.Focus[s04])
	}
	t.Run("OKNothingPointsAnywhere", func(t *testing.T) {
		in := input(t)
		in.Cases, in.Clues = nil, nil
		in.Unit.Establishment = nil
		got := briefing.Assemble(in).TopFocus(8)
		if len(got) != 5 {
			t.Errorf("fallback gives %d items, want one per area", len(got))
		}
	})
}

// fakeStaffing is a StaffingSource for the assembler's tests only.
type fakeStaffing map[string]briefing.Staffing

func (f fakeStaffing) Staffing(_ context.Context, unit string) (briefing.Staffing, bool, error) {
	s, ok := f[unit]
	return s, ok, nil
}

type fakeLedger struct{}

func (fakeLedger) Unit(_ context.Context, scope cases.Scope, code string) (cases.Unit, error) {
	if !scope.AllowsUnit(unit()) || code != "QH001" {
		return cases.Unit{}, cases.NotFound("没有此单位")
	}
	return unit(), nil
}
func (fakeLedger) AllCases(context.Context, cases.CaseFilter) ([]cases.Case, error) {
	return ledger(), nil
}
func (fakeLedger) Lighter() func(cases.Case) cases.Light { return light }
func (fakeLedger) Today() string                         { return today }
func (fakeLedger) Location() *time.Location              { return shanghai }

type fakeAssessment struct{}

func (fakeAssessment) LastAssessment(context.Context, string) (briefing.Assessment, bool, error) {
	return briefing.Assessment{Round: "2025年度", Score: 71.5, Grade: "合格", Weakest: []briefing.Category{{Name: "管理规范", Score: 6, Max: 15}}}, true, nil
}

func TestBuild(t *testing.T) {
	src := briefing.Sources{Ledger: fakeLedger{}, Checklist: checklist(t), Assessment: fakeAssessment{},
		Staffing: fakeStaffing{"QH001": {SnapshotDate: "2026-03-31", Actual: map[string]int{"行政编制": 21}}}}
	b, err := src.Build(context.Background(), cases.Scope{Region: "江南省/云州市", Units: []string{"QH001"}}, "QH001")
	if err != nil {
		t.Fatal(err)
	}
	if b.SnapshotDate != "2026-03-31" || b.Establishment[0].Roster != 21 || b.Assessment == nil || b.Assessment.Grade != "合格" {
		t.Errorf("built %+v", b)
	}
	v06 := slices.IndexFunc(b.Focus, func(f briefing.Focus) bool { return f.Code == "V06" })
	if !strings.Contains(b.Focus[v06].Reason, "管理规范") {
		t.Errorf("V06 %+v", b.Focus[v06])
	}
	src.Staffing = nil // no roster package wired: no snapshot
	if b, _ := src.Build(context.Background(), cases.GlobalScope, "QH001"); b.SnapshotDate != "" {
		t.Errorf("nil source gave a snapshot")
	}
	if _, err := src.Build(context.Background(), cases.Scope{Region: "江南省/云州市", Units: []string{"QH002"}}, "QH001"); cases.ErrorCode(err) != cases.ENOTFOUND {
		t.Errorf("out of scope: %v", err)
	}
}

// BenchmarkAssemble is a briefing of a unit with a long history: 2,000
// cases, 50 pending clues, 30 warnings.
func BenchmarkAssemble(b *testing.B) {
	cat, _ := catalog.Builtin()
	cl, _ := briefing.BuiltinChecklist(cat.HasKind)
	kinds := []string{"A01", "A02", "B01", "B02", "B03", "B04", "B05", "C01", "C02", "D01", "D02", "D03", "D04", "D05", "E01", "E02"}
	in := briefing.Input{Unit: unit(), Today: today, Light: light, Checklist: cl, Staffing: &briefing.Staffing{SnapshotDate: "2026-03-31"}}
	for i := range 2000 {
		st := cases.StateClosed
		if i%4 == 0 {
			st = cases.StateRectifying
		}
		in.Cases = append(in.Cases, cases.Case{No: fmt.Sprintf("2025-%04d", i), Kind: kinds[i%len(kinds)], State: st, Deadline: "2026-03-01",
			ClosedAt: at("2025-06-01"), Title: "问题"})
	}
	for i := range 50 {
		in.Clues = append(in.Clues, briefing.Clue{Channel: "audit", Kind: kinds[i%len(kinds)]})
	}
	for range 30 {
		in.Staffing.Warnings = append(in.Staffing.Warnings, briefing.Warning{Rule: "overstaffed", Label: "超编"})
	}
	b.ReportAllocs()
	for b.Loop() {
		briefing.Assemble(in)
	}
}

var shanghai, _ = time.LoadLocation("Asia/Shanghai")

// A case closed at 00:30 on 1 March in Beijing (16:30 UTC on 28 February)
// was closed on 1 March: the briefing printed it one day early (issue 21).
// The zone is the office's, passed in, not UTC or the server's.
func TestSettledCaseDateIsTheOfficesDay(t *testing.T) {
	closed := time.Date(2026, 3, 1, 0, 30, 0, 0, shanghai).UTC()
	for _, tt := range []struct {
		name string
		loc  *time.Location
		want string
	}{
		{"Shanghai", shanghai, "2026-03-01"},
		{"DefaultIsUTC8", nil, "2026-03-01"},
		{"UTC", time.UTC, "2026-02-28"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			in := briefing.Input{Unit: unit(), Today: today, Location: tt.loc,
				Cases: []cases.Case{{No: "2026-0009", Kind: "B01", Title: "超编进人", State: cases.StateClosed, ClosedAt: closed}}}
			b := briefing.Assemble(in)
			if len(b.Settled) != 1 || b.Settled[0].Closed != tt.want {
				t.Fatalf("settled %+v, want closed %s", b.Settled, tt.want)
			}
		})
	}
	// Build passes the ledger's zone in.
	src := briefing.Sources{Ledger: closedLedger{closed}}
	b, err := src.Build(context.Background(), cases.Scope{Region: "江南省/云州市", Units: []string{"QH001"}}, "QH001")
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Settled) != 1 || b.Settled[0].Closed != "2026-03-01" {
		t.Fatalf("built: settled %+v, want closed 2026-03-01", b.Settled)
	}
}

type closedLedger struct{ at time.Time }

func (l closedLedger) Unit(ctx context.Context, scope cases.Scope, code string) (cases.Unit, error) {
	return fakeLedger{}.Unit(ctx, scope, code)
}
func (l closedLedger) AllCases(context.Context, cases.CaseFilter) ([]cases.Case, error) {
	return []cases.Case{{No: "2026-0009", Kind: "B01", Title: "超编进人", State: cases.StateClosed, ClosedAt: l.at}}, nil
}
func (closedLedger) Lighter() func(cases.Case) cases.Light { return light }
func (closedLedger) Today() string                         { return today }
func (closedLedger) Location() *time.Location              { return shanghai }
