package main

import (
	"context"
	"slices"
	"strings"
	"testing"

	"rectify/cases/access"
	"rectify/storage/mongotest"
)

// TestUserCommandsKeepAdministrationApart: the command line's operator has
// no account, but is held to the same separation: no account is both
// administrator and case worker, and the last enabled administrator stays.
// Its role changes are logged under the shell user.
func TestUserCommandsKeepAdministrationApart(t *testing.T) {
	uri := externalEngine(t)
	dbName := mongotest.DBName()
	db := mongotest.OpenAt(t, uri, dbName)
	env := []string{"RECTIFY_MONGO_URI=" + uri, "RECTIFY_MONGO_DB=" + dbName, "RECTIFY_DATA=" + t.TempDir(), "USER=ops.wang"}
	refused := func(want string, args ...string) {
		t.Helper()
		out, code := run(t, append(env, "RECTIFY_PASSWORD="+testPassword), args...)
		if code == 0 || !strings.Contains(out, want) {
			t.Fatalf("%v: exit %d: %s, want a refusal with %q", args, code, out, want)
		}
	}
	refused("不能同时拥有办案角色", "user", "add", "--id", "boss", "--name", "某某", "--roles", "admin,office", "--region", "江南省")
	addUser(t, env, "root.admin", "admin")
	addUser(t, env, "chen.jing", "approver")
	refused("唯一启用的系统管理员", "user", "disable", "root.admin")
	refused("唯一启用的系统管理员", "user", "roles", "root.admin", "--roles", "office")
	refused("不能同时拥有办案角色", "user", "roles", "chen.jing", "--roles", "admin,approver")
	if out, code := run(t, env, "user", "roles", "chen.jing", "--roles", "office"); code != 0 || !strings.Contains(out, "approver → office") {
		t.Fatalf("roles: %d %s", code, out)
	}

	ctx := context.Background()
	for id, want := range map[string][]string{"root.admin": {"admin"}, "chen.jing": {"office"}} {
		u, err := db.FindUser(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range u.Roles {
			got = append(got, string(r))
		}
		if !slices.Equal(got, want) || u.Disabled {
			t.Errorf("%s: %v disabled=%v, want %v enabled", id, got, u.Disabled, want)
		}
	}
	es, _, err := db.FindAccess(ctx, access.AccessFilter{Action: access.ActionChangeRoles, Target: "chen.jing", PerPage: 10, Page: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 2 {
		t.Fatalf("%d role changes of chen.jing logged, want 2 (made, changed)", len(es))
	}
	if e := es[0]; e.UserID != "cli:ops.wang" || !slices.Equal(e.Before, []string{"approver"}) || !slices.Equal(e.After, []string{"office"}) {
		t.Errorf("logged %+v", e)
	}
}
