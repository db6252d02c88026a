package web_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"rectify/cases"
	"rectify/templates/pdftest"
	"rectify/web"
)

// TestEveryRouteHasAnAccessRule walks every registered route as every role
// and as nobody: a route without a rule fails, a role outside the rule gets
// 403, a role inside it is never refused, and only public routes answer
// without a login.
func TestEveryRouteHasAnAccessRule(t *testing.T) {
	e := newEnv(t)
	no := e.register("QH001", cases.LevelInternal)
	fill := strings.NewReplacer(":no", no, ":code", "QH001", "*filepath", "app.css", ":id", "notice-2026-0001")
	for _, r := range e.Server.Routes() {
		key := r.Method + " " + r.Path
		roles, public, known := web.RouteRoles(strings.ReplaceAll(key, `\:`, ":"))
		if !known {
			t.Errorf("%s has no access rule", key)
			continue
		}
		path := fill.Replace(strings.ReplaceAll(r.Path, `\:`, ":"))
		res := e.req(r.Method, path, "", "", nil)
		if public && (res.Status == 401 || strings.Contains(res.Raw, web.DeniedMessage)) {
			t.Errorf("%s is public but answered %d without login", key, res.Status)
		}
		if !public && res.Status != 401 && res.Status != http.StatusSeeOther {
			t.Errorf("%s without login: %d, want 401 or a redirect to /login", key, res.Status)
		}
		for role, user := range oneOfEachRole {
			res := e.req(r.Method, path, user, "", nil)
			if key == "POST /logout" {
				e.forget(user) // that really ended the session
			}
			allowed := public || slices.Contains(roles, role)
			denied := res.Status == 403 && strings.Contains(res.Raw, web.DeniedMessage)
			switch {
			case allowed && (res.Status == 401 || denied):
				t.Errorf("%s as %s: %d, but the table allows it", key, role, res.Status)
			case !allowed && !denied:
				t.Errorf("%s as %s: %d, want 403 by the route table", key, role, res.Status)
			}
		}
	}
}

func TestScopeCountyUsersSeeOnlyTheirCounty(t *testing.T) {
	e := newEnv(t)
	qh := e.register("QH001", cases.LevelInternal)
	ap := e.register("AP001", cases.LevelInternal)
	tests := []struct {
		user, path string
		status     int
	}{
		{"qh.office", "/api/v1/cases/" + qh, 200},
		{"qh.office", "/api/v1/cases/" + ap, 404}, // not 403: the case is not revealed
		{"qh.office", "/api/v1/cases/" + ap + "/events", 404},
		{"qh.office", "/cases/" + ap, 404},
		{"qh.office", "/api/v1/units/AP001", 404},
		{"qh.office", "/units/AP001", 404},
		{"ap.office", "/api/v1/cases/" + qh, 404},
		{"li.ming", "/api/v1/cases/" + ap, 200}, // the city sees its counties
	}
	for _, tt := range tests {
		if r := e.req("GET", tt.path, tt.user, "", nil); r.Status != tt.status {
			t.Errorf("%s GET %s: %d, want %d", tt.user, tt.path, r.Status, tt.status)
		}
	}
	r := e.json("POST", "/api/v1/cases/"+ap+"/transitions", "qh.office", map[string]any{"action": "start_verification"})
	if r.Status != 404 {
		t.Errorf("transition on another county's case: %d", r.Status)
	}
	for user, want := range map[string]string{"qh.office": qh, "ap.office": ap} {
		r := e.json("GET", "/api/v1/cases", user, nil)
		items := r.Body["items"].([]any)
		if r.Body["total"].(float64) != 1 || items[0].(map[string]any)["no"] != want {
			t.Errorf("%s list: %s", user, r.Raw)
		}
		// Asking for the other county explicitly still returns nothing.
		r = e.json("GET", "/api/v1/cases?region="+url.QueryEscape("江南省/云州市"), user, nil)
		if r.Body["total"].(float64) != 1 {
			t.Errorf("%s list with a wider region: %s", user, r.Raw)
		}
	}
	// Registering against a unit outside the scope is refused as unknown.
	reg := map[string]any{"source": "hotline", "source_ref": "12310-1", "unit_code": "AP001", "violation_kind": "D01",
		"title": "t", "facts": "f", "level": "internal"}
	if r := e.json("POST", "/api/v1/cases", "qh.office", reg); r.Status != 400 || errOf(r)["field"] != "unit_code" {
		t.Errorf("register outside scope: %d %s", r.Status, r.Raw)
	}
}

func TestUnitUserSeesOnlyTheirUnitAndFieldsMeantForThem(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	mine := e.register("QH001", cases.LevelSecret)
	e.register("QH002", cases.LevelInternal) // same county, other unit
	e.Service.Transition(ctx, cases.GlobalScope, mine, testActor("li.ming", cases.RoleOffice), cases.ActionStartVerification, cases.Input{}, "内部意见：举报人张某，电话 139xxxx", 0)
	e.Service.Transition(ctx, cases.GlobalScope, mine, testActor("li.ming", cases.RoleOffice), cases.ActionOrderRectification, cases.Input{Requirements: "清退", WorkingDays: 10}, "", 0)

	r := e.json("GET", "/api/v1/cases", unit, nil)
	if r.Body["total"].(float64) != 1 {
		t.Fatalf("unit list: %s", r.Raw)
	}
	r = e.json("GET", "/api/v1/cases/"+mine, unit, nil)
	if r.Status != 200 || r.Body["source_ref"] != "" || r.Body["registered_by"] != "" || r.Body["requirements"] != "清退" {
		t.Fatalf("unit view: %s", r.Raw)
	}
	r = e.json("GET", "/api/v1/cases/"+mine+"/events", unit, nil)
	if strings.Contains(r.Raw, "举报人") || strings.Contains(r.Raw, "li.ming") || strings.Contains(r.Raw, "云巡办") {
		t.Fatalf("unit sees internal material: %s", r.Raw)
	}
	if !strings.Contains(r.Raw, "清退") {
		t.Fatalf("unit does not see its requirements: %s", r.Raw)
	}
	page := e.req("GET", "/cases/"+mine, unit, "", nil)
	if strings.Contains(page.Raw, "举报人") || strings.Contains(page.Raw, "云巡办移") {
		t.Fatal("case page shows internal material to the unit")
	}
	// A search must not confirm what the hidden source reference says.
	ref := url.QueryEscape("云巡办移")
	if r := e.json("GET", "/api/v1/cases?q="+ref, unit, nil); r.Status != 200 || r.Body["total"].(float64) != 0 {
		t.Fatalf("a unit's search matches the source reference: %s", r.Raw)
	}
	if r := e.json("GET", "/api/v1/cases?q="+ref, "li.ming", nil); r.Status != 200 || r.Body["total"].(float64) < 1 {
		t.Fatalf("the office's search misses the source reference: %s", r.Raw)
	}
	if page := e.req("GET", "/ledger?q="+ref, unit, "", nil); page.Status != 200 || strings.Contains(page.Raw, mine) {
		t.Fatalf("the unit's console search matches the source reference: %d", page.Status)
	}
	other, _, _ := e.Service.Cases(ctx, cases.CaseFilter{Scope: cases.GlobalScope, UnitCode: "QH002"})
	if r := e.json("GET", "/api/v1/cases/"+other[0].No, unit, nil); r.Status != 404 {
		t.Fatalf("unit reads another unit's case: %d", r.Status)
	}
	if r := e.json("GET", "/api/v1/units", unit, nil); r.Body["total"].(float64) != 1 {
		t.Fatalf("unit sees units: %s", r.Raw)
	}
}

func TestPatrolSeesOnlyAssignedUnits(t *testing.T) {
	e := newEnv(t)
	assigned := e.register("QH001", cases.LevelInternal)
	e.register("QH002", cases.LevelInternal)
	e.register("AP001", cases.LevelInternal)
	r := e.json("GET", "/api/v1/cases", "zhou.qiang", nil)
	items := r.Body["items"].([]any)
	if r.Body["total"].(float64) != 1 || items[0].(map[string]any)["no"] != assigned {
		t.Fatalf("patrol list: %s", r.Raw)
	}
}

func testActor(id string, role cases.Role) cases.Actor { return cases.Actor{ID: id, Role: role} }

func TestReadingSecretCasesIsLogged(t *testing.T) {
	e := newEnv(t)
	secret := e.register("QH001", cases.LevelSecret)
	plain := e.register("QH001", cases.LevelInternal)
	e.req("GET", "/api/v1/cases/"+secret, "li.ming", "", nil)
	e.req("GET", "/cases/"+secret, "zhao.lei", "", nil)
	e.req("GET", "/api/v1/cases/"+plain, "li.ming", "", nil)
	r := e.json("GET", "/api/v1/access-log?target="+secret, "admin", nil)
	if r.Status != 200 || r.Body["total"].(float64) != 2 {
		t.Fatalf("access log: %s", r.Raw)
	}
	entry := r.Body["items"].([]any)[0].(map[string]any)
	if entry["user_id"] != "zhao.lei" || entry["ip"] != "127.0.0.1" || entry["action"] != "read-case" {
		t.Fatalf("entry: %v", entry)
	}
	if r := e.json("GET", "/api/v1/access-log?user=li.ming", "admin", nil); r.Body["total"].(float64) != 1 {
		t.Fatalf("by user: %s", r.Raw)
	}
	if r := e.json("GET", "/api/v1/access-log", "li.ming", nil); r.Status != 403 {
		t.Fatalf("office reads the access log: %d", r.Status)
	}
	if page := e.req("GET", "/admin/access-log?user=zhao.lei", "admin", "", nil); !strings.Contains(page.Raw, secret) {
		t.Fatal("access log page does not list the read")
	}
}

func TestSessions(t *testing.T) {
	e := newEnv(t)
	t.Run("LogoutEndsTheSession", func(t *testing.T) {
		secret, csrf := e.session("li.ming")
		if r := e.req("GET", "/api/v1/cases", "li.ming", "", nil); r.Status != 200 {
			t.Fatalf("before logout: %d", r.Status)
		}
		form := url.Values{"csrf_token": {csrf}}
		req, _ := http.NewRequest("POST", e.srv.URL+"/logout", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(&http.Cookie{Name: web.SessionCookie, Value: secret})
		res, _ := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("logout: %d", res.StatusCode)
		}
		if r := e.req("GET", "/api/v1/cases", "li.ming", "", nil); r.Status != 401 {
			t.Fatalf("the old cookie still works after logout: %d", r.Status)
		}
	})
	t.Run("IdleSessionExpires", func(t *testing.T) {
		if r := e.req("GET", "/api/v1/cases", "zhao.lei", "", nil); r.Status != 200 {
			t.Fatalf("fresh: %d", r.Status)
		}
		e.session("he.ping") // idle from now on; only the cleanup will remove it
		e.clock.advance(31 * time.Minute)
		if r := e.req("GET", "/api/v1/cases", "zhao.lei", "", nil); r.Status != 401 {
			t.Fatalf("after 31 idle minutes: %d", r.Status)
		}
		n, err := e.Access.CleanupSessions(context.Background())
		if err != nil || n < 1 {
			t.Fatalf("cleanup removed %d: %v", n, err)
		}
	})
}

func TestLoginFormAndLockout(t *testing.T) {
	e := newEnv(t)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	login := func(user, pw string, withToken bool) *http.Response {
		page, _ := client.Get(e.srv.URL + "/login")
		var csrf string
		for _, c := range page.Cookies() {
			if c.Name == "rectify_login_csrf" {
				csrf = c.Value
			}
		}
		form := url.Values{"username": {user}, "password": {pw}}
		if withToken {
			form.Set("csrf_token", csrf)
		}
		req, _ := http.NewRequest("POST", e.srv.URL+"/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(&http.Cookie{Name: "rectify_login_csrf", Value: csrf})
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	if res := login("li.ming", testPassword, false); res.StatusCode != 403 {
		t.Fatalf("login without the form token: %d", res.StatusCode)
	}
	res := login("li.ming", testPassword, true)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/todo" {
		t.Fatalf("office login: %d → %s", res.StatusCode, res.Header.Get("Location"))
	}
	var ck *http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == web.SessionCookie {
			ck = c
		}
	}
	if ck == nil || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode {
		t.Fatalf("session cookie %+v", ck)
	}
	if res := login("unit.qh001", testPassword, true); res.Header.Get("Location") != "/todo" {
		t.Fatalf("unit lands on %s", res.Header.Get("Location"))
	}
	for i := 0; i < 5; i++ {
		if res := login("wang.fang", "wrong password 1", true); res.StatusCode != 401 {
			t.Fatalf("failure %d: %d", i+1, res.StatusCode)
		}
	}
	res = login("wang.fang", testPassword, true)
	if res.StatusCode != 429 || res.Header.Get("Retry-After") == "" {
		t.Fatalf("after 5 failures the right password: %d, Retry-After %q", res.StatusCode, res.Header.Get("Retry-After"))
	}
	e.clock.advance(31 * time.Second)
	if res := login("wang.fang", "wrong password 2", true); res.StatusCode != 401 {
		t.Fatalf("after the wait: %d", res.StatusCode)
	}
	if res := login("wang.fang", testPassword, true); res.StatusCode != 429 {
		t.Fatalf("the delay must grow after another failure: %d", res.StatusCode)
	}
	e.clock.advance(61 * time.Second)
	if res := login("wang.fang", testPassword, true); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("after the grown wait: %d", res.StatusCode)
	}
}

func TestCSRFAndSecurityHeaders(t *testing.T) {
	e := newEnv(t)
	no := e.register("QH001", cases.LevelInternal)
	secret, _ := e.session("li.ming")
	post := func(withToken bool) int {
		form := url.Values{"action": {"start_verification"}}
		if withToken {
			_, csrf := e.session("li.ming")
			form.Set("csrf_token", csrf)
		}
		req, _ := http.NewRequest("POST", e.srv.URL+"/cases/"+no+"/actions", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(&http.Cookie{Name: web.SessionCookie, Value: secret})
		res, _ := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
		return res.StatusCode
	}
	if got := post(false); got != 403 {
		t.Fatalf("form post without CSRF token: %d", got)
	}
	if c, _ := e.Service.Case(context.Background(), cases.GlobalScope, no); c.State != cases.StateRegistered {
		t.Fatal("the refused post changed the case")
	}
	if got := post(true); got != http.StatusSeeOther {
		t.Fatalf("form post with token: %d", got)
	}
	if r := e.req("GET", "/logout", "li.ming", "", nil); r.Status != 405 || !strings.Contains(r.Raw, "<html") {
		t.Fatalf("wrong method on a console page: %d %.80s", r.Status, r.Raw)
	}
	r := e.req("GET", "/login", "", "", nil)
	for h, want := range map[string]string{"X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin"} {
		if got := r.Header.Get(h); got != want {
			t.Errorf("%s = %q", h, got)
		}
	}
	if csp := r.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("CSP %q", csp)
	}
	if strings.Contains(r.Raw, "<script") {
		t.Error("inline script in the login page")
	}
}

func TestAPITokens(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	secret, tok, err := e.Access.CreateToken(ctx, "admin", "人社局编制联动系统", []cases.Role{cases.RoleLiaison}, []string{"江南省", "云州市", "清河县"})
	if err != nil {
		t.Fatal(err)
	}
	bearer := func(method, path string) response {
		return e.req(method, path, "", "application/json", strings.NewReader("{}"), "Authorization", "Bearer "+secret)
	}
	if r := bearer("GET", "/api/v1/units/QH002/standing"); r.Status != 200 || r.Body["suspended"] != true {
		t.Fatalf("standing by token: %d %s", r.Status, r.Raw)
	}
	if r := bearer("GET", "/api/v1/units/AP001/standing"); r.Status != 404 {
		t.Fatalf("token outside its region: %d", r.Status)
	}
	if r := bearer("POST", "/api/v1/cases"); r.Status != 403 {
		t.Fatalf("read-only token registers: %d", r.Status)
	}
	if _, _, err := e.Access.CreateToken(ctx, "admin", "x", []cases.Role{cases.RoleOffice}, []string{"江南省"}); cases.ErrorCode(err) != cases.EINVALID {
		t.Fatalf("token with a writing role: %v", err)
	}
	if _, err := e.Access.RevokeToken(ctx, tok.Short()); err != nil {
		t.Fatal(err)
	}
	if r := bearer("GET", "/api/v1/units/QH002/standing"); r.Status != 401 {
		t.Fatalf("revoked token: %d", r.Status)
	}
	if r := e.req("GET", "/api/v1/units", "", "", nil, "Authorization", "Bearer rct_forged"); r.Status != 401 {
		t.Fatalf("forged token: %d", r.Status)
	}
}

func TestLedgerExport(t *testing.T) {
	e := newEnv(t)
	e.register("QH001", cases.LevelInternal)
	e.register("QH002", cases.LevelSecret)
	e.register("AP001", cases.LevelInternal)
	r := e.req("GET", "/ledger/export?format=csv", "li.ming", "", nil)
	lines := strings.Split(strings.TrimSpace(strings.TrimPrefix(r.Raw, "\ufeff")), "\n")
	if r.Status != 200 || len(lines) != 4 || !strings.HasPrefix(lines[0], "序号,台账编号,登记日期,问题来源") {
		t.Fatalf("csv: %d %q", r.Status, r.Raw)
	}
	if cd := r.Header.Get("Content-Disposition"); !strings.Contains(strings.ToLower(cd), "filename*=utf-8''") {
		t.Fatalf("disposition %q", cd)
	}
	r = e.req("GET", "/ledger/export?format=xlsx&unit=QH002", "li.ming", "", nil)
	x, err := excelize.OpenReader(bytes.NewReader([]byte(r.Raw)))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := x.GetRows("问题整改台账")
	if len(rows) != 3 || rows[2][5] != "清河县人民医院" || rows[2][10] != "秘密" {
		t.Fatalf("xlsx rows %v", rows)
	}
	if r := e.req("GET", "/ledger/export?format=csv", unit, "", nil); strings.Count(strings.TrimSpace(r.Raw), "\n") != 1 {
		t.Fatalf("unit export holds other units: %s", r.Raw)
	}
	if r := e.req("GET", "/ledger/export?format=doc", "li.ming", "", nil); r.Status != 400 {
		t.Fatalf("bad format: %d", r.Status)
	}
	pdf := e.req("GET", "/ledger/export?format=pdf&unit=QH002", "li.ming", "", nil)
	if pdf.Status != 200 || !strings.HasPrefix(pdf.Raw, "%PDF-") {
		t.Fatalf("printable ledger: %d", pdf.Status)
	}
	if text := pdftest.Text(t, []byte(pdf.Raw)); !strings.Contains(text, "问题整改台账") || !strings.Contains(text, "清河县人民医院") || !strings.Contains(text, "单位QH002") {
		t.Fatalf("printable ledger text: %s", text)
	}
	if r := e.json("GET", "/api/v1/access-log?user=li.ming", "admin", nil); r.Body["total"].(float64) != 3 {
		t.Fatalf("exports not logged: %s", r.Raw)
	}
}

func TestConsolePages(t *testing.T) {
	e := newEnv(t)
	no := e.register("QH001", cases.LevelInternal)
	for _, tt := range []struct{ user, path, want string }{
		{"li.ming", "/ledger", no},
		{"li.ming", "/ledger?state=registered&sort=-deadline&q=" + url.QueryEscape("超编"), no},
		{"li.ming", "/cases/" + no, "开始核实"},
		{"li.ming", "/cases/new", "登记问题"},
		{"li.ming", "/units", "清河县教育局"},
		{"li.ming", "/units/QH002", "暂停受理"},
		{"li.ming", "/password", "修改密码"},
		{"unit.qh001", "/cases/" + no, "当前没有您可以办理的事项"},
		{"li.ming", "/ledger?state=bogus", "查询条件有误"},
		{"li.ming", "/ledger?sort=title", "未知的排序方式"},
	} {
		r := e.req("GET", tt.path, tt.user, "", nil)
		if r.Status != 200 || !strings.Contains(r.Raw, tt.want) {
			t.Errorf("%s GET %s: %d, missing %q", tt.user, tt.path, r.Status, tt.want)
		}
	}
	// A bad action form keeps what was typed and names the problem in Chinese.
	_, csrf := e.session("li.ming")
	e.Service.Transition(context.Background(), cases.GlobalScope, no, testActor("li.ming", cases.RoleOffice), cases.ActionStartVerification, cases.Input{}, "", 0)
	form := url.Values{"csrf_token": {csrf}, "action": {"order_rectification"}, "requirements": {"清退超编人员三名"}, "working_days": {"abc"}, "expected_version": {"2"}}
	r := e.req("POST", "/cases/"+no+"/actions", "li.ming", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if r.Status != 400 || !strings.Contains(r.Raw, "清退超编人员三名") || !strings.Contains(r.Raw, "工作日数须为整数") {
		t.Fatalf("bad form: %d", r.Status)
	}
	form.Set("working_days", "")
	r = e.req("POST", "/cases/"+no+"/actions", "li.ming", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if r.Status != 400 || !strings.Contains(r.Raw, "请填写整改期限") {
		t.Fatalf("missing deadline: %d", r.Status)
	}
	form.Set("expected_version", "1")
	form.Set("working_days", "10")
	r = e.req("POST", "/cases/"+no+"/actions", "li.ming", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if r.Status != 409 || !strings.Contains(r.Raw, "已被他人更新") {
		t.Fatalf("stale form: %d", r.Status)
	}
}

func TestLoginIsRateLimited(t *testing.T) {
	env := newEnv(t)
	s := web.NewServer(web.Config{Service: env.Service, Access: env.Access, Catalog: env.Catalog, LoginPerMinute: 3})
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	codes := []int{}
	for i := 0; i < 5; i++ {
		res, err := http.PostForm(srv.URL+"/login", url.Values{"username": {"x"}, "password": {"y"}})
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		codes = append(codes, res.StatusCode)
	}
	if codes[2] == 429 || codes[3] != 429 || codes[4] != 429 {
		t.Fatalf("login statuses %v: want the 4th and 5th refused with 429", codes)
	}
}

func TestChangePasswordForm(t *testing.T) {
	e := newEnv(t)
	_, csrf := e.session("zhao.lei")
	post := func(old, pw, pw2 string) response {
		form := url.Values{"csrf_token": {csrf}, "old_password": {old}, "password": {pw}, "password2": {pw2}}
		return e.req("POST", "/password", "zhao.lei", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	}
	if r := post(testPassword, "New#pass-2027", "New#pass-2028"); r.Status != 400 || !strings.Contains(r.Raw, "不一致") {
		t.Fatalf("mismatch: %d", r.Status)
	}
	if r := post("wrong", "New#pass-2027", "New#pass-2027"); r.Status != 400 || !strings.Contains(r.Raw, "原密码不正确") {
		t.Fatalf("wrong old password: %d", r.Status)
	}
	if r := post(testPassword, "12345678901", "12345678901"); r.Status != 400 || !strings.Contains(r.Raw, "常见") && !strings.Contains(r.Raw, "两类") {
		t.Fatalf("weak: %d", r.Status)
	}
	if r := post(testPassword, "New#pass-2027", "New#pass-2027"); r.Status != http.StatusSeeOther {
		t.Fatalf("change: %d %s", r.Status, r.Raw)
	}
	// The session that changed it stays; a fresh login needs the new password.
	if r := e.req("GET", "/api/v1/cases", "zhao.lei", "", nil); r.Status != 200 {
		t.Fatalf("own session after change: %d", r.Status)
	}
	if _, _, _, err := e.Access.Login(context.Background(), "zhao.lei", testPassword, "192.0.2.9", ""); err == nil {
		t.Fatal("old password still works")
	}
	if _, _, _, err := e.Access.Login(context.Background(), "zhao.lei", "New#pass-2027", "192.0.2.9", ""); err != nil {
		t.Fatalf("new password: %v", err)
	}
}

func TestOversizedFormIsRefused(t *testing.T) {
	e := newEnv(t)
	no := e.register("QH001", cases.LevelInternal)
	_, csrf := e.session("li.ming")
	form := url.Values{"csrf_token": {csrf}, "action": {"assign"}, "assignee": {strings.Repeat("大", web.MaxFormBody)}}
	r := e.req("POST", "/cases/"+no+"/actions", "li.ming", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if r.Status != 400 || !strings.Contains(r.Raw, "过大") {
		t.Fatalf("oversized form: %d", r.Status)
	}
	if k, _ := e.Service.Case(context.Background(), cases.GlobalScope, no); k.Assignee != "" {
		t.Fatal("oversized form was applied")
	}
}
