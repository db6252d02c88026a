package web_test

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"rectify/cases"
	"rectify/cases/access"
	"rectify/cases/casetest"
)

// assigneeOptions returns the names offered in a page's 承办人 select.
func assigneeOptions(t *testing.T, page string) []string {
	t.Helper()
	m := regexp.MustCompile(`(?s)<select name="assignee"[^>]*>(.*?)</select>`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no 承办人 select on the page")
	}
	var names []string
	for _, o := range regexp.MustCompile(`<option value="([^"]*)"`).FindAllStringSubmatch(m[1], -1) {
		if o[1] != "" {
			names = append(names, o[1])
		}
	}
	return names
}

// postForm posts a console form as user, with the session's CSRF token.
func (e *testEnv) postForm(path, user string, form url.Values) response {
	e.t.Helper()
	_, csrf := e.session(user)
	form.Set("csrf_token", csrf)
	return e.req("POST", path, user, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
}

// 承办人 is chosen from the office's active users in the viewer's region;
// a name typed or forged into the form is refused, naming the field.
func TestAssigneeIsChosenFromOfficeUsers(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	if err := e.Access.SetDisabled(ctx, access.Changer{}, "zhao.lei", true); err != nil {
		t.Fatal(err)
	}
	// A city office user is offered the city's and its counties' office
	// staff, not approvers, units or disabled accounts.
	want := map[string]bool{"李明": true, "清河县编办": true, "安平县编办": true}
	got := assigneeOptions(t, e.req("GET", "/cases/new", "li.ming", "", nil).Raw)
	if len(got) != len(want) {
		t.Errorf("register form offers %v", got)
	}
	for _, n := range got {
		if !want[n] {
			t.Errorf("register form offers %q", n)
		}
	}
	// A county office user sees only the county's.
	if got := assigneeOptions(t, e.req("GET", "/cases/new", "qh.office", "", nil).Raw); len(got) != 1 || got[0] != "清河县编办" {
		t.Errorf("county register form offers %v", got)
	}

	reg := casetest.Registration("QH001")
	form := url.Values{"source": {reg.Source}, "source_ref": {"云巡办移〔2026〕88号"}, "unit_code": {"QH001"}, "violation_kind": {reg.Kind},
		"title": {reg.Title}, "facts": {reg.Facts}, "level": {"internal"}}
	for _, forged := range []string{"张三", "王芳", "赵磊"} {
		form.Set("assignee", forged)
		r := e.postForm("/cases/new", "li.ming", form)
		if r.Status != 400 || !strings.Contains(r.Raw, "承办人") || !strings.Contains(r.Raw, "field-error\">承办人") {
			t.Errorf("registering with assignee %q: %d", forged, r.Status)
		}
	}
	form.Set("assignee", "清河县编办")
	if r := e.postForm("/cases/new", "li.ming", form); r.Status != 303 {
		t.Fatalf("registering with a listed assignee: %d %s", r.Status, r.Raw)
	}

	// The assign action on the case page.
	no := e.register("QH001", cases.LevelInternal)
	page := e.req("GET", "/cases/"+no, "li.ming", "", nil).Raw
	_, block, _ := strings.Cut(page, `id="act-assign"`)
	if got := assigneeOptions(t, block); len(got) != 3 {
		t.Errorf("assign form offers %v", got)
	}
	r := e.postForm("/cases/"+no+"/actions", "li.ming", url.Values{"action": {"assign"}, "assignee": {"张三"}})
	if r.Status != 400 || !strings.Contains(r.Raw, "field-error\">承办人") {
		t.Errorf("assigning a forged name: %d", r.Status)
	}
	if r := e.postForm("/cases/"+no+"/actions", "li.ming", url.Values{"action": {"assign"}, "assignee": {"李明"}}); r.Status != 303 {
		t.Fatalf("assigning 李明: %d %s", r.Status, r.Raw)
	}
	if k, _ := e.Service.Case(ctx, cases.GlobalScope, no); k.Assignee != "李明" {
		t.Fatalf("assignee %q", k.Assignee)
	}

	// The API checks the same list.
	r = e.json("POST", "/api/v1/cases/"+no+"/transitions", "li.ming", map[string]any{"action": "assign", "input": map[string]any{"assignee": "张三"}})
	if r.Status != 400 || errOf(r)["field"] != "assignee" {
		t.Errorf("API assigning a forged name: %d %s", r.Status, r.Raw)
	}
	reg.Assignee = "张三"
	if r := e.json("POST", "/api/v1/cases", "li.ming", reg); r.Status != 400 || errOf(r)["field"] != "assignee" {
		t.Errorf("API registering with a forged name: %d %s", r.Status, r.Raw)
	}
}
