package roster_test

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"rectify/cases"
	"rectify/cases/access"
	"rectify/cases/casetest"
	"rectify/cases/demo"
	"rectify/cases/roster"
)

type auditLog struct{ entries []access.AccessEntry }

func (a *auditLog) RecordAccess(_ context.Context, e access.AccessEntry) error {
	a.entries = append(a.entries, e)
	return nil
}

var rosterKey = bytes.Repeat([]byte{0x3c}, 32)

func openRoster(t testing.TB, env *casetest.Env, key []byte, log *auditLog) (*roster.Service, error) {
	t.Helper()
	prot, err := roster.NewProtector("", key)
	if err != nil {
		t.Fatal(err)
	}
	return roster.Open(context.Background(), roster.Config{Store: env.DB, Protector: prot, Cases: env.Service, Auditor: log})
}

// staff makes n persons of typ in unit, IDs from seq on.
func staff(unit, typ string, n, seq int) [][]string {
	var rows [][]string
	for i := range n {
		id := roster.MakeID("330602", "1985-03-0"+string(rune('1'+i%9)), seq+i)
		rows = append(rows, roster.Row(unit, "职员"+unit+string(rune('甲'+i)), id, typ, "科员", false, roster.StatusActive, "2010-01-01", "", "", ""))
	}
	return rows
}

func csvOf(t *testing.T, rows [][]string) *bytes.Buffer {
	t.Helper()
	var b bytes.Buffer
	if err := roster.WriteCSV(&b, rows); err != nil {
		t.Fatal(err)
	}
	return &b
}

func TestImportCompareAndCase(t *testing.T) {
	ctx := context.Background()
	env := casetest.New(t, nil)
	log := &auditLog{}
	svc, err := openRoster(t, env, rosterKey, log)
	if err != nil {
		t.Fatal(err)
	}
	twiceID := roster.MakeID("330602", "1980-05-05", 901)
	deadID := roster.MakeID("330602", "1979-02-02", 903)
	twice := roster.Row("AP001", "欧阳双占", twiceID, "行政编制", "科员", false, roster.StatusActive, "2010-01-01", "", "", "")
	// QH001: 19 on 行政编制 as on file, one of them deceased; AP001: 28
	// plus one who is also on QH001's establishment.
	first := append(staff("QH001", "行政编制", 18, 1), roster.Row("QH001", "司马故", deadID, "行政编制", "科员", false, roster.StatusDeceased, "2000-01-01", "", "", ""))
	first = append(first, staff("AP001", "行政编制", 27, 100)...)
	first = append(first, twice, roster.Row("QH001", "欧阳双占", twiceID, "事业编制", "科员", false, roster.StatusActive, "2010-01-01", "", "", ""))
	var stages []string
	s1, err := svc.Import(ctx, casetest.Office, roster.ImportInput{Scope: cases.GlobalScope, Coverage: roster.CoverRegion, Date: "2026-06-30", File: "一月.csv", Body: csvOf(t, first),
		Progress: func(stage string, n int) { stages = append(stages, stage) }})
	if err != nil {
		t.Fatal(err)
	}
	if s1.Persons != len(first) || len(s1.Units) != 2 || !strings.Contains(strings.Join(stages, ","), "write") {
		t.Fatalf("snapshot %+v, stages %v", s1, stages)
	}
	ws, total, _, err := svc.Warnings(ctx, roster.Filter{Scope: cases.GlobalScope})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]roster.Change{}
	for _, w := range ws {
		got[string(w.Rule)+"@"+w.Unit] = w.Change
	}
	// QH001's 事业编制 person: no approval of that type (超编), and the
	// deceased; the double placement in both units.
	for _, k := range []string{"deceased@QH001", "double@QH001", "double@AP001", "overstaffed@QH001"} {
		if got[k] != roster.New {
			t.Errorf("%s: %q in %v", k, got[k], got)
		}
	}
	if total != len(ws) || got["mismatch@QH001"] != "" || got["mismatch@AP001"] != "" {
		t.Errorf("unexpected warnings %v", got)
	}

	// The office turns the deceased warning into a case, twice: one case.
	var dead roster.Warning
	for _, w := range ws {
		if w.Rule == roster.RuleDeceased {
			dead = w
		}
	}
	c, replayed, err := svc.ToCase(ctx, cases.GlobalScope, casetest.Office, dead.ID)
	if err != nil || replayed {
		t.Fatal(replayed, err)
	}
	if c.Source != "warning" || c.Kind != "D05" || c.Origin != "warning:"+dead.ID || !strings.Contains(c.Facts, "司马故") || strings.Contains(c.Facts, deadID) || !strings.Contains(c.Facts, roster.MaskID(deadID)) {
		t.Fatalf("case %+v", c)
	}
	again, replayed, err := svc.ToCase(ctx, cases.GlobalScope, casetest.Office2, dead.ID)
	if err != nil || !replayed || again.No != c.No {
		t.Fatalf("second click: %s %v %v", again.No, replayed, err)
	}
	if _, _, err := svc.ToCase(ctx, cases.GlobalScope, casetest.UnitActor, dead.ID); cases.ErrorCode(err) != cases.EREFUSED {
		t.Fatalf("a unit made a case: %v", err)
	}

	// Second snapshot: the deceased removed, the double placement stays, a
	// secondment has run out.
	second := append(staff("QH001", "行政编制", 18, 1), roster.Row("QH001", "司马故", deadID, "行政编制", "科员", false, roster.StatusDeceased, "2000-01-01", "2026-07-15", "", ""))
	second = append(second, staff("AP001", "行政编制", 27, 100)...)
	second = append(second, twice, roster.Row("QH001", "欧阳双占", twiceID, "事业编制", "科员", false, roster.StatusActive, "2010-01-01", "", "", ""))
	second[0] = roster.Row("QH001", "借调员", roster.MakeID("330602", "1990-01-01", 905), "行政编制", "科员", false, roster.StatusSeconded, "2015-01-01", "", "市委办", "2026-09-01")
	s2, err := svc.Import(ctx, casetest.Office, roster.ImportInput{Scope: cases.GlobalScope, Coverage: roster.CoverRegion, Date: "2026-12-31", File: "十二月.xlsx", Body: xlsxOf(t, second)})
	if err != nil {
		t.Fatal(err)
	}
	if s2.Previous != s1.ID {
		t.Fatalf("previous %q, want %q", s2.Previous, s1.ID)
	}
	ws, _, _, err = svc.Warnings(ctx, roster.Filter{Scope: cases.GlobalScope, All: true})
	if err != nil {
		t.Fatal(err)
	}
	got = map[string]roster.Change{}
	for _, w := range ws {
		got[string(w.Rule)+"@"+w.Unit] = w.Change
		if w.Rule == roster.RuleDeceased && w.CaseNo != c.No {
			t.Errorf("the resolved warning lost its case: %q", w.CaseNo)
		}
	}
	want := map[string]roster.Change{"deceased@QH001": roster.Resolved, "double@QH001": roster.Persisting, "secondment@QH001": roster.New, "mismatch@QH001": roster.New}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %q, want %q (all %v)", k, got[k], v, got)
		}
	}
	// The scope: AP001's warnings are not QH001's unit user's.
	qh := cases.Scope{Region: "江南省/云州市/清河县"}
	scoped, _, _, err := svc.Warnings(ctx, roster.Filter{Scope: qh})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range scoped {
		if w.Unit != "QH001" {
			t.Errorf("out of scope: %s", w.ID)
		}
	}

	// Staffing, for the briefing: the latest snapshot's figures and red lights.
	st, ok, err := svc.Staffing(ctx, "QH001")
	if err != nil || !ok || st.Snapshot != s2.ID || st.Date != "2026-12-31" {
		t.Fatalf("staffing %+v %v %v", st, ok, err)
	}
	if len(st.ByType) != 2 || st.ByType[0].Type != "行政编制" || st.ByType[0].N != 18 {
		t.Errorf("by type %+v", st.ByType)
	}
	var rules []string
	for _, w := range st.Warnings {
		rules = append(rules, w.Label)
	}
	if j := strings.Join(rules, ","); !strings.Contains(j, "重复占编") || !strings.Contains(j, "超期借用") || strings.Contains(j, "死亡占编") {
		t.Errorf("staffing warnings %v", rules)
	}
	if _, ok, err := svc.Staffing(ctx, "QH002"); ok || err != nil {
		t.Errorf("a unit in no roster: %v %v", ok, err)
	}

	// Revealing a number is logged.
	ps, err := svc.UnitPersons(ctx, cases.GlobalScope, s2.ID, "AP001")
	if err != nil {
		t.Fatal(err)
	}
	var row int
	for _, p := range ps {
		if p.Name == "欧阳双占" {
			row = p.Row
		}
	}
	id, err := svc.Reveal(ctx, casetest.Office, "127.0.0.1", s2.ID, "AP001", row)
	if err != nil || id != twiceID {
		t.Fatalf("reveal %q %v", id, err)
	}
	if len(log.entries) != 1 || log.entries[0].Action != "reveal-id-number" || log.entries[0].UserID != "li.ming" {
		t.Fatalf("access log %+v", log.entries)
	}
	if _, err := svc.Reveal(ctx, casetest.Approver, "", s2.ID, "AP001", row); cases.ErrorCode(err) != cases.EREFUSED {
		t.Fatalf("approver revealed: %v", err)
	}

	// No clear ID number anywhere in the database.
	if err := env.Service.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	raw, err := env.DB.RawDocuments(ctx)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for col, docs := range raw {
		for _, d := range docs {
			n++
			for _, row := range second {
				if bytes.Contains(d, []byte(row[2])) {
					t.Fatalf("%s holds the clear ID %s", col, roster.MaskID(row[2]))
				}
			}
		}
	}
	if len(raw["roster_units"]) != 4 || len(raw["roster_warnings"]) == 0 || n < 10 {
		t.Fatalf("the scan read %d documents: not the roster", n)
	}
}

func xlsxOf(t *testing.T, rows [][]string) *bytes.Buffer {
	t.Helper()
	var b bytes.Buffer
	if err := roster.WriteXLSX(&b, rows); err != nil {
		t.Fatal(err)
	}
	return &b
}

func TestImportBadRowsWritesNothing(t *testing.T) {
	ctx := context.Background()
	env := casetest.New(t, nil)
	svc, err := openRoster(t, env, rosterKey, &auditLog{})
	if err != nil {
		t.Fatal(err)
	}
	rows := staff("QH001", "行政编制", 3, 1)
	rows[1][0] = "NOPE"
	rows[2][2] = rows[2][2][:17] + "Y"
	_, err = svc.Import(ctx, casetest.Office, roster.ImportInput{Scope: cases.GlobalScope, Coverage: roster.CoverRegion, Date: "2026-06-30", File: "r.csv", Body: csvOf(t, rows)})
	var re *roster.RowErrors
	if !errors.As(err, &re) || re.Total != 2 || re.Errors[0].Row != 3 || re.Errors[0].Column != "单位代码" || re.Errors[1].Row != 4 || re.Errors[1].Column != "身份证号" {
		t.Fatalf("err %v %+v", err, re)
	}
	raw, _ := env.DB.RawDocuments(ctx)
	if len(raw["roster_units"])+len(raw["roster_snapshots"])+len(raw["roster_warnings"]) != 0 {
		t.Fatal("a bad roster wrote records")
	}
}

func TestOpenRefusesAnotherKey(t *testing.T) {
	env := casetest.New(t, nil)
	if _, err := openRoster(t, env, rosterKey, &auditLog{}); err != nil {
		t.Fatal(err)
	}
	if _, err := openRoster(t, env, rosterKey, &auditLog{}); err != nil {
		t.Fatalf("the same key again: %v", err)
	}
	other := bytes.Repeat([]byte{1}, 32)
	if _, err := openRoster(t, env, other, &auditLog{}); err == nil || !strings.Contains(err.Error(), roster.ErrKeyMismatch) {
		t.Fatalf("another key: %v", err)
	}
}

// TestDemoCoversEveryRule loads the demo rosters into the demo units: the
// warnings cover every rule, with new, persisting and resolved between
// the two snapshots; a second load adds nothing.
func TestDemoCoversEveryRule(t *testing.T) {
	ctx := context.Background()
	env := casetest.New(t, nil)
	if _, err := demo.Load(ctx, env.Service, nil, demo.Builtin()); err != nil {
		t.Fatal(err)
	}
	svc, err := openRoster(t, env, rosterKey, &auditLog{})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := svc.LoadDemo(ctx, casetest.Office, "2026-11-20"); err != nil || n != 2 {
		t.Fatal(n, err)
	}
	if n, err := svc.LoadDemo(ctx, casetest.Office, "2026-11-20"); err != nil || n != 0 {
		t.Fatal("second load", n, err)
	}
	first, _, _, err := svc.Warnings(ctx, roster.Filter{Scope: cases.GlobalScope, Snapshot: mustSnaps(t, svc)[1].ID, All: true})
	if err != nil {
		t.Fatal(err)
	}
	second, _, _, err := svc.Warnings(ctx, roster.Filter{Scope: cases.GlobalScope, All: true})
	if err != nil {
		t.Fatal(err)
	}
	rules := map[roster.Rule]bool{}
	changes := map[roster.Change]bool{}
	for _, w := range append(first, second...) {
		rules[w.Rule] = true
	}
	for _, w := range second {
		changes[w.Change] = true
	}
	for _, r := range roster.Rules {
		if !rules[r.Rule] {
			t.Errorf("no %s warning in the demo", r.Label)
		}
	}
	for _, c := range []roster.Change{roster.New, roster.Persisting, roster.Resolved} {
		if !changes[c] {
			t.Errorf("no %s warning in the second snapshot", c.Label())
		}
	}
	// Every person's given name is one of their sex (the sex their ID
	// number gives), and no name is on both lists.
	for _, g := range roster.DemoGivenNames[roster.Male] {
		if slices.Contains(roster.DemoGivenNames[roster.Female], g) {
			t.Errorf("given name %s is on both lists", g)
		}
	}
	persons := 0
	for _, snap := range mustSnaps(t, svc) {
		for _, u := range snap.Units {
			ps, err := svc.UnitPersons(ctx, cases.GlobalScope, snap.ID, u.Unit)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range ps {
				persons++
				if given := string([]rune(p.Name)[1:]); !slices.Contains(roster.DemoGivenNames[p.Sex], given) {
					t.Errorf("%s %s row %d: %s is %s, a name not of that sex", snap.Date, u.Unit, p.Row, p.Name, p.Sex)
				}
			}
		}
	}
	if persons < 100 {
		t.Errorf("only %d persons in the demo rosters", persons)
	}
}

func mustSnaps(t *testing.T, svc *roster.Service) []roster.Snapshot {
	t.Helper()
	s, err := svc.Snapshots(context.Background())
	if err != nil || len(s) != 2 {
		t.Fatal(len(s), err)
	}
	return s
}

// TestImportOutsideRegion: a county office's roster naming a unit of the
// other county is refused row by row (the row and 单位代码 named), and
// nothing is written; its own units import.
func TestImportOutsideRegion(t *testing.T) {
	ctx := context.Background()
	env := casetest.New(t, nil)
	svc, err := openRoster(t, env, rosterKey, &auditLog{})
	if err != nil {
		t.Fatal(err)
	}
	qh := cases.Scope{Region: "江南省/云州市/清河县"}
	rows := append(staff("QH001", "行政编制", 3, 1), staff("AP001", "行政编制", 2, 100)...)
	for _, cov := range []roster.Coverage{roster.CoverUnits, roster.CoverRegion} {
		_, err = svc.Import(ctx, casetest.Office, roster.ImportInput{Scope: qh, Coverage: cov, Date: "2026-06-30", File: "r.csv", Body: csvOf(t, rows)})
		var re *roster.RowErrors
		if !errors.As(err, &re) || re.Total != 2 || re.Errors[0].Row != 5 || re.Errors[0].Column != "单位代码" || !strings.Contains(re.Errors[0].Message, "不在您的管辖范围内") {
			t.Fatalf("%s: %v %+v", cov, err, re)
		}
	}
	// A zero scope is never everything.
	if _, err := svc.Import(ctx, casetest.Office, roster.ImportInput{Date: "2026-06-30", File: "r.csv", Body: csvOf(t, staff("QH001", "行政编制", 3, 1))}); err == nil {
		t.Fatal("imported without a scope")
	}
	// A declared unit outside the region is refused by name.
	_, err = svc.Import(ctx, casetest.Office, roster.ImportInput{Scope: qh, Units: []string{"QH001", "AP001"}, Date: "2026-06-30", File: "r.csv", Body: csvOf(t, staff("QH001", "行政编制", 3, 1))})
	if e, ok := cases.AsError(err); !ok || e.Field != "units" || !strings.Contains(e.Message, "AP001") {
		t.Fatalf("declared AP001: %v", err)
	}
	if snaps, err := svc.Snapshots(ctx); err != nil || len(snaps) != 0 {
		t.Fatalf("refused imports left %d snapshots (%v)", len(snaps), err)
	}
	if _, err := svc.Import(ctx, casetest.Office, roster.ImportInput{Scope: qh, Date: "2026-06-30", File: "r.csv", Body: csvOf(t, staff("QH001", "行政编制", 3, 1))}); err != nil {
		t.Fatal(err)
	}
}

// TestImportCoverage: an import speaks for the units it covers. A file of
// one unit leaves the other units' warnings as they were (carried, not
// resolved, counted apart); declared units bound the file; a whole-region
// file resolves the warnings of the region's units it leaves out, and
// never those of units outside the region.
func TestImportCoverage(t *testing.T) {
	ctx := context.Background()
	env := casetest.New(t, nil)
	svc, err := openRoster(t, env, rosterKey, &auditLog{})
	if err != nil {
		t.Fatal(err)
	}
	dead := func(unit string, seq int) []string {
		return roster.Row(unit, "故"+unit, roster.MakeID("330602", "1970-01-01", seq), "行政编制", "科员", false, roster.StatusDeceased, "2000-01-01", "", "", "")
	}
	// QH001 and AP001 each with a deceased person on establishment.
	all := append(staff("QH001", "行政编制", 3, 1), dead("QH001", 801))
	all = append(append(all, staff("AP001", "行政编制", 3, 100)...), dead("AP001", 803))
	s1, err := svc.Import(ctx, casetest.Office, roster.ImportInput{Scope: cases.GlobalScope, Coverage: roster.CoverRegion, Date: "2026-03-31", File: "全部.csv", Body: csvOf(t, all)})
	if err != nil {
		t.Fatal(err)
	}
	changes := func() map[string]roster.Warning {
		t.Helper()
		ws, _, _, err := svc.Warnings(ctx, roster.Filter{Scope: cases.GlobalScope, All: true, PerPage: 1000})
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]roster.Warning{}
		for _, w := range ws {
			m[string(w.Rule)+"@"+w.Unit] = w
		}
		return m
	}
	before := changes()
	if before["deceased@AP001"].Change != roster.New || before["mismatch@AP001"].Change != roster.New {
		t.Fatalf("first import: %v", before)
	}

	// QH001 alone, the deceased gone: QH001's warning resolved, AP001's
	// untouched.
	s2, err := svc.Import(ctx, casetest.Office, roster.ImportInput{Scope: cases.GlobalScope, Date: "2026-06-30", File: "清河.csv", Body: csvOf(t, staff("QH001", "行政编制", 19, 1))})
	if err != nil {
		t.Fatal(err)
	}
	got := changes()
	if got["deceased@QH001"].Change != roster.Resolved {
		t.Errorf("QH001's deceased: %q", got["deceased@QH001"].Change)
	}
	for _, k := range []string{"deceased@AP001", "mismatch@AP001"} {
		w := got[k]
		if w.Change != roster.New || w.From != s1.ID || w.Date != "2026-03-31" || w.Snapshot != s2.ID {
			t.Errorf("%s was touched: %+v", k, w)
		}
	}
	if s2.Coverage != roster.CoverUnits || strings.Join(s2.Covered, ",") != "QH001" || s2.Tally.Carried != 2 ||
		s2.Tally.ByChange[roster.Resolved] != 2 || s2.Tally.ByChange[roster.New] != 0 {
		t.Errorf("snapshot %+v tally %+v", s2, s2.Tally)
	}
	if n, err := svc.OpenCount(ctx, cases.GlobalScope); err != nil || n != 2 {
		t.Errorf("open count %d %v: AP001's two new warnings stay open", n, err)
	}

	// Declared units: a row of another unit is refused; a declared unit
	// without rows is covered (its carried warnings resolve).
	_, err = svc.Import(ctx, casetest.Office, roster.ImportInput{Scope: cases.GlobalScope, Units: []string{"QH001"}, Date: "2026-07-31", File: "r.csv", Body: csvOf(t, all)})
	var re *roster.RowErrors
	if !errors.As(err, &re) || re.Errors[0].Column != "单位代码" || !strings.Contains(re.Errors[0].Message, "覆盖单位") {
		t.Fatalf("undeclared unit: %v", err)
	}
	s3, err := svc.Import(ctx, casetest.Office, roster.ImportInput{Scope: cases.GlobalScope, Units: []string{"QH001", "AP001"}, Date: "2026-09-30", File: "r.csv", Body: csvOf(t, staff("QH001", "行政编制", 19, 1))})
	if err != nil {
		t.Fatal(err)
	}
	got = changes()
	if got["deceased@AP001"].Change != roster.Resolved || s3.Tally.Carried != 0 {
		t.Errorf("declared AP001 without rows: %+v %+v", got["deceased@AP001"], s3.Tally)
	}

	// Whole region of 清河县: a QH001-only file resolves nothing of AP001
	// (outside the region) even though AP001 is absent.
	if _, err := svc.Import(ctx, casetest.Office, roster.ImportInput{Scope: cases.GlobalScope, Coverage: roster.CoverRegion, Date: "2026-10-31", File: "全部.csv", Body: csvOf(t, all)}); err != nil {
		t.Fatal(err)
	}
	qh := cases.Scope{Region: "江南省/云州市/清河县"}
	s5, err := svc.Import(ctx, casetest.Office, roster.ImportInput{Scope: qh, Coverage: roster.CoverRegion, Date: "2026-11-30", File: "清河全县.csv", Body: csvOf(t, staff("QH001", "行政编制", 19, 1))})
	if err != nil {
		t.Fatal(err)
	}
	got = changes()
	if got["deceased@AP001"].Change != roster.New || got["deceased@AP001"].From == "" || s5.Region != "江南省/云州市/清河县" {
		t.Errorf("a region import touched AP001: %+v %+v", got["deceased@AP001"], s5)
	}
	if _, err := svc.Import(ctx, casetest.Office, roster.ImportInput{Scope: qh, Coverage: "everything", Date: "2026-11-30", File: "r.csv", Body: csvOf(t, all)}); cases.ErrorCode(err) != cases.EINVALID {
		t.Errorf("unknown coverage: %v", err)
	}
}
