package web_test

import (
	"bytes"
	"context"
	"mime"
	"mime/multipart"
	"regexp"
	"strings"
	"testing"

	"rectify/cases"
)

// plainName is the filename parameter (the ASCII fallback) of a
// Content-Disposition header; mime.ParseMediaType would answer filename*
// in its place.
var plainName = regexp.MustCompile(`;\s*filename=("?)([^";]*)("?)`)

// downloadNames are the ASCII and UTF-8 names a Content-Disposition gives.
func downloadNames(t *testing.T, cd string) (ascii, name string) {
	t.Helper()
	m := plainName.FindStringSubmatch(cd)
	if m == nil {
		t.Fatalf("no filename in %q", cd)
	}
	_, params, err := mime.ParseMediaType(cd)
	if err != nil {
		t.Fatalf("%q: %v", cd, err)
	}
	return m[2], params["filename"]
}

// TestDownloadNames: every kind of document downloads under a plain name
// telling its kind and number (it was 2026-1.pdf for every kind, and
// download.pdf for a briefing) and a Chinese name with its document number.
func TestDownloadNames(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	no := e.register("QH001", cases.LevelInternal)
	e.Service.Transition(ctx, cases.GlobalScope, no, testActor("li.ming", cases.RoleOffice), cases.ActionStartVerification, cases.Input{}, "", 0)
	notice := e.json("POST", "/api/v1/notices", "li.ming", map[string]any{"unit_code": "QH001", "working_days": 10, "items": []map[string]any{{"no": no, "requirements": "清退超编人员"}}})
	if notice.Status != 201 {
		t.Fatalf("notice: %d %s", notice.Status, notice.Raw)
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", "整改报告.pdf")
	fw.Write([]byte("%PDF-1.4 整改报告"))
	mw.Close()
	up := e.req("POST", "/api/v1/cases/"+no+"/evidence", "unit.qh001", mw.FormDataContentType(), &buf)
	if up.Status != 201 {
		t.Fatalf("upload: %d %s", up.Status, up.Raw)
	}
	ref := up.Body["refs"].([]any)[0].(string)
	for _, st := range []struct{ user, action string }{{"unit.qh001", "submit"}, {"li.ming", "confirm"}, {"wang.fang", "close"}} {
		in := map[string]any{"report": "已整改", "note": "整改到位", "evidence": []string{ref}}
		if r := e.json("POST", "/api/v1/cases/"+no+"/transitions", st.user, map[string]any{"action": st.action, "input": in}); r.Status != 200 {
			t.Fatalf("%s: %d %s", st.action, r.Status, r.Raw)
		}
	}
	closing := e.json("POST", "/api/v1/cases/"+no+"/closing-form", "wang.fang", nil)
	if closing.Status != 201 {
		t.Fatalf("closing form: %d %s", closing.Status, closing.Raw)
	}
	fb := map[string]any{"addressee": "中共云州市委巡察工作领导小组办公室", "reference": "云巡办移〔2026〕21号", "cases": []string{no}}
	feedback := e.json("POST", "/api/v1/feedback-letters", "li.ming", fb)
	if feedback.Status != 201 {
		t.Fatalf("feedback: %d %s", feedback.Status, feedback.Raw)
	}
	doc := func(r response) (string, string) {
		d := r.Body["document"].(map[string]any)
		return d["id"].(string), d["number"].(string)
	}
	nID, nNo := doc(notice)
	cID, cNo := doc(closing)
	fID, fNo := doc(feedback)
	seq := regexp.MustCompile(`〔(\d{4})〕(\d+)号`)
	plain := func(kind, number string) string {
		m := seq.FindStringSubmatch(number)
		return kind + "-" + m[1] + "-" + strings.Repeat("0", 4-len(m[2])) + m[2] + ".pdf"
	}
	// A preview needs a case a notice may still be issued for.
	open := e.register("QH001", cases.LevelInternal)
	e.Service.Transition(ctx, cases.GlobalScope, open, testActor("li.ming", cases.RoleOffice), cases.ActionStartVerification, cases.Input{}, "", 0)
	day := regexp.MustCompile(`^briefing-QH001-\d{4}-\d{2}-\d{2}\.pdf$`)
	tests := []struct {
		name, user, method, path string
		body                     map[string]any
		ascii, utf8              string // utf8 "" with ascii a pattern: matched
	}{
		{"Notice", "li.ming", "GET", "/api/v1/documents/" + nID + "/pdf", nil, plain("notice", nNo), "整改通知书_" + nNo + ".pdf"},
		{"NoticeConsole", "unit.qh001", "GET", "/documents/" + nID + "?download=1", nil, plain("notice", nNo), "整改通知书_" + nNo + ".pdf"},
		{"ClosingForm", "li.ming", "GET", "/api/v1/documents/" + cID + "/pdf", nil, plain("closing", cNo), "销号审批表_" + cNo + ".pdf"},
		{"FeedbackLetter", "li.ming", "GET", "/documents/" + fID, nil, plain("feedback", fNo), "反馈函_" + fNo + ".pdf"},
		{"NoticePreview", "li.ming", "POST", "/api/v1/notices?preview=true", map[string]any{"unit_code": "QH001", "working_days": 10, "items": []map[string]any{{"no": open, "requirements": "清退"}}}, "notice-preview.pdf", "整改通知书预览.pdf"},
		{"FeedbackPreview", "li.ming", "POST", "/api/v1/feedback-letters?preview=true", fb, "feedback-preview.pdf", "反馈函预览.pdf"},
		{"Briefing", "zhou.qiang", "GET", "/units/QH001/briefing/pdf", nil, "", "清河县"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.json(tt.method, tt.path, tt.user, tt.body)
			if r.Status != 200 || !strings.HasPrefix(r.Raw, "%PDF") {
				t.Fatalf("%s %s: %d %.200s", tt.method, tt.path, r.Status, r.Raw)
			}
			ascii, name := downloadNames(t, r.Header.Get("Content-Disposition"))
			if tt.ascii == "" {
				// A briefing: by unit and date.
				if !day.MatchString(ascii) || !strings.HasPrefix(name, tt.utf8) || !strings.Contains(name, "巡察前通报_") {
					t.Errorf("names %q and %q", ascii, name)
				}
				return
			}
			if ascii != tt.ascii || name != tt.utf8 {
				t.Errorf("names %q and %q, want %q and %q", ascii, name, tt.ascii, tt.utf8)
			}
		})
	}
}
