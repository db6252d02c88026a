package web_test

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"rectify/cases"
	"rectify/cases/access"
	"rectify/web"
)

// follow opens where a form's 303 leads, as user, and returns the notice
// it shows.
func (e *testEnv) follow(r response, user string) string {
	e.t.Helper()
	if r.Status != 303 {
		e.t.Fatalf("want 303, got %d:\n%.2000s", r.Status, r.Raw)
	}
	page := e.req("GET", r.Header.Get("Location"), user, "", nil)
	m := regexp.MustCompile(`<p class="flash" role="status">([^<]*)</p>`).FindStringSubmatch(page.Raw)
	if m == nil {
		return ""
	}
	return m[1]
}

// fieldErrors are the messages a form shows under its fields.
func fieldErrors(raw string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`<span class="field-error">([^<]+)</span>`).FindAllStringSubmatch(raw, -1) {
		out = append(out, m[1])
	}
	return out
}

func TestAdminCreatesUserWhoCanLogIn(t *testing.T) {
	e := newEnv(t)
	r := e.postForm("/admin/users", "admin", url.Values{"id": {"Wu.Gang"}, "name": {"吴刚"}, "roles": {"office", "approver"},
		"region": {"江南省/云州市"}, "region_text": {"江南省 / 云州市 / 清河县"}, "password": {"Qinghe#2027x"}})
	if got, want := e.follow(r, "admin"), "已创建用户 吴刚（wu.gang）"; got != want {
		t.Fatalf("notice %q, want %q", got, want)
	}
	u, err := e.Access.User(context.Background(), "wu.gang")
	if err != nil {
		t.Fatal(err)
	}
	if got := cases.RegionKey(u.Region); got != "江南省/云州市/清河县" || len(u.Roles) != 2 {
		t.Errorf("stored %v in %s, want two roles in the typed region", u.Roles, got)
	}
	if _, _, _, err := e.Access.Login(context.Background(), "wu.gang", "Qinghe#2027x", "192.0.2.9", "test"); err != nil {
		t.Fatalf("the new user cannot log in: %v", err)
	}
	list := e.req("GET", "/admin/users", "admin", "", nil)
	for _, want := range []string{"吴刚", "wu.gang", "监督检查处室、分管领导", "江南省 / 云州市 / 清河县"} {
		if !strings.Contains(list.Raw, want) {
			t.Errorf("the user list does not show %q", want)
		}
	}

	// The administrator changes the roles and region.
	r = e.postForm("/admin/users/wu.gang", "admin", url.Values{"name": {"吴刚"}, "roles": {"reviewer"}, "region": {"江南省/云州市"}})
	if got := e.follow(r, "admin"); got != "已保存用户 wu.gang 的姓名、角色和地区" {
		t.Fatalf("after editing: %q", got)
	}
	if u, _ = e.Access.User(context.Background(), "wu.gang"); len(u.Roles) != 1 || u.Roles[0] != cases.RoleReviewer || len(u.Region) != 2 {
		t.Errorf("after editing: %v %v", u.Roles, u.Region)
	}
}

func TestAdminFormsReportEveryBadField(t *testing.T) {
	e := newEnv(t)
	for _, tt := range []struct {
		name, path string
		form       url.Values
		want       []string
	}{
		{"CreateUser", "/admin/users", url.Values{"id": {"李"}, "name": {""}, "region_text": {"江南省//清河县"}, "password": {"short"}},
			[]string{"登录名须为", "请填写姓名", "请至少选择一个角色", "地区中的「」为空或格式有误", "密码至少 10 位"}},
		{"CreateUserTaken", "/admin/users", url.Values{"id": {"li.ming"}, "name": {"李明"}, "roles": {"office"}, "region": {"江南省"}, "password": {"Qinghe#2027x"}},
			[]string{"登录名 li.ming 已被使用"}},
		{"CreateUnitLiaison", "/admin/users", url.Values{"id": {"unit.x"}, "name": {"某单位"}, "roles": {"unit", "office"}, "region": {"江南省"}, "password": {"yunzhou"}},
			[]string{"单位联络员账号只能有单位联络员一个角色", "单位联络员须绑定一个单位", "密码至少 10 位"}},
		{"EditUser", "/admin/users/li.ming", url.Values{"name": {""}, "roles": {"boss"}},
			[]string{"请填写姓名", "未知的角色「boss」", "地区须为"}},
		{"EditOwnAdminRoleAway", "/admin/users/admin", url.Values{"name": {"管理员"}, "roles": {"office"}, "region": {"江南省"}},
			[]string{"不能取消自己的系统管理员角色"}},
		{"ResetPassword", "/admin/users/li.ming/password", url.Values{"password": {"password123"}, "password2": {"password123"}},
			[]string{"密码过于常见"}},
		{"ResetPasswordMismatch", "/admin/users/li.ming/password", url.Values{"password": {"Qinghe#2027x"}, "password2": {"Qinghe#2027y"}},
			[]string{"两次输入的密码不一致"}},
		{"CreateToken", "/admin/tokens", url.Values{"name": {""}, "roles": {"office"}},
			[]string{"请填写令牌名称", "接口令牌只能授予只读角色", "地区须为"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := e.postForm(tt.path, "admin", tt.form)
			if r.Status != 400 {
				t.Fatalf("status %d, want 400:\n%.2000s", r.Status, r.Raw)
			}
			got := fieldErrors(r.Raw)
			if len(got) != len(tt.want) {
				t.Fatalf("field messages %q, want %d: %q", got, len(tt.want), tt.want)
			}
			for i, want := range tt.want {
				if !strings.HasPrefix(got[i], want) {
					t.Errorf("message %d: %q, want %q…", i, got[i], want)
				}
			}
		})
	}
	if u, _ := e.Access.User(context.Background(), "admin"); !u.Has(cases.RoleAdmin) {
		t.Error("the refused edit took the administrator's own role away")
	}
}

// TestAdminRoutesAreForAdminsOnly: every other role gets 403 with a Chinese
// page on every administration route, read or write.
func TestAdminRoutesAreForAdminsOnly(t *testing.T) {
	e := newEnv(t)
	_, tok, err := e.Access.CreateToken(context.Background(), "admin", "联动系统", []cases.Role{cases.RoleLiaison}, []string{"江南省"})
	if err != nil {
		t.Fatal(err)
	}
	var routes []string
	for _, r := range e.Server.Routes() {
		if strings.HasPrefix(r.Path, "/admin/") {
			p := strings.NewReplacer(":id/revoke", tok.Short()+"/revoke", ":id", "li.ming").Replace(r.Path)
			routes = append(routes, r.Method+" "+p)
		}
	}
	if len(routes) < 11 {
		t.Fatalf("only %d administration routes: %v", len(routes), routes)
	}
	for role, user := range oneOfEachRole {
		for _, route := range routes {
			method, path, _ := strings.Cut(route, " ")
			t.Run(string(role)+" "+route, func(t *testing.T) {
				if role == cases.RoleAdmin && method == "POST" {
					return // the administrator's posts are the other tests'
				}
				var r response
				if method == "GET" {
					r = e.req("GET", path, user, "", nil)
				} else {
					r = e.postForm(path, user, url.Values{"disabled": {"true"}, "password": {"Qinghe#2027x"}, "password2": {"Qinghe#2027x"}})
				}
				if role == cases.RoleAdmin {
					if r.Status != 200 {
						t.Fatalf("the administrator gets %d", r.Status)
					}
					return
				}
				if r.Status != 403 || !strings.Contains(r.Raw, web.DeniedMessage) {
					t.Fatalf("%s: %d, want 403 with %q", user, r.Status, web.DeniedMessage)
				}
			})
		}
	}
}

func TestAdminTokenShownOnceThenRevoked(t *testing.T) {
	e := newEnv(t)
	r := e.postForm("/admin/tokens", "admin", url.Values{"name": {"人社局编制联动系统"}, "roles": {"liaison"}, "region": {"江南省/云州市"}})
	if r.Status != 201 || r.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("create: %d, Cache-Control %q", r.Status, r.Header.Get("Cache-Control"))
	}
	secret := regexp.MustCompile(`rct_[A-Za-z0-9_-]{43}`).FindString(r.Raw)
	if secret == "" || !strings.Contains(r.Raw, "只在此显示这一次") {
		t.Fatalf("the result page has no secret or no warning:\n%.3000s", r.Raw)
	}
	bearer := func() int {
		return e.req("GET", "/api/v1/cases", "", "", nil, "Authorization", "Bearer "+secret).Status
	}
	if got := bearer(); got != 200 {
		t.Fatalf("the new token against /api/v1/cases: %d", got)
	}
	list := e.req("GET", "/admin/tokens", "admin", "", nil)
	short := access.HashSecret(secret)[:12]
	if strings.Contains(list.Raw, secret) || !strings.Contains(list.Raw, short) || !strings.Contains(list.Raw, "人社局编制联动系统") {
		t.Fatalf("the list shows the secret, or not the token")
	}
	if strings.Contains(e.req("GET", "/admin/tokens/"+short+"/revoke", "admin", "", nil).Raw, secret) {
		t.Fatal("the confirm page shows the secret")
	}
	confirm := e.req("GET", "/admin/tokens/"+short+"/revoke", "admin", "", nil)
	if confirm.Status != 200 || !strings.Contains(confirm.Raw, "确认吊销") {
		t.Fatalf("confirm page: %d", confirm.Status)
	}
	if got := bearer(); got != 200 {
		t.Fatalf("opening the confirm page revoked the token: %d", got)
	}
	r = e.postForm("/admin/tokens/"+short+"/revoke", "admin", url.Values{})
	if got := e.follow(r, "admin"); got != "已吊销接口令牌 人社局编制联动系统（"+short+"）" {
		t.Fatalf("after revoking: %q", got)
	}
	if got := bearer(); got != 401 {
		t.Fatalf("the revoked token: %d, want 401", got)
	}
	if list := e.req("GET", "/admin/tokens", "admin", "", nil); !strings.Contains(list.Raw, "已吊销") {
		t.Error("the list does not show the token revoked")
	}
}

// The list shows when each user last logged in; an administrator's edit,
// made from an older read, keeps it.
func TestAdminSeesLastLogin(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	lastLogin := func(id string) time.Time {
		t.Helper()
		us, err := e.Access.Users(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range us {
			if u.ID == id {
				return u.LastLoginAt
			}
		}
		t.Fatalf("no user %s", id)
		return time.Time{}
	}
	if !lastLogin("zhao.lei").IsZero() {
		t.Fatal("a login before any")
	}
	e.session("zhao.lei")
	at := lastLogin("zhao.lei")
	if at.IsZero() || time.Since(at) > time.Minute {
		t.Fatalf("last login %v after logging in", at)
	}
	r := e.postForm("/admin/users/zhao.lei", "admin", url.Values{"name": {"赵磊"}, "roles": {"office"}, "region": {"江南省/云州市"}})
	if r.Status != 303 {
		t.Fatalf("edit: %d", r.Status)
	}
	if got := lastLogin("zhao.lei"); !got.Equal(at) {
		t.Errorf("after an edit the last login is %v, want %v", got, at)
	}
	list := e.req("GET", "/admin/users", "admin", "", nil)
	if !strings.Contains(list.Raw, "从未登录") || !strings.Contains(list.Raw, at.In(time.FixedZone("CST", 8*3600)).Format("2006-01-02 15:04")) {
		t.Error("the list does not show who never logged in and when zhao.lei did")
	}
}

func TestAdminResetPasswordEndsSessions(t *testing.T) {
	e := newEnv(t)
	if r := e.req("GET", "/api/v1/cases", "li.ming", "", nil); r.Status != 200 {
		t.Fatalf("before: %d", r.Status)
	}
	r := e.postForm("/admin/users/li.ming/password", "admin", url.Values{"password": {"Qinghe#2027x"}, "password2": {"Qinghe#2027x"}})
	if got := e.follow(r, "admin"); got != "已重置用户 li.ming 的密码，其所有登录已失效" {
		t.Fatalf("notice %q", got)
	}
	if r := e.req("GET", "/api/v1/cases", "li.ming", "", nil); r.Status != 401 {
		t.Fatalf("the old session after a reset: %d, want 401", r.Status)
	}
	ctx := context.Background()
	if _, _, _, err := e.Access.Login(ctx, "li.ming", testPassword, "192.0.2.9", "test"); err == nil {
		t.Error("the old password still logs in")
	}
	if _, _, _, err := e.Access.Login(ctx, "li.ming", "Qinghe#2027x", "192.0.2.9", "test"); err != nil {
		t.Errorf("the new password: %v", err)
	}
}

func TestAdminDisablesAndEnables(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	t.Run("DisableBlocksLogin", func(t *testing.T) {
		if r := e.req("GET", "/api/v1/cases", "zhao.lei", "", nil); r.Status != 200 {
			t.Fatalf("before: %d", r.Status)
		}
		r := e.postForm("/admin/users/zhao.lei/disabled", "admin", url.Values{"disabled": {"true"}})
		if got := e.follow(r, "admin"); got != "已停用用户 zhao.lei，其所有登录已失效" {
			t.Fatalf("notice %q", got)
		}
		if r := e.req("GET", "/api/v1/cases", "zhao.lei", "", nil); r.Status != 401 {
			t.Fatalf("the disabled user's session: %d, want 401", r.Status)
		}
		if _, _, _, err := e.Access.Login(ctx, "zhao.lei", testPassword, "192.0.2.9", "test"); err == nil {
			t.Fatal("a disabled user logged in")
		}
		if list := e.req("GET", "/admin/users", "admin", "", nil); !strings.Contains(list.Raw, "已停用") {
			t.Error("the list does not show the account disabled")
		}
	})
	t.Run("EnableAllowsLogin", func(t *testing.T) {
		r := e.postForm("/admin/users/zhao.lei/disabled", "admin", url.Values{"disabled": {"false"}})
		if got := e.follow(r, "admin"); got != "已启用用户 zhao.lei" {
			t.Fatalf("notice %q", got)
		}
		if _, _, _, err := e.Access.Login(ctx, "zhao.lei", testPassword, "192.0.2.9", "test"); err != nil {
			t.Fatalf("the enabled user: %v", err)
		}
	})
	t.Run("ErrSelfDisable", func(t *testing.T) {
		r := e.postForm("/admin/users/admin/disabled", "admin", url.Values{"disabled": {"true"}})
		if r.Status != 400 || !strings.Contains(r.Raw, "不能停用自己的账号") {
			t.Fatalf("self-disable: %d", r.Status)
		}
		if u, _ := e.Access.User(ctx, "admin"); u.Disabled {
			t.Fatal("the administrator disabled themself")
		}
		if r := e.req("GET", "/admin/users", "admin", "", nil); r.Status != 200 {
			t.Fatalf("after refusing: %d", r.Status)
		}
	})
}

func TestAccessLogFilters(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for _, a := range []access.AccessEntry{
		{UserID: "li.ming", Action: "read-case", Target: "2026-0001", Level: "secret"},
		{UserID: "li.ming", Action: "read-events", Target: "2026-0001", Level: "secret"},
		{UserID: "li.ming", Action: "export-ledger-csv", Target: "3 条：state=registered"},
		{UserID: "zhao.lei", Action: "read-case", Target: "2026-0002", Level: "secret"},
		{UserID: "zhao.lei", Action: "download-document", Target: "云编督〔2026〕1号"},
		{UserID: "wang.fang", Action: "read-case", Target: "2026-0003", Level: "secret"},
	} {
		a.Role, a.IP = "监督检查处室", "192.0.2.1"
		if err := e.Access.RecordAccess(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	rows := regexp.MustCompile(`(?s)<table id="access-log">.*?</table>`)
	for _, tt := range []struct {
		name, query string
		want        int
		shows       []string
	}{
		{"All", "", 6, []string{"李明", "赵磊", "王芳"}},
		{"UserChosen", "user=li.ming", 3, []string{"李明"}},
		{"LoginTyped", "login=zhao.lei", 2, []string{"赵磊"}},
		{"LoginTypedWins", "user=li.ming&login=wang.fang", 1, []string{"王芳"}},
		{"Action", "action=read-case", 3, []string{"查阅案件"}},
		{"UserAndAction", "user=li.ming&action=read-case", 1, []string{"2026-0001"}},
		{"Level", "level=secret", 4, []string{"秘密"}},
		{"UserAndLevel", "user=zhao.lei&level=secret", 1, []string{"2026-0002"}},
		{"ActionAndLevel", "action=read-events&level=secret", 1, []string{"查阅办理记录"}},
		{"DateRange", "from=2000-01-01&to=2099-12-31", 6, nil},
		{"DateRangeBefore", "to=2000-01-01", 0, []string{"没有记录"}},
		{"Target", "target=2026-000", 4, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := e.req("GET", "/admin/access-log?"+tt.query, "admin", "", nil)
			if r.Status != 200 {
				t.Fatalf("status %d", r.Status)
			}
			table := rows.FindString(r.Raw)
			if got := strings.Count(table, "<tr>") - 1; got != tt.want && !(tt.want == 0 && got == 1) {
				t.Errorf("%d rows, want %d", got, tt.want)
			}
			for _, s := range tt.shows {
				if !strings.Contains(table, s) {
					t.Errorf("the rows do not show %q", s)
				}
			}
		})
	}
	t.Run("SelectsKeepTheFilter", func(t *testing.T) {
		r := e.req("GET", "/admin/access-log?user=li.ming&action=read-case&level=secret", "admin", "", nil)
		for _, want := range []string{`<option value="li.ming" selected>李明（li.ming）</option>`,
			`<option value="read-case" selected>查阅案件</option>`, `<option value="secret" selected>秘密</option>`} {
			if !strings.Contains(r.Raw, want) {
				t.Errorf("the form does not keep %s", want)
			}
		}
	})
	t.Run("ErrUnknownAction", func(t *testing.T) {
		r := e.req("GET", "/admin/access-log?action=nope", "admin", "", nil)
		if r.Status != 400 || !strings.Contains(r.Raw, "未知的操作「nope」") {
			t.Fatalf("%d", r.Status)
		}
	})
	t.Run("Pages", func(t *testing.T) {
		first := e.req("GET", "/admin/access-log?per_page=4", "admin", "", nil)
		if !strings.Contains(first.Raw, "下一页") || strings.Contains(first.Raw, "上一页") || !strings.Contains(first.Raw, "第 1 / 2 页") {
			t.Fatalf("first page of two: no 下一页 link or a 上一页 link")
		}
		next := regexp.MustCompile(`<a href="([^"]+)">下一页</a>`).FindStringSubmatch(first.Raw)
		second := e.req("GET", strings.ReplaceAll(next[1], "&amp;", "&"), "admin", "", nil)
		if got := strings.Count(rows.FindString(second.Raw), "<tr>") - 1; got != 2 || !strings.Contains(second.Raw, "上一页") || strings.Contains(second.Raw, "下一页") {
			t.Fatalf("second page: %d rows", got)
		}
	})
}
