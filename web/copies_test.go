package web_test

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"rectify/cases"
	"rectify/templates/pdftest"
)

// TestSecretNoticeCopies: the order form of a secret case asks how many
// copies; the notice is issued in that many, the case page links each copy
// by its 份号, and each copy downloads with its own 份号; a copy the notice
// was not issued in is not found and a malformed one is refused.
func TestSecretNoticeCopies(t *testing.T) {
	e := newEnv(t)
	no := e.register("QH001", cases.LevelSecret)
	if r := e.json("POST", "/api/v1/cases/"+no+"/transitions", "li.ming", map[string]any{"action": "start_verification"}); r.Status != 200 {
		t.Fatalf("start verification: %d %s", r.Status, r.Raw)
	}
	page := e.req("GET", "/cases/"+no, "li.ming", "", nil)
	if !strings.Contains(page.Raw, `name="copies"`) {
		t.Fatal("the order form of a secret case does not ask for the number of copies")
	}
	bad := e.postForm("/cases/"+no+"/actions", "li.ming", url.Values{"action": {"order_rectification"}, "requirements": {"清退超编人员"},
		"working_days": {"15"}, "copies": {"99"}, "expected_version": {"2"}})
	if bad.Status != 400 || !strings.Contains(bad.Raw, "份数须为 1 至 50") || !strings.Contains(bad.Raw, `value="99"`) {
		t.Errorf("99 copies: %d, want the form again with the message and what was typed", bad.Status)
	}
	r := e.postForm("/cases/"+no+"/actions", "li.ming", url.Values{"action": {"order_rectification"}, "requirements": {"清退超编人员"},
		"working_days": {"15"}, "copies": {"3"}, "expected_version": {"2"}})
	if r.Status != 303 {
		t.Fatalf("order: %d %s", r.Status, r.Raw)
	}
	page = e.req("GET", "/cases/"+no, "li.ming", "", nil)
	m := regexp.MustCompile(`<a href="/documents/([^"?]+)\?copy=3">000003</a>`).FindStringSubmatch(page.Raw)
	if m == nil || !strings.Contains(page.Raw, "共 3 份") {
		t.Fatalf("the case page does not link the 3 copies")
	}
	for k, want := range map[string]string{"": "000001", "1": "000001", "2": "000002", "3": "000003"} {
		path := "/documents/" + m[1]
		if k != "" {
			path += "?copy=" + k
		}
		pdf := e.req("GET", path, "li.ming", "", nil)
		if pdf.Status != 200 {
			t.Fatalf("%s: %d", path, pdf.Status)
		}
		if text := pdftest.Text(t, []byte(pdf.Raw)); !strings.HasPrefix(text, want+"秘密") {
			t.Errorf("%s starts %.20s, want 份号 %s", path, text, want)
		}
	}
	if r := e.req("GET", "/documents/"+m[1]+"?copy=4", "li.ming", "", nil); r.Status != 404 {
		t.Errorf("copy 4 of 3: %d, want 404", r.Status)
	}
	if r := e.req("GET", "/documents/"+m[1]+"?copy=x", "li.ming", "", nil); r.Status != 400 {
		t.Errorf("copy x: %d, want 400", r.Status)
	}
}

// TestSecretLetterCopies: the feedback letter form takes the number of
// copies; a secret letter is issued in that many, each downloadable with
// its 份号; a number that is not one is refused with the form shown again.
func TestSecretLetterCopies(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	no := e.register("QH001", cases.LevelSecret)
	ref := "云巡办移〔2026〕12号" // casetest registrations carry this reference
	form := url.Values{"ref": {ref}, "addressee": {"中共云州市委巡察工作领导小组办公室"}, "case": {no}, "copies": {"两份"}}
	if r := e.postForm("/feedback/new", "li.ming", form); r.Status != 400 || !strings.Contains(r.Raw, "份数须为整数") || !strings.Contains(r.Raw, `value="两份"`) {
		t.Errorf("copies 两份: %d, want the form again with the message and what was typed", r.Status)
	}
	form.Set("copies", "2")
	if r := e.postForm("/feedback/new", "li.ming", form); r.Status != 303 {
		t.Fatalf("issue feedback: %d %s", r.Status, r.Raw)
	}
	ds, err := e.Docs.Documents(ctx, cases.GlobalScope, no)
	if err != nil || len(ds) != 1 || ds[0].Copies != 2 {
		t.Fatalf("documents: %+v %v", ds, err)
	}
	pdf := e.req("GET", "/documents/"+ds[0].ID+"?copy=2", "li.ming", "", nil)
	if text := pdftest.Text(t, []byte(pdf.Raw)); pdf.Status != 200 || !strings.Contains(text, "000002") || strings.Contains(text, "000001") {
		t.Errorf("letter copy 2: %d %.40s", pdf.Status, text)
	}
}
