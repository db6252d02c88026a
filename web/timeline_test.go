package web_test

import (
	"bytes"
	"mime/multipart"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// timelineOf cuts the case page's timeline out of its HTML.
func timelineOf(t *testing.T, page string) string {
	t.Helper()
	_, rest, ok := strings.Cut(page, `id="timeline"`)
	if !ok {
		t.Fatal("no timeline on the case page")
	}
	tl, _, _ := strings.Cut(rest, "</ol>")
	return tl
}

// The timeline names what each step issued: the notice by kind and number,
// linked to it; the evidence by file name, linked to the file; a recorded
// document by 文号, never as a transfer reference (移交文号). The unit
// liaison sees the notice and its own evidence, not the office's closing
// form.
func TestCaseTimelineNamesDocumentsAndEvidence(t *testing.T) {
	e := newEnv(t)
	no := e.register("QH001", "internal")
	// The console's order issues the notice with it.
	if r := e.json("POST", "/api/v1/cases/"+no+"/transitions", "li.ming", map[string]any{"action": "start_verification"}); r.Status != 200 {
		t.Fatalf("start verification: %d %s", r.Status, r.Raw)
	}
	_, csrf := e.session("li.ming")
	order := url.Values{"csrf_token": {csrf}, "action": {"order_rectification"}, "requirements": {"清退超编人员"}, "working_days": {"15"}}
	if r := e.req("POST", "/cases/"+no+"/actions", "li.ming", "application/x-www-form-urlencoded", strings.NewReader(order.Encode())); r.Status != 303 {
		t.Fatalf("order: %d %s", r.Status, r.Raw)
	}

	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", "清退名单.pdf")
	fw.Write([]byte("%PDF-1.4 清退名单"))
	mw.Close()
	up := e.req("POST", "/api/v1/cases/"+no+"/evidence", "unit.qh001", mw.FormDataContentType(), &buf)
	if up.Status != 201 {
		t.Fatalf("upload: %d %s", up.Status, up.Raw)
	}
	ref := up.Body["refs"].([]any)[0].(string)
	evID := strings.TrimPrefix(ref, "evidence:")
	if r := e.json("POST", "/api/v1/cases/"+no+"/transitions", "unit.qh001", map[string]any{"action": "submit", "input": map[string]any{"report": "已清退", "evidence": []string{ref}}}); r.Status != 200 {
		t.Fatalf("submit: %d %s", r.Status, r.Raw)
	}
	for _, st := range []struct{ user, action string }{{"li.ming", "confirm"}, {"wang.fang", "close"}} {
		if r := e.json("POST", "/api/v1/cases/"+no+"/transitions", st.user, map[string]any{"action": st.action, "input": map[string]any{"note": "同意"}}); r.Status != 200 {
			t.Fatalf("%s: %d %s", st.action, r.Status, r.Raw)
		}
	}
	_, csrf = e.session("wang.fang")
	if r := e.req("POST", "/cases/"+no+"/closing-form", "wang.fang", "application/x-www-form-urlencoded", strings.NewReader(url.Values{"csrf_token": {csrf}}.Encode())); r.Status >= 400 {
		t.Fatalf("closing form: %d %s", r.Status, r.Raw)
	}

	notice := regexp.MustCompile(`<a href="/documents/([^"]+)">整改通知书 (云编督〔2026〕\d+号)</a>`)
	tl := timelineOf(t, e.req("GET", "/cases/"+no, "li.ming", "", nil).Raw)
	if !notice.MatchString(tl) {
		t.Errorf("the office's timeline does not link the notice by number:\n%s", tl)
	}
	if !strings.Contains(tl, `<a href="/cases/`+no+`/evidence/`+evID+`">清退名单.pdf</a>`) {
		t.Errorf("the office's timeline does not name the evidence file:\n%s", tl)
	}
	if strings.Contains(tl, "evidence:") || strings.Contains(tl, "document:") {
		t.Errorf("the timeline shows raw references:\n%s", tl)
	}
	if strings.Contains(tl, "移交文号") {
		t.Errorf("a recorded document is labelled 移交文号:\n%s", tl)
	}
	if !regexp.MustCompile(`销号审批表 云编销〔2026〕\d+号`).MatchString(tl) {
		t.Errorf("the closing form is not named in the timeline:\n%s", tl)
	}

	tl = timelineOf(t, e.req("GET", "/cases/"+no, "unit.qh001", "", nil).Raw)
	if !notice.MatchString(tl) || !strings.Contains(tl, "清退名单.pdf") {
		t.Errorf("the unit's timeline lacks the notice or its evidence:\n%s", tl)
	}
	if strings.Contains(tl, "销号审批表") || strings.Contains(tl, "云编销") {
		t.Errorf("the unit's timeline shows the office's closing form:\n%s", tl)
	}
}
