package access

import (
	"slices"

	"rectify/cases"
)

// Administration and case work are kept apart (三员分立 in spirit): an
// administrator manages accounts and never works cases, so that no one can
// give themself the right to read secret cases or register them. The rules
// are here, in the access service, so that the console, the API and the
// command line obey the same ones.

// Changer is who changes an account: an administrator signed in to the
// console (Account), or the operator of the command line (rectify user …),
// who has no account and is named by Operator for the log.
type Changer struct {
	// Account is the administrator's own account; its ID is empty for the
	// command line.
	Account User
	// Operator names the command line's operator (the shell user), for the
	// access log.
	Operator string
	// IP is the client address of a console change, for the access log.
	IP string
}

// CommandLine reports whether the change is made at the command line.
func (by Changer) CommandLine() bool { return by.Account.ID == "" }

// logID is who the access log names as having made the change.
func (by Changer) logID() string {
	if by.CommandLine() {
		op := by.Operator
		if op == "" {
			op = "operator"
		}
		return "cli:" + op
	}
	return by.Account.ID
}

// logRole is the role the access log records the change under.
func (by Changer) logRole() string {
	if by.CommandLine() {
		return "命令行"
	}
	return "系统管理员"
}

// CaseRoles are the roles that work or read cases: every role but the
// administrator's. An account holds either RoleAdmin or case roles.
var CaseRoles = slices.DeleteFunc(slices.Clone(cases.Roles), func(r cases.Role) bool { return r == cases.RoleAdmin })

// mixesAdmin reports whether roles hold the administrator's role together
// with a case role.
func mixesAdmin(roles []cases.Role) bool {
	return slices.Contains(roles, cases.RoleAdmin) && slices.ContainsFunc(roles, func(r cases.Role) bool { return r != cases.RoleAdmin })
}

// grantsCaseRole reports whether after holds a case role before did not.
func grantsCaseRole(before, after []cases.Role) bool {
	return slices.ContainsFunc(after, func(r cases.Role) bool { return r != cases.RoleAdmin && !slices.Contains(before, r) })
}

// heldBy reports whether account u is held by the administrator admin: it
// is admin's own account, or another account in admin's own name (姓名). An
// account has no other link to the person behind it, and a person's second
// account carries their name; two people of one name ask another
// administrator, which is the point of the rule.
func heldBy(u, admin User) bool {
	return u.ID == admin.ID || u.Name == admin.Name
}

// Acting returns the account as it may act. An account holding the
// administrator's role with case roles — made before the two were kept
// apart — acts as an administrator only, until an administrator splits it
// (editing it must then drop one side: Validate refuses the mix).
func (u User) Acting() User {
	if mixesAdmin(u.Roles) {
		u.Roles = []cases.Role{cases.RoleAdmin}
	}
	return u
}

// enabledAdmin reports whether u is an administrator who can log in.
func enabledAdmin(u User) bool { return u.Has(cases.RoleAdmin) && !u.Disabled }

// CheckChange decides whether by may turn account before into after (before
// zero: a new account), given every account as stored. It checks only the
// separation rules; Validate checks the fields. The rules:
//
//   - no account holds the administrator's role and a case role at once
//     (User.Validate checks this one, for every account however made);
//   - an administrator grants no case role to an account it holds (heldBy);
//   - an administrator does not disable itself or take away its own
//     administrator role;
//   - an administrator does not disable or demote the last other enabled
//     administrator: a lone administrator answers to no one;
//   - no change leaves no enabled administrator (the command line's rule:
//     the console's rules above already keep one).
//
// Errors: EINVALID with rule "separation", field roles or disabled (a form
// shows it under the field, as any other bad input).
func CheckChange(by Changer, before, after User, all []User) error {
	if !by.CommandLine() {
		admin := by.Account
		if after.ID == admin.ID && before.ID != "" {
			if after.Disabled && !before.Disabled {
				return refused("disabled", "不能停用自己的账号")
			}
			if !after.Has(cases.RoleAdmin) {
				return refused("roles", "不能取消自己的系统管理员角色")
			}
		}
		if grantsCaseRole(before.Roles, after.Roles) && heldBy(after, admin) {
			return refused("roles", "不能给自己（或以本人姓名开设的账号）授予办案角色，请由另一位系统管理员办理")
		}
	}
	if !enabledAdmin(before) || enabledAdmin(after) {
		return nil
	}
	// after stops being an enabled administrator: who would remain?
	others := 0
	for _, u := range all {
		if u.ID != before.ID && u.ID != by.Account.ID && enabledAdmin(u) {
			others++
		}
	}
	switch {
	case !by.CommandLine() && others == 0:
		return refused(changedField(before, after), "%s是除您以外唯一启用的系统管理员，不能停用或取消其管理员角色；请先增设另一位系统管理员", after.Name)
	case by.CommandLine() && others == 0:
		return refused(changedField(before, after), "%s是唯一启用的系统管理员，停用或取消其管理员角色后将无人能管理账号", after.Name)
	}
	return nil
}

// changedField is the field a refusal of demoting or disabling names.
func changedField(before, after User) string {
	if after.Disabled && !before.Disabled {
		return "disabled"
	}
	return "roles"
}

func refused(field, format string, args ...any) *cases.Error {
	e := cases.Invalid(field, format, args...)
	e.Rule = "separation"
	return e
}
