// Package access decides who may use Rectify and what they may see:
// accounts with roles and a region scope, password rules, lockout after
// repeated failures, browser sessions, API tokens for other systems, and the
// append-only log of reads of sensitive material. Everything that can be is
// a pure function; Service wraps a Store for the rest.
package access

import (
	"regexp"
	"slices"
	"strings"
	"time"

	"rectify/cases"
)

// User is a person with an account.
type User struct {
	ID       string       `json:"id"` // login name, e.g. li.ming
	Name     string       `json:"name"`
	Roles    []cases.Role `json:"roles"`
	Region   []string     `json:"region"`    // the node of province/city/county they see, with all below it
	UnitCode string       `json:"unit_code"` // for the unit role: the one unit they act for
	// A patrol user's teams and units are not kept on the account: they
	// come from the patrol rounds (package patrol), whose team membership
	// is the one source of a patrol user's access.
	PasswordHash string `json:"-"`
	Disabled     bool   `json:"disabled"`
	// LastLoginAt is the time of the last successful login (zero: never).
	LastLoginAt time.Time `json:"last_login_at,omitzero"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

var userIDRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,63}$`)

// ValidUserID reports whether id is a well-formed login name.
func ValidUserID(id string) bool { return userIDRE.MatchString(id) }

// Validate checks a user's fields. The error lists every bad field
// (cases.Error.Fields), so that a form can show them all at once.
func (u User) Validate() error {
	var fe cases.FieldErrors
	if !ValidUserID(u.ID) {
		fe.Add(cases.Invalid("id", "登录名须为 2 至 64 位小写字母、数字或 . _ -，以字母或数字开头"))
	}
	if strings.TrimSpace(u.Name) == "" || len([]rune(u.Name)) > 50 {
		fe.Add(cases.Invalid("name", "请填写姓名（不超过 50 个字）"))
	}
	switch {
	case len(u.Roles) == 0:
		fe.Add(cases.Invalid("roles", "请至少选择一个角色"))
	case slices.ContainsFunc(u.Roles, func(r cases.Role) bool { return !r.Valid() }):
		i := slices.IndexFunc(u.Roles, func(r cases.Role) bool { return !r.Valid() })
		fe.Add(cases.Invalid("roles", "未知的角色「%s」", u.Roles[i]))
	case mixesAdmin(u.Roles):
		fe.Add(cases.Invalid("roles", "系统管理员账号不能同时拥有办案角色：管理账号与办理案件须分开，办案请另设账号"))
	case u.Has(cases.RoleUnit) && len(u.Roles) != 1:
		fe.Add(cases.Invalid("roles", "单位联络员账号只能有单位联络员一个角色"))
	}
	if len(u.Region) == 0 || len(u.Region) > 3 {
		fe.Add(cases.Invalid("region", "地区须为 省[/市[/县]]，如 江南省/云州市"))
	} else {
		for _, p := range u.Region {
			if strings.TrimSpace(p) == "" || strings.ContainsAny(p, "/$") {
				fe.Add(cases.Invalid("region", "地区中的「%s」为空或格式有误", p))
				break
			}
		}
	}
	if u.Has(cases.RoleUnit) {
		if !cases.ValidUnitCode(u.UnitCode) {
			fe.Add(cases.Invalid("unit", "单位联络员须绑定一个单位（填写单位代码）"))
		}
	} else if u.UnitCode != "" {
		fe.Add(cases.Invalid("unit", "只有单位联络员账号绑定单位"))
	}
	return fe.Err()
}

// Has reports whether the user holds role r.
func (u User) Has(r cases.Role) bool { return slices.Contains(u.Roles, r) }

// HasAny reports whether the user holds any of roles.
func (u User) HasAny(roles []cases.Role) bool {
	for _, r := range roles {
		if u.Has(r) {
			return true
		}
	}
	return false
}

// Scope is what the user may see. Office-like roles see their region node
// and everything under it; a unit liaison only their unit; a patrol member
// no unit at all: the web layer adds the units of the user's teams in
// current patrol rounds (patrol.UnitsOf), so that access follows the
// round's assignment and ends with it.
func (u User) Scope() cases.Scope {
	s := cases.Scope{Region: cases.RegionKey(u.Region)}
	wide := []cases.Role{cases.RoleOffice, cases.RoleApprover, cases.RoleHotline, cases.RoleLiaison, cases.RoleReviewer, cases.RoleAdmin}
	switch {
	case u.HasAny(wide):
	case u.Has(cases.RoleUnit):
		s.Units = []string{u.UnitCode}
	case u.Has(cases.RolePatrol):
		s.Units = []string{}
	default:
		s.Units = []string{}
	}
	return s
}

// ActingRole picks the role in which the user takes an action that allows
// roles: the first of the user's roles that is allowed, else the first role
// the user has (so that the refusal names a real role).
func (u User) ActingRole(allowed []cases.Role) cases.Role {
	for _, r := range u.Roles {
		if slices.Contains(allowed, r) {
			return r
		}
	}
	return u.Roles[0]
}

// Actor is the user acting in role r, as recorded on events.
func (u User) Actor(r cases.Role) cases.Actor {
	return cases.Actor{ID: u.ID, Name: u.Name, Role: r}
}
