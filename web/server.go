package web

import (
	"context"
	"embed"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"rectify/assessment"
	"rectify/cases"
	"rectify/cases/access"
	"rectify/cases/briefing"
	"rectify/cases/catalog"
	"rectify/cases/checkpoint"
	"rectify/cases/clue"
	"rectify/cases/documents"
	"rectify/cases/hotline"
	"rectify/cases/patrol"
	"rectify/cases/referral"
	"rectify/cases/roster"
	"rectify/templates"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Server serves the API and the web console.
type Server struct {
	cfg    Config
	svc    *cases.Service
	access *access.Service
	docs   *documents.Service
	ref    *referral.Service
	clues  *clue.Service
	cat    *catalog.Catalog
	log    *slog.Logger
	engine *gin.Engine
	pages  map[string]*pageTemplate
	// hotline takes 12310 reports; captchas are the public form's challenges.
	hotline  *hotline.Service
	captchas *captchas
	intake   *intakeTokens
	assess   *assessment.Service
	// roster imports staffing rosters and serves their red-light warnings.
	roster     *roster.Service
	rosterJobs rosterJobs
	// patrol holds the patrol rounds; briefing builds the briefings.
	patrol   *patrol.Service
	briefing briefing.Sources
	// loc is the office's time zone: every date shown or exported is
	// read in it.
	loc *time.Location
	// loginAccounts limits login attempts per account name, beside the
	// per-address limit on the route.
	loginAccounts *limiter
}

// Config wires a Server.
type Config struct {
	Service   *cases.Service
	Access    *access.Service
	Documents *documents.Service
	Catalog   *catalog.Catalog
	// Referral registers patrol referral batches (巡察移交).
	Referral *referral.Service
	// Clues is the audit referral channel (审计移送); nil leaves its
	// pages unavailable.
	Clues *clue.Service
	Log   *slog.Logger
	// SecureCookies marks cookies Secure even when TLS ends at a proxy in
	// front of the server (cookies are always Secure over direct TLS).
	SecureCookies bool
	// Office is the office named on printed sheets; Fonts set them (default
	// the embedded fonts).
	Office string
	Fonts  *templates.Fonts
	// Checkpoint signs the ledger's heads now (POST /api/v1/checkpoints);
	// nil answers 503.
	Checkpoint func(ctx context.Context) (checkpoint.Info, bool, error)
	// LoginPerMinute and PublicPerMinute limit requests per client address
	// to the login form and to the other public routes (defaults 120,
	// 300): generous, since an office's staff may all come through one
	// NAT address. LoginPerAccount limits login attempts per account name
	// from any address (default 10); failed passwords lock the account
	// out besides (access.AccountLockout).
	LoginPerMinute, PublicPerMinute, LoginPerAccount int
	// Hotline takes 12310 reports (the public report pages and the hotline
	// console). ReportsPerHour limits reports from one address (default
	// 5), StatusPerHour the reporter's status requests (default 60).
	Hotline                       *hotline.Service
	ReportsPerHour, StatusPerHour int
	// TrustedProxies are the addresses or CIDRs of reverse proxies whose
	// X-Forwarded-For names the client (for the per-address limits and the
	// access log); none by default, when the connection's address is the
	// client's.
	TrustedProxies []string
	// Assessment runs the annual three-in-one assessment; nil answers its
	// pages with 503.
	Assessment *assessment.Service
	// Roster imports staffing rosters (实名制花名册) and serves their
	// red-light warnings; nil answers its pages with 503.
	Roster *roster.Service
	// Patrol holds the patrol rounds, whose team membership gives patrol
	// users their units; nil leaves patrol users without units and the
	// round pages answering 503.
	Patrol *patrol.Service
	// Staffing answers the roster snapshot of a unit for briefings; nil
	// takes it from Roster, and without Roster there are no snapshots.
	Staffing briefing.StaffingSource
	// Blobs keep the briefings sent to teams, write-once.
	Blobs documents.Blobs
	// Letterhead heads the briefings (default: Office as the issuer).
	Letterhead templates.Letterhead
	// SecretPeriod is the 保密期限 printed on secret briefings (秘密★10年),
	// the office's one setting for every kind of document; empty prints
	// 秘密 alone.
	SecretPeriod string
}

// The default login limits, per minute: per client address (an office
// behind one NAT address logs in at nine o'clock) and per account name.
const (
	DefaultLoginPerAddress = 120
	DefaultLoginPerAccount = 10
)

// NewServer builds the routes.
func NewServer(cfg Config) *Server {
	s := &Server{cfg: cfg, svc: cfg.Service, access: cfg.Access, docs: cfg.Documents, ref: cfg.Referral, clues: cfg.Clues, cat: cfg.Catalog, log: cfg.Log,
		hotline: cfg.Hotline, captchas: newCaptchas(), intake: newIntakeTokens(), assess: cfg.Assessment, roster: cfg.Roster, patrol: cfg.Patrol}
	s.briefing = s.briefingSources()
	if s.log == nil {
		s.log = slog.Default()
	}
	s.loc = time.FixedZone("CST", 8*3600) // the default office zone
	if cfg.Service != nil {
		s.loc = cfg.Service.Location()
	}
	s.pages = mustParsePages(s.loc)
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	if err := e.SetTrustedProxies(cfg.TrustedProxies); err != nil {
		// The command checks the list (CheckTrustedProxies) before this:
		// a bad entry here trusts no one rather than everyone.
		s.log.Error("trusted proxies", "err", err)
		_ = e.SetTrustedProxies(nil)
	}
	e.HandleMethodNotAllowed = true
	e.Use(s.recoverJSON, s.accessLog, securityHeaders, limitBody, s.authenticate, s.authorize, s.checkCSRF)
	e.NoRoute(func(c *gin.Context) {
		what := "页面"
		if isAPI(c) {
			what = "接口"
		}
		s.fail(c, cases.NotFound("没有此%s：%s", what, c.Request.URL.Path))
	})
	e.NoMethod(func(c *gin.Context) {
		if !isAPI(c) {
			s.render(c, http.StatusMethodNotAllowed, "error.html", "出错了", errorPage{Status: http.StatusMethodNotAllowed, Message: "此页面不支持该操作", Back: "/", BackText: "返回首页"})
			c.Abort()
			return
		}
		msg := "接口 " + c.Request.URL.Path + " 不支持 " + c.Request.Method + " 请求"
		c.AbortWithStatusJSON(http.StatusMethodNotAllowed, errorBody{errorDetail{Code: "method_not_allowed", Message: msg}})
	})
	if cfg.LoginPerMinute <= 0 {
		cfg.LoginPerMinute = DefaultLoginPerAddress
	}
	if cfg.LoginPerAccount <= 0 {
		cfg.LoginPerAccount = DefaultLoginPerAccount
	}
	s.loginAccounts = newLimiter(cfg.LoginPerAccount, cfg.LoginPerAccount)
	if cfg.PublicPerMinute <= 0 {
		cfg.PublicPerMinute = 300
	}
	publicLimit := s.rateLimit(newLimiter(cfg.PublicPerMinute, cfg.PublicPerMinute/3+1))
	loginLimit := s.rateLimit(newLimiter(cfg.LoginPerMinute, cfg.LoginPerMinute))

	e.GET("/healthz", publicLimit, func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) })
	static, _ := fs.Sub(staticFS, "static")
	e.GET("/static/*filepath", publicLimit, func(c *gin.Context) {
		c.Header("Cache-Control", "public, max-age=3600")
		c.FileFromFS(c.Param("filepath"), http.FS(static))
	})

	// The web console.
	e.GET("/login", publicLimit, s.handleLoginPage)
	e.POST("/login", loginLimit, s.handleLogin)
	e.POST("/logout", s.handleLogout)
	e.GET("/password", s.handlePasswordPage)
	e.POST("/password", s.handlePassword)
	e.GET("/", s.handleHome)
	e.GET("/todo", s.handleTodo)
	e.GET("/ledger", s.handleLedger)
	e.GET("/ledger/export", s.handleLedgerExport)
	e.GET("/cases/new", s.handleCaseNewPage)
	e.POST("/cases/new", s.handleCaseNew)
	e.GET("/cases/:no", s.handleCasePage)
	e.POST("/cases/:no/actions", s.handleCaseAction)
	e.GET("/units", s.handleUnitsPage)
	e.GET("/units/:code", s.handleUnitPage)
	e.GET("/admin/access-log", s.handleAccessLogPage)
	e.GET("/admin/users", s.handleUsersPage)
	e.POST("/admin/users", s.handleUserCreate)
	e.GET("/admin/users/:id", s.handleUserPage)
	e.POST("/admin/users/:id", s.handleUserUpdate)
	e.POST("/admin/users/:id/password", s.handleUserPassword)
	e.POST("/admin/users/:id/disabled", s.handleUserDisabled)
	e.GET("/admin/tokens", s.handleTokensPage)
	e.POST("/admin/tokens", s.handleTokenCreate)
	e.GET("/admin/tokens/:id/revoke", s.handleTokenRevokePage)
	e.POST("/admin/tokens/:id/revoke", s.handleTokenRevoke)
	e.POST("/cases/:no/notice-preview", s.handleNoticePreviewPage)
	e.POST("/cases/:no/closing-form", s.handleClosingFormPage)
	e.GET("/cases/:no/evidence/:id", s.handleEvidenceFile)
	e.GET("/documents/:id", s.handleDocumentPDF)
	e.GET("/notices/new", s.handleNoticeNewPage)
	e.POST("/notices/new", s.handleNoticeNew)
	e.GET("/feedback/new", s.handleFeedbackPage)
	e.POST("/feedback/new", s.handleFeedbackIssue)
	e.GET("/batches", s.handleBatchesPage)
	e.GET("/batches/new", s.handleBatchNewPage)
	e.POST("/batches/new", s.handleBatchNew)
	e.GET("/batches/template.xlsx", s.handleBatchTemplate)
	e.GET("/batches/:id", s.handleBatchPage)
	e.POST("/batches/:id/feedback", s.handleBatchFeedback)
	e.GET("/audit-referrals", s.needClues, s.handleAuditList)
	e.GET("/audit-referrals/new", s.needClues, s.handleAuditNewPage)
	e.POST("/audit-referrals/new", s.needClues, s.handleAuditNew)
	e.GET("/audit-referrals/:id", s.needClues, s.handleAuditPage)
	e.POST("/audit-referrals/:id/letter", s.needClues, s.handleAuditLetter)
	e.POST("/audit-clues/:id/decision", s.needClues, s.handleAuditDecision)
	e.GET("/assessment", s.handleAssessmentHome)
	e.POST("/assessment/rounds", s.handleAssessmentRoundCreate)
	e.GET("/assessment/rounds/:id", s.handleAssessmentRound)
	e.POST("/assessment/rounds/:id/units", s.handleAssessmentUnitSet)
	e.POST("/assessment/rounds/:id/finalise", s.handleAssessmentFinalise)
	e.POST("/assessment/rounds/:id/reopen", s.handleAssessmentReopen)
	e.POST("/assessment/rounds/:id/cases", s.handleAssessmentConvertAll)
	e.GET("/assessment/rounds/:id/results", s.handleAssessmentResults)
	e.GET("/assessment/rounds/:id/summary.xlsx", s.handleAssessmentSummary)
	e.GET("/assessment/rounds/:id/units/:code", s.handleAssessmentSheet)
	e.POST("/assessment/rounds/:id/units/:code/scores", s.handleAssessmentScores)
	e.GET("/assessment/rounds/:id/units/:code/letter.pdf", s.handleAssessmentLetter)
	e.GET("/assessment/rounds/:id/units/:code/chart.svg", s.handleAssessmentChart)
	e.POST("/assessment/rounds/:id/units/:code/letter", s.handleAssessmentLetterIssue)
	e.GET("/assessment/self", s.handleAssessmentSelfHome)
	e.GET("/assessment/rounds/:id/survey.xlsx", s.handleAssessmentSurveyTemplate)
	e.POST("/assessment/rounds/:id/survey", s.handleAssessmentSurveyImport)
	e.GET("/assessment/rounds/:id/units/:code/self", s.handleAssessmentSelf)
	e.POST("/assessment/rounds/:id/units/:code/self", s.handleAssessmentSelfSave)
	e.GET("/assessment/rounds/:id/units/:code/self/:point/files/:file", s.handleAssessmentSelfFile)
	e.POST("/assessment/rounds/:id/units/:code/points/:point/consensus", s.handleAssessmentConsensus)
	e.POST("/assessment/rounds/:id/units/:code/points/:point/finding", s.handleAssessmentFinding)
	e.POST("/assessment/rounds/:id/units/:code/points/:point/case", s.handleAssessmentConvert)
	e.GET("/assessment/catalog/:version", s.handleAssessmentCatalog)
	e.GET("/assessment/catalog/:version/export.xlsx", s.handleAssessmentCatalogExport)
	e.GET("/verify", publicLimit, s.handleVerifyForm)
	e.GET("/verify/:code", publicLimit, s.handleVerify)
	s.hotlineRoutes(e, publicLimit)
	s.patrolRoutes(e)

	// The JSON API.
	api := e.Group("/api/v1")
	api.GET("/catalog", s.handleCatalog)
	s.rosterRoutes(e, api)
	api.GET("/assessment/catalog/:version", s.handleAssessmentCatalogAPI)
	api.GET("/assessment/rounds/:id/standings", s.handleAssessmentStandingsAPI)
	api.GET("/units", s.handleUnitList)
	api.POST(`/units\:import`, s.handleUnitImport)
	api.GET("/units/:code", s.handleUnitGet)
	api.GET("/units/:code/standing", s.handleUnitStanding)
	api.POST("/cases", s.handleCaseRegister)
	api.GET("/cases", s.handleCaseList)
	api.GET("/cases/:no", s.handleCaseGet)
	api.GET("/cases/:no/events", s.handleCaseEvents)
	api.POST("/cases/:no/transitions", s.handleTransition)
	api.GET("/access-log", s.handleAccessLogAPI)
	api.POST("/checkpoints", s.handleCheckpoint)
	api.POST("/notices", s.handleNoticeAPI)
	api.POST("/feedback-letters", s.handleFeedbackAPI)
	api.POST("/cases/:no/closing-form", s.handleClosingFormAPI)
	api.GET("/cases/:no/documents", s.handleCaseDocuments)
	api.GET("/cases/:no/evidence", s.handleEvidenceList)
	api.POST("/cases/:no/evidence", s.handleEvidenceUpload)
	api.GET("/documents/:id", s.handleDocumentGet)
	api.GET("/documents/:id/pdf", s.handleDocumentPDF)
	api.POST("/referral-batches", s.handleBatchRegister)
	api.GET("/referral-batches/:id", s.handleBatchGet)
	api.GET("/audit-referrals", s.needClues, s.handleAuditListAPI)
	api.POST("/audit-referrals", s.needClues, s.handleAuditRegisterAPI)
	api.GET("/audit-referrals/:id", s.needClues, s.handleAuditGetAPI)
	api.POST("/audit-referrals/:id/feedback-letter", s.needClues, s.handleAuditLetterAPI)
	api.POST("/audit-clues/:id/decision", s.needClues, s.handleAuditDecisionAPI)
	s.engine = e
	return s
}

// Handler returns the HTTP handler.
func (s *Server) Handler() http.Handler { return s.engine }

// Routes lists the registered routes as method and path (gin syntax).
func (s *Server) Routes() gin.RoutesInfo { return s.engine.Routes() }

func (s *Server) recoverJSON(c *gin.Context) {
	defer func() {
		if r := recover(); r != nil {
			s.log.Error("panic serving request", "path", c.Request.URL.Path, "panic", r)
			s.fail(c, &cases.Error{Code: cases.EINTERNAL})
		}
	}()
	c.Next()
}

func (s *Server) accessLog(c *gin.Context) {
	start := time.Now()
	c.Next()
	s.log.Debug("request", "method", c.Request.Method, "path", c.Request.URL.Path, "status", c.Writer.Status(), "took", time.Since(start))
}

func (s *Server) handleCatalog(c *gin.Context) {
	c.JSON(http.StatusOK, s.cat)
}

// recordRead writes an access-log entry when p reads a classified case.
func (s *Server) recordRead(c *gin.Context, p *principal, action string, k cases.Case) error {
	if k.Level != cases.LevelSecret {
		return nil
	}
	e := accessEntry(c, p, action, k.No)
	e.Level = string(k.Level)
	return s.access.RecordAccess(c, e)
}

func accessEntry(c *gin.Context, p *principal, action, target string) access.AccessEntry {
	return access.AccessEntry{UserID: p.user.ID, Role: rolesLabel(p.user.Roles), IP: clientIP(c), Action: action, Target: target}
}

func (s *Server) fonts() templates.Fonts {
	if s.cfg.Fonts != nil {
		return *s.cfg.Fonts
	}
	return templates.EmbeddedFonts()
}
