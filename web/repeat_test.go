package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"rectify/cases"
	"rectify/cases/casetest"
)

// closedCase registers a case of unit and takes it to closed.
func (e *testEnv) closedCase(unit string) string {
	e.t.Helper()
	ctx := context.Background()
	no := e.register(unit, cases.LevelInternal)
	for _, st := range []struct {
		actor cases.Actor
		a     cases.Action
		in    cases.Input
	}{
		{casetest.Office, cases.ActionStartVerification, cases.Input{}},
		{casetest.Office, cases.ActionOrderRectification, cases.Input{Requirements: "清退", WorkingDays: 10}},
		{casetest.UnitActor, cases.ActionSubmit, cases.Input{Report: "已清退", Evidence: []string{"a.pdf"}}},
		{casetest.Office, cases.ActionConfirm, cases.Input{Note: "到位"}},
		{casetest.Approver, cases.ActionClose, cases.Input{}},
	} {
		if _, _, err := e.Service.Transition(ctx, cases.GlobalScope, no, st.actor, st.a, st.in, "", 0); err != nil {
			e.t.Fatal(err)
		}
	}
	return no
}

// TestRegisteringNotARepeatRecordsWhy: the repeat prompt offers "not a
// repeat" too; chosen without a reason it shows the form again and writes
// nothing, with a reason it registers the case as no repeat and the case's
// timeline shows why.
func TestRegisteringNotARepeatRecordsWhy(t *testing.T) {
	e := newEnv(t)
	first := e.closedCase("QH001")
	reg := casetest.Registration("QH001")
	form := url.Values{"source": {reg.Source}, "source_ref": {"云巡办移〔2026〕88号"}, "unit_code": {"QH001"}, "violation_kind": {reg.Kind},
		"title": {reg.Title}, "facts": {reg.Facts}, "level": {"internal"}}
	r := e.postForm("/cases/new", "li.ming", form)
	if r.Status != 200 || !strings.Contains(r.Raw, `name="repeat" value="no"`) || !strings.Contains(r.Raw, `name="not_repeat_reason"`) {
		t.Fatalf("the prompt offers no \"not a repeat\": %d %.1500s", r.Status, r.Raw)
	}
	form.Set("repeat_ack", first)
	form.Set("repeat", "no")
	form.Set("not_repeat_reason", "  ")
	before := e.counts()
	r = e.postForm("/cases/new", "li.ming", form)
	if r.Status != 400 || !strings.Contains(r.Raw, `id="repeats"`) || !strings.Contains(r.Raw, "请填写不属于屡查屡犯的理由") || !strings.Contains(r.Raw, reg.Title) {
		t.Fatalf("no reason: %d %.1500s", r.Status, r.Raw)
	}
	for col, n := range e.counts() {
		if before[col] != n {
			t.Errorf("%s: %d documents, was %d: a refused answer wrote", col, n, before[col])
		}
	}
	const why = "前案系借调人员超期，本案为新进人员超编，事项不同"
	form.Set("not_repeat_reason", why)
	r = e.postForm("/cases/new", "li.ming", form)
	if got := e.follow(r, "li.ming"); !strings.Contains(got, "不记为屡查屡犯") {
		t.Fatalf("notice %q", got)
	}
	no, _, _ := strings.Cut(strings.TrimPrefix(r.Header.Get("Location"), "/cases/"), "?")
	k, err := e.Service.Case(context.Background(), cases.GlobalScope, no)
	if err != nil {
		t.Fatal(err)
	}
	if len(k.RepeatOf) != 0 {
		t.Fatalf("registered as a repeat of %v", k.RepeatOf)
	}
	page := e.req("GET", "/cases/"+no, "li.ming", "", nil).Raw
	if !strings.Contains(page, "不属于屡查屡犯："+why+"（同类已销号问题："+first+"）") || strings.Contains(page, `<span class="badge repeat">`) {
		t.Fatalf("the timeline does not say why %s is no repeat", no)
	}
	evs := e.req("GET", "/api/v1/cases/"+no+"/events", "li.ming", "", nil)
	if !strings.Contains(evs.Raw, `"not_repeat_reason":"`+why+`"`) || !strings.Contains(evs.Raw, `"not_repeat_of":["`+first+`"]`) {
		t.Fatalf("the registration event does not keep the reason: %.1500s", evs.Raw)
	}
}

// TestAPIRegistersNotARepeat: the API takes the same answer as a field; a
// blank reason is refused naming it.
func TestAPIRegistersNotARepeat(t *testing.T) {
	e := newEnv(t)
	first := e.closedCase("QH001")
	reg := casetest.Registration("QH001")
	body := map[string]any{"source": reg.Source, "source_ref": "云巡办移〔2026〕89号", "unit_code": "QH001", "violation_kind": reg.Kind,
		"title": reg.Title, "facts": reg.Facts, "level": "internal", "not_repeat_reason": " "}
	r := e.json("POST", "/api/v1/cases", "li.ming", body)
	if r.Status != 400 || errOf(r)["field"] != "not_repeat_reason" {
		t.Fatalf("blank reason: %d %s", r.Status, r.Raw)
	}
	body["not_repeat_reason"] = "事项不同"
	r = e.json("POST", "/api/v1/cases", "li.ming", body)
	if r.Status != 201 || r.Body["repeat_of"] != nil {
		t.Fatalf("register: %d %s", r.Status, r.Raw)
	}
	// Without a reason the same registration is a repeat, as before.
	delete(body, "not_repeat_reason")
	body["source_ref"] = "云巡办移〔2026〕90号"
	r = e.json("POST", "/api/v1/cases", "li.ming", body)
	if r.Status != 201 || !strings.Contains(r.Raw, `"repeat_of":["`+first+`"]`) {
		t.Fatalf("register a repeat: %d %s", r.Status, r.Raw)
	}
}
