package web_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"rectify/cases"
	"rectify/cases/access"
	"rectify/cases/casetest"
	"rectify/cases/roster"
	"rectify/web"
)

// rosterKey is the roster key of the test servers.
var rosterKey = bytes.Repeat([]byte{0x6b}, 32)

// newRoster opens the roster service on env's database.
func newRoster(t testing.TB, env *casetest.Env, acc *access.Service) *roster.Service {
	t.Helper()
	prot, err := roster.NewProtector("", rosterKey)
	if err != nil {
		t.Fatal(err)
	}
	rs, err := roster.Open(context.Background(), roster.Config{Store: env.DB, Protector: prot, Cases: env.Service, Auditor: acc})
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

// testRoster is a small roster of the test units: QH001 (行政编制 20
// approved, 19 on file) at its count with one deceased, one person on both
// QH001 and AP001.
func testRoster() (rows [][]string, twinID string) {
	for i := range 19 {
		rows = append(rows, roster.Row("QH001", "清河"+string(rune('甲'+i)), roster.MakeID("330602", "1985-04-1"+string(rune('0'+i%9)), i+1), "行政编制", "科员", false, roster.StatusActive, "2010-01-01", "", "", ""))
	}
	rows[3][8] = string(roster.StatusDeceased)
	for i := range 28 {
		rows = append(rows, roster.Row("AP001", "安平"+string(rune('甲'+i)), roster.MakeID("330602", "1986-05-1"+string(rune('0'+i%9)), 100+i), "行政编制", "科员", false, roster.StatusActive, "2010-01-01", "", "", ""))
	}
	twinID = rows[0][2]
	twin := append([]string(nil), rows[0]...)
	twin[0] = "AP001"
	rows = append(rows, twin)
	return rows, twinID
}

func rosterUpload(t *testing.T, rows [][]string, name, day string) (*bytes.Buffer, string) {
	t.Helper()
	var file bytes.Buffer
	var err error
	if strings.HasSuffix(name, ".xlsx") {
		err = roster.WriteXLSX(&file, rows)
	} else {
		err = roster.WriteCSV(&file, rows)
	}
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("date", day)
	fw, _ := mw.CreateFormFile("file", name)
	_, _ = fw.Write(file.Bytes())
	_ = mw.Close()
	return &buf, mw.FormDataContentType()
}

func TestRosterAPI(t *testing.T) {
	e := newEnv(t)
	rows, twinID := testRoster()
	// A bad row: every bad cell, nothing written.
	bad := append([][]string(nil), rows...)
	bad[5] = append([]string(nil), bad[5]...)
	bad[5][2] = "330602198504150000"
	body, ct := rosterUpload(t, bad, "花名册.csv", "2026-06-30")
	r := e.req("POST", "/api/v1/roster/snapshots", "li.ming", ct, body)
	if r.Status != http.StatusBadRequest || !strings.Contains(r.Raw, `"row":7`) || !strings.Contains(r.Raw, "身份证号") || strings.Contains(r.Raw, "330602198504150000") {
		t.Fatalf("bad roster: %d %s", r.Status, r.Raw)
	}
	if r := e.json("GET", "/api/v1/roster/snapshots", "li.ming", nil); r.Status != 200 || strings.Contains(r.Raw, `"id"`) {
		t.Fatalf("a bad roster left a snapshot: %s", r.Raw)
	}
	// Only the office imports.
	body, ct = rosterUpload(t, rows, "花名册.xlsx", "2026-06-30")
	if r := e.req("POST", "/api/v1/roster/snapshots", "wang.fang", ct, body); r.Status != http.StatusForbidden {
		t.Fatalf("approver imported: %d", r.Status)
	}
	body, ct = rosterUpload(t, rows, "花名册.xlsx", "2026-06-30")
	r = e.req("POST", "/api/v1/roster/snapshots", "li.ming", ct, body)
	if r.Status != http.StatusCreated {
		t.Fatalf("import: %d %s", r.Status, r.Raw)
	}
	r = e.json("GET", "/api/v1/warnings?rule=deceased", "li.ming", nil)
	ws, _ := r.Body["warnings"].([]any)
	if r.Status != 200 || len(ws) != 1 {
		t.Fatalf("warnings: %d %s", r.Status, r.Raw)
	}
	id := ws[0].(map[string]any)["id"].(string)
	if r := e.json("GET", "/api/v1/warnings?rule=double", "wang.fang", nil); r.Status != 200 || len(r.Body["warnings"].([]any)) != 2 {
		t.Fatalf("double: %s", r.Raw)
	}
	if r := e.json("GET", "/api/v1/warnings", "unit.qh001", nil); r.Status != http.StatusForbidden {
		t.Fatalf("a unit reads warnings: %d", r.Status)
	}
	// One case, however often asked.
	r = e.json("POST", "/api/v1/warnings/"+id+"/case", "li.ming", nil)
	if r.Status != http.StatusCreated {
		t.Fatalf("to case: %d %s", r.Status, r.Raw)
	}
	no := r.Body["case_no"].(string)
	if r := e.json("POST", "/api/v1/warnings/"+id+"/case", "li.ming", nil); r.Status != 200 || r.Body["case_no"] != no || r.Body["replayed"] != true {
		t.Fatalf("second click: %d %s", r.Status, r.Raw)
	}
	c := e.json("GET", "/api/v1/cases/"+no, "li.ming", nil)
	if c.Body["source"] != "warning" || c.Body["violation_kind"] != "D05" || strings.Contains(c.Raw, twinID) {
		t.Fatalf("case: %s", c.Raw)
	}
	if r := e.json("GET", "/api/v1/warnings/"+id, "li.ming", nil); r.Body["case_no"] != no {
		t.Fatalf("the warning lost its case: %s", r.Raw)
	}

	// The console: the unit page masks; revealing is the office's, logged.
	snap := strings.SplitN(id, ".", 2)[0]
	page := e.req("GET", "/roster/snapshots/"+snap+"/units/QH001", "wang.fang", "", nil)
	if page.Status != 200 || strings.Contains(page.Raw, twinID) || !strings.Contains(page.Raw, roster.MaskID(twinID)) || strings.Contains(page.Raw, "/reveal") {
		t.Fatalf("unit page: %d", page.Status)
	}
	form := url.Values{web.CSRFField: {csrfOf(e, "li.ming")}, "row": {"2"}}
	rev := e.req("POST", "/roster/snapshots/"+snap+"/units/QH001/reveal", "li.ming", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if rev.Status != 200 || !strings.Contains(rev.Raw, twinID) {
		t.Fatalf("reveal: %d", rev.Status)
	}
	log, _, err := e.Access.SearchAccess(context.Background(), access.AccessFilter{Action: "reveal-id-number"})
	if err != nil || len(log) != 1 || log[0].UserID != "li.ming" {
		t.Fatalf("access log: %+v %v", log, err)
	}
	form = url.Values{web.CSRFField: {csrfOf(e, "wang.fang")}, "row": {"2"}}
	if r := e.req("POST", "/roster/snapshots/"+snap+"/units/QH001/reveal", "wang.fang", "application/x-www-form-urlencoded", strings.NewReader(form.Encode())); r.Status != http.StatusForbidden {
		t.Fatalf("approver revealed: %d", r.Status)
	}
}

// TestRosterConsoleImport: the console's import runs in the background,
// its status page refreshes itself and ends on the snapshot; bad rows are
// listed by row and column.
func TestRosterConsoleImport(t *testing.T) {
	e := newEnv(t)
	rows, _ := testRoster()
	rows[2] = append([]string(nil), rows[2]...)
	rows[2][5] = "临时编制"
	body, ct := rosterUploadForm(t, e, rows, "2026-06-30")
	r := e.req("POST", "/roster/import", "li.ming", ct, body)
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/roster/jobs/") {
		t.Fatalf("import: %d %s", r.Status, r.Raw)
	}
	job := r.Header.Get("Location")
	var page response
	casetest.Eventually(t, 20*time.Second, "the import", func() bool {
		page = e.req("GET", job, "li.ming", "", nil)
		return page.Header.Get("Refresh") == ""
	})
	if page.Status != http.StatusUnprocessableEntity || !strings.Contains(page.Raw, "第 4 行") || !strings.Contains(page.Raw, "编制类型") {
		t.Fatalf("bad rows page: %d %s", page.Status, page.Raw)
	}
	if r := e.req("GET", job, "wang.fang", "", nil); r.Status != http.StatusForbidden {
		t.Fatalf("another user's job: %d", r.Status)
	}
	rows, _ = testRoster()
	body, ct = rosterUploadForm(t, e, rows, "2026-06-30")
	job = e.req("POST", "/roster/import", "li.ming", ct, body).Header.Get("Location")
	casetest.Eventually(t, 20*time.Second, "the import", func() bool {
		page = e.req("GET", job, "li.ming", "", nil)
		return page.Status == http.StatusSeeOther
	})
	if !strings.HasPrefix(page.Header.Get("Location"), "/roster/snapshots/R20260630-") {
		t.Fatalf("done: %s", page.Header.Get("Location"))
	}
}

func rosterUploadForm(t *testing.T, e *testEnv, rows [][]string, day string) (*bytes.Buffer, string) {
	t.Helper()
	var file bytes.Buffer
	if err := roster.WriteCSV(&file, rows); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField(web.CSRFField, csrfOf(e, "li.ming"))
	_ = mw.WriteField("date", day)
	fw, _ := mw.CreateFormFile("file", "花名册.csv")
	_, _ = fw.Write(file.Bytes())
	_ = mw.Close()
	return &buf, mw.FormDataContentType()
}

// rosterWorld imports two rosters of the test units (the deceased removed
// in the second: new, persisting and resolved warnings) and leaves a
// finished console import job of li.ming's with bad rows.
type rosterPaths struct{ snap, warning, job string }

func rosterWorld(t *testing.T, e *testEnv) rosterPaths {
	t.Helper()
	ctx := context.Background()
	rows, _ := testRoster()
	var b bytes.Buffer
	_ = roster.WriteCSV(&b, rows)
	if _, err := e.Roster.Import(ctx, casetest.Office, roster.ImportInput{Scope: cases.GlobalScope, Coverage: roster.CoverRegion, Date: "2026-06-30", File: "六月.csv", Body: &b}); err != nil {
		t.Fatal(err)
	}
	rows[3][10] = "2026-07-01"
	b.Reset()
	_ = roster.WriteCSV(&b, rows)
	snap, err := e.Roster.Import(ctx, casetest.Office, roster.ImportInput{Scope: cases.GlobalScope, Coverage: roster.CoverRegion, Date: "2026-12-31", File: "十二月.csv", Body: &b})
	if err != nil {
		t.Fatal(err)
	}
	ws, _, _, err := e.Roster.Warnings(ctx, roster.Filter{Scope: cases.GlobalScope, Rule: roster.RuleDouble})
	if err != nil || len(ws) == 0 {
		t.Fatalf("no double warning: %v", err)
	}
	rows[1][5] = "临时"
	body, ct := rosterUploadForm(t, e, rows, "2026-12-31")
	job := e.req("POST", "/roster/import", "li.ming", ct, body).Header.Get("Location")
	casetest.Eventually(t, 20*time.Second, "the bad import", func() bool { return e.req("GET", job, "li.ming", "", nil).Header.Get("Refresh") == "" })
	return rosterPaths{snap: snap.ID, warning: ws[0].ID, job: job}
}

// TestUnitStandingReadsRoster: a unit whose latest roster shows more
// leaders than posts and more people than slots is over on its page, in
// the units list, the unit and standing API (a linkage department's read)
// and its briefing, each saying which roster date it reflects.
func TestUnitStandingReadsRoster(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	// QH001: 20 行政编制 approved, 19 on file, no leader posts approved.
	rows := make([][]string, 0, 22)
	for i := range 22 {
		rows = append(rows, roster.Row("QH001", "清河"+string(rune('甲'+i)), roster.MakeID("330602", "1985-04-1"+string(rune('0'+i%9)), i+1), "行政编制", "科员", i < 2, roster.StatusActive, "2010-01-01", "", "", ""))
	}
	before := e.req("GET", "/units/QH001", "li.ming", "", nil)
	if before.Status != 200 || !strings.Contains(before.Raw, "未超编，未超职数") {
		t.Fatalf("before any roster: %d", before.Status)
	}
	var b bytes.Buffer
	_ = roster.WriteCSV(&b, rows)
	if _, err := e.Roster.Import(ctx, casetest.Office, roster.ImportInput{Scope: cases.GlobalScope, Date: "2026-06-30", File: "六月.csv", Body: &b}); err != nil {
		t.Fatal(err)
	}
	page := e.req("GET", "/units/QH001", "li.ming", "", nil)
	for _, want := range []string{"行政编制超编 2 名", "超职数 2 名", "据 2026-06-30 花名册", "2026-06-30 花名册在编 22 名", "暂停受理"} {
		if !strings.Contains(page.Raw, want) {
			t.Errorf("unit page lacks %q", want)
		}
	}
	if strings.Contains(page.Raw, "未超编，未超职数") {
		t.Error("the unit page ignores the roster")
	}
	st := e.json("GET", "/api/v1/units/QH001/standing", "liaison.rsj", nil)
	roster_, _ := st.Body["roster"].(map[string]any)
	if st.Status != 200 || st.Body["suspended"] != true || roster_["date"] != "2026-06-30" || !strings.Contains(st.Raw, "花名册在编 22 名") {
		t.Fatalf("standing: %d %s", st.Status, st.Raw)
	}
	u := e.json("GET", "/api/v1/units/QH001", "liaison.rsj", nil)
	if u.Status != 200 || !strings.Contains(u.Raw, `"date":"2026-06-30"`) || !strings.Contains(u.Raw, `"over":2`) {
		t.Fatalf("unit: %d %s", u.Status, u.Raw)
	}
	list := e.req("GET", "/units?flag=over", "liaison.rsj", "", nil)
	if list.Status != 200 || !strings.Contains(list.Raw, "清河县教育局") || !strings.Contains(list.Raw, "据 2026-06-30 花名册") {
		t.Fatalf("units list: %d", list.Status)
	}
	// A unit no roster speaks for keeps the counts on file.
	if r := e.json("GET", "/api/v1/units/AP001/standing", "li.ming", nil); r.Body["roster"] != nil {
		t.Fatalf("AP001 read a roster: %s", r.Raw)
	}
}

// TestRosterTemplateAndCoverage: the template offers the user's own units;
// the import form asks what the file covers; a county office's roster
// naming the other county's unit is refused by row and column with
// nothing written; a file of one unit leaves another unit's warnings as
// they were.
func TestRosterTemplateAndCoverage(t *testing.T) {
	e := newEnv(t)
	r := e.req("GET", "/roster/template.xlsx", "qh.office", "", nil)
	if r.Status != 200 {
		t.Fatalf("template: %d", r.Status)
	}
	f, err := excelize.OpenReader(strings.NewReader(r.Raw))
	if err != nil {
		t.Fatal(err)
	}
	codes, _ := f.GetCols(roster.UnitsSheet)
	if j := strings.Join(codes[0], ","); j != "单位代码,QH001,QH002" {
		t.Errorf("the county office's template offers %s", j)
	}
	form := e.req("GET", "/roster/import", "qh.office", "", nil)
	if !strings.Contains(form.Raw, `name="coverage" value="units" checked`) || !strings.Contains(form.Raw, "本辖区（江南省/云州市/清河县）全部单位") {
		t.Errorf("the form does not ask what the file covers")
	}

	rows, _ := testRoster() // QH001 and AP001
	body, ct := rosterUpload(t, rows, "花名册.csv", "2026-06-30")
	r = e.req("POST", "/api/v1/roster/snapshots", "qh.office", ct, body)
	if r.Status != http.StatusBadRequest || !strings.Contains(r.Raw, `"row":21`) || !strings.Contains(r.Raw, `"column":"单位代码"`) || !strings.Contains(r.Raw, "不在您的管辖范围内") {
		t.Fatalf("another county's rows: %d %s", r.Status, r.Raw)
	}
	if snaps, _ := e.Roster.Snapshots(context.Background()); len(snaps) != 0 {
		t.Fatalf("a refused roster left %d snapshots", len(snaps))
	}

	// The city imports both counties, then 清河县 its own unit alone.
	body, ct = rosterUpload(t, rows, "全市.csv", "2026-06-30")
	cityImport := e.req("POST", "/api/v1/roster/snapshots", "li.ming", ct, body)
	if cityImport.Status != http.StatusCreated {
		t.Fatalf("city import: %d %s", cityImport.Status, cityImport.Raw)
	}
	city := cityImport.Body["id"].(string)
	body, ct = rosterUpload(t, rows[:19], "清河.csv", "2026-07-31")
	r = e.req("POST", "/api/v1/roster/snapshots", "qh.office", ct, body)
	if r.Status != http.StatusCreated || r.Body["coverage"] != "units" {
		t.Fatalf("county import: %d %s", r.Status, r.Raw)
	}
	ap := e.json("GET", "/api/v1/warnings?unit=AP001&all=1", "li.ming", nil)
	ws, _ := ap.Body["warnings"].([]any)
	if len(ws) == 0 {
		t.Fatalf("AP001 lost its warnings: %s", ap.Raw)
	}
	for _, w := range ws {
		if m := w.(map[string]any); m["change"] == "resolved" || m["date"] != "2026-06-30" {
			t.Errorf("QH001's import touched AP001's warning %v", m)
		}
	}
	county := r.Body["id"].(string)
	page := e.req("GET", "/roster/snapshots/"+county, "li.ming", "", nil)
	if !strings.Contains(page.Raw, "仅本文件所列单位：QH001") || !strings.Contains(page.Raw, "其他单位沿用") {
		t.Errorf("the snapshot page does not say what the import covered")
	}
	// 安平县 sees its own unit of the city's snapshot, and not 清河县's.
	list := e.json("GET", "/api/v1/roster/snapshots", "ap.office", nil)
	snaps, _ := list.Body["snapshots"].([]any)
	if len(snaps) != 2 || strings.Contains(list.Raw, `"unit":"QH001"`) || !strings.Contains(list.Raw, `"persons":29`) {
		t.Errorf("安平县's snapshots: %s", list.Raw)
	}
	if r := e.json("GET", "/api/v1/roster/snapshots/"+county, "ap.office", nil); r.Status != 200 || strings.Contains(r.Raw, "QH001") {
		t.Errorf("清河县's import as 安平县 reads it: %d %s", r.Status, r.Raw)
	}
	// The console's snapshot page shows the same: the city's snapshot with
	// 安平县's head count and units only, 清河县's coverage list not at all.
	if pg := e.req("GET", "/roster/snapshots/"+city, "ap.office", "", nil); pg.Status != 200 || strings.Contains(pg.Raw, "QH001") || !strings.Contains(pg.Raw, "29 人") {
		t.Errorf("the city's snapshot page as 安平县: %d, QH001 shown %v", pg.Status, strings.Contains(pg.Raw, "QH001"))
	}
	if pg := e.req("GET", "/roster/snapshots/"+county, "ap.office", "", nil); strings.Contains(pg.Raw, "QH001") {
		t.Errorf("清河县's snapshot page as 安平县 names QH001 (%d)", pg.Status)
	}
}
