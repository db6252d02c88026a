package web

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html/template"
	"maps"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

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

// zoneFuncs are the template functions that show times: in the office's
// zone loc, whatever zone the time came in (from the database, UTC).
func zoneFuncs(loc *time.Location) template.FuncMap {
	return template.FuncMap{
		"datetime": func(t time.Time) string { return cases.DayTime(t, loc) },
		"date":     func(t time.Time) string { return cases.Day(t, loc) },
	}
}

var funcs = template.FuncMap{
	"lightLabel": func(l cases.Light) string { return lightLabels[l] },
	"levelLabel": func(l cases.Level) string { return levelLabels[l] },
	"region":     func(r []string) string { return strings.Join(r, " / ") },
	"add":        func(a, b int) int { return a + b },
	"neg":        func(a int) int { return -a },
	"filesize":   fileSize,
	"field":      func(e *cases.Error, f string) string { return fieldMsg(e, f) },
	"pct":        func(f float64) float64 { return 100 * f },
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
	if e == nil {
		return ""
	}
	var msgs []string
	for _, fe := range e.Fields {
		if fe.Field == f {
			msgs = append(msgs, fe.Message)
		}
	}
	if len(msgs) == 0 && e.Field == f {
		return e.Message
	}
	return strings.Join(msgs, "；")
}

func mustParsePages(loc *time.Location) map[string]*pageTemplate {
	fm := template.FuncMap{}
	maps.Copy(fm, funcs)
	maps.Copy(fm, zoneFuncs(loc))
	entries, err := templateFS.ReadDir("templates")
	if err != nil {
		panic(err)
	}
	pages := map[string]*pageTemplate{}
	for _, e := range entries {
		if e.Name() == "layout.html" {
			continue
		}
		t := template.Must(template.New("layout.html").Funcs(fm).ParseFS(templateFS, "templates/layout.html", "templates/"+e.Name()))
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
	Queues     []queue
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
	add("/hotline", "12310举报", hotlineOnly...)
	add("/cases/new", "登记问题", registrars...)
	add("/batches", "巡察移交", batchReaders...)
	add("/patrol", "巡察轮次", patrolReaders...)
	add("/feedback/new", "反馈函", officeOnly...)
	add("/audit-referrals", "审计移送", issuers...)
	add("/warnings", "红灯预警", rosterReaders...)
	add("/roster", "花名册", rosterReaders...)
	add("/units", "被监督单位", everyone...)
	add("/assessment", "三评合一", assessReaders...)
	add("/admin/users", "用户管理", admins...)
	add("/admin/tokens", "接口令牌", admins...)
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
		// The counts are a help, not the page: without them it still shows.
		qs, err := s.queues(c, p)
		if err != nil {
			s.log.Error("count the work queues", "user", p.user.ID, "err", err)
		}
		ld.Queues = qs
	}
	// Render into a buffer first: a template error after the first byte
	// would otherwise leave a 200 page cut off mid-table. A failed page
	// answers 500 with the error page instead (which is rendered the same
	// way; if even that fails, a plain sentence).
	var buf bytes.Buffer
	if err := pt.t.ExecuteTemplate(&buf, "layout.html", ld); err != nil {
		s.log.Error("render page", "page", page, "path", c.Request.URL.Path, "err", err)
		if page == "error.html" {
			c.Data(http.StatusInternalServerError, "text/plain; charset=utf-8", []byte("服务器内部错误，请稍后重试或联系管理员"))
			c.Abort()
			return
		}
		back, backText := backLink(c.Request.URL.Path)
		s.render(c, http.StatusInternalServerError, "error.html", "出错了", errorPage{Status: http.StatusInternalServerError, Message: "服务器内部错误，请稍后重试或联系管理员", Back: back, BackText: backText})
		c.Abort()
		return
	}
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
}

// redirect answers a form post with 303 to path, with an optional notice:
// the key of one of flashes and the values its sentence takes. The values
// travel in the URL signed for the session (see flashOf); after logging
// out, only the public notices can be shown.
func redirect(c *gin.Context, path, key string, args ...string) {
	// A fragment (#p-A1.1.1, the row just saved) goes after the query.
	path, frag, hasFrag := strings.Cut(path, "#")
	if key != "" {
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		q := url.Values{"flash": {key}}
		if len(args) > 0 {
			q["fa"] = args
		}
		if n, ok := flashes[key]; !ok || !n.public || len(args) > 0 {
			q.Set("fs", flashMAC(c, key, args))
		}
		path += sep + q.Encode()
	}
	if hasFrag {
		path += "#" + frag
	}
	c.Redirect(http.StatusSeeOther, path)
}

// flashNote is a notice a page may show after an action: a fixed sentence
// whose %s the redirect fills (a number the action issued).
type flashNote struct {
	text string
	// public notices are shown without a session: the one after logging out.
	public bool
}

// flashes are the only notices a page shows, by key. Whatever else
// ?flash= holds is ignored: a link cannot put its words in the system's
// mouth, even one signed for the session.
var flashes = map[string]flashNote{
	"logout":                {text: "您已安全退出", public: true},
	"password-changed":      {text: "密码已修改，其他设备上的登录已失效"},
	"registered":            {text: "已登记，台账编号 %s"},
	"registered-repeat":     {text: "已登记，台账编号 %s。该单位三年内同类问题已销号：%s，本问题记为屡查屡犯"},
	"registered-not-repeat": {text: "已登记，台账编号 %s。本问题不记为屡查屡犯，理由已记入办理记录"},
	"acted":                 {text: "已%s，案件当前状态：%s"},
	"submitted":             {text: "已报送整改情况，等待核验"},
	"notice-issued":         {text: "已印发整改通知书 %s"},
	"notice-existing":       {text: "整改通知书此前已印发：%s"},
	"notice-issued-partly":  {text: "已印发整改通知书 %s；但案件 %s 未能记录，请刷新后处理"},
	"closing-form":          {text: "已生成销号审批表 %s"},
	"closing-form-existing": {text: "本次销号的审批表此前已生成：%s"},
	"feedback-issued":       {text: "已印发反馈函 %s"},
	"feedback-existing":     {text: "该反馈函此前已印发：%s"},
	"user-created":          {text: "已创建用户 %s"},
	"user-updated":          {text: "已保存用户 %s 的姓名、角色和地区"},
	"user-password":         {text: "已重置用户 %s 的密码，其所有登录已失效"},
	"user-disabled":         {text: "已停用用户 %s，其所有登录已失效"},
	"user-enabled":          {text: "已启用用户 %s"},
	"token-revoked":         {text: "已吊销接口令牌 %s"},
	"batch-registered":      {text: "已登记移交函 %s 的 %s 个问题"},
	"batch-replayed":        {text: "移交函 %s 此前已登记，未重复登记"},
	"batch-letter":          {text: "已印发反馈函 %s"},
	"batch-interim-letter":  {text: "已印发阶段性反馈函 %s"},
	"audit-registered":      {text: "已登记审计移送 %s"},
	"audit-existing":        {text: "审计移送 %s 此前已登记，内容相同，未重复登记"},
	"clue-confirmed":        {text: "线索 %s 已认定，登记为问题 %s"},
	"clue-merged":           {text: "线索 %s 已认定，并入问题 %s"},
	"clue-rejected":         {text: "线索 %s 已作不予认定"},
	"clue-existing":         {text: "线索 %s 此前已作出「%s」的决定"},
	"hotline-acted":         {text: "已%s"},
	"hotline-registered":    {text: "已立案登记，台账编号 %s"},
	"roster-imported":       {text: "已导入花名册 %s"},
	"warning-registered":    {text: "预警已转为台账案件 %s"},
	"warning-existing":      {text: "该预警此前已转为台账案件 %s，未重复登记"},
	"hotline-merged":        {text: "已并入问题 %s，该问题已记录 12310 举报来源"},
	"hotline-receipt-shown": {text: "举报 %s 已受理（同一表单不会重复受理）；回执码和查询密码只显示一次"},
	"round-created":         {text: "已创建%s"},
	"round-unit-set":        {text: "已保存单位 %s 的评估人员和个性指标"},
	"round-finalised":       {text: "评估结果已定稿"},
	"round-reopened":        {text: "评估已重新打开，可以修改评分"},
	"score-saved":           {text: "已保存评估要点 %s 的评分"},
	"scores-saved":          {text: "已保存 %s 个评估要点的评分"},
	"consensus-saved":       {text: "已保存评估要点 %s 的合议得分"},
	"finding-saved":         {text: "已保存评估要点 %s 的评估发现"},
	"finding-converted":     {text: "评估发现已登记为台账问题 %s"},
	"findings-converted":    {text: "评估发现已登记为台账问题：%s"},
	"patrol-round-saved":    {text: "已保存%s"},
	"briefing-sent":         {text: "已将%s的巡察前通报发送给%s，并存档"},
	"letter-issued":         {text: "已印发评估结果反馈 %s"},
	"letter-existing":       {text: "评估结果反馈此前已印发（%s），未重复印发"},
	"self-saved":            {text: "已保存评估要点 %s 的自评"},
	"survey-imported":       {text: "已导入 %s 条满意度测评结果"},
}

// flashOf is the notice a page shows: the sentence of a known key, filled
// with values signed for this session by redirect. An unknown key, a
// wrong number of values or a bad signature shows nothing.
func flashOf(c *gin.Context) string {
	key := c.Query("flash")
	n, ok := flashes[key]
	if !ok {
		return ""
	}
	args := c.QueryArray("fa")
	if len(args) != strings.Count(n.text, "%s") {
		return ""
	}
	if !n.public || len(args) > 0 {
		mac := flashMAC(c, key, args)
		if mac == "" || !hmac.Equal([]byte(mac), []byte(c.Query("fs"))) {
			return ""
		}
	}
	if len(args) == 0 {
		return n.text
	}
	vals := make([]any, len(args))
	for i, a := range args {
		vals[i] = a
	}
	return fmt.Sprintf(n.text, vals...)
}

// flashMAC signs a notice's key and values with the session's CSRF secret
// ("" without a session): valid in every process that shares the session
// store, and only for the user it was made for.
func flashMAC(c *gin.Context, key string, args []string) string {
	p, ok := principalOf(c)
	if !ok || p.session == nil || p.session.CSRF == "" {
		return ""
	}
	m := hmac.New(sha256.New, []byte(p.session.CSRF))
	m.Write([]byte("flash\x00" + key))
	for _, a := range args {
		m.Write([]byte("\x00" + a))
	}
	return hex.EncodeToString(m.Sum(nil)[:16])
}

// csrfOf is the CSRF token to put in p's forms.
func csrfOf(p *principal) string {
	if p != nil && p.session != nil {
		return p.session.CSRF
	}
	return ""
}
