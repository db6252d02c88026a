package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"rectify/cases"
	"rectify/cases/casetest"
)

// TestOneNoticeForSeveralProblems: the console orders several problems of
// one unit in one notice, reports bad items under their own problem, and
// answers a second click with the notice it issued.
func TestOneNoticeForSeveralProblems(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	var nos []string
	for range 3 {
		no := e.register("QH001", cases.LevelInternal)
		if _, _, err := e.Service.Transition(ctx, cases.GlobalScope, no, casetest.Office, cases.ActionStartVerification, cases.Input{}, "", 0); err != nil {
			t.Fatal(err)
		}
		nos = append(nos, no)
	}
	if page := e.req("GET", "/cases/"+nos[0], "li.ming", "", nil).Raw; !strings.Contains(page, "该单位另有 2 个问题待下达整改要求") || !strings.Contains(page, `href="/notices/new?unit=QH001"`) {
		t.Fatal("the case page does not offer a combined notice")
	}
	if unit := e.req("GET", "/units/QH001", "li.ming", "", nil).Raw; !strings.Contains(unit, "合并下达整改通知书（3 个问题待下达）") {
		t.Fatal("the unit page does not offer a combined notice")
	}
	form := e.req("GET", "/notices/new?unit=QH001", "li.ming", "", nil)
	for _, no := range nos {
		if !strings.Contains(form.Raw, `name="case" value="`+no+`" checked`) {
			t.Fatalf("the form does not offer %s: %d", no, form.Status)
		}
	}
	_, csrf := e.session("li.ming")
	post := func(v url.Values) response {
		v.Set("csrf_token", csrf)
		v.Set("unit", "QH001")
		return e.req("POST", "/notices/new", "li.ming", "application/x-www-form-urlencoded", strings.NewReader(v.Encode()))
	}
	before := e.counts()
	bad := post(url.Values{"case": {nos[0], nos[1]}, "requirements." + nos[0]: {"清退超编人员"}, "working_days": {"15"}})
	if bad.Status != 400 || !strings.Contains(bad.Raw, "印发未成功") || !strings.Contains(bad.Raw, "清退超编人员</textarea>") {
		t.Fatalf("an item without requirements: %d", bad.Status)
	}
	if strings.Contains(bad.Raw, `value="`+nos[2]+`" checked`) || !strings.Contains(bad.Raw, `value="`+nos[1]+`" checked`) {
		t.Fatal("the form lost what was ticked")
	}
	if after := e.counts(); after["documents"] != before["documents"] || after["events"] != before["events"] {
		t.Fatalf("a refused notice wrote: %v → %v", before, after)
	}
	if none := post(url.Values{"working_days": {"15"}}); none.Status != 400 || !strings.Contains(none.Raw, "请至少勾选一个问题") {
		t.Fatalf("nothing ticked: %d", none.Status)
	}
	good := url.Values{"case": {nos[0], nos[1]}, "requirements." + nos[0]: {"清退超编人员"}, "requirements." + nos[1]: {"核减领导职数"}, "working_days": {"15"}}
	r := post(good)
	if r.Status != 303 || !strings.Contains(r.Header.Get("Location"), "doc=") {
		t.Fatalf("issue: %d %s", r.Status, r.Raw)
	}
	var number string
	for _, no := range nos[:2] {
		k, err := e.Service.Case(ctx, cases.GlobalScope, no)
		if err != nil || k.State != cases.StateRectifying {
			t.Fatalf("%s after the notice: %v %v", no, k.State, err)
		}
		ds, _ := e.Docs.Documents(ctx, cases.GlobalScope, no)
		if len(ds) != 1 || number != "" && ds[0].Number != number {
			t.Fatalf("documents of %s: %+v", no, ds)
		}
		number = ds[0].Number
	}
	done := e.req("GET", r.Header.Get("Location"), "li.ming", "", nil).Raw
	if !strings.Contains(done, number+"（PDF）") || strings.Contains(done, `value="`+nos[0]+`"`) || !strings.Contains(done, `value="`+nos[2]+`"`) {
		t.Fatalf("after issuing the page should link %s and offer only %s", number, nos[2])
	}
	again := post(good)
	if loc := again.Header.Get("Location"); again.Status != 303 || !strings.Contains(loc, "notice-existing") {
		t.Fatalf("a second click: %d %s", again.Status, loc)
	}
	if ds, _ := e.Docs.Documents(ctx, cases.GlobalScope, nos[0]); len(ds) != 1 {
		t.Fatalf("a second click issued another notice: %d documents", len(ds))
	}
	for _, u := range []string{"wang.fang", "unit.qh001"} {
		if r := e.req("GET", "/notices/new?unit=QH001", u, "", nil); r.Status != 403 {
			t.Errorf("%s: %d", u, r.Status)
		}
	}
}
