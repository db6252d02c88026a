package web_test

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/url"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"rectify/cases"
	"rectify/cases/access"
	"rectify/cases/patrol"
	"rectify/cases/referral/sheet"
)

const testLetter = "云巡办移〔2026〕31号"

// batchXLSX is the downloaded template with rows filled in from row 2.
func (e *testEnv) batchXLSX(rows [][]string) []byte {
	e.t.Helper()
	r := e.req("GET", "/batches/template.xlsx", office, "", nil)
	if r.Status != 200 {
		e.t.Fatalf("template: %d %s", r.Status, r.Raw)
	}
	f, err := excelize.OpenReader(strings.NewReader(r.Raw))
	if err != nil {
		e.t.Fatal(err)
	}
	for _, c := range []string{"A2", "B2", "C2", "D2"} {
		_ = f.SetCellStr(sheet.ItemsSheet, c, "")
	}
	for i, row := range rows {
		for j, v := range row {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+2)
			_ = f.SetCellStr(sheet.ItemsSheet, cell, v)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		e.t.Fatal(err)
	}
	return buf.Bytes()
}

// fiveItems are a letter's five problems, in two units of Qinghe.
func fiveItems() [][]string {
	var rows [][]string
	for i := range 5 {
		rows = append(rows, []string{[]string{"QH001", "QH002"}[i%2], []string{"B01", "C01", "D02"}[i%3],
			fmt.Sprintf("巡察发现的第%d个问题", i+1), "巡察发现，该单位核定编制20名，实有22人。"})
	}
	return rows
}

// uploadBatch posts the registration form with file as the problem list.
func (e *testEnv) uploadBatch(user string, fields url.Values, file []byte) response {
	e.t.Helper()
	_, csrf := e.session(user)
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("csrf_token", csrf)
	for k, vs := range fields {
		for _, v := range vs {
			_ = w.WriteField(k, v)
		}
	}
	if file != nil {
		fw, _ := w.CreateFormFile("sheet", "问题清单.xlsx")
		_, _ = fw.Write(file)
	}
	_ = w.Close()
	return e.req("POST", "/batches/new", user, w.FormDataContentType(), &body)
}

func letterFields() url.Values {
	return url.Values{"office": {"中共云州市委巡察工作领导小组办公室"}, "letter_no": {testLetter}, "round": {"十一届市委第三轮巡察"},
		"team": {"市委第一巡察组"}, "received": {"2026-03-02"}, "level": {"internal"}}
}

// apiBatch registers a batch of n items through the API and returns its body.
func (e *testEnv) apiBatch(n int, edit func(map[string]any)) response {
	e.t.Helper()
	var items []map[string]any
	for _, row := range fiveItems()[:n] {
		items = append(items, map[string]any{"unit_code": row[0], "violation_kind": row[1], "title": row[2], "facts": row[3]})
	}
	body := map[string]any{"office": "中共云州市委巡察工作领导小组办公室", "letter_no": testLetter, "round": "十一届市委第三轮巡察",
		"team": "市委第一巡察组", "received": "2026-03-02", "level": "internal", "items": items}
	if edit != nil {
		edit(body)
	}
	return e.json("POST", "/api/v1/referral-batches", office, body)
}

// TestBatchBadRowsNothingWritten: an upload with bad cells is answered with
// every one of them by row and column, and nothing is written; the same
// file corrected registers all its rows.
func TestBatchBadRowsNothingWritten(t *testing.T) {
	e := newEnv(t)
	rows := fiveItems()
	rows[1][0] = "ZZ999"                     // row 3, A: no such unit
	rows[2][1] = "X99"                       // row 4, B: no such kind
	rows[4][2] = ""                          // row 6, C: no title
	rows[4][3] = "联系人身份证号11010519491231002X" // row 6, D: personal data
	before := e.counts()
	r := e.uploadBatch(office, letterFields(), e.batchXLSX(rows))
	if r.Status != 400 {
		t.Fatalf("status %d", r.Status)
	}
	for _, want := range []string{"第3行A列（被监督单位代码）", "第4行B列（问题类型代码）", "第6行C列（问题标题）", "第6行D列（问题事实）", "未登记任何问题"} {
		if !strings.Contains(r.Raw, want) {
			t.Errorf("the answer does not say %q", want)
		}
	}
	if strings.Contains(r.Raw, "第2行") || strings.Contains(r.Raw, "第5行") {
		t.Errorf("a good row is reported as bad")
	}
	// The letter's own fields are reported with the cells.
	f := letterFields()
	f.Set("received", "")
	r = e.uploadBatch(office, f, e.batchXLSX(rows))
	if !strings.Contains(r.Raw, "请填写收到移交函的日期") || !strings.Contains(r.Raw, "第3行A列") {
		t.Errorf("letter and cell errors are not shown together")
	}
	r = e.uploadBatch(office, letterFields(), nil)
	if r.Status != 400 || !strings.Contains(r.Raw, "请选择按模板填好的问题清单") {
		t.Errorf("no file: %d", r.Status)
	}
	r = e.uploadBatch(office, letterFields(), []byte("不是表格"))
	if r.Status != 400 || !strings.Contains(r.Raw, "请上传用模板填写的 .xlsx 文件") {
		t.Errorf("not a spreadsheet: %d", r.Status)
	}
	if after := e.counts(); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Fatalf("a refused upload wrote: %v → %v", before, after)
	}
	r = e.uploadBatch(office, letterFields(), e.batchXLSX(fiveItems()))
	if r.Status != 303 || !strings.HasPrefix(r.Header.Get("Location"), "/batches/rb-") {
		t.Fatalf("good file: %d %s", r.Status, r.Header.Get("Location"))
	}
	if _, n, _ := e.Service.Cases(context.Background(), cases.CaseFilter{Scope: cases.GlobalScope, Page: 1, PerPage: 10}); n != 5 {
		t.Fatalf("%d cases, want 5", n)
	}
}

// TestBatchIdempotent: the same letter again answers the first result
// (200, replayed) and registers nothing; different content under the same
// letter is a 409 naming it; the upload form behaves the same.
func TestBatchIdempotent(t *testing.T) {
	e := newEnv(t)
	first := e.apiBatch(3, nil)
	if first.Status != 201 {
		t.Fatalf("first: %d %s", first.Status, first.Raw)
	}
	id := first.Body["id"].(string)
	before := e.counts()
	again := e.apiBatch(3, nil)
	if again.Status != 200 || again.Header.Get("Idempotent-Replayed") != "true" || again.Body["id"] != id ||
		fmt.Sprint(again.Body["items"]) != fmt.Sprint(first.Body["items"]) {
		t.Fatalf("again: %d %s", again.Status, again.Raw)
	}
	other := e.apiBatch(2, nil)
	if other.Status != 409 || !strings.Contains(errOf(other)["message"].(string), testLetter) {
		t.Fatalf("other content: %d %s", other.Status, other.Raw)
	}
	form := e.uploadBatch(office, letterFields(), e.batchXLSX(fiveItems()[:3]))
	if form.Status != 303 || !strings.HasSuffix(form.Header.Get("Location"), "") || !strings.Contains(form.Header.Get("Location"), "/batches/"+id) ||
		!strings.Contains(form.Header.Get("Location"), "batch-replayed") {
		t.Fatalf("form again: %d %s", form.Status, form.Header.Get("Location"))
	}
	formOther := e.uploadBatch(office, letterFields(), e.batchXLSX(fiveItems()))
	if formOther.Status != 409 || !strings.Contains(formOther.Raw, testLetter) {
		t.Fatalf("form with other content: %d", formOther.Status)
	}
	if after := e.counts(); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Fatalf("a repeated letter wrote: %v → %v", before, after)
	}
	for status, want := range map[string]bool{"": true, "open": true, "awaiting": false, "answered": false} {
		l := e.req("GET", "/batches?status="+status, office, "", nil)
		if l.Status != 200 || strings.Contains(l.Raw, testLetter) != want {
			t.Errorf("list status=%s: %d, lists the batch %v", status, l.Status, !want)
		}
	}
	got := e.json("GET", "/api/v1/referral-batches/"+id, office, nil)
	if got.Status != 200 || len(got.Body["items_state"].([]any)) != 3 {
		t.Fatalf("get: %d %s", got.Status, got.Raw)
	}
	if strings.Contains(got.Raw+first.Raw, "核定编制20名") {
		t.Errorf("the batch carries the facts, which are read (and logged) on each case")
	}
	// Bad JSON items are named by item and field, all at once.
	bad := e.apiBatch(2, func(b map[string]any) {
		b["letter_no"] = "云巡办移〔2026〕99号"
		items := b["items"].([]map[string]any)
		items[0]["unit_code"], items[1]["title"] = "ZZ999", ""
	})
	var fields []string
	for _, f := range errOf(bad)["fields"].([]any) {
		fields = append(fields, f.(map[string]any)["field"].(string))
	}
	if bad.Status != 400 || strings.Join(fields, " ") != "items[0].unit_code items[1].title" {
		t.Fatalf("bad items: %d %v", bad.Status, fields)
	}
}

// TestBatchPatrolSeesOwnTeam: the referring patrol team sees its batch and
// the state of each item, not the facts or the unit's evidence; another
// team, a unit and a team-less patrol user do not see it at all.
func TestBatchPatrolSeesOwnTeam(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for _, u := range []access.User{
		{ID: "patrol.one", Name: "第一组", Roles: []cases.Role{cases.RolePatrol}, Region: []string{"江南省", "云州市"}},
		{ID: "patrol.two", Name: "第二组", Roles: []cases.Role{cases.RolePatrol}, Region: []string{"江南省", "云州市"}},
	} {
		if err := e.Access.CreateUser(ctx, u, testPassword); err != nil {
			t.Fatal(err)
		}
	}
	// The batch's round, with both teams; a batch is seen by the team it
	// names, by membership of that team in that round.
	e.addRound("十一届市委第三轮巡察", patrol.Team{Name: "市委第一巡察组", Members: []string{"patrol.one"}, Units: []string{"AP001"}},
		patrol.Team{Name: "市委第二巡察组", Members: []string{"patrol.two"}, Units: []string{"QH002"}})
	r := e.apiBatch(2, nil)
	id := r.Body["id"].(string)
	no := r.Body["items"].([]any)[0].(map[string]any)["case_no"].(string)
	if _, _, err := e.Service.Transition(ctx, cases.GlobalScope, no, cases.Actor{ID: office, Role: cases.RoleOffice},
		cases.ActionStartVerification, cases.Input{}, "", 0); err != nil {
		t.Fatal(err)
	}
	page := e.req("GET", "/batches/"+id, "patrol.one", "", nil)
	if page.Status != 200 || !strings.Contains(page.Raw, no) || !strings.Contains(page.Raw, "核实中") || !strings.Contains(page.Raw, "巡察发现的第1个问题") {
		t.Fatalf("own team: %d", page.Status)
	}
	if strings.Contains(page.Raw, "核定编制20名") || strings.Contains(page.Raw, `href="/cases/`+no) || strings.Contains(page.Raw, "issue-feedback") {
		t.Errorf("the patrol page shows facts, case links or the office's button")
	}
	if l := e.req("GET", "/batches", "patrol.one", "", nil); !strings.Contains(l.Raw, testLetter) {
		t.Errorf("own team's list lacks the batch")
	}
	for _, u := range []string{"patrol.two", "zhou.qiang"} {
		if r := e.req("GET", "/batches/"+id, u, "", nil); r.Status != 404 {
			t.Errorf("%s sees the batch: %d", u, r.Status)
		}
		if r := e.json("GET", "/api/v1/referral-batches/"+id, u, nil); r.Status != 404 {
			t.Errorf("%s reads the batch: %d", u, r.Status)
		}
		if l := e.req("GET", "/batches", u, "", nil); strings.Contains(l.Raw, testLetter) {
			t.Errorf("%s lists the batch", u)
		}
	}
	for _, u := range []string{"unit.qh001", "sun.li"} {
		if r := e.req("GET", "/batches/"+id, u, "", nil); r.Status != 403 {
			t.Errorf("%s: %d, want 403", u, r.Status)
		}
	}
	if r := e.postForm("/batches/"+id+"/feedback", "patrol.one", url.Values{}); r.Status != 403 {
		t.Errorf("patrol issuing the letter: %d", r.Status)
	}
	// A county office sees a batch of its county's units.
	if r := e.req("GET", "/batches/"+id, "ap.office", "", nil); r.Status != 404 {
		t.Errorf("another county's office: %d", r.Status)
	}
	if r := e.req("GET", "/batches/"+id, "qh.office", "", nil); r.Status != 200 {
		t.Errorf("the county's office: %d", r.Status)
	}
}

// TestBatchAwaitingQueue: the office's header counts the batches all
// settled and not yet answered (待反馈), links their list, and the count
// falls when the feedback letter is issued.
func TestBatchAwaitingQueue(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	r := e.apiBatch(2, nil)
	id := r.Body["id"].(string)
	header := func() int { return queueCount(t, e.req("GET", "/units", office, "", nil).Raw, "待反馈") }
	if n := header(); n != 0 {
		t.Fatalf("待反馈 %d before settling", n)
	}
	actor := cases.Actor{ID: office, Name: "李明", Role: cases.RoleOffice}
	for _, it := range r.Body["items"].([]any) {
		no := it.(map[string]any)["case_no"].(string)
		for _, st := range []struct {
			a  cases.Action
			in cases.Input
		}{{cases.ActionStartVerification, cases.Input{}}, {cases.ActionDismiss, cases.Input{Reason: "查无实据"}}} {
			if _, _, err := e.Service.Transition(ctx, cases.GlobalScope, no, actor, st.a, st.in, "", 0); err != nil {
				t.Fatal(err)
			}
		}
	}
	if n := header(); n != 1 {
		t.Fatalf("待反馈 %d once settled, want 1", n)
	}
	todo := e.req("GET", "/todo", office, "", nil)
	if !strings.Contains(todo.Raw, `href="/batches?status=awaiting"`) {
		t.Fatalf("the to-do page does not link the batches awaiting their letter")
	}
	if l := e.req("GET", "/batches?status=awaiting", office, "", nil); !strings.Contains(l.Raw, testLetter) {
		t.Fatalf("the awaiting list lacks the batch")
	}
	if r := e.postForm("/batches/"+id+"/feedback", office, url.Values{}); r.Status != 303 || !strings.Contains(r.Header.Get("Location"), "batch-letter") {
		t.Fatalf("issue: %d %s", r.Status, r.Header.Get("Location"))
	}
	if n := header(); n != 0 {
		t.Fatalf("待反馈 %d after the letter", n)
	}
	// Asked again, the letter already issued.
	if r := e.postForm("/batches/"+id+"/feedback", office, url.Values{}); r.Status != 303 || !strings.Contains(r.Header.Get("Location"), "feedback-existing") {
		t.Fatalf("again: %d %s", r.Status, r.Header.Get("Location"))
	}
	if b := e.json("GET", "/api/v1/referral-batches/"+id, office, nil); len(b.Body["letters"].([]any)) != 1 {
		t.Fatalf("letters %v", b.Body["letters"])
	}
}
