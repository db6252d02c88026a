package web

import (
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"rectify/cases"
	"rectify/cases/access"
)

// userRow is an account as the administrator's list shows it.
type userRow struct {
	access.User
	RolesLabel string
}

// accountForm is what the account forms show: the values typed (or
// stored), the role checkboxes and region choices built from them, and the
// errors of the last post, each under its field.
type accountForm struct {
	U          access.User
	Roles      []option
	Regions    []option
	RegionText string
	Error      *cases.Error
}

type usersPage struct {
	Users []userRow
	New   accountForm
}

type userPage struct {
	User       userRow
	Self       bool
	Edit       accountForm
	PassError  *cases.Error
	StateError string
}

// accountFormOf builds the form for u: a checkbox per role of roles, and
// the regions of the units the administrator sees, with u's selected; a
// region no unit has yet is shown typed.
func (s *Server) accountFormOf(c *gin.Context, u access.User, roles []cases.Role) (accountForm, error) {
	f := accountForm{U: u}
	for _, r := range roles {
		f.Roles = append(f.Roles, option{string(r), roleLabels[r], u.Has(r)})
	}
	regions, err := s.svc.Regions(c, who(c).scope)
	if err != nil {
		return f, err
	}
	key := cases.RegionKey(u.Region)
	for _, r := range regions {
		f.Regions = append(f.Regions, option{r, strings.ReplaceAll(r, "/", " / "), r == key})
	}
	if key != "" && !slices.Contains(regions, key) {
		f.RegionText = key
	}
	return f, nil
}

// postedAccount reads the account fields of a form. The region is typed
// (省/市/县) or chosen; what is typed wins.
func postedAccount(c *gin.Context) access.User {
	u := access.User{ID: strings.ToLower(strings.TrimSpace(c.PostForm("id"))), Name: strings.TrimSpace(c.PostForm("name")),
		UnitCode: strings.TrimSpace(c.PostForm("unit"))}
	for _, r := range c.PostFormArray("roles") {
		u.Roles = append(u.Roles, cases.Role(r))
	}
	region := strings.TrimSpace(c.PostForm("region_text"))
	if region == "" {
		region = c.PostForm("region")
	}
	if region != "" {
		for _, p := range strings.Split(region, "/") {
			u.Region = append(u.Region, strings.TrimSpace(p))
		}
	}
	return u
}

// checkAccountUnit refuses a liaison bound to a unit that is not in the
// directory or lies outside the account's own region: such an account
// would act for a unit its region never shows (and a unit of another
// county is not the binding office's to hand out).
func (s *Server) checkAccountUnit(c *gin.Context, u access.User) error {
	if u.UnitCode == "" || !cases.ValidUnitCode(u.UnitCode) || len(u.Region) == 0 {
		return nil // Validate names what is missing
	}
	_, err := s.svc.Unit(c, cases.Scope{Region: cases.RegionKey(u.Region)}, u.UnitCode)
	if cases.ErrorCode(err) == cases.ENOTFOUND {
		return cases.Invalid("unit", "单位「%s」不在被监督单位名录中，或不在该账号的地区（%s）内", u.UnitCode, cases.RegionKey(u.Region))
	}
	return err
}

func (s *Server) usersPage(c *gin.Context, newUser access.User, formErr *cases.Error) (usersPage, error) {
	var page usersPage
	us, err := s.access.Users(c)
	if err != nil {
		return page, err
	}
	for _, u := range us {
		page.Users = append(page.Users, userRow{User: u, RolesLabel: rolesLabel(u.Roles)})
	}
	page.New, err = s.accountFormOf(c, newUser, cases.Roles)
	page.New.Error = formErr
	return page, err
}

func (s *Server) handleUsersPage(c *gin.Context) {
	page, err := s.usersPage(c, access.User{}, nil)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "admin_users.html", "用户管理", page)
}

// changer is the administrator making a change of accounts.
func changer(c *gin.Context) access.Changer {
	return access.Changer{Account: who(c).user, IP: clientIP(c)}
}

func (s *Server) handleUserCreate(c *gin.Context) {
	u := postedAccount(c)
	err := s.checkAccountUnit(c, u)
	if err == nil {
		err = s.access.CreateUserBy(c, changer(c), u, c.PostForm("password"))
	}
	if e, ok := cases.AsError(err); ok && e.Code == cases.EINVALID {
		page, perr := s.usersPage(c, u, e)
		if perr != nil {
			s.fail(c, perr)
			return
		}
		s.render(c, http.StatusBadRequest, "admin_users.html", "用户管理", page)
		return
	} else if err != nil {
		s.fail(c, err)
		return
	}
	redirect(c, "/admin/users", "user-created", u.Name+"（"+u.ID+"）")
}

// renderUserPage shows an account with its three forms; edit holds what
// was posted to the edit form (else the stored account).
func (s *Server) renderUserPage(c *gin.Context, status int, id string, edit *access.User, page userPage) {
	u, err := s.access.User(c, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	page.User = userRow{User: u, RolesLabel: rolesLabel(u.Roles)}
	page.Self = u.ID == who(c).user.ID
	shown := u
	if edit != nil {
		shown = *edit
		shown.ID = u.ID
	}
	errEdit := page.Edit.Error
	if page.Edit, err = s.accountFormOf(c, shown, cases.Roles); err != nil {
		s.fail(c, err)
		return
	}
	page.Edit.Error = errEdit
	s.render(c, status, "admin_user.html", "用户 "+u.Name, page)
}

func (s *Server) handleUserPage(c *gin.Context) {
	s.renderUserPage(c, http.StatusOK, c.Param("id"), nil, userPage{})
}

func (s *Server) handleUserUpdate(c *gin.Context) {
	id := c.Param("id")
	u := postedAccount(c)
	u.ID = id
	// The access service keeps administration and case work apart
	// (access.CheckChange): refused, the form comes back with the reason.
	err := s.checkAccountUnit(c, u)
	if err == nil {
		err = s.access.UpdateUser(c, changer(c), id, u)
	}
	if e, ok := cases.AsError(err); ok && e.Code == cases.EINVALID {
		s.renderUserPage(c, http.StatusBadRequest, id, &u, userPage{Edit: accountForm{Error: e}})
		return
	} else if err != nil {
		s.fail(c, err)
		return
	}
	redirect(c, "/admin/users/"+id, "user-updated", id)
}

func (s *Server) handleUserPassword(c *gin.Context) {
	id := c.Param("id")
	var err error
	if pw := c.PostForm("password"); pw != c.PostForm("password2") {
		err = cases.Invalid("password2", "两次输入的密码不一致")
	} else {
		err = s.access.SetPassword(c, id, pw)
	}
	if e, ok := cases.AsError(err); ok && e.Code == cases.EINVALID {
		s.renderUserPage(c, http.StatusBadRequest, id, nil, userPage{PassError: e})
		return
	} else if err != nil {
		s.fail(c, err)
		return
	}
	redirect(c, "/admin/users/"+id, "user-password", id)
}

func (s *Server) handleUserDisabled(c *gin.Context) {
	id := c.Param("id")
	disable := c.PostForm("disabled") == "true"
	err := s.access.SetDisabled(c, changer(c), id, disable)
	if e, ok := cases.AsError(err); ok && e.Code == cases.EINVALID {
		s.renderUserPage(c, http.StatusBadRequest, id, nil, userPage{StateError: e.Message})
		return
	} else if err != nil {
		s.fail(c, err)
		return
	}
	key := "user-enabled"
	if disable {
		key = "user-disabled"
	}
	redirect(c, "/admin/users/"+id, key, id)
}
