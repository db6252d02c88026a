package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
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

// lightLabels and levelLabels name the warning lights and classification
// levels wherever a person reads them.
var (
	lightLabels = map[cases.Light]string{cases.LightRed: "红灯", cases.LightYellow: "黄灯", cases.LightGreen: "绿灯"}
	levelLabels = map[cases.Level]string{cases.LevelPublic: "公开", cases.LevelInternal: "内部", cases.LevelSecret: "秘密"}
)

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
	"lightLabel": func(l cases.Light) string { return lightLabels[l] },
	"levelLabel": func(l cases.Level) string { return levelLabels[l] },
	"region":     func(r []string) string { return strings.Join(r, " / ") },
	"add":        func(a, b int) int { return a + b },
	"neg":        func(a int) int { return -a },
	"filesize":   fileSize,
	"field":      func(e *cases.Error, f string) string { return fieldMsg(e, f) },
}

// fileSize is a file's size as an office writes it: KB and MB as Windows
// shows them (multiples of 1024), never KiB.
func fileSize(n int64) string {
	switch {
	case n < 1024:
		return fmt.Sprintf("%d 字节", n)
	case n < 1024*1024:
		return fmt.Sprintf("%.1f KB", float64(n)/1024)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/1024/1024)
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
	ld := layoutData{Title: title, Data: data, Flash: flashOf(c)}
	if p, ok := principalOf(c); ok {
		ld.User = &p.user
		ld.RoleLabels = rolesLabel(p.user.Roles)
		if p.session != nil {
			ld.CSRF = p.session.CSRF
		}
		ld.Nav = nav(p.user, c.Request.URL.Path)
	}
	c.Render(status, render.HTML{Template: pt.t, Name: "layout.html", Data: ld})
}

// redirect answers a form post with 303 to path, with an optional notice.
// The notice travels in the URL signed for the session (see flashOf); after
// logging out, only the fixed notices of staticFlash can be shown.
func redirect(c *gin.Context, path, flash string) {
	if flash != "" {
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		q := url.Values{"flash": {flash}}
		if _, static := staticFlash[flash]; !static {
			q.Set("fs", flashMAC(c, flash))
		}
		path += sep + q.Encode()
	}
	c.Redirect(http.StatusSeeOther, path)
}

// staticFlash are the notices shown without a session, by key.
var staticFlash = map[string]string{"logout": "您已安全退出"}

// flashOf is the notice a page shows: a fixed one by its key, or a text
// signed for this session by redirect. Anything else in ?flash= — a link
// someone crafted to put their words in the system's mouth — is ignored.
func flashOf(c *gin.Context) string {
	f := c.Query("flash")
	if f == "" {
		return ""
	}
	if text, ok := staticFlash[f]; ok {
		return text
	}
	mac := flashMAC(c, f)
	if mac == "" || !hmac.Equal([]byte(mac), []byte(c.Query("fs"))) {
		return ""
	}
	return f
}

// flashMAC signs a notice with the session's CSRF secret ("" without a
// session): valid in every process that shares the session store, and
// only for the user it was made for.
func flashMAC(c *gin.Context, text string) string {
	p, ok := principalOf(c)
	if !ok || p.session == nil || p.session.CSRF == "" {
		return ""
	}
	m := hmac.New(sha256.New, []byte(p.session.CSRF))
	m.Write([]byte("flash\x00" + text))
	return hex.EncodeToString(m.Sum(nil)[:16])
}

// csrfOf is the CSRF token to put in p's forms.
func csrfOf(p *principal) string {
	if p != nil && p.session != nil {
		return p.session.CSRF
	}
	return ""
}
