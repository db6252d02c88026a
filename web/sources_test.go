package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"rectify/cases"
	"rectify/cases/casetest"
)

// TestCasePageShowsEverySource: a report merged into a case shows on its
// page and in its timeline, the ledger finds the case by the merged
// channel, and a unit reads the channels without their references.
func TestCasePageShowsEverySource(t *testing.T) {
	e := newEnv(t)
	no := e.register("QH001", cases.LevelInternal)
	r := e.json("POST", "/api/v1/cases/"+no+"/transitions", "li.ming", map[string]any{"action": "add_source",
		"input": map[string]any{"source": "hotline", "reference": "12310-2026-0042"}})
	if r.Status != 200 {
		t.Fatalf("add_source: %d %s", r.Status, r.Raw)
	}
	if bad := e.json("POST", "/api/v1/cases/"+no+"/transitions", "li.ming", map[string]any{"action": "add_source",
		"input": map[string]any{"source": "", "reference": ""}}); bad.Status != 400 || len(errOf(bad)["fields"].([]any)) != 2 {
		t.Fatalf("an empty source: %d %s", bad.Status, bad.Raw)
	}
	page := e.req("GET", "/cases/"+no, "li.ming", "", nil).Raw
	for _, want := range []string{"并入来源", "12310举报", "12310-2026-0042"} {
		if !strings.Contains(page, want) {
			t.Errorf("the case page lacks %s", want)
		}
	}
	if unit := e.req("GET", "/cases/"+no, "unit.qh001", "", nil).Raw; strings.Contains(unit, "12310-2026-0042") {
		t.Error("the unit reads the merged reference")
	}
	if l := e.req("GET", "/ledger?source=hotline", "li.ming", "", nil).Raw; !strings.Contains(l, no) {
		t.Error("the ledger does not find the case by its merged source")
	}
	if l := e.req("GET", "/ledger?repeat=1", "li.ming", "", nil); l.Status != 200 || strings.Contains(l.Raw, no) {
		t.Errorf("repeat filter: %d", l.Status)
	}
	if l := e.req("GET", "/ledger?repeat=2", "li.ming", "", nil); l.Status != 400 && !strings.Contains(l.Raw, "屡查屡犯") {
		t.Errorf("a bad repeat filter: %d", l.Status)
	}
}

// TestRegisteringARepeatNamesTheEarlierCase: a problem registered through
// the form for a unit whose case of the same kind was closed names that
// case at once, and the case page shows the link.
func TestRegisteringARepeatNamesTheEarlierCase(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	first := e.register("QH001", cases.LevelInternal)
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
		if _, _, err := e.Service.Transition(ctx, cases.GlobalScope, first, st.actor, st.a, st.in, "", 0); err != nil {
			t.Fatal(err)
		}
	}
	reg := casetest.Registration("QH001")
	form := url.Values{"source": {reg.Source}, "source_ref": {"云巡办移〔2026〕88号"}, "unit_code": {"QH001"}, "violation_kind": {reg.Kind},
		"title": {reg.Title}, "facts": {reg.Facts}, "level": {"internal"}}
	// The form names the earlier case first, keeps what was typed and
	// writes nothing: no case, no key, no number.
	before := e.counts()
	r := e.postForm("/cases/new", "li.ming", form)
	if r.Status != 200 || !strings.Contains(r.Raw, `id="repeats"`) || !strings.Contains(r.Raw, `<a href="/cases/`+first+`">`+first+`</a>`) ||
		!strings.Contains(r.Raw, "销号）") || !strings.Contains(r.Raw, reg.Title) || !strings.Contains(r.Raw, `name="repeat_ack" value="`+first+`"`) {
		t.Fatalf("first post: %d %.1500s", r.Status, r.Raw)
	}
	for col, n := range e.counts() {
		if before[col] != n {
			t.Errorf("%s: %d documents, was %d: the repeat step wrote", col, n, before[col])
		}
	}
	// An acknowledgement of other cases (the form changed) does not count.
	form.Set("repeat_ack", "2020-0001")
	if r := e.postForm("/cases/new", "li.ming", form); r.Status != 200 || !strings.Contains(r.Raw, `id="repeats"`) {
		t.Fatalf("stale acknowledgement: %d", r.Status)
	}
	form.Set("repeat_ack", first)
	r = e.postForm("/cases/new", "li.ming", form)
	if r.Status != 303 {
		t.Fatalf("register: %d %s", r.Status, r.Raw)
	}
	page := e.req("GET", r.Header.Get("Location"), "li.ming", "", nil).Raw
	if !strings.Contains(page, "三年内同类问题已销号："+first) || !strings.Contains(page, `<span class="badge repeat">屡查屡犯</span>`) {
		t.Fatalf("the new case does not name %s as the earlier case", first)
	}
	if l := e.req("GET", "/ledger?repeat=1", "li.ming", "", nil).Raw; !strings.Contains(l, "屡查屡犯</span>") {
		t.Fatal("the repeat filter lists no repeat case")
	}
}
