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

// regexpHash finds a hash in a JSON answer.
var regexpHash = regexp.MustCompile(`"(hash|prev_hash|head_hash)":"[0-9a-f]{64}"`)

// A reporter's ID and mobile numbers typed into a case: the API refuses
// them unless confirmed, naming the field and not echoing the number; the
// console warns and offers to confirm, keeping what was typed; once
// recorded, the unit reads them masked while the office reads them whole
// (issue 8, item 12).
func TestPersonalNumbersInTextAreConfirmedAndMaskedForUnits(t *testing.T) {
	e := newEnv(t)
	const id, mobile = "11010519491231002X", "13812345678"
	facts := "举报人王某，身份证" + id + "，电话" + mobile + "，反映有人长期不上班。"
	body := map[string]any{"source": "hotline", "source_ref": "12310-2026-0077", "unit_code": "QH001",
		"violation_kind": "D01", "title": "吃空饷", "facts": facts, "level": "internal"}

	r := e.json("POST", "/api/v1/cases", "sun.li", body)
	if r.Status != 400 || errOf(r)["field"] != "facts" || !strings.Contains(r.Raw, "身份证号码") || strings.Contains(r.Raw, id) {
		t.Fatalf("unconfirmed: %d %s", r.Status, r.Raw)
	}
	if n, _, _ := e.Service.Cases(context.Background(), cases.CaseFilter{Scope: cases.GlobalScope}); len(n) != 0 {
		t.Fatal("a refused registration was recorded")
	}
	// Written as people disguise them, found all the same; hidden by
	// invisible characters, refused as text (found by an attacker's review).
	for _, disguised := range []string{"TEL13812345678", "138.1234.5678", "１３８．１２３４．５６７８", "身份证110105 1949 1231 002X", "①③⑧①②③④⑤⑥⑦⑧"} {
		b := map[string]any{}
		for k, v := range body {
			b[k] = v
		}
		b["facts"] = "举报人" + disguised
		if r := e.json("POST", "/api/v1/cases", "sun.li", b); r.Status != 400 || errOf(r)["rule"] != "personal-data" {
			t.Errorf("%q: %d %s", disguised, r.Status, r.Raw)
		}
	}
	for _, hidden := range []string{"138\u200b1234\u200b5678", "138\u20601234", "138\u00ad1234"} {
		raw := `{"source":"hotline","source_ref":"12310-2026-0079","unit_code":"QH001","violation_kind":"D01","title":"吃空饷","level":"internal","facts":"举报人` + hidden + `"}`
		if r := e.json("POST", "/api/v1/cases", "sun.li", raw); r.Status != 400 || errOf(r)["field"] != "facts" {
			t.Errorf("%s: %d %s", hidden, r.Status, r.Raw)
		}
	}
	body["confirm_personal_data"] = true
	r = e.json("POST", "/api/v1/cases", "sun.li", body)
	if r.Status != 201 {
		t.Fatalf("confirmed: %d %s", r.Status, r.Raw)
	}
	no := r.Body["no"].(string)

	if r = e.json("GET", "/api/v1/cases/"+no, "li.ming", nil); !strings.Contains(r.Raw, id) {
		t.Errorf("the office does not read the number it confirmed: %s", r.Raw)
	}
	for _, path := range []string{"/api/v1/cases/" + no, "/api/v1/cases/" + no + "/events", "/cases/" + no, "/api/v1/cases?q=" + url.QueryEscape("吃空饷")} {
		r = e.req("GET", path, "unit.qh001", "", nil)
		if r.Status != 200 || strings.Contains(r.Raw, id) || strings.Contains(r.Raw, mobile) || !strings.Contains(r.Raw, "1101**********002X") || !strings.Contains(r.Raw, "138****5678") {
			t.Errorf("the unit reads %s: %d %.300s", path, r.Status, r.Raw)
		}
	}

	// A comment on a transition: refused unless confirmed.
	tr := map[string]any{"action": "start_verification", "comment": "已电话联系举报人 138 1234 5678"}
	if r = e.json("POST", "/api/v1/cases/"+no+"/transitions", "li.ming", tr); r.Status != 400 || errOf(r)["field"] != "comment" {
		t.Fatalf("comment unconfirmed: %d %s", r.Status, r.Raw)
	}
	tr["confirm_personal_data"] = true
	if r = e.json("POST", "/api/v1/cases/"+no+"/transitions", "li.ming", tr); r.Status != 200 {
		t.Fatalf("comment confirmed: %d %s", r.Status, r.Raw)
	}

	// A linkage department reads the numbers masked and no hash that would
	// let it try the hidden digits; neither it nor the unit can search for
	// the hidden digits.
	r = e.req("GET", "/api/v1/cases/"+no+"/events", "liaison.rsj", "", nil)
	if r.Status != 200 || strings.Contains(r.Raw, id) || strings.Contains(r.Raw, mobile) || regexpHash.MatchString(r.Raw) {
		t.Errorf("liaison events: %d %.400s", r.Status, r.Raw)
	}
	if r = e.req("GET", "/api/v1/cases/"+no, "liaison.rsj", "", nil); regexpHash.MatchString(r.Raw) || strings.Contains(r.Raw, mobile) {
		t.Errorf("liaison case: %.400s", r.Raw)
	}
	for _, user := range []string{"unit.qh001", "liaison.rsj"} {
		for _, q := range []string{mobile, "12345678", "19491231002"} {
			r = e.req("GET", "/api/v1/cases?q="+q, user, "", nil)
			if r.Status != 200 || r.Body["total"] != float64(0) {
				t.Errorf("%s searching %s: %d total %v", user, q, r.Status, r.Body["total"])
			}
		}
	}
	if r = e.req("GET", "/api/v1/cases?q="+mobile, "li.ming", "", nil); r.Body["total"] != float64(1) {
		t.Errorf("the office searching the number: total %v", r.Body["total"])
	}

	// A notice: requirements with a number are refused unless confirmed;
	// the document, which goes to the unit, prints every number masked.
	notice := map[string]any{"unit_code": "QH001", "working_days": 15,
		"items": []any{map[string]any{"no": no, "requirements": "请与举报人（13987654321）核实后整改"}}}
	if r = e.json("POST", "/api/v1/notices", "li.ming", notice); r.Status != 400 || errOf(r)["field"] != "items[0].requirements" {
		t.Fatalf("notice unconfirmed: %d %s", r.Status, r.Raw)
	}
	notice["confirm_personal_data"] = true
	if r = e.json("POST", "/api/v1/notices", "li.ming", notice); r.Status != 201 {
		t.Fatalf("notice confirmed: %d %s", r.Status, r.Raw)
	}
	docID := r.Body["document"].(map[string]any)["id"].(string)
	text := pdftest.Text(t, []byte(e.req("GET", "/api/v1/documents/"+docID+"/pdf", "unit.qh001", "", nil).Raw))
	for _, full := range []string{id, mobile, "13987654321"} {
		if strings.Contains(strings.ReplaceAll(text, "\n", ""), full) {
			t.Errorf("the notice prints %s in full", full)
		}
	}
	if !strings.Contains(text, "139****4321") {
		t.Errorf("the notice does not print the masked number: %.500s", text)
	}

	// The console: a warning naming the field, what was typed kept, a box
	// to confirm; ticked, it registers.
	_, csrf := e.session("li.ming")
	form := url.Values{"csrf_token": {csrf}, "source": {"hotline"}, "source_ref": {"12310-2026-0078"}, "unit_code": {"QH001"},
		"violation_kind": {"D01"}, "title": {"吃空饷"}, "facts": {"电话" + mobile}, "level": {"internal"}}
	page := e.req("POST", "/cases/new", "li.ming", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if page.Status != 400 || !strings.Contains(page.Raw, "问题事实中含有疑似手机号码") || !strings.Contains(page.Raw, `name="confirm_personal_data"`) || !strings.Contains(page.Raw, "电话"+mobile) {
		t.Fatalf("console warning: %d", page.Status)
	}
	form.Set("confirm_personal_data", "on")
	page = e.req("POST", "/cases/new", "li.ming", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if page.Status != 303 {
		t.Fatalf("console confirmed: %d %.300s", page.Status, page.Raw)
	}
}
