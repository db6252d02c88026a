package access_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"rectify/cases"
	"rectify/cases/access"
	"rectify/storage/mongotest"
)

// Guesses made at once cannot exceed the lockout: an attempt is counted
// before its password is checked, so of 16 wrong passwords sent together
// at most Threshold are tried; the rest are refused as too many. And a
// right password leaves no failure behind, for the account or the address.
func TestConcurrentGuessesStayWithinTheLockout(t *testing.T) {
	ctx := context.Background()
	db := mongotest.Open(t)
	svc := access.NewService(db, nil)
	u := access.User{ID: "li.ming", Name: "李明", Roles: []cases.Role{cases.RoleOffice}, Region: []string{"江南省"}}
	if err := svc.CreateUser(ctx, u, password); err != nil {
		t.Fatal(err)
	}
	// Successful logins from one address, more than its threshold.
	for range access.AddressLockout.Threshold + 2 {
		if _, _, _, err := svc.Login(ctx, "li.ming", password, "10.0.0.1", "test"); err != nil {
			t.Fatalf("a right password: %v", err)
		}
	}
	for _, key := range []string{"user:li.ming", "ip:10.0.0.1"} {
		if n, _, err := db.Failures(ctx, key, time.Time{}); err != nil || n != 0 {
			t.Fatalf("%s after right passwords: %d failures, %v", key, n, err)
		}
	}
	const n = 16
	var mu sync.Mutex
	tried, refused := 0, 0
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, _, _, err := svc.Login(ctx, "li.ming", "Wrong#guess-2026", fmt.Sprintf("10.0.1.%d", i), "test")
			mu.Lock()
			defer mu.Unlock()
			switch cases.ErrorCode(err) {
			case cases.EUNAUTHORIZED:
				tried++
			case cases.ETOOMANY:
				refused++
			default:
				t.Errorf("a wrong password: %v", err)
			}
		}()
	}
	close(start)
	wg.Wait()
	// All may be refused (when every attempt is recorded before any is
	// counted); never more than the threshold tried.
	if tried > access.AccountLockout.Threshold || tried+refused != n {
		t.Fatalf("%d of %d concurrent guesses were tried (%d refused); at most %d may be", tried, n, refused, access.AccountLockout.Threshold)
	}
	// Locked now, even with the right password.
	if _, _, _, err := svc.Login(ctx, "li.ming", password, "10.0.0.1", "test"); cases.ErrorCode(err) != cases.ETOOMANY {
		t.Fatalf("right password during the lockout: %v", err)
	}
}
