package web_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"net/url"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"rectify/cases"
	"rectify/cases/casetest"
	"rectify/cases/documents"
)

// A case whose text looks like formulas is exported as text: in the CSV
// with a leading apostrophe, in the XLSX as string cells in the text
// format, without a formula.
func TestExportsNeutraliseFormulas(t *testing.T) {
	e := newEnv(t)
	reg := casetest.Registration("QH001")
	reg.Title, reg.Facts, reg.SourceRef = "=1+2", "+cmd|' /C calc'!A0", "@SUM(A1:A9)"
	if _, _, err := e.Service.Register(context.Background(), cases.GlobalScope, casetest.Office, reg, ""); err != nil {
		t.Fatal(err)
	}
	r := e.req("GET", "/ledger/export?format=csv", "li.ming", "", nil)
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.Raw, "\ufeff"))).ReadAll()
	if err != nil || len(recs) != 2 {
		t.Fatalf("csv: %v %q", err, r.Raw)
	}
	row := strings.Join(recs[1], "|")
	for _, want := range []string{"'=1+2", "'+cmd|' /C calc'!A0", "'@SUM(A1:A9)"} {
		if !strings.Contains(row, want) {
			t.Errorf("csv row lacks %q: %q", want, row)
		}
	}
	r = e.req("GET", "/ledger/export?format=xlsx", "li.ming", "", nil)
	x, err := excelize.OpenReader(bytes.NewReader([]byte(r.Raw)))
	if err != nil {
		t.Fatal(err)
	}
	sheet := "问题整改台账"
	rows, _ := x.GetRows(sheet)
	if len(rows) != 3 || rows[2][8] != "=1+2" || rows[2][9] != "+cmd|' /C calc'!A0" {
		t.Fatalf("xlsx rows %q", rows)
	}
	for _, cell := range []string{"E3", "I3", "J3"} {
		if f, _ := x.GetCellFormula(sheet, cell); f != "" {
			t.Errorf("%s holds the formula %q", cell, f)
		}
		if typ, _ := x.GetCellType(sheet, cell); typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString {
			t.Errorf("%s is of type %v, want a string", cell, typ)
		}
		id, _ := x.GetCellStyle(sheet, cell)
		if st, err := x.GetStyle(id); err != nil || st.NumFmt != 49 {
			t.Errorf("%s: number format %v, want text (%d)", cell, st, 49)
		}
	}
}

// A notice in the URL is shown only when this server made it for this
// session; a crafted link cannot put words on a system page. A login's
// next may only lead to a path of this site.
func TestFlashAndNextCannotBeForged(t *testing.T) {
	e := newEnv(t)
	no := e.register("QH001", cases.LevelInternal)
	forged := "账号异常，请访问 http://evil.example 重新登录"
	page := e.req("GET", "/cases/"+no+"?flash="+url.QueryEscape(forged), "li.ming", "", nil)
	if page.Status != 200 || strings.Contains(page.Raw, "evil.example") {
		t.Fatalf("a forged notice is shown: %d", page.Status)
	}
	page = e.req("GET", "/cases/"+no+"?flash="+url.QueryEscape(forged)+"&fs=0123456789abcdef0123456789abcdef", "li.ming", "", nil)
	if strings.Contains(page.Raw, "evil.example") {
		t.Fatal("a notice with a made-up signature is shown")
	}
	// A real notice: the one an action's redirect carries.
	_, csrf := e.session("li.ming")
	form := url.Values{"csrf_token": {csrf}, "action": {"start_verification"}, "expected_version": {"1"}}
	r := e.req("POST", "/cases/"+no+"/actions", "li.ming", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	loc := r.Header.Get("Location")
	if r.Status != 303 || !strings.Contains(loc, "fs=") {
		t.Fatalf("action: %d %q", r.Status, loc)
	}
	if page := e.req("GET", loc, "li.ming", "", nil); !strings.Contains(page.Raw, "已开始核实") {
		t.Fatalf("the server's own notice is not shown at %s", loc)
	}
	// Signed for one user, it is not shown to another.
	if page := e.req("GET", loc, "zhao.lei", "", nil); strings.Contains(page.Raw, "已开始核实") {
		t.Fatal("a notice signed for one session is shown in another")
	}
	// Logging out shows its fixed notice.
	if page := e.req("GET", "/login?flash=logout", "", "", nil); !strings.Contains(page.Raw, "您已安全退出") {
		t.Fatal("the logout notice is not shown")
	}
}

// Text with control characters, reordering marks or invalid UTF-8 is
// refused on both paths, the field named: the API (whose JSON decoder
// would quietly replace invalid UTF-8) and the console form.
func TestTextRefusesControlAndBidiCharacters(t *testing.T) {
	e := newEnv(t)
	valid := func() map[string]any {
		return map[string]any{"source": "hotline", "source_ref": "12310-2026-0042", "unit_code": "QH001",
			"violation_kind": "D01", "title": "吃空饷", "facts": "群众反映有2名人员长期不上班。", "level": "internal"}
	}
	for _, tc := range []struct{ field, value string }{
		{"title", "吃空饷\u202Egpj.exe"},
		{"title", "吃空饷\x00"},
		{"facts", "群众反映\x1b[2J"},
		{"source_ref", "12310\u2066-0042"},
	} {
		body := valid()
		body[tc.field] = tc.value
		r := e.json("POST", "/api/v1/cases", "li.ming", body)
		if r.Status != 400 || errOf(r)["field"] != tc.field {
			t.Errorf("API %s %q: %d %s", tc.field, tc.value, r.Status, r.Raw)
		}
	}
	// Invalid UTF-8 in the raw JSON: the decoder makes it U+FFFD, refused.
	raw := `{"source":"hotline","source_ref":"12310-2026-0042","unit_code":"QH001","violation_kind":"D01","title":"吃空饷` + "\xff\xfe" + `","facts":"群众反映。","level":"internal"}`
	r := e.req("POST", "/api/v1/cases", "li.ming", "application/json", strings.NewReader(raw))
	if r.Status != 400 || !strings.Contains(r.Raw, `"field":"title"`) {
		t.Errorf("API invalid UTF-8: %d %s", r.Status, r.Raw)
	}
	// The console: the same refusal, in Chinese, with nothing registered.
	_, csrf := e.session("li.ming")
	form := url.Values{"csrf_token": {csrf}, "source": {"hotline"}, "source_ref": {"12310-2026-0042"}, "unit_code": {"QH001"},
		"violation_kind": {"D01"}, "title": {"吃空饷\u202Egpj.exe"}, "facts": {"群众反映。"}, "level": {"internal"}}
	page := e.req("POST", "/cases/new", "li.ming", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if page.Status != 400 || !strings.Contains(page.Raw, "问题标题含有不允许的字符") || !strings.Contains(page.Raw, "202E") {
		t.Errorf("console: %d", page.Status)
	}
	if n, _, _ := e.Service.Cases(context.Background(), cases.CaseFilter{Scope: cases.GlobalScope}); len(n) != 0 {
		t.Errorf("%d cases registered from refused input", len(n))
	}
}

// A transition's input names only what the caller may: documents are
// recorded by the documents service alone, and evidence references must be
// files uploaded for the same case (another case's, or none at all, are
// refused), through the API and the console alike.
func TestTransitionInputCannotNameOthersRecords(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	office := testActor("li.ming", cases.RoleOffice)
	mine, other := e.register("QH001", cases.LevelInternal), e.register("QH001", cases.LevelInternal)
	for _, no := range []string{mine, other} {
		e.Service.Transition(ctx, cases.GlobalScope, no, office, cases.ActionStartVerification, cases.Input{}, "", 0)
		if _, _, err := e.Service.Transition(ctx, cases.GlobalScope, no, office, cases.ActionOrderRectification, cases.Input{Requirements: "清退", WorkingDays: 10}, "", 0); err != nil {
			t.Fatal(err)
		}
	}
	unitActor := testActor("unit.qh001", cases.RoleUnit)
	pdf := []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
	ev, err := e.Docs.AddEvidence(ctx, cases.GlobalScope, unitActor, other, []documents.Upload{{Name: "清退文件.pdf", Data: pdf}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, user string
		body       map[string]any
		field      string
	}{
		{"RecordDocument", "li.ming", map[string]any{"action": "record_document", "input": map[string]any{"document": "notice-2026-0001"}}, "action"},
		{"InputDocument", "li.ming", map[string]any{"action": "assign", "input": map[string]any{"assignee": "甲", "document": "notice-2026-0001"}}, "document"},
		{"AnotherCasesEvidence", "unit.qh001", map[string]any{"action": "submit", "input": map[string]any{"report": "已清退", "evidence": []string{"evidence:" + ev[0].ID}}}, "evidence"},
		{"MissingEvidence", "unit.qh001", map[string]any{"action": "submit", "input": map[string]any{"report": "已清退", "evidence": []string{"evidence:0123456789abcdef"}}}, "evidence"},
	} {
		r := e.json("POST", "/api/v1/cases/"+mine+"/transitions", tc.user, tc.body)
		if r.Status != 400 || errOf(r)["field"] != tc.field {
			t.Errorf("%s: %d %s", tc.name, r.Status, r.Raw)
		}
	}
	// The console's form: the same refusal.
	_, csrf := e.session("unit.qh001")
	form := url.Values{"csrf_token": {csrf}, "action": {"submit"}, "report": {"已清退"}, "evidence": {"evidence:" + ev[0].ID}}
	if page := e.req("POST", "/cases/"+mine+"/actions", "unit.qh001", "application/x-www-form-urlencoded", strings.NewReader(form.Encode())); page.Status != 400 {
		t.Errorf("console submit with another case's evidence: %d", page.Status)
	}
	if k, _ := e.Service.Case(ctx, cases.GlobalScope, mine); k.State != cases.StateRectifying {
		t.Fatalf("the case moved on refused input: %s", k.State)
	}
}

// A units import stays within the importer's region, row by row: where a
// unit is placed and where the unit it changes stood; nothing is written
// when a row is refused.
func TestUnitImportStaysInTheImportersRegion(t *testing.T) {
	e := newEnv(t)
	header := "单位代码,单位名称,单位类别,省,市,县,行政编制核定,行政编制实有,重点管理\n"
	mine := "QH009,清河县审计局,政府机关,江南省,云州市,清河县,10,10,否\n"
	for _, tc := range []struct {
		name, body, field string
		row               float64
	}{
		{"NewUnitElsewhere", header + mine + "AP009,安平县审计局,政府机关,江南省,云州市,安平县,10,10,否\n", "region", 3},
		{"CityLevelUnit", header + "YZ999,云州市审计局,政府机关,江南省,云州市,,10,10,否\n", "region", 2},
		{"MovingAnotherCountysUnit", header + "AP001,安平县农业农村局,政府机关,江南省,云州市,清河县,30,28,否\n" + mine, "code", 2},
	} {
		before, _, _ := e.Service.Units(context.Background(), cases.UnitFilter{Scope: cases.GlobalScope, PerPage: cases.MaxPerPage})
		r := e.req("POST", "/api/v1/units:import", "qh.office", "text/csv", strings.NewReader(tc.body))
		if r.Status != 403 || errOf(r)["field"] != tc.field || errOf(r)["row"] != tc.row {
			t.Errorf("%s: %d %s", tc.name, r.Status, r.Raw)
		}
		after, _, _ := e.Service.Units(context.Background(), cases.UnitFilter{Scope: cases.GlobalScope, PerPage: cases.MaxPerPage})
		if len(after) != len(before) {
			t.Errorf("%s: a refused import wrote units", tc.name)
		}
	}
	if u, _ := e.Service.Unit(context.Background(), cases.GlobalScope, "AP001"); !u.KeyManaged || u.Region[2] != "安平县" {
		t.Fatalf("another county's unit changed: %+v", u)
	}
	if r := e.req("POST", "/api/v1/units:import", "qh.office", "text/csv", strings.NewReader(header+mine)); r.Status != 200 {
		t.Fatalf("an import within the county: %d %s", r.Status, r.Raw)
	}
}

// Secret cases' facts: never in a list or an export; read one case at a
// time (and logged) by those whose work needs them; never by a linkage
// department, in the case or in its events.
func TestSecretFactsStayOutOfListsAndFromLiaisons(t *testing.T) {
	e := newEnv(t)
	secret := e.register("QH001", cases.LevelSecret)
	internal := e.register("QH002", cases.LevelInternal)
	facts := casetest.Registration("QH001").Facts
	r := e.json("GET", "/api/v1/cases", "li.ming", nil)
	for _, it := range r.Body["items"].([]any) {
		c := it.(map[string]any)
		switch c["no"] {
		case secret:
			if c["facts"] != "" || c["facts_withheld"] != true {
				t.Errorf("a list carries a secret case's facts: %v", c)
			}
		case internal:
			if c["facts"] != facts {
				t.Errorf("a list lost an internal case's facts: %v", c)
			}
		}
	}
	if r := e.json("GET", "/api/v1/cases/"+secret, "li.ming", nil); r.Body["facts"] != facts {
		t.Errorf("the office cannot read a secret case's facts: %s", r.Raw)
	}
	if r := e.json("GET", "/api/v1/cases/"+secret, "liaison.rsj", nil); r.Status != 200 || r.Body["facts"] != "" || r.Body["facts_withheld"] != true {
		t.Errorf("a liaison reads a secret case's facts: %d %s", r.Status, r.Raw)
	}
	if r := e.json("GET", "/api/v1/cases/"+secret+"/events", "liaison.rsj", nil); r.Status != 200 || strings.Contains(r.Raw, facts) {
		t.Errorf("a liaison reads a secret case's facts in its events: %d %s", r.Status, r.Raw)
	}
	csv := e.req("GET", "/ledger/export?format=csv", "li.ming", "", nil)
	if strings.Count(csv.Raw, facts) != 1 || !strings.Contains(csv.Raw, "秘密事项，不随台账导出") {
		t.Errorf("the export carries a secret case's facts: %s", csv.Raw)
	}
}

// A leading space does not hide an operator: values are trimmed before
// use, so " $ne" is "$ne" (found by fuzzing).
func TestOperatorsBehindWhitespaceAreRefused(t *testing.T) {
	e := newEnv(t)
	for _, path := range []string{"/api/v1/access-log?user=%20$ne", "/api/v1/access-log?target=%09$where", "/api/v1/cases?q=%E3%80%80$gt"} {
		user := "admin"
		if strings.Contains(path, "/cases") {
			user = "li.ming"
		}
		if r := e.req("GET", path, user, "", nil); r.Status != 400 {
			t.Errorf("GET %s: %d %s", path, r.Status, r.Raw)
		}
	}
	body := map[string]any{"source": "hotline", "source_ref": "12310-2026-0042", "unit_code": "QH001",
		"violation_kind": "D01", "title": " $where", "facts": "群众反映。", "level": "internal"}
	if r := e.json("POST", "/api/v1/cases", "li.ming", body); r.Status != 400 || errOf(r)["field"] != "title" {
		t.Errorf("title \" $where\": %d %s", r.Status, r.Raw)
	}
	if r := e.json("POST", "/api/v1/cases", "li.ming", map[string]any{"source": "hotline"}, "Idempotency-Key", " $x"); r.Status != 400 {
		t.Errorf("Idempotency-Key \" $x\": %d %s", r.Status, r.Raw)
	}
}
