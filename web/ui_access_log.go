package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"rectify/cases"
	"rectify/cases/access"
)

type accessLogPage struct {
	F                      access.AccessFilter
	From, To, Login        string
	Users, Actions, Levels []option
	Entries                []accessRow
	Total, Pages           int
	Prev, Next             string
	Error                  string
}

// accessRow is one access-log entry as a person reads it: the user by
// name, the action, level and filter in words.
type accessRow struct {
	access.AccessEntry
	UserName, ActionLabel, TargetText, LevelLabel string
}

// accessActions name the actions the access log records.
var accessActions = map[string]string{
	"read-case": "查阅案件", "read-events": "查阅办理记录", "download-document": "下载文件",
	"export-ledger-csv": "导出台账（CSV）", "export-ledger-xlsx": "导出台账（Excel）", "export-ledger-pdf": "打印台账（PDF）",
	"read-reporter": "查看举报人信息", "read-batch": "查阅巡察移交函", "read-audit-referral": "查阅审计移送函",
	access.ActionChangeRoles: "变更账号角色", access.ActionDisableUser: "停用账号", access.ActionEnableUser: "启用账号",
	"reveal-id-number": "查看完整身份证号",
	"read-briefing":    "查阅巡察前通报", "download-briefing": "下载巡察前通报", "send-briefing": "发送巡察前通报",
	"download-sent-briefing": "下载已发送的巡察前通报",
}

// accessPerPage is how many entries a page of the console's log shows.
const accessPerPage = 50

func (s *Server) handleAccessLogPage(c *gin.Context) {
	page := accessLogPage{From: c.Query("from"), To: c.Query("to"), Login: strings.TrimSpace(c.Query("login"))}
	f, err := accessFilter(c, "login")
	// A login name typed finds that user among all, those without a name
	// in the list too (a token's entries).
	if page.Login != "" {
		f.UserID = strings.ToLower(page.Login)
	}
	if f.PerPage == 0 {
		f.PerPage = accessPerPage
	}
	if f.Page == 0 {
		f.Page = 1
	}
	page.F = f
	users, uerr := s.access.Users(c)
	if uerr != nil {
		s.fail(c, uerr)
		return
	}
	s.accessLogChoices(&page, users)
	if err != nil {
		e, _ := cases.AsError(err)
		page.Error = "查询条件有误：" + e.Message
		s.render(c, http.StatusBadRequest, "access_log.html", "访问日志", page)
		return
	}
	es, total, err := s.access.SearchAccess(c, f)
	if err != nil {
		s.fail(c, err)
		return
	}
	names := make(map[string]string, len(users))
	for _, u := range users {
		names[u.ID] = u.Name
	}
	page.Total = total
	page.Pages = max(1, (total+f.PerPage-1)/f.PerPage)
	if f.Page > 1 {
		page.Prev = accessPageLink(c, f.Page-1)
	}
	if f.Page*f.PerPage < total {
		page.Next = accessPageLink(c, f.Page+1)
	}
	for _, e := range es {
		r := accessRow{AccessEntry: e, UserName: names[e.UserID], ActionLabel: accessActions[e.Action],
			TargetText: e.Target, LevelLabel: levelLabels[cases.Level(e.Level)]}
		if id, ok := strings.CutPrefix(e.UserID, "token."); ok && r.UserName == "" {
			r.UserName, r.UserID = "接口令牌", id
		}
		if r.ActionLabel == "" {
			r.ActionLabel = "其他操作"
		}
		switch {
		case strings.HasPrefix(e.Action, "export-ledger"):
			r.TargetText = s.describeExport(e.Target)
		case e.Action == access.ActionChangeRoles:
			r.TargetText = accountLabel(e.Target, names) + "：" + roleCodesLabel(e.Before) + " → " + roleCodesLabel(e.After)
		case e.Action == access.ActionDisableUser, e.Action == access.ActionEnableUser:
			r.TargetText = accountLabel(e.Target, names)
		}
		if op, ok := strings.CutPrefix(e.UserID, "cli:"); ok && r.UserName == "" {
			r.UserName, r.UserID = "命令行", op
		}
		page.Entries = append(page.Entries, r)
	}
	s.render(c, http.StatusOK, "access_log.html", "访问日志", page)
}

// accessLogChoices fills the filter's selects: users by name, actions and
// levels in words, with the current filter's selected.
func (s *Server) accessLogChoices(page *accessLogPage, users []access.User) {
	f := page.F
	for _, u := range users {
		page.Users = append(page.Users, option{u.ID, u.Name + "（" + u.ID + "）", page.Login == "" && f.UserID == u.ID})
	}
	var actions []string
	for a := range accessActions {
		actions = append(actions, a)
	}
	slices.Sort(actions)
	for _, a := range actions {
		page.Actions = append(page.Actions, option{a, accessActions[a], f.Action == a})
	}
	for _, l := range []cases.Level{cases.LevelSecret, cases.LevelInternal, cases.LevelPublic} {
		page.Levels = append(page.Levels, option{string(l), levelLabels[l], f.Level == string(l)})
	}
}

// accessPageLink is the log with the current filter on page n.
func accessPageLink(c *gin.Context, n int) string {
	q := url.Values{}
	for k, v := range c.Request.URL.Query() {
		q[k] = v
	}
	q.Set("page", strconv.Itoa(n))
	return "/admin/access-log?" + q.Encode()
}

// accountLabel names an account by its name and login name.
func accountLabel(id string, names map[string]string) string {
	if n := names[id]; n != "" {
		return n + "（" + id + "）"
	}
	return id
}

// roleCodesLabel names roles logged by their codes; none is 无.
func roleCodesLabel(codes []string) string {
	if len(codes) == 0 {
		return "无"
	}
	rs := make([]cases.Role, len(codes))
	for i, c := range codes {
		rs[i] = cases.Role(c)
	}
	return rolesLabel(rs)
}

// loggedReads are the routes that read a briefing or a document, with the
// access-log action an allowed read records. A refused one is recorded
// too, as the action with "-refused", whether the route's roles, the
// viewer's scope or the request refused it: who tried to read what is
// worth as much as who read it.
var loggedReads = map[string]string{
	"GET /units/:code/briefing":        "read-briefing",
	"GET /api/v1/units/:code/briefing": "read-briefing",
	"GET /units/:code/briefing/pdf":    "download-briefing",
	"POST /units/:code/briefing/send":  "send-briefing",
	"GET /patrol/briefings/:id":        "download-sent-briefing",
	"GET /documents/:id":               "download-document",
	"GET /api/v1/documents/:id/pdf":    "download-document",
}

// refusedSuffix marks the access-log action of a refused read.
const refusedSuffix = "-refused"

func init() {
	for _, a := range loggedReads {
		accessActions[a+refusedSuffix] = accessActions[a] + "（被拒绝）"
	}
}

// recordRefusal writes an access-log entry when a logged read (loggedReads)
// by a logged-in user is refused: not found in their scope, forbidden, or
// asked wrongly. The refusal stands whether or not it could be logged.
func (s *Server) recordRefusal(c *gin.Context, err error) {
	action, ok := loggedReads[c.Request.Method+" "+c.FullPath()]
	p, logged := principalOf(c)
	if !ok || !logged || s.access == nil {
		return
	}
	e, ok := cases.AsError(err)
	if !ok || (e.Code != cases.ENOTFOUND && e.Code != cases.EFORBIDDEN && e.Code != cases.EINVALID) {
		return
	}
	target := strings.TrimSuffix(c.Param("code")+c.Param("id"), ".pdf")
	entry := accessEntry(c, p, action+refusedSuffix, target+"："+e.Message)
	if rerr := s.access.RecordAccess(c, entry); rerr != nil {
		s.log.Error("record refused read", "action", action, "target", target, "err", rerr)
	}
}
