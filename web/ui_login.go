package web

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/gin-gonic/gin"

	"rectify/cases"
	"rectify/cases/access"
)

type loginPage struct {
	CSRF, Next, Username, Error string
}

// safeNext keeps a post-login redirect on this site.
func safeNext(next string) string {
	// Browsers drop tabs and newlines and read a backslash as a slash, so
	// that "/\t/evil.example" or "/\\evil.example" leads off the site: a
	// path of this site has none of them, and no scheme or host.
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsRune(next, '\\') ||
		strings.IndexFunc(next, func(r rune) bool { return r < 0x20 || r == 0x7f || unicode.IsSpace(r) }) >= 0 {
		return ""
	}
	if u, err := url.Parse(next); err != nil || u.Scheme != "" || u.Host != "" || u.Opaque != "" {
		return ""
	}
	return next
}

func (s *Server) handleLoginPage(c *gin.Context) {
	if _, ok := principalOf(c); ok {
		c.Redirect(http.StatusSeeOther, "/")
		return
	}
	s.render(c, http.StatusOK, "login.html", "登录", loginPage{CSRF: s.loginCSRF(c), Next: safeNext(c.Query("next"))})
}

func (s *Server) handleLogin(c *gin.Context) {
	page := loginPage{CSRF: s.loginCSRF(c), Next: safeNext(c.PostForm("next")), Username: c.PostForm("username")}
	cookie, _ := c.Cookie(loginCSRFCookie)
	if cookie == "" || subtle.ConstantTimeCompare([]byte(cookie), []byte(c.PostForm(CSRFField))) != 1 {
		page.Error = "登录表单已失效，请重新输入"
		s.render(c, http.StatusForbidden, "login.html", "登录", page)
		return
	}
	// One account hammered from many addresses is limited by its name (kept
	// only as a hash: people type passwords into the name field).
	name := sha256.Sum256([]byte(strings.ToLower(strings.TrimSpace(c.PostForm("username")))))
	var err error
	secret, u := "", access.User{}
	if ok, wait := s.loginAccounts.take(hex.EncodeToString(name[:])); !ok {
		err = tooMany(wait)
	} else {
		secret, _, u, err = s.access.Login(c, c.PostForm("username"), c.PostForm("password"), clientIP(c), c.Request.UserAgent())
	}
	if err != nil {
		e, ok := cases.AsError(err)
		if !ok {
			s.fail(c, err)
			return
		}
		page.Error = e.Message
		if e.RetryAfter > 0 {
			c.Header("Retry-After", strconv.Itoa(e.RetryAfter))
		}
		s.render(c, statusOf[e.Code], "login.html", "登录", page)
		return
	}
	s.setSessionCookie(c, secret)
	next := page.Next
	if next == "" {
		next = home(u)
	}
	c.Redirect(http.StatusSeeOther, next)
}

// landing is the first page each role needs.
func landing(roles []cases.Role) string {
	has := func(r cases.Role) bool { return slices.Contains(roles, r) }
	switch {
	case has(cases.RoleOffice):
		return "/ledger?sort=deadline&light=red" // overdue first
	case has(cases.RoleApprover):
		return "/ledger?state=confirmed" // what awaits their closing (待审批销号)
	case has(cases.RoleUnit):
		return "/ledger?state=" + strings.Join([]string{"rectifying", "submitted", "reopened"}, ",")
	case has(cases.RoleHotline):
		return "/hotline"
	case has(cases.RoleAdmin):
		return "/admin/users"
	case has(cases.RolePatrol), has(cases.RoleReviewer), has(cases.RoleLiaison):
		return "/ledger"
	}
	return "/units"
}

// home is where u lands after logging in and on /: a role with work
// queues on its to-do page, anyone else where their work is.
func home(u access.User) string {
	if hasQueues(u) {
		return "/todo"
	}
	return landing(u.Roles)
}

// handleHome sends the user home.
func (s *Server) handleHome(c *gin.Context) {
	c.Redirect(http.StatusSeeOther, home(who(c).user))
}

func (s *Server) handleLogout(c *gin.Context) {
	p := who(c)
	if p.session != nil {
		if err := s.access.Logout(c, p.session.ID); err != nil {
			s.fail(c, err)
			return
		}
	}
	s.clearSessionCookie(c)
	redirect(c, "/login", "logout")
}

type passwordPage struct{ Error string }

func (s *Server) handlePasswordPage(c *gin.Context) {
	s.render(c, http.StatusOK, "password.html", "修改密码", passwordPage{})
}

func (s *Server) handlePassword(c *gin.Context) {
	p := who(c)
	if p.session == nil {
		s.fail(c, &cases.Error{Code: cases.EFORBIDDEN, Message: "接口令牌不能修改密码"})
		return
	}
	if c.PostForm("password") != c.PostForm("password2") {
		s.render(c, http.StatusBadRequest, "password.html", "修改密码", passwordPage{Error: "两次输入的新密码不一致"})
		return
	}
	err := s.access.ChangePassword(c, p.user.ID, c.PostForm("old_password"), c.PostForm("password"), p.session.ID)
	if e, ok := cases.AsError(err); ok && e.Code == cases.EINVALID {
		s.render(c, http.StatusBadRequest, "password.html", "修改密码", passwordPage{Error: e.Message})
		return
	} else if err != nil {
		s.fail(c, err)
		return
	}
	redirect(c, "/", "password-changed")
}
