package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
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
	if loc := home.Header.Get("Location"); loc != "/todo" {
		t.Fatalf("the approver lands on %q", loc)
	}
	queue := e.req("GET", "/todo", "wang.fang", "", nil)
	if queue.Status != 200 || !strings.Contains(queue.Raw, no) || !strings.Contains(queue.Raw, "待审批销号") {
		t.Fatalf("the approver's queue lacks %s: %d", no, queue.Status)
	}
	if page := e.req("GET", "/cases/"+no, "wang.fang", "", nil); !strings.Contains(page.Raw, `value="close"`) {
		t.Fatal("the approver is not offered 审批销号")
	}
}

// queueCount reads the count of the header's queue label from a page.
func queueCount(t *testing.T, page, label string) int {
	t.Helper()
	m := regexp.MustCompile(`<nav class="queues"[^>]*>.*?>` + label + `<b>(\d+)</b></a>`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no queue %s in the header", label)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// TestEveryRoleLandsOnItsQueue: the office, the approver and the unit land
// on a to-do page of their queues; every page's header counts each queue
// as its ledger list does, and the counts follow the work.
func TestEveryRoleLandsOnItsQueue(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	move := func(no string, steps ...cases.Action) {
		t.Helper()
		for _, a := range steps {
			actor, in := casetest.Office, cases.Input{}
			switch a {
			case cases.ActionOrderRectification:
				in = cases.Input{Requirements: "清退超编人员", WorkingDays: 15}
			case cases.ActionSubmit:
				actor, in = casetest.UnitActor, cases.Input{Report: "已清退", Evidence: []string{"清退文件.pdf"}}
			case cases.ActionConfirm:
				in = cases.Input{Note: "核验到位"}
			case cases.ActionReturn:
				in = cases.Input{Reason: "佐证材料不全"}
			}
			if _, _, err := e.Service.Transition(ctx, cases.GlobalScope, no, actor, a, in, "", 0); err != nil {
				t.Fatalf("%s %s: %v", no, a, err)
			}
		}
	}
	v, o, s, c, r := cases.ActionStartVerification, cases.ActionOrderRectification, cases.ActionSubmit, cases.ActionConfirm, cases.ActionReturn
	e.register("QH001", cases.LevelInternal) // to verify
	verifying := e.register("QH001", cases.LevelInternal)
	move(verifying, v)
	rectifying := e.register("QH001", cases.LevelInternal)
	move(rectifying, v, o)
	submitted := e.register("QH001", cases.LevelInternal)
	move(submitted, v, o, s)
	confirmed := e.register("QH001", cases.LevelInternal)
	move(confirmed, v, o, s, c)
	returned := e.register("QH001", cases.LevelInternal)
	move(returned, v, o, s, r)
	other := e.register("AP001", cases.LevelInternal) // another county's: not the unit's
	move(other, v, o)

	tests := []struct {
		user   string
		queues map[string]int
		cases  map[string][]string // queue label → cases its section lists
	}{
		{"li.ming", map[string]int{"待核实": 2, "待核验": 1, "逾期": 0}, map[string][]string{"待核验": {submitted}}},
		{"wang.fang", map[string]int{"待审批销号": 1}, map[string][]string{"待审批销号": {confirmed}}},
		{"unit.qh001", map[string]int{"待报送": 1, "被退回": 1}, map[string][]string{"待报送": {rectifying}, "被退回": {returned}}},
	}
	for _, tt := range tests {
		t.Run(tt.user, func(t *testing.T) {
			if loc := e.req("GET", "/", tt.user, "", nil).Header.Get("Location"); loc != "/todo" {
				t.Fatalf("lands on %q", loc)
			}
			todo := e.req("GET", "/todo", tt.user, "", nil)
			if todo.Status != 200 {
				t.Fatalf("/todo: %d", todo.Status)
			}
			elsewhere := e.req("GET", "/units", tt.user, "", nil).Raw
			for label, want := range tt.queues {
				if n := queueCount(t, elsewhere, label); n != want {
					t.Errorf("header %s: %d, want %d", label, n, want)
				}
				// The queue's link lists as many on the ledger.
				m := regexp.MustCompile(`href="(/ledger\?[^"]+)"[^>]*>` + label + `<b>`).FindStringSubmatch(todo.Raw)
				if m == nil {
					t.Fatalf("no link for %s", label)
				}
				ledger := e.req("GET", html.UnescapeString(m[1]), tt.user, "", nil)
				if got := regexp.MustCompile(`共 (\d+) 件`).FindStringSubmatch(ledger.Raw); ledger.Status != 200 || got == nil || got[1] != strconv.Itoa(want) {
					t.Errorf("%s on the ledger (%s): %d %v", label, m[1], ledger.Status, got)
				}
			}
			for label, nos := range tt.cases {
				sec := todo.Raw[strings.Index(todo.Raw, "<h2>"+label):]
				if i := strings.Index(sec[4:], "<h2>"); i >= 0 {
					sec = sec[:i+4]
				}
				for _, no := range nos {
					if !strings.Contains(sec, no) {
						t.Errorf("section %s lacks %s", label, no)
					}
				}
			}
			if strings.Contains(todo.Raw, other) {
				t.Errorf("%s sees another county's case %s", tt.user, other)
			}
		})
	}
	// Resubmitting takes the case out of 被退回 into the office's 待核验.
	move(returned, s)
	if n := queueCount(t, e.req("GET", "/units", "unit.qh001", "", nil).Raw, "被退回"); n != 0 {
		t.Fatalf("被退回 after resubmitting: %d", n)
	}
	if n := queueCount(t, e.req("GET", "/units", "li.ming", "", nil).Raw, "待核验"); n != 2 {
		t.Fatalf("待核验 after resubmitting: %d", n)
	}
	// The reviewer lands on 待评分: units assigned in open rounds with
	// points they have not scored; the unit's 待自评 counts the points it
	// may still assess itself.
	if loc := e.req("GET", "/", "he.ping", "", nil).Header.Get("Location"); loc != "/todo" {
		t.Errorf("he.ping lands on %q", loc)
	}
	if n := queueCount(t, e.req("GET", "/units", "he.ping", "", nil).Raw, "待评分"); n != 0 {
		t.Errorf("待评分 without a round: %d", n)
	}
	assessWorld(t, e)
	if n := queueCount(t, e.req("GET", "/assessment", "he.ping", "", nil).Raw, "待评分"); n != 1 {
		t.Errorf("待评分 with QH001 assigned: %d", n)
	}
	if todo := e.req("GET", "/todo", "he.ping", "", nil); todo.Status != 200 || !strings.Contains(todo.Raw, `href="/assessment"`) {
		t.Errorf("reviewer's /todo: %d", todo.Status)
	}
	if n := queueCount(t, e.req("GET", "/units", "unit.qh001", "", nil).Raw, "待自评"); n != 46 {
		t.Errorf("待自评: %d, want 46", n)
	}
	if r := e.postSelf("unit.qh001", "QH001", "A1.1.1", "3", "未擅自设立机构", nil); r.Status != http.StatusSeeOther {
		t.Fatalf("self: %d %s", r.Status, r.Raw)
	}
	if r := e.postForm("/assessment/rounds/"+round26+"/units/QH001/scores", "he.ping", url.Values{"save": {"A1.2.1"}, "instances_A1.2.1": {"0"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("score: %d %s", r.Status, r.Raw)
	}
	if n := queueCount(t, e.req("GET", "/units", "unit.qh001", "", nil).Raw, "待自评"); n != 44 {
		t.Errorf("待自评 after one self-assessed and one scored: %d, want 44", n)
	}
	if n := queueCount(t, e.req("GET", "/units", "he.ping", "", nil).Raw, "待评分"); n != 1 {
		t.Errorf("待评分 with points left: %d", n)
	}
	// Roles without queues keep their landing pages and have no queue bar.
	for _, u := range []string{"admin", "zhou.qiang"} {
		if loc := e.req("GET", "/", u, "", nil).Header.Get("Location"); loc == "/todo" {
			t.Errorf("%s lands on /todo", u)
		}
		if strings.Contains(e.req("GET", "/units", u, "", nil).Raw, `class="queues"`) {
			t.Errorf("%s has a queue bar", u)
		}
	}
}
