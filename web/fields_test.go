package web_test

import (
	"context"
	"net/url"
	"rectify/cases"
	"rectify/cases/casetest"
	"strings"
	"testing"
)

// TestRegistrationReportsEveryBadField: three bad fields are answered at
// once, by the API and in the console's form, each next to its field.
func TestRegistrationReportsEveryBadField(t *testing.T) {
	e := newEnv(t)
	reg := map[string]any{"source": "patrol", "source_ref": "云巡办移〔2026〕21号", "unit_code": "QH001", "violation_kind": "X99",
		"title": "", "facts": "", "level": "internal"}
	r := e.json("POST", "/api/v1/cases", "li.ming", reg)
	er := errOf(r)
	fields, _ := er["fields"].([]any)
	if r.Status != 400 || er["field"] != "violation_kind" || len(fields) != 3 {
		t.Fatalf("register with three bad fields: %d %s", r.Status, r.Raw)
	}
	for i, want := range []string{"violation_kind", "title", "facts"} {
		if f := fields[i].(map[string]any); f["field"] != want || f["message"] == "" {
			t.Errorf("fields[%d] = %v, want %s", i, f, want)
		}
	}

	_, csrf := e.session("li.ming")
	form := url.Values{"csrf_token": {csrf}, "source": {"patrol"}, "source_ref": {"云巡办移〔2026〕21号"}, "unit_code": {"QH001"},
		"violation_kind": {"X99"}, "title": {""}, "facts": {""}, "level": {"internal"}}
	page := e.req("POST", "/cases/new", "li.ming", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if page.Status != 400 {
		t.Fatalf("console register: %d", page.Status)
	}
	for _, want := range []string{"未知的问题类型「X99」", "请填写问题标题", "请填写问题事实"} {
		if !strings.Contains(page.Raw, `<span class="field-error">`+want) {
			t.Errorf("the form does not show %q next to its field", want)
		}
	}
}

// TestActionFormReportsEveryBadField: an action form posted with two bad
// inputs shows both messages, each under its own input.
func TestActionFormReportsEveryBadField(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	no := e.register("QH001", cases.LevelInternal)
	e.Service.Transition(ctx, cases.GlobalScope, no, casetest.Office, cases.ActionStartVerification, cases.Input{}, "", 0)
	e.Service.Transition(ctx, cases.GlobalScope, no, casetest.Office, cases.ActionOrderRectification, cases.Input{Requirements: "清退超编人员", WorkingDays: 15}, "", 0)
	_, csrf := e.session(unit)
	form := url.Values{"csrf_token": {csrf}, "action": {"submit"}, "expected_version": {"3"}, "report": {""}, "evidence": {""}}
	r := e.req("POST", "/cases/"+no+"/actions", unit, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if r.Status < 400 {
		t.Fatalf("an empty report was accepted: %d", r.Status)
	}
	if n := strings.Count(r.Raw, `class="field-error"`); n < 2 {
		t.Fatalf("%d field messages on the form, want the report's and the evidence's:\n%.3000s", n, r.Raw)
	}
}
