package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"rectify/cases"
	"rectify/cases/access"
	"rectify/cases/casetest"
	"rectify/web"
)

// withVersion sets v's version to report id's current one, as the form
// the operator sees carries it, unless v names one.
func withVersion(e *testEnv, id string, v url.Values) {
	e.t.Helper()
	if v.Has("version") {
		return
	}
	r, err := e.Hotline.Report(context.Background(), cases.GlobalScope, id)
	if err != nil {
		e.t.Fatalf("report %s: %v", id, err)
	}
	v.Set("version", strconv.Itoa(r.Version))
}

// hotlineAct posts a triage form as sun.li, exactly as given.
func (e *testEnv) hotlineAct(id string, v url.Values) response {
	e.t.Helper()
	v.Set(web.CSRFField, csrfOf(e, "sun.li"))
	return e.req("POST", "/hotline/reports/"+id+"/actions", "sun.li", "application/x-www-form-urlencoded", strings.NewReader(v.Encode()))
}

// TestHotlineMergeOnlyIntoOpenCaseOfTheUnit: a report merges only into an
// open case of the unit it names and in the operator's scope; anything
// else is refused naming the case number, and the report stays in the queue.
func TestHotlineMergeOnlyIntoOpenCaseOfTheUnit(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	other := e.register("QH002", cases.LevelInternal)
	closed := e.register("QH001", cases.LevelInternal)
	if _, _, err := e.Service.Transition(ctx, cases.GlobalScope, closed, casetest.Office, cases.ActionTransfer, cases.Input{Reference: "云纪移〔2026〕7号"}, "", 0); err != nil {
		t.Fatal(err)
	}
	e.fileReport(t, reportFields("清河县教育局局机关核定行政编制20名，实有22人，仍新进人员2名，超编进人。"))
	r := onlyReport(t, e)
	for name, no := range map[string]string{"ErrOtherUnit": other, "ErrSettledCase": closed, "ErrUnknownCase": "2026-0999"} {
		t.Run(name, func(t *testing.T) {
			res := e.hotlineAct(r.ID, url.Values{"action": {"merge"}, "case_no": {no}, "version": {"0"}})
			if res.Status != http.StatusUnprocessableEntity && res.Status != http.StatusBadRequest {
				t.Fatalf("merge into %s: %d", no, res.Status)
			}
			if !strings.Contains(res.Raw, no) {
				t.Errorf("the refusal does not name %s", no)
			}
		})
	}
	got, _ := e.Hotline.Report(ctx, cases.GlobalScope, r.ID)
	if !got.State.Open() || got.CaseNo != "" {
		t.Fatalf("report after refused merges: %s %s", got.State, got.CaseNo)
	}
	for _, no := range []string{other, closed} {
		k, _ := e.Service.Case(ctx, cases.GlobalScope, no)
		for _, s := range k.Sources {
			if s.Source == "hotline" {
				t.Errorf("case %s took the report as a source", no)
			}
		}
	}
}

// TestHotlineFormVersionAlwaysChecked: a form posted twice records its
// action once (the second is a conflict), a form without its version is
// refused, and 0 is the real version of a new report, not "no check".
func TestHotlineFormVersionAlwaysChecked(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.fileReport(t, reportFields("清河县教育局局机关核定行政编制20名，实有22人，仍新进人员2名，超编进人。"))
	r := onlyReport(t, e)
	ask := url.Values{"action": {"ask"}, "text": {"请问新进人员是哪个月进的？"}, "version": {"0"}}
	if res := e.hotlineAct(r.ID, ask); res.Status != http.StatusSeeOther {
		t.Fatalf("ask: %d %.300s", res.Status, res.Raw)
	}
	if res := e.hotlineAct(r.ID, ask); res.Status != http.StatusConflict {
		t.Fatalf("the same form again: %d", res.Status)
	}
	if res := e.hotlineAct(r.ID, url.Values{"action": {"ask"}, "text": {"还有问题"}}); res.Status != http.StatusBadRequest {
		t.Fatalf("a form without its version: %d", res.Status)
	}
	for _, action := range []string{"merge", "register"} {
		res := e.hotlineAct(r.ID, url.Values{"action": {action}, "case_no": {"2026-0001"}, "unit_code": {"QH001"}, "violation_kind": {"B01"},
			"title": {"超编进人"}, "facts": {"局机关超编进人2名。"}, "level": {"internal"}, "version": {"0"}})
		if res.Status != http.StatusConflict {
			t.Fatalf("a stale %s form: %d", action, res.Status)
		}
	}
	got, _ := e.Hotline.Report(ctx, cases.GlobalScope, r.ID)
	if len(got.Questions) != 1 || got.Version != 1 || e.Service.Size() != 0 {
		t.Fatalf("questions %d, version %d, cases %d", len(got.Questions), got.Version, e.Service.Size())
	}
	page := e.req("GET", "/hotline/reports/"+r.ID, "sun.li", "", nil)
	if n := strings.Count(page.Raw, `name="version" value="1"`); n < 5 {
		t.Fatalf("%d forms carry the version", n)
	}
}

// TestSecretBatchReadIsLogged: reading a batch marked 秘密, on its page or
// through the API, writes an access-log entry naming the letter, and the
// access log shows the action in words with a filter option; an internal
// batch's reading is not logged.
func TestSecretBatchReadIsLogged(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	r := e.apiBatch(2, func(b map[string]any) { b["level"] = "secret" })
	if r.Status != http.StatusCreated {
		t.Fatalf("register: %d %s", r.Status, r.Raw)
	}
	id := r.Body["id"].(string)
	if p := e.req("GET", "/batches/"+id, office, "", nil); p.Status != 200 {
		t.Fatalf("page: %d", p.Status)
	}
	if a := e.json("GET", "/api/v1/referral-batches/"+id, office, nil); a.Status != 200 {
		t.Fatalf("api: %d", a.Status)
	}
	log, _, err := e.Access.SearchAccess(ctx, access.AccessFilter{Target: testLetter})
	if err != nil || len(log) != 2 || log[0].Action != "read-batch" || log[0].Level != "secret" || log[0].UserID != office {
		t.Fatalf("access log: %+v %v", log, err)
	}
	page := e.req("GET", "/admin/access-log?action=read-batch", "admin", "", nil)
	if !strings.Contains(page.Raw, `<option value="read-batch" selected>查阅巡察移交函</option>`) || !strings.Contains(page.Raw, `<option value="read-reporter">查看举报人信息</option>`) {
		t.Fatalf("the access log does not offer the batch and reporter readings")
	}
}
