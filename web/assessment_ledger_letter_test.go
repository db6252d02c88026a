package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"rectify/assessment"
	"rectify/cases"
	"rectify/templates/pdftest"
)

// TestResultLetterListsLedgerCases: a ledger case of the unit (超编进人,
// B01) costs marks on its 规定执行 point when both reviewers take the
// ledger's deduction; the result letter's problem list names it with its
// number, title and deduction (it listed only the assessment's findings).
func TestResultLetterListsLedgerCases(t *testing.T) {
	e := newEnv(t)
	no := e.register("QH001", cases.LevelInternal)
	// Under rectification: a case still being verified deducts nothing.
	e.Service.Transition(context.Background(), cases.GlobalScope, no, testActor("li.ming", cases.RoleOffice), cases.ActionStartVerification, cases.Input{}, "", 0)
	if r := e.json("POST", "/api/v1/notices", "li.ming", map[string]any{"unit_code": "QH001", "working_days": 10, "items": []map[string]any{{"no": no, "requirements": "清退超编人员"}}}); r.Status != 201 {
		t.Fatalf("notice: %d %s", r.Status, r.Raw)
	}
	assessWorld(t, e)
	var kinds []string
	for _, k := range e.Catalog.Kinds {
		kinds = append(kinds, k.Code)
	}
	cat, err := assessment.LoadCatalog("2026", kinds)
	if err != nil {
		t.Fatal(err)
	}
	form := url.Values{"save": {"*"}}
	for _, p := range cat.PointsFor([]string{"P01"}) {
		switch p.Method {
		case assessment.MethodLevels:
			form.Set("level_"+p.Code, p.Levels[0].Label)
		case assessment.MethodDeduction:
			form.Set("instances_"+p.Code, "0")
			// Points a ledger case deducts on need a comment.
			form.Set("comment_"+p.Code, "台账扣分")
		case assessment.MethodYesNo:
			form.Set("yes_"+p.Code, "1")
		case assessment.MethodSurvey:
			form.Set("rate_"+p.Code, "100")
		}
	}
	for _, rev := range []string{"he.ping", "xu.jing"} {
		if r := e.postForm("/assessment/rounds/"+round26+"/units/QH001/scores", rev, form); r.Status != http.StatusSeeOther {
			t.Fatalf("%s scores: %d %s", rev, r.Status, r.Raw)
		}
	}
	r := e.req("GET", "/assessment/rounds/"+round26+"/units/QH001/letter.pdf", "li.ming", "", nil)
	if r.Status != http.StatusOK {
		t.Fatalf("letter: %d %s", r.Status, r.Raw)
	}
	text := strings.Join(strings.Fields(pdftest.Text(t, []byte(r.Raw))), "")
	for _, want := range []string{"二、问题清单", "超编进人（台账编号：" + no + "；规定执行评估要点A2.1.1", "扣1.5分）", "三、整改要求"} {
		if !strings.Contains(text, want) {
			t.Errorf("letter lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "未发现需要整改的问题") {
		t.Error("the letter says nothing was found")
	}
}
