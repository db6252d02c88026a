package web_test

import (
	"net/url"
	"strings"
	"testing"

	"rectify/cases"
)

// The public verification page: without a code it asks for one; with a
// code it shows what the document itself shows — issuing office, title,
// number, kind, date — and whether the archived file is intact.
func TestVerifyPage(t *testing.T) {
	e := newEnv(t)
	no := e.register("QH001", cases.LevelInternal)
	r := e.json("POST", "/api/v1/cases/"+no+"/transitions", "li.ming", map[string]any{"action": "start_verification"})
	if r.Status != 200 {
		t.Fatalf("start verification: %d %s", r.Status, r.Raw)
	}
	r = e.json("POST", "/api/v1/notices", "li.ming", map[string]any{"unit_code": "QH001", "working_days": 10,
		"items": []map[string]any{{"no": no, "requirements": "清退超编人员"}}})
	if r.Status != 201 {
		t.Fatalf("notice: %d %s", r.Status, r.Raw)
	}
	doc := r.Body["document"].(map[string]any)
	number, code, title := doc["number"].(string), doc["verify_code"].(string), doc["title"].(string)

	t.Run("NoCodeAsksForOne", func(t *testing.T) {
		r := e.req("GET", "/verify", "", "", nil)
		if r.Status != 200 || !strings.Contains(r.Raw, `action="/verify"`) || !strings.Contains(r.Raw, `name="code"`) {
			t.Fatalf("GET /verify: %d %s", r.Status, r.Raw)
		}
	})
	t.Run("TypedCodeLeadsToItsPage", func(t *testing.T) {
		r := e.req("GET", "/verify?code="+url.QueryEscape(" "+strings.ToLower(code)+" "), "", "", nil)
		if want := "/verify/" + strings.ReplaceAll(code, "-", ""); r.Status != 303 || r.Header.Get("Location") != want {
			t.Fatalf("typed code: %d %q, want 303 to %s", r.Status, r.Header.Get("Location"), want)
		}
	})
	t.Run("OK", func(t *testing.T) {
		r := e.req("GET", "/verify/"+strings.ReplaceAll(code, "-", ""), "", "", nil)
		if r.Status != 200 {
			t.Fatalf("verify: %d", r.Status)
		}
		for _, want := range []string{"中共云州市委机构编制委员会办公室", title, number, "整改通知书", "存档文件完好", code} {
			if !strings.Contains(r.Raw, want) {
				t.Errorf("the verification page does not show %q", want)
			}
		}
		if strings.Contains(r.Raw, no) || strings.Contains(r.Raw, "清退超编人员") || strings.Contains(r.Raw, `name="code"`) {
			t.Error("the verification page shows more than the document: cases, requirements or a needless form")
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		r := e.req("GET", "/verify/ZZZZZZZZ", "", "", nil)
		if r.Status != 404 || !strings.Contains(r.Raw, "没有与此核验码对应的文件") || !strings.Contains(r.Raw, `value="ZZZZ-ZZZZ"`) {
			t.Fatalf("unknown code: %d, want 404 with the box to try again", r.Status)
		}
	})
}
