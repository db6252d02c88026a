package web_test

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"rectify/cases"
)

func TestDocumentsOverHTTP(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	no := e.register("QH001", cases.LevelInternal)
	e.Service.Transition(ctx, cases.GlobalScope, no, testActor("li.ming", cases.RoleOffice), cases.ActionStartVerification, cases.Input{}, "", 0)
	req := map[string]any{"unit_code": "QH001", "working_days": 10, "items": []map[string]any{{"no": no, "requirements": "清退超编人员"}}}

	prev := e.req("POST", "/api/v1/notices?preview=true", "li.ming", "application/json", strings.NewReader(`{"unit_code":"QH001","working_days":10,"items":[{"no":"`+no+`","requirements":"清退超编人员"}]}`))
	if prev.Status != 200 || !strings.HasPrefix(prev.Raw, "%PDF-") || prev.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("preview: %d %.100s", prev.Status, prev.Raw)
	}
	if r := e.json("POST", "/api/v1/notices", "unit.qh001", req); r.Status != 403 {
		t.Fatalf("unit issues a notice: %d", r.Status)
	}
	if r := e.json("POST", "/api/v1/notices", "li.ming", map[string]any{"unit_code": "QH001", "items": []any{}, "extra": 1}); r.Status != 400 || errOf(r)["field"] != "extra" {
		t.Fatalf("bad notice request: %d %s", r.Status, r.Raw)
	}
	r := e.json("POST", "/api/v1/notices", "li.ming", req)
	if r.Status != 201 {
		t.Fatalf("issue: %d %s", r.Status, r.Raw)
	}
	doc := r.Body["document"].(map[string]any)
	id, number, code := doc["id"].(string), doc["number"].(string), doc["verify_code"].(string)
	if c := r.Body["cases"].([]any)[0].(map[string]any); c["state"] != "rectifying" {
		t.Fatalf("case after notice: %v", c["state"])
	}
	// The same request again (a second click) answers with that notice.
	if r := e.json("POST", "/api/v1/notices", "li.ming", req); r.Status != 200 || r.Body["existing"] != true || r.Body["document"].(map[string]any)["id"] != id {
		t.Fatalf("repeated notice: %d %s", r.Status, r.Raw)
	}
	pdf := e.req("GET", "/api/v1/documents/"+id+"/pdf", "li.ming", "", nil)
	if pdf.Status != 200 || !strings.HasPrefix(pdf.Raw, "%PDF-") {
		t.Fatalf("download: %d", pdf.Status)
	}
	if r := e.req("GET", "/documents/"+id, "unit.qh001", "", nil); r.Status != 200 {
		t.Fatalf("the unit cannot download its notice: %d", r.Status)
	}
	if r := e.req("GET", "/documents/"+id, "ap.office", "", nil); r.Status != 404 {
		t.Fatalf("another county downloads the notice: %d", r.Status)
	}
	// Outside one's scope and not there at all answer alike, to the byte
	// but for the id: no telling which documents exist elsewhere.
	missing := "notice-2026-9999"
	for _, path := range []string{"/api/v1/documents/%s", "/api/v1/documents/%s/pdf"} {
		other := e.req("GET", fmt.Sprintf(path, id), "ap.office", "", nil)
		none := e.req("GET", fmt.Sprintf(path, missing), "ap.office", "", nil)
		if other.Status != 404 || none.Status != 404 || strings.ReplaceAll(other.Raw, id, "ID") != strings.ReplaceAll(none.Raw, missing, "ID") {
			t.Fatalf("%s: another county's document answers %d %s, a missing one %d %s", path, other.Status, other.Raw, none.Status, none.Raw)
		}
	}
	// The public verification page: no login, only what the document
	// itself shows (number, kind, office, title, date) and intactness —
	// not the cases it concerns.
	v := e.req("GET", "/verify/"+strings.ReplaceAll(code, "-", ""), "", "", nil)
	if v.Status != 200 || !strings.Contains(v.Raw, number) || !strings.Contains(v.Raw, "存档文件完好") || strings.Contains(v.Raw, no) || strings.Contains(v.Raw, "清退超编人员") {
		t.Fatalf("verify page: %d", v.Status)
	}
	if !strings.Contains(v.Raw, code) {
		t.Fatalf("verification page does not show the code as printed (%s)", code)
	}
	if r := e.req("GET", "/verify/ZZZZZZZZ", "", "", nil); r.Status != 404 {
		t.Fatalf("unknown code: %d", r.Status)
	}
	// Corrupt the stored PDF: downloads fail naming it, verification says so.
	d, _ := e.Docs.Document(ctx, cases.GlobalScope, id)
	root := e.blobDir
	os.WriteFile(filepath.Join(root, filepath.FromSlash(d.ObjectKey)), []byte("%PDF-forged"), 0o600)
	r = e.json("GET", "/api/v1/documents/"+id+"/pdf", "li.ming", nil)
	if r.Status != 500 || errOf(r)["code"] != "corrupt" || !strings.Contains(errOf(r)["message"].(string), number) || !strings.Contains(errOf(r)["message"].(string), d.ObjectKey) {
		t.Fatalf("corrupted download: %d %s", r.Status, r.Raw)
	}
	if v := e.req("GET", "/verify/"+code, "", "", nil); !strings.Contains(v.Raw, "已损坏或被改动") {
		t.Fatal("verification page does not report the corruption")
	}

	// Evidence: upload as the unit, then submit referencing it.
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", "../../整改报告.pdf")
	fw.Write([]byte("%PDF-1.4 整改报告"))
	mw.Close()
	up := e.req("POST", "/api/v1/cases/"+no+"/evidence", "unit.qh001", mw.FormDataContentType(), &buf)
	if up.Status != 201 {
		t.Fatalf("upload: %d %s", up.Status, up.Raw)
	}
	ref := up.Body["refs"].([]any)[0].(string)
	if item := up.Body["items"].([]any)[0].(map[string]any); item["name"] != "整改报告.pdf" {
		t.Fatalf("name not sanitised: %v", item["name"])
	}
	buf.Reset()
	mw = multipart.NewWriter(&buf)
	fw, _ = mw.CreateFormFile("file", "script.pdf")
	fw.Write([]byte("<html><script>alert(1)</script>"))
	mw.Close()
	if r := e.req("POST", "/api/v1/cases/"+no+"/evidence", "unit.qh001", mw.FormDataContentType(), &buf); r.Status != 400 {
		t.Fatalf("html disguised as pdf: %d", r.Status)
	}
	r = e.json("POST", "/api/v1/cases/"+no+"/transitions", "unit.qh001", map[string]any{"action": "submit", "input": map[string]any{"report": "已整改", "evidence": []string{ref}}})
	if r.Status != 200 {
		t.Fatalf("submit: %d %s", r.Status, r.Raw)
	}
	list := e.json("GET", "/api/v1/cases/"+no+"/evidence", "li.ming", nil)
	evID := list.Body["items"].([]any)[0].(map[string]any)["id"].(string)
	f := e.req("GET", "/cases/"+no+"/evidence/"+evID, "li.ming", "", nil)
	if f.Status != 200 || f.Raw != "%PDF-1.4 整改报告" || !strings.Contains(f.Header.Get("Content-Security-Policy"), "sandbox") {
		t.Fatalf("evidence download: %d", f.Status)
	}
	page := e.req("GET", "/cases/"+no, "li.ming", "", nil)
	if !strings.Contains(page.Raw, number) || !strings.Contains(page.Raw, "整改报告.pdf") {
		t.Fatal("case page lacks the notice or the evidence")
	}
	// The closing form is issued once per closing: a second click answers
	// with the same form.
	for _, st := range []struct{ user, action string }{{"li.ming", "confirm"}, {"wang.fang", "close"}} {
		if r := e.json("POST", "/api/v1/cases/"+no+"/transitions", st.user, map[string]any{"action": st.action, "input": map[string]any{"note": "整改到位"}}); r.Status != 200 {
			t.Fatalf("%s: %d %s", st.action, r.Status, r.Raw)
		}
	}
	first := e.json("POST", "/api/v1/cases/"+no+"/closing-form", "wang.fang", nil)
	again := e.json("POST", "/api/v1/cases/"+no+"/closing-form", "wang.fang", nil)
	if first.Status != 201 || again.Status != 200 || again.Body["existing"] != true ||
		again.Body["document"].(map[string]any)["number"] != first.Body["document"].(map[string]any)["number"] {
		t.Fatalf("closing form twice: %d %s; %d %s", first.Status, first.Raw, again.Status, again.Raw)
	}
	// Once issued, the case page links the form instead of offering it again.
	closed := e.req("GET", "/cases/"+no, "wang.fang", "", nil).Raw
	formNo := first.Body["document"].(map[string]any)["number"].(string)
	if strings.Contains(closed, "生成销号审批表</button>") || !strings.Contains(closed, "本次销号的审批表已生成") || !strings.Contains(closed, formNo+"（PDF）") {
		t.Fatalf("the case page after the closing form: button %v, link %v", strings.Contains(closed, "生成销号审批表</button>"), strings.Contains(closed, formNo+"（PDF）"))
	}
}

func TestFeedbackLetterPage(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a := e.register("QH001", cases.LevelInternal)
	b := e.register("AP001", cases.LevelInternal)
	e.Service.Transition(ctx, cases.GlobalScope, b, testActor("li.ming", cases.RoleOffice), cases.ActionStartVerification, cases.Input{}, "", 0)
	e.Service.Transition(ctx, cases.GlobalScope, b, testActor("li.ming", cases.RoleOffice), cases.ActionDismiss, cases.Input{Reason: "查无实据"}, "", 0)
	ref := "云巡办移〔2026〕12号" // casetest registrations carry this reference
	page := e.req("GET", "/feedback/new?ref="+url.QueryEscape(ref), "li.ming", "", nil)
	if page.Status != 200 || !strings.Contains(page.Raw, a) || !strings.Contains(page.Raw, b) || !strings.Contains(page.Raw, "巡察工作领导小组办公室") {
		t.Fatalf("feedback page: %d", page.Status)
	}
	_, csrf := e.session("li.ming")
	form := url.Values{"csrf_token": {csrf}, "ref": {ref}, "addressee": {"中共云州市委巡察工作领导小组办公室"}, "case": {a, b}}
	r := e.req("POST", "/feedback/new", "li.ming", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if r.Status != 303 || !strings.Contains(r.Header.Get("Location"), "flash=") {
		t.Fatalf("issue feedback: %d %s", r.Status, r.Raw)
	}
	ds, _ := e.Docs.Documents(ctx, cases.GlobalScope, b)
	if len(ds) != 1 || ds[0].Kind != "feedback" {
		t.Fatalf("documents of the dismissed case: %+v", ds)
	}
	// Back on the page: the letter is linked, and the cases it reported as
	// they stand are no longer ticked.
	ticked := regexp.MustCompile(`name="case" value="([^"]+)" checked`)
	after := e.req("GET", r.Header.Get("Location"), "li.ming", "", nil).Raw
	if !strings.Contains(after, `href="/documents/`+ds[0].ID+`">`+ds[0].Number+`（PDF）`) {
		t.Fatalf("the page does not link the letter %s", ds[0].Number)
	}
	if m := ticked.FindAllStringSubmatch(after, -1); len(m) != 0 || !strings.Contains(after, "都已按当前状态反馈过") {
		t.Fatalf("ticked after issuing: %v", m)
	}
	// A case that moves on is ticked again, with what the letter said.
	if _, _, err := e.Service.Transition(ctx, cases.GlobalScope, a, testActor("li.ming", cases.RoleOffice), cases.ActionStartVerification, cases.Input{}, "", 0); err != nil {
		t.Fatal(err)
	}
	moved := e.req("GET", r.Header.Get("Location"), "li.ming", "", nil).Raw
	if m := ticked.FindAllStringSubmatch(moved, -1); len(m) != 1 || m[0][1] != a || !strings.Contains(moved, "当时为已登记，已有新进展") {
		t.Fatalf("ticked after %s moved: %v", a, m)
	}
}
