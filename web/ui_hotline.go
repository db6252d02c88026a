package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"rectify/cases"
	"rectify/cases/hotline"
)

// hotlineRoutes adds the public report pages and the hotline console.
func (s *Server) hotlineRoutes(e *gin.Engine, publicLimit gin.HandlerFunc) {
	per := func(n, def int) int {
		if n <= 0 {
			return def
		}
		return n
	}
	reports := per(s.cfg.ReportsPerHour, 5)
	// Filed reports are counted apart from attempts (a mistyped challenge
	// is an attempt): ten attempts for each report allowed.
	reportLimit := []gin.HandlerFunc{s.rateLimit(newHourlyLimiter(10 * reports)), s.quota(newHourlyLimiter(reports), http.StatusCreated)}
	statusLimit := s.rateLimit(newHourlyLimiter(per(s.cfg.StatusPerHour, 60)))
	on := s.hotlineEnabled
	e.GET("/report", publicLimit, on, s.handleReportPage)
	e.POST("/report", append(reportLimit, on, s.handleReport)...)
	e.GET("/report/captcha/:id", publicLimit, on, s.handleCaptchaImage)
	e.GET("/report/captcha/:id/audio", publicLimit, on, s.handleCaptchaAudio)
	e.GET("/report/status", publicLimit, on, s.handleReportStatusPage)
	e.POST("/report/status", statusLimit, on, s.handleReportStatus)
	e.POST("/report/answer", statusLimit, on, s.handleReportAnswer)
	e.POST("/report/add", statusLimit, on, s.handleReportAdd)
	e.GET("/hotline", on, s.handleHotlineList)
	e.GET("/hotline/new", on, s.handleHotlineNewPage)
	e.POST("/hotline/new", on, s.handleHotlineNew)
	e.GET("/hotline/received/:token", on, s.handleHotlineReceived)
	e.GET("/hotline/reports/:id", on, s.handleHotlineReport)
	e.POST("/hotline/reports/:id/actions", on, s.handleHotlineAction)
	e.POST("/hotline/reports/:id/reporter", on, s.handleHotlineReporter)
	e.GET("/hotline/reports/:id/files/:fid", on, s.handleHotlineFile)
	e.POST("/api/v1/hotline-reports/:id/registration", on, s.handleHotlineRegisterAPI)
	e.POST("/api/v1/hotline-reports/:id/merge", on, s.handleHotlineMergeAPI)
}

func (s *Server) hotlineEnabled(c *gin.Context) {
	if s.hotline == nil {
		s.fail(c, &cases.Error{Code: cases.EUNAVAILABLE, Message: "本系统未启用 12310 举报受理"})
		return
	}
	c.Next()
}

// countToTriage counts the header's 待分办 queue.
func (s *Server) countToTriage(c *gin.Context, p *principal) (int, error) {
	if s.hotline == nil {
		return 0, nil
	}
	return s.hotline.CountOpen(c, p.scope)
}

type hotlineRow struct {
	hotline.Report
	Light cases.Light
}

type hotlineListPage struct {
	Rows             []hotlineRow
	All              bool
	Total, Page, Pre int
	Next             int
}

func (s *Server) handleHotlineList(c *gin.Context) {
	p := who(c)
	all := c.Query("all") == "1"
	page, _ := strconv.Atoi(c.Query("page"))
	page = max(page, 1)
	rs, total, err := s.hotline.List(c, hotline.Filter{Scope: p.scope, Open: !all, Page: page, PerPage: 50})
	if err != nil {
		s.fail(c, err)
		return
	}
	out := hotlineListPage{All: all, Total: total, Page: page}
	if page > 1 {
		out.Pre = page - 1
	}
	if page*50 < total {
		out.Next = page + 1
	}
	for _, r := range rs {
		out.Rows = append(out.Rows, hotlineRow{r, s.hotline.Light(r)})
	}
	s.render(c, http.StatusOK, "hotline.html", "12310举报", out)
}

type hotlineNewPage struct {
	// Token makes the form idempotent (see intakeTokens).
	Token    string
	In       hotline.Intake
	Received string
	Channels []option
	Units    []option
	Error    *cases.Error
}

func (s *Server) hotlineNewForm(c *gin.Context, status int, in hotline.Intake, received string, e *cases.Error) {
	p := who(c)
	token := c.PostForm("intake_token")
	if token == "" {
		token = newIntakeToken()
	}
	page := hotlineNewPage{Token: token, In: in, Received: received, Error: e}
	for _, ch := range hotline.Channels {
		page.Channels = append(page.Channels, option{string(ch), ch.Label(), in.Channel == ch})
	}
	units, err := s.unitOptions(c, p.scope, in.UnitCode)
	if err != nil {
		s.fail(c, err)
		return
	}
	page.Units = units
	s.render(c, status, "hotline_new.html", "受理举报", page)
}

func (s *Server) handleHotlineNewPage(c *gin.Context) {
	s.hotlineNewForm(c, http.StatusOK, hotline.Intake{Channel: hotline.ChannelPhone}, time.Now().In(s.loc).Format("2006-01-02T15:04"), nil)
}

type hotlineDonePage struct {
	reportDonePage
	ID string
}

func (s *Server) handleHotlineNew(c *gin.Context) {
	p := who(c)
	in := intakeOf(c)
	in.Channel = hotline.Channel(c.PostForm("channel"))
	received := c.PostForm("received_at")
	if t, err := time.ParseInLocation("2006-01-02T15:04", received, s.loc); err == nil {
		in.ReceivedAt = t
	}
	token := c.PostForm("intake_token")
	if len(token) != 32 {
		s.hotlineNewForm(c, http.StatusBadRequest, in, received, cases.Invalid("intake_token", "表单已过期，请核对内容后重新提交"))
		return
	}
	if prior, err := s.intake.claim(p.user.ID, token); err != nil || prior != "" {
		if err != nil {
			s.fail(c, err)
			return
		}
		// The same form again: the report it took, not a second one.
		redirect(c, "/hotline/received/"+token, "")
		return
	}
	files, err := uploadsOf(c)
	var sub hotline.Submitted
	if err == nil {
		sub, err = s.hotline.Submit(c, p.scope, p.user.ID, in, files)
	}
	if err != nil {
		s.intake.release(p.user.ID, token)
		e, ok := cases.AsError(err)
		if !ok || e.Code == cases.EINTERNAL {
			s.fail(c, err)
			return
		}
		s.hotlineNewForm(c, statusOf[e.Code], in, received, e)
		return
	}
	s.intake.done(p.user.ID, token, sub)
	redirect(c, "/hotline/received/"+token, "")
}

type hotlineReportPage struct {
	R        hotline.Report
	Light    cases.Light
	Twins    []hotline.Twin
	Reporter *hotline.Reporter
	Kinds    []option
	Units    []option
	Levels   []option
	// Reg is the registration form, prefilled from the report.
	Reg cases.Registration
	// OpenTwins are the twins that are open cases of Reg's unit: the
	// register form names them and asks for TwinsAck before registering.
	OpenTwins []hotline.Twin
	TwinsAck  string
	Merge     string
	Error     *cases.Error
	// ErrorAction is the action whose form the error belongs to.
	ErrorAction string
}

func (s *Server) hotlineReportPage(c *gin.Context, status int, id string, reg *cases.Registration, rep *hotline.Reporter, e *cases.Error, action string) {
	p := who(c)
	r, err := s.hotline.Report(c, p.scope, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	twins, err := s.hotline.Twins(c, p.scope, r)
	if err != nil {
		s.fail(c, err)
		return
	}
	page := hotlineReportPage{R: r, Light: s.hotline.Light(r), Twins: twins, Reporter: rep, Error: e, ErrorAction: action}
	if reg != nil {
		page.Reg = *reg
	} else {
		title := []rune(r.Allegation)
		page.Reg = cases.Registration{UnitCode: r.UnitCode, Title: string(title[:min(len(title), 30)]), Facts: r.Allegation, Level: cases.LevelInternal}
	}
	page.OpenTwins = hotline.OpenCases(twins, strings.TrimSpace(page.Reg.UnitCode))
	page.TwinsAck = hotline.TwinsAck(page.OpenTwins)
	page.Merge = c.PostForm("case_no")
	if page.Merge == "" && len(page.OpenTwins) > 0 {
		page.Merge = page.OpenTwins[0].CaseNo // the likeliest open twin
	}
	for _, tw := range twins {
		if page.Merge == "" && tw.CaseNo != "" {
			page.Merge = tw.CaseNo
		}
	}
	for _, k := range s.cat.Kinds {
		page.Kinds = append(page.Kinds, option{k.Code, k.Code + " " + k.Name, page.Reg.Kind == k.Code})
	}
	for _, l := range []cases.Level{cases.LevelInternal, cases.LevelPublic, cases.LevelSecret} {
		page.Levels = append(page.Levels, option{string(l), levelLabels[l], page.Reg.Level == l})
	}
	if page.Units, err = s.unitOptions(c, p.scope, page.Reg.UnitCode); err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, status, "hotline_report.html", "举报 "+r.ID, page)
}

func (s *Server) handleHotlineReport(c *gin.Context) {
	s.hotlineReportPage(c, http.StatusOK, c.Param("id"), nil, nil, nil, "")
}

// handleHotlineReporter shows the reporter's identity: a POST, so that no
// prefetch or reload opens it unasked, and each showing is logged.
func (s *Server) handleHotlineReporter(c *gin.Context) {
	p := who(c)
	rep, err := s.hotline.Reporter(c, p.scope, p.user.Actor(cases.RoleHotline), clientIP(c), c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	s.hotlineReportPage(c, http.StatusOK, c.Param("id"), nil, &rep, nil, "")
}

func (s *Server) handleHotlineAction(c *gin.Context) {
	p := who(c)
	id, action := c.Param("id"), c.PostForm("action")
	actor := p.user.Actor(cases.RoleHotline)
	var (
		reg    *cases.Registration
		notice = "hotline-acted"
		arg    = hotline.Kind(action).Label()
	)
	version, err := formVersion(c)
	if err == nil && (action == string(hotline.KindRegister) || action == string(hotline.KindMerge)) {
		err = s.hotline.CheckVersion(c, p.scope, id, version, hotline.Kind(action))
	}
	if err == nil {
		switch hotline.Kind(action) {
		case hotline.KindVerify, hotline.KindAsk, hotline.KindReply, hotline.KindDismiss:
			e := hotline.Event{Kind: hotline.Kind(action), Text: c.PostForm("text"), Reason: c.PostForm("reason")}
			_, err = s.hotline.Act(c, p.scope, actor, id, e, version)
		case hotline.KindRegister:
			reg = &cases.Registration{UnitCode: c.PostForm("unit_code"), Kind: c.PostForm("violation_kind"), Title: c.PostForm("title"),
				Facts: c.PostForm("facts"), Level: cases.Level(c.PostForm("level"))}
			var k cases.Case
			// Open twin cases are named on the form; registering anyway
			// needs their acknowledgement, else the form comes back (409).
			if _, k, err = s.hotline.Register(c, p.scope, actor, id, *reg, c.PostForm("twins_ack")); err == nil {
				notice, arg = "hotline-registered", k.No
			}
		case hotline.KindMerge:
			no := strings.TrimSpace(c.PostForm("case_no"))
			if _, err = s.hotline.Merge(c, p.scope, actor, id, no); err == nil {
				notice, arg = "hotline-merged", no
			}
		default:
			err = cases.Invalid("action", "未知的操作")
		}
	}
	if err != nil {
		e, ok := cases.AsError(err)
		if !ok || e.Code == cases.EINTERNAL || e.Code == cases.ENOTFOUND && e.Field == "" && action != string(hotline.KindMerge) {
			s.fail(c, err)
			return
		}
		s.hotlineReportPage(c, statusOf[e.Code], id, reg, nil, e, action)
		return
	}
	redirect(c, "/hotline/reports/"+id, notice, arg)
}

// formVersion reads the report version a triage form was made from: every
// form carries it, and one without it is refused rather than let through
// unchecked.
func formVersion(c *gin.Context) (int, error) {
	v, err := strconv.Atoi(c.PostForm("version"))
	if err != nil || v < 0 {
		return 0, cases.Invalid("version", "表单缺少版本信息，请刷新页面后重试")
	}
	return v, nil
}

func (s *Server) handleHotlineFile(c *gin.Context) {
	p := who(c)
	a, b, err := s.hotline.Attachment(c, p.scope, c.Param("id"), c.Param("fid"))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Content-Disposition", contentDisposition(a.Name))
	c.Header("Content-Security-Policy", "sandbox; default-src 'none'")
	c.Data(http.StatusOK, a.ContentType, b)
}
