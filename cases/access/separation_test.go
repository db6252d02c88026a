package access

import (
	"testing"

	"rectify/cases"
)

func TestCheckChange(t *testing.T) {
	region := []string{"江南省"}
	user := func(id, name string, disabled bool, roles ...cases.Role) User {
		return User{ID: id, Name: name, Roles: roles, Region: region, Disabled: disabled}
	}
	admin := user("admin", "张伟", false, cases.RoleAdmin)
	admin2 := user("admin2", "王强", false, cases.RoleAdmin)
	gone := user("admin3", "赵敏", true, cases.RoleAdmin) // disabled: counts for nothing
	office := user("li.ming", "李明", false, cases.RoleOffice)
	twin := user("zhang.wei", "张伟", false, cases.RoleReviewer) // the administrator's second account
	two := []User{admin, admin2, gone, office, twin}
	alone := []User{admin, gone, office, twin}
	console := Changer{Account: admin}
	cli := Changer{Operator: "root"}
	with := func(u User, f func(*User)) User { f(&u); return u }
	tests := []struct {
		name          string
		by            Changer
		before, after User
		all           []User
		field         string // "" when allowed
	}{
		{"OKGrantOthersCaseRole", console, office, with(office, func(u *User) { u.Roles = append(u.Roles, cases.RoleApprover) }), two, ""},
		{"ErrGrantSelfCaseRole", console, admin, with(admin, func(u *User) { u.Roles = []cases.Role{cases.RoleOffice} }), two, "roles"},
		{"ErrGrantOwnOtherAccount", console, twin, with(twin, func(u *User) { u.Roles = []cases.Role{cases.RoleOffice} }), two, "roles"},
		{"OKKeepOwnOtherAccountsRole", console, twin, with(twin, func(u *User) { u.Region = []string{"江南省", "云州市"} }), two, ""},
		{"ErrCreateAccountInOwnName", console, User{}, user("zw2", "张伟", false, cases.RoleOffice), two, "roles"},
		{"ErrRenameToOwnNameWithNewRole", console, office, with(office, func(u *User) { u.Name = "张伟"; u.Roles = []cases.Role{cases.RoleApprover} }), two, "roles"},
		{"OKCreateOtherAccount", console, User{}, user("wu.gang", "吴刚", false, cases.RoleOffice), two, ""},
		{"ErrDisableSelf", console, admin, with(admin, func(u *User) { u.Disabled = true }), two, "disabled"},
		{"ErrDemoteSelf", console, admin, with(admin, func(u *User) { u.Roles = []cases.Role{cases.RoleReviewer} }), two, "roles"},
		{"ErrDisableLastOtherAdmin", console, admin2, with(admin2, func(u *User) { u.Disabled = true }), two, "disabled"},
		{"ErrDemoteLastOtherAdmin", Changer{Account: admin2}, admin, with(admin, func(u *User) { u.Roles = []cases.Role{cases.RoleOffice} }), two, "roles"},
		{"OKDisableOneOfTwoOthers", console, admin2, with(admin2, func(u *User) { u.Disabled = true }), append(two, user("admin4", "钱进", false, cases.RoleAdmin)), ""},
		{"OKEnableAdmin", console, gone, with(gone, func(u *User) { u.Disabled = false }), two, ""},
		{"OKDisableCaseWorker", console, office, with(office, func(u *User) { u.Disabled = true }), alone, ""},
		{"CommandLineErrDisableLastAdmin", cli, admin, with(admin, func(u *User) { u.Disabled = true }), alone, "disabled"},
		{"CommandLineErrDemoteLastAdmin", cli, admin, with(admin, func(u *User) { u.Roles = []cases.Role{cases.RoleOffice} }), alone, "roles"},
		{"CommandLineOKDisableOneOfTwo", cli, admin, with(admin, func(u *User) { u.Disabled = true }), two, ""},
		{"CommandLineOKGrantCaseRole", cli, office, with(office, func(u *User) { u.Roles = []cases.Role{cases.RoleApprover} }), alone, ""},
		{"CommandLineOKPromote", cli, office, with(office, func(u *User) { u.Roles = []cases.Role{cases.RoleAdmin} }), alone, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckChange(tt.by, tt.before, tt.after, tt.all)
			if tt.field == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			e, ok := cases.AsError(err)
			if !ok || e.Code != cases.EINVALID || e.Field != tt.field || e.Rule != "separation" {
				t.Fatalf("got %v, want EINVALID on %s by rule separation", err, tt.field)
			}
		})
	}
}

// One account never holds the administrator's role and a case role, however
// it is made (CreateUser, the demo, the command line).
func TestValidateKeepsAdminApart(t *testing.T) {
	for _, r := range CaseRoles {
		u := User{ID: "x.y", Name: "某人", Roles: []cases.Role{cases.RoleAdmin, r}, Region: []string{"江南省"}}
		if r == cases.RoleUnit {
			u.UnitCode = "QH001"
		}
		err := u.Validate()
		if e, ok := cases.AsError(err); !ok || e.Field != "roles" {
			t.Errorf("admin + %s: %v, want a refusal on roles", r, err)
		}
	}
	if err := (User{ID: "x.y", Name: "某人", Roles: []cases.Role{cases.RoleAdmin}, Region: []string{"江南省"}}).Validate(); err != nil {
		t.Errorf("admin alone: %v", err)
	}
}
