package access

import (
	"strings"
	"testing"
	"time"

	"rectify/cases"
)

func TestPasswordPolicy(t *testing.T) {
	u := User{ID: "li.ming", Name: "李明"}
	Publish("Printed#On-Start-2026")
	tests := []struct {
		name, pw string
		ok       bool
	}{
		{"ErrShort", "Ab#12345", false},
		{"ErrCommon", "password123", false},
		{"ErrCommonChinese", "woaini1314", false},
		{"ErrContainsLogin", "my-li.ming-2026", false},
		{"ErrContainsLoginBare", "liming#2026x", false},
		{"ErrContainsName", "李明的密码2026abc", false},
		{"ErrOneClass", "abcdefghijkl", false},
		{"OK", "Yunzhou#2026", true},
		{"ErrPublished", "Printed#On-Start-2026", false},
		{"ErrPublishedOtherCase", "printed#on-start-2026", false},
		{"OKPassphrase", "清河 县 整改 2026", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckPasswordPolicy(u, tt.pw)
			if (err == nil) != tt.ok {
				t.Fatalf("got %v", err)
			}
			if err != nil && cases.ErrorCode(err) != cases.EINVALID {
				t.Fatalf("code %v", err)
			}
		})
	}
}

func TestHashPassword(t *testing.T) {
	h, err := HashPassword("Yunzhou#2026")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %s", h)
	}
	h2, _ := HashPassword("Yunzhou#2026")
	if h == h2 {
		t.Fatal("no salt")
	}
	if !CheckPassword(h, "Yunzhou#2026") || CheckPassword(h, "Yunzhou#2027") || CheckPassword("garbage", "x") {
		t.Fatal("check wrong")
	}
}

func TestLockoutGrows(t *testing.T) {
	now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	l := AccountLockout
	tests := []struct {
		failures int
		ago      time.Duration
		want     time.Duration
	}{
		{4, 0, 0},
		{5, 0, 30 * time.Second},
		{5, 10 * time.Second, 20 * time.Second},
		{6, 0, time.Minute},
		{7, 0, 2 * time.Minute},
		{20, 0, 15 * time.Minute},
		{5, time.Minute, 0},
	}
	for _, tt := range tests {
		if got := l.Wait(tt.failures, now.Add(-tt.ago), now); got != tt.want {
			t.Errorf("Wait(%d, -%v) = %v, want %v", tt.failures, tt.ago, got, tt.want)
		}
	}
}

func TestUserScope(t *testing.T) {
	city := []string{"江南省", "云州市"}
	tests := []struct {
		name  string
		u     User
		units []string
		wide  bool
	}{
		{"Office", User{Roles: []cases.Role{cases.RoleOffice}, Region: city}, nil, true},
		{"Unit", User{Roles: []cases.Role{cases.RoleUnit}, Region: city, UnitCode: "QH001"}, []string{"QH001"}, false},
		{"PatrolUnassigned", User{Roles: []cases.Role{cases.RolePatrol}, Region: city}, []string{}, false},
		{"PatrolAndOffice", User{Roles: []cases.Role{cases.RolePatrol, cases.RoleOffice}, Region: city}, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.u.Scope()
			if s.Region != "江南省/云州市" || (s.Units == nil) != tt.wide || len(s.Units) != len(tt.units) {
				t.Fatalf("scope %+v", s)
			}
		})
	}
}

func TestUserValidate(t *testing.T) {
	ok := User{ID: "li.ming", Name: "李明", Roles: []cases.Role{cases.RoleOffice}, Region: []string{"江南省"}}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	bad := map[string]User{
		"id":     {ID: "Li Ming", Name: "x", Roles: ok.Roles, Region: ok.Region},
		"roles":  {ID: "a.b", Name: "x", Roles: []cases.Role{"boss"}, Region: ok.Region},
		"region": {ID: "a.b", Name: "x", Roles: ok.Roles, Region: []string{"江南省/云州市"}},
		"unit":   {ID: "a.b", Name: "x", Roles: []cases.Role{cases.RoleUnit}, Region: ok.Region},
	}
	for field, u := range bad {
		if e, _ := cases.AsError(u.Validate()); e == nil || e.Field != field {
			t.Errorf("%s: got %v", field, e)
		}
	}
	twoRoles := User{ID: "a.b", Name: "x", Roles: []cases.Role{cases.RoleUnit, cases.RoleOffice}, Region: ok.Region, UnitCode: "QH001"}
	if twoRoles.Validate() == nil {
		t.Error("a unit liaison with another role accepted")
	}
}

func TestActingRole(t *testing.T) {
	u := User{Roles: []cases.Role{cases.RoleOffice, cases.RoleApprover}}
	if got := u.ActingRole([]cases.Role{cases.RoleApprover}); got != cases.RoleApprover {
		t.Errorf("got %s", got)
	}
	if got := u.ActingRole([]cases.Role{cases.RoleUnit}); got != cases.RoleOffice {
		t.Errorf("fallback got %s", got)
	}
}
