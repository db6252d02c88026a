package cases

// Role is what a person may do in the product (see DOMAIN.md, "Who uses it").
type Role string

// The roles.
const (
	RoleAdmin    Role = "admin"
	RoleOffice   Role = "office"
	RoleApprover Role = "approver"
	RolePatrol   Role = "patrol"
	RoleHotline  Role = "hotline"
	RoleUnit     Role = "unit"
	RoleReviewer Role = "reviewer"
	RoleLiaison  Role = "liaison"
)

// Roles lists every role in a stable order.
var Roles = []Role{RoleAdmin, RoleOffice, RoleApprover, RolePatrol, RoleHotline, RoleUnit, RoleReviewer, RoleLiaison}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if r == x {
			return true
		}
	}
	return false
}

// Actor is the person (or system) acting, as recorded on every event.
type Actor struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
	Role Role   `json:"role"`
}
