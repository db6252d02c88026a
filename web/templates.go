package web

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/gin-gonic/gin/render"

	"rectify/cases"
	"rectify/cases/access"
)

// pageTemplate is one page: the layout plus that page's "content".
type pageTemplate struct{ t *template.Template }

var roleLabels = map[cases.Role]string{
	cases.RoleAdmin: "系统管理员", cases.RoleOffice: "监督检查处室", cases.RoleApprover: "分管领导",
	cases.RolePatrol: "巡察组", cases.RoleHotline: "举报受理", cases.RoleUnit: "单位联络员",
	cases.RoleReviewer: "评估人员", cases.RoleLiaison: "联动部门",
}

func rolesLabel(rs []cases.Role) string {
	var out []string
	for _, r := range rs {
		out = append(out, roleLabels[r])
	}
	return strings.Join(out, "、")
}

var cst = time.FixedZone("CST", 8*3600)

var funcs = template.FuncMap{
	"datetime": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(cst).Format("2006-01-02 15:04")
	},
	"date": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(cst).Format("2006-01-02")
	},
	"lightLabel": func(l cases.Light) string {
		return map[cases.Light]string{cases.LightRed: "红灯", cases.LightYellow: "黄灯", cases.LightGreen: "绿灯"}[l]
	},
	"levelLabel": func(l cases.Level) string {
		return map[cases.Level]string{cases.LevelPublic: "公开", cases.LevelInternal: "内部", cases.LevelSecret: "秘密"}[l]
	},
	"region": func(r []string) string { return strings.Join(r, " / ") },
	"add":    func(a, b int) int { return a + b },
	"neg":    func(a int) int { return -a },
	"kib": func(n int64) string {
		if n < 1024*1024 {
			return fmt.Sprintf("%.1f KiB", float64(n)/1024)
		}
		return fmt.Sprintf("%.1f MiB", float64(n)/1024/1024)
	},
	"field": func(e *cases.Error, f string) string { return fieldMsg(e, f) },
}

func fieldMsg(e *cases.Error, f string) string {
	if e != nil && e.Field == f {
		return e.Message
	}
	return ""
}

func mustParsePages() map[string]*pageTemplate {
	entries, err := templateFS.ReadDir("templates")
	if err != nil {
		panic(err)
	}
	pages := map[string]*pageTemplate{}
	for _, e := range entries {
		if e.Name() == "layout.html" {
			continue
		}
		t := template.Must(template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/"+e.Name()))
		pages[e.Name()] = &pageTemplate{t}
	}
	return pages
}

// navItem is a link in the top navigation.
type navItem struct {
	Href, Label string
	Active      bool
}

// layoutData is what every page has.
type layoutData struct {
	Title      string
	User       *access.User
	RoleLabels string
	CSRF       string
	Nav        []navItem
	Flash      string
	Data       any
}

// nav builds the navigation a user's roles need.
func nav(u access.User, path string) []navItem {
	var items []navItem
	add := func(href, label string, roles ...cases.Role) {
		if u.HasAny(roles) {
			items = append(items, navItem{Href: href, Label: label, Active: path == href || strings.HasPrefix(path, href+"/")})
		}
	}
	add("/ledger", "问题台账", readers...)
	add("/cases/new", "登记问题", registrars...)
	add("/feedback/new", "反馈函", officeOnly...)
	add("/units", "被监督单位", everyone...)
	add("/admin/access-log", "访问日志", admins...)
	return items
}

// render writes page with the layout.
func (s *Server) render(c *gin.Context, status int, page, title string, data any) {
	pt, ok := s.pages[page]
	if !ok {
		panic("no template " + page)
	}
	ld := layoutData{Title: title, Data: data, Flash: c.Query("flash")}
	if p, ok := principalOf(c); ok {
		ld.User = &p.user
		ld.RoleLabels = rolesLabel(p.user.Roles)
		if p.session != nil {
			ld.CSRF = p.session.CSRF
		}
		ld.Nav = nav(p.user, c.Request.URL.Path)
	}
	if len(ld.Flash) > 200 {
		ld.Flash = ""
	}
	c.Render(status, render.HTML{Template: pt.t, Name: "layout.html", Data: ld})
}

// redirect answers a form post with 303 to path, with an optional notice.
func redirect(c *gin.Context, path, flash string) {
	if flash != "" {
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		path += sep + "flash=" + url.QueryEscape(flash)
	}
	c.Redirect(http.StatusSeeOther, path)
}

// csrfOf is the CSRF token to put in p's forms.
func csrfOf(p *principal) string {
	if p != nil && p.session != nil {
		return p.session.CSRF
	}
	return ""
}
