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
	Team     string       `json:"team"`      // for the patrol role: their inspection team
	// PatrolUnits are the units assigned to the team's current round (set
	// by the briefing issue; empty means a patrol user sees no cases).
	PatrolUnits  []string  `json:"patrol_units"`
	PasswordHash string    `json:"-"`
	Disabled     bool      `json:"disabled"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

var userIDRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,63}$`)

// ValidUserID reports whether id is a well-formed login name.
func ValidUserID(id string) bool { return userIDRE.MatchString(id) }

// Validate checks a user's fields; the error names the field.
func (u User) Validate() error {
	if !ValidUserID(u.ID) {
		return cases.Invalid("id", "login name %q must be 2-64 lower-case letters, digits, . _ or -", u.ID)
	}
	if strings.TrimSpace(u.Name) == "" || len([]rune(u.Name)) > 50 {
		return cases.Invalid("name", "name is required (at most 50 characters)")
	}
	if len(u.Roles) == 0 {
		return cases.Invalid("roles", "at least one role is required")
	}
	for _, r := range u.Roles {
		if !r.Valid() {
			return cases.Invalid("roles", "unknown role %q", r)
		}
	}
	if len(u.Region) == 0 || len(u.Region) > 3 {
		return cases.Invalid("region", "region must be province[/city[/county]]")
	}
	for _, p := range u.Region {
		if strings.TrimSpace(p) == "" || strings.ContainsAny(p, "/$") {
			return cases.Invalid("region", "region part %q is empty or malformed", p)
		}
	}
	if u.Has(cases.RoleUnit) {
		if len(u.Roles) != 1 {
			return cases.Invalid("roles", "a unit liaison account holds the unit role only")
		}
		if !cases.ValidUnitCode(u.UnitCode) {
			return cases.Invalid("unit", "a unit liaison must be bound to one unit")
		}
	} else if u.UnitCode != "" {
		return cases.Invalid("unit", "only unit liaison accounts are bound to a unit")
	}
	return nil
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
// only the units assigned to their team's round.
func (u User) Scope() cases.Scope {
	s := cases.Scope{Region: cases.RegionKey(u.Region)}
	wide := []cases.Role{cases.RoleOffice, cases.RoleApprover, cases.RoleHotline, cases.RoleLiaison, cases.RoleReviewer, cases.RoleAdmin}
	switch {
	case u.HasAny(wide):
	case u.Has(cases.RoleUnit):
		s.Units = []string{u.UnitCode}
	case u.Has(cases.RolePatrol):
		s.Units = append([]string{}, u.PatrolUnits...)
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
