package access_test

import (
	"context"
	"testing"
	"time"

	"rectify/cases"
	"rectify/cases/access"
	"rectify/cases/casetest"
)

const password = "Shared#test-2026"

// eventually waits for a signal to travel through the journal, which
// another process follows on its own schedule.
func eventually(t *testing.T, what string, check func() bool) {
	t.Helper()
	casetest.Eventually(t, 15*time.Second, what, check)
}

func TestSharedCacheFollowsChangesMadeElsewhere(t *testing.T) {
	ctx := context.Background()
	env := casetest.New(t, nil)
	other := casetest.Open(t, env.Config) // a second server on the same database
	a := access.NewService(access.Shared(env.DB, env.Service, true), access.Config{})
	b := access.NewService(access.Shared(env.DB, other, true), access.Config{})
	u := access.User{ID: "li.ming", Name: "李明", Roles: []cases.Role{cases.RoleOffice}, Region: []string{"江南省", "云州市"}}
	if err := a.CreateUser(ctx, u, password); err != nil {
		t.Fatal(err)
	}
	authenticated := func(s *access.Service, secret string) bool {
		_, _, err := s.Authenticate(ctx, secret)
		return err == nil
	}
	login := func() string {
		t.Helper()
		secret, _, _, err := a.Login(ctx, "li.ming", password, "127.0.0.1", "test")
		if err != nil {
			t.Fatal(err)
		}
		// Both servers have read, and so cached, the session and the account.
		if !authenticated(a, secret) || !authenticated(b, secret) {
			t.Fatal("a new session is refused")
		}
		return secret
	}
	t.Run("Logout", func(t *testing.T) {
		secret := login()
		_, sess, _ := a.Authenticate(ctx, secret)
		if err := a.Logout(ctx, sess.ID); err != nil {
			t.Fatal(err)
		}
		if authenticated(a, secret) {
			t.Fatal("the server that ended the session still accepts it")
		}
		eventually(t, "the other server refuses the ended session", func() bool { return !authenticated(b, secret) })
	})
	t.Run("Disable", func(t *testing.T) {
		secret := login()
		if err := a.SetDisabled(ctx, access.Changer{}, "li.ming", true); err != nil {
			t.Fatal(err)
		}
		eventually(t, "the other server refuses a disabled account's session", func() bool { return !authenticated(b, secret) })
		if _, _, _, err := b.Login(ctx, "li.ming", password, "127.0.0.1", "test"); err == nil {
			t.Fatal("a disabled account logged in on the other server")
		}
		if err := a.SetDisabled(ctx, access.Changer{}, "li.ming", false); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("RevokeToken", func(t *testing.T) {
		secret, tok, err := a.CreateToken(ctx, "admin", "人社局", []cases.Role{cases.RoleLiaison}, []string{"江南省"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := b.AuthenticateToken(ctx, secret); err != nil {
			t.Fatal(err)
		}
		if _, err := a.RevokeToken(ctx, tok.ID[:12]); err != nil {
			t.Fatal(err)
		}
		eventually(t, "the other server refuses a revoked token", func() bool {
			_, err := b.AuthenticateToken(ctx, secret)
			return err != nil
		})
	})
	t.Run("FromAToolWithoutALedger", func(t *testing.T) {
		secret := login()
		tool := access.NewService(access.Shared(env.DB, cases.Notifier{Store: env.DB}, false), access.Config{})
		if err := tool.SetPassword(ctx, "li.ming", "Another#pass-2026"); err != nil {
			t.Fatal(err)
		}
		for name, s := range map[string]*access.Service{"a": a, "b": b} {
			eventually(t, "server "+name+" refuses a session ended by a password change", func() bool { return !authenticated(s, secret) })
		}
	})
}
