package web_test

import (
	"context"
	"strings"
	"testing"

	"rectify/cases"
	"rectify/cases/casetest"
)

// TestConfirmedCasesAwaitTheApprover: 核验通过 moves a case to 待审批销号;
// the office is not offered 核验通过 again, a second confirmation is
// refused, and the approver lands on the queue of what awaits their closing.
func TestConfirmedCasesAwaitTheApprover(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	no := e.register("QH001", cases.LevelInternal)
	for _, st := range []struct {
		actor cases.Actor
		a     cases.Action
		in    cases.Input
	}{
		{casetest.Office, cases.ActionStartVerification, cases.Input{}},
		{casetest.Office, cases.ActionOrderRectification, cases.Input{Requirements: "清退超编人员", WorkingDays: 15}},
		{casetest.UnitActor, cases.ActionSubmit, cases.Input{Report: "已清退", Evidence: []string{"清退文件.pdf"}}},
		{casetest.Office, cases.ActionConfirm, cases.Input{Note: "核验到位"}},
	} {
		if _, _, err := e.Service.Transition(ctx, cases.GlobalScope, no, st.actor, st.a, st.in, "", 0); err != nil {
			t.Fatalf("%s: %v", st.a, err)
		}
	}
	r := e.json("POST", "/api/v1/cases/"+no+"/transitions", "zhao.lei", map[string]any{"action": "confirm", "input": map[string]any{"note": "再次核验"}})
	if r.Status != 409 && r.Status != 422 && r.Status != 400 {
		t.Fatalf("a second confirmation: %d %s", r.Status, r.Raw)
	}
	page := e.req("GET", "/cases/"+no, "li.ming", "", nil)
	if !strings.Contains(page.Raw, "待审批销号") || strings.Contains(page.Raw, `value="confirm"`) {
		t.Fatalf("the office's case page: state shown %v, confirm offered %v", strings.Contains(page.Raw, "待审批销号"), strings.Contains(page.Raw, `value="confirm"`))
	}
	home := e.req("GET", "/", "wang.fang", "", nil)
	if loc := home.Header.Get("Location"); loc != "/ledger?state=confirmed" {
		t.Fatalf("the approver lands on %q", loc)
	}
	queue := e.req("GET", "/ledger?state=confirmed", "wang.fang", "", nil)
	if queue.Status != 200 || !strings.Contains(queue.Raw, no) || !strings.Contains(queue.Raw, "待审批销号") {
		t.Fatalf("the approver's queue lacks %s: %d", no, queue.Status)
	}
	if page := e.req("GET", "/cases/"+no, "wang.fang", "", nil); !strings.Contains(page.Raw, `value="close"`) {
		t.Fatal("the approver is not offered 审批销号")
	}
}
