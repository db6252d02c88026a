package web_test

import (
	"context"
	"encoding/json"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"rectify/cases"
	"rectify/cases/access"
)

// TestAdminCannotTakeUpCaseWork: an administrator manages accounts and
// works no cases. It cannot give itself, or an account in its own name, a
// case role, nor leave itself without a fellow administrator; each refusal
// is the form again with the reason, and nothing is saved.
func TestAdminCannotTakeUpCaseWork(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	// A second administrator, made through the console.
	r := e.postForm("/admin/users", "admin", url.Values{"id": {"admin2"}, "name": {"钱进"}, "roles": {"admin"},
		"region": {"江南省/云州市"}, "password": {"Qinghe#2027x"}})
	if r.Status != 303 {
		t.Fatalf("create the second administrator: %d\n%.2000s", r.Status, fieldErrors(r.Raw))
	}
	for _, tt := range []struct {
		name, path string
		form       url.Values
		want       string
	}{
		{"ErrAddOfficeToSelf", "/admin/users/admin", url.Values{"name": {"管理员"}, "roles": {"admin", "office"}, "region": {"江南省/云州市"}},
			"系统管理员账号不能同时拥有办案角色"},
		{"ErrSwapToOffice", "/admin/users/admin", url.Values{"name": {"管理员"}, "roles": {"office"}, "region": {"江南省/云州市"}},
			"不能取消自己的系统管理员角色"},
		{"ErrGiveOtherAdminCaseRole", "/admin/users/admin2", url.Values{"name": {"钱进"}, "roles": {"admin", "office"}, "region": {"江南省/云州市"}},
			"系统管理员账号不能同时拥有办案角色"},
		{"ErrAccountInOwnName", "/admin/users", url.Values{"id": {"guanli.office"}, "name": {"管理员"}, "roles": {"office"},
			"region": {"江南省/云州市"}, "password": {"Qinghe#2027x"}}, "不能给自己（或以本人姓名开设的账号）授予办案角色"},
		{"ErrDemoteLastOtherAdmin", "/admin/users/admin2", url.Values{"name": {"钱进"}, "roles": {"reviewer"}, "region": {"江南省/云州市"}},
			"是除您以外唯一启用的系统管理员"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := e.postForm(tt.path, "admin", tt.form)
			if r.Status != 400 {
				t.Fatalf("status %d, want 400", r.Status)
			}
			if got := fieldErrors(r.Raw); len(got) != 1 || !strings.Contains(got[0], tt.want) {
				t.Fatalf("field messages %q, want one with %q", got, tt.want)
			}
		})
	}
	t.Run("ErrDisableLastOtherAdmin", func(t *testing.T) {
		r := e.postForm("/admin/users/admin2/disabled", "admin", url.Values{"disabled": {"true"}})
		if r.Status != 400 || !strings.Contains(r.Raw, "是除您以外唯一启用的系统管理员") {
			t.Fatalf("status %d", r.Status)
		}
	})
	for id, want := range map[string][]cases.Role{"admin": {cases.RoleAdmin}, "admin2": {cases.RoleAdmin}} {
		u, err := e.Access.User(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(u.Roles, want) || u.Disabled {
			t.Errorf("%s after the refusals: %v disabled=%v", id, u.Roles, u.Disabled)
		}
	}
	if _, err := e.Access.User(ctx, "guanli.office"); cases.ErrorCode(err) != cases.ENOTFOUND {
		t.Errorf("the refused account was made: %v", err)
	}
	// The secret ledger stays closed to the administrator.
	if r := e.req("GET", "/api/v1/cases", "admin", "", nil); r.Status != 403 {
		t.Errorf("the administrator lists cases: %d", r.Status)
	}
	// With a third administrator, the second may go.
	r = e.postForm("/admin/users", "admin", url.Values{"id": {"admin3"}, "name": {"孙悦"}, "roles": {"admin"},
		"region": {"江南省/云州市"}, "password": {"Qinghe#2027x"}})
	if r.Status != 303 {
		t.Fatalf("create the third administrator: %d", r.Status)
	}
	if r := e.postForm("/admin/users/admin2/disabled", "admin", url.Values{"disabled": {"true"}}); r.Status != 303 {
		t.Fatalf("disable one of two other administrators: %d", r.Status)
	}
}

// TestRoleChangesAreLogged: every change of roles is in the access log with
// the roles before and after, in the console (filtered by the action) and
// through the API.
func TestRoleChangesAreLogged(t *testing.T) {
	e := newEnv(t)
	r := e.postForm("/admin/users", "admin", url.Values{"id": {"wu.gang"}, "name": {"吴刚"}, "roles": {"office"},
		"region": {"江南省/云州市"}, "password": {"Qinghe#2027x"}})
	if r.Status != 303 {
		t.Fatalf("create: %d", r.Status)
	}
	r = e.postForm("/admin/users/wu.gang", "admin", url.Values{"name": {"吴刚"}, "roles": {"office", "approver"}, "region": {"江南省/云州市"}})
	if r.Status != 303 {
		t.Fatalf("edit: %d", r.Status)
	}
	// A change of the region alone changes no roles: no entry.
	r = e.postForm("/admin/users/wu.gang", "admin", url.Values{"name": {"吴刚"}, "roles": {"office", "approver"}, "region": {"江南省"}})
	if r.Status != 303 {
		t.Fatalf("edit the region: %d", r.Status)
	}
	if r := e.postForm("/admin/users/wu.gang/disabled", "admin", url.Values{"disabled": {"true"}}); r.Status != 303 {
		t.Fatalf("disable: %d", r.Status)
	}

	page := e.req("GET", "/admin/access-log?action=change-roles", "admin", "", nil)
	table := regexp.MustCompile(`(?s)<table id="access-log">.*?</table>`).FindString(page.Raw)
	if got := strings.Count(table, "<tr>") - 1; got != 2 {
		t.Fatalf("%d role changes listed, want 2:\n%s", got, table)
	}
	for _, want := range []string{"吴刚（wu.gang）：无 → 监督检查处室", "吴刚（wu.gang）：监督检查处室 → 监督检查处室、分管领导", "变更账号角色", "管理员"} {
		if !strings.Contains(table, want) {
			t.Errorf("the log does not show %q", want)
		}
	}
	if !strings.Contains(page.Raw, `<option value="change-roles" selected>变更账号角色</option>`) {
		t.Error("the filter does not offer or keep 变更账号角色")
	}
	if page := e.req("GET", "/admin/access-log?action=disable-user", "admin", "", nil); !strings.Contains(page.Raw, "停用账号") ||
		!strings.Contains(page.Raw, "吴刚（wu.gang）") {
		t.Error("the log does not show the account disabled")
	}

	api := e.req("GET", "/api/v1/access-log?action=change-roles&target=wu.gang", "admin", "", nil)
	if api.Status != 200 {
		t.Fatalf("API: %d", api.Status)
	}
	var body struct {
		Items []access.AccessEntry `json:"items"`
	}
	if err := json.Unmarshal([]byte(api.Raw), &body); err != nil {
		t.Fatal(err)
	}
	if len(body.Items) != 2 {
		t.Fatalf("API: %d entries, want 2", len(body.Items))
	}
	newest := body.Items[0]
	if newest.UserID != "admin" || newest.Target != "wu.gang" || !slices.Equal(newest.Before, []string{"office"}) ||
		!slices.Equal(newest.After, []string{"office", "approver"}) {
		t.Errorf("API entry %+v", newest)
	}
}

// TestMixedAccountActsAsAdministratorOnly: an account that holds the
// administrator's role and the office's, made before they were kept apart,
// signs in as an administrator only: the secret ledger stays closed to it.
func TestMixedAccountActsAsAdministratorOnly(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	h, err := access.HashPassword(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	mixed := access.User{ID: "old.admin", Name: "老管理员", Roles: []cases.Role{cases.RoleAdmin, cases.RoleOffice},
		Region: []string{"江南省", "云州市"}, PasswordHash: h}
	if err := e.DB.InsertUser(ctx, mixed); err != nil { // as an older version stored it
		t.Fatal(err)
	}
	e.register("QH001", cases.LevelSecret)
	for _, path := range []string{"/api/v1/cases", "/cases/new"} {
		if r := e.req("GET", path, "old.admin", "", nil); r.Status != 403 {
			t.Errorf("GET %s: %d, want 403", path, r.Status)
		}
	}
	if r := e.req("GET", "/admin/users", "old.admin", "", nil); r.Status != 200 {
		t.Errorf("the administration: %d", r.Status)
	}
}
