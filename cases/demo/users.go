package demo

import (
	"context"
	"fmt"

	"rectify/cases"
	"rectify/cases/access"
)

// Password is the demo accounts' password. It is printed on start: the
// demo is for trying the product, never for real data.
const Password = "Yunzhou#2026"

// Printed on start, it is refused for any account of one's own.
func init() { access.Publish(Password) }

// The demo office's contact printed on notices (联系人、电话): the demo
// office user and a made-up number in the style of a city office's line.
const (
	ContactName  = "李明"
	ContactPhone = "0888-5512310"
)

// City is the region key of the demo's city office (li.ming and the
// approvers), which organises the demo's assessment rounds.
const City = "江南省/云州市"

// Users are the demo accounts: one per role, plus a county-level office
// user and a second approver, so that scope and four-eyes can be tried.
var Users = []access.User{
	{ID: "admin", Name: "系统管理员", Roles: []cases.Role{cases.RoleAdmin}, Region: []string{"江南省", "云州市"}},
	{ID: "li.ming", Name: "李明", Roles: []cases.Role{cases.RoleOffice}, Region: []string{"江南省", "云州市"}},
	{ID: "zhao.lei", Name: "赵磊", Roles: []cases.Role{cases.RoleOffice}, Region: []string{"江南省", "云州市"}},
	{ID: "wang.fang", Name: "王芳", Roles: []cases.Role{cases.RoleApprover}, Region: []string{"江南省", "云州市"}},
	{ID: "chen.jing", Name: "陈静", Roles: []cases.Role{cases.RoleApprover}, Region: []string{"江南省", "云州市"}},
	{ID: "qh.office", Name: "刘洋", Roles: []cases.Role{cases.RoleOffice}, Region: []string{"江南省", "云州市", "清河县"}},
	{ID: "zhou.qiang", Name: "周强", Roles: []cases.Role{cases.RolePatrol}, Region: []string{"江南省", "云州市"}},
	{ID: "sun.li", Name: "孙丽", Roles: []cases.Role{cases.RoleHotline}, Region: []string{"江南省", "云州市"}},
	{ID: "unit.qh001", Name: "清河县委办联络员", Roles: []cases.Role{cases.RoleUnit}, Region: []string{"江南省", "云州市", "清河县"}, UnitCode: "QH001"},
	{ID: "he.ping", Name: "何平", Roles: []cases.Role{cases.RoleReviewer}, Region: []string{"江南省", "云州市"}},
	{ID: "xu.jing", Name: "徐静", Roles: []cases.Role{cases.RoleReviewer}, Region: []string{"江南省", "云州市"}},
	{ID: "liaison.rsj", Name: "市人社局联络员", Roles: []cases.Role{cases.RoleLiaison}, Region: []string{"江南省", "云州市"}},
}

// LoadUsers creates the demo accounts that do not exist yet.
func LoadUsers(ctx context.Context, svc *access.Service) (created int, err error) {
	for _, u := range Users {
		if _, err := svc.User(ctx, u.ID); err == nil {
			continue
		} else if cases.ErrorCode(err) != cases.ENOTFOUND {
			return created, err
		}
		if err := svc.CreatePublishedUser(ctx, u, Password); err != nil {
			return created, fmt.Errorf("demo user %s: %w", u.ID, err)
		}
		created++
	}
	return created, nil
}
