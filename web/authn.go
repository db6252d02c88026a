package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/time/rate"

	"rectify/cases"
	"rectify/cases/access"
	"rectify/cases/referral"
)

// Cookie and header names.
const (
	SessionCookie   = "rectify_session"
	loginCSRFCookie = "rectify_login_csrf"
	CSRFField       = "csrf_token"
	CSRFHeader      = "X-CSRF-Token"
)

// principal is who is making a request.
type principal struct {
	user    access.User
	session *access.Session // nil for API tokens
	scope   cases.Scope
	// teams are a patrol user's teams in rounds that grant access.
	teams []referral.TeamRef
}

const principalKey = "rectify.principal"

func principalOf(c *gin.Context) (*principal, bool) {
	v, ok := c.Get(principalKey)
	if !ok {
		return nil, false
	}
	p, ok := v.(*principal)
	return p, ok
}

// authenticate finds the principal from an API token (Authorization:
// Bearer) or a session cookie. It never refuses by itself: authorize does,
// so that public routes work without a login.
func (s *Server) authenticate(c *gin.Context) {
	if h := c.GetHeader("Authorization"); h != "" {
		secret, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			s.fail(c, &cases.Error{Code: cases.EUNAUTHORIZED, Field: "Authorization", Message: "Authorization 请求头须为“Bearer 令牌”"})
			return
		}
		u, err := s.access.AuthenticateToken(c, strings.TrimSpace(secret))
		if err != nil {
			s.fail(c, err)
			return
		}
		c.Set(principalKey, s.newPrincipal(u, nil))
		c.Next()
		return
	}
	if ck, err := c.Cookie(SessionCookie); err == nil && ck != "" {
		u, sess, err := s.access.Authenticate(c, ck)
		switch {
		case err == nil:
			c.Set(principalKey, s.newPrincipal(u, &sess))
		case cases.ErrorCode(err) == cases.EUNAUTHORIZED:
			s.clearSessionCookie(c) // expired or ended: forget it
		default:
			s.fail(c, err)
			return
		}
	}
	c.Next()
}

// checkCSRF refuses a state-changing request made with a session cookie
// unless it carries the session's CSRF token (form field or header).
// Token-authenticated API calls carry no cookie and need none.
func (s *Server) checkCSRF(c *gin.Context) {
	if c.Request.Method == http.MethodGet || c.Request.Method == http.MethodHead {
		c.Next()
		return
	}
	p, ok := principalOf(c)
	if !ok || p.session == nil {
		c.Next()
		return
	}
	if !isAPI(c) {
		// Parse the form here, so that one over the limit is refused as
		// such rather than read short by a handler.
		if err := parseForm(c); err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				s.fail(c, cases.Invalid("body", "提交的内容过大（上限 %d KB）", MaxFormBody>>10))
			} else {
				s.fail(c, cases.Invalid("body", "表单格式错误"))
			}
			return
		}
	}
	got := c.GetHeader(CSRFHeader)
	if got == "" && !isAPI(c) {
		got = c.PostForm(CSRFField)
	}
	if subtle.ConstantTimeCompare([]byte(got), []byte(p.session.CSRF)) != 1 {
		s.fail(c, &cases.Error{Code: cases.EFORBIDDEN, Field: CSRFField, Message: "表单已失效或来源不明（CSRF 校验失败），请刷新页面后重试"})
		return
	}
	c.Next()
}

func (s *Server) setSessionCookie(c *gin.Context, secret string) {
	http.SetCookie(c.Writer, &http.Cookie{Name: SessionCookie, Value: secret, Path: "/", HttpOnly: true,
		Secure: s.secure(c), SameSite: http.SameSiteLaxMode, MaxAge: int(access.SessionAbsolute.Seconds())})
}

func (s *Server) clearSessionCookie(c *gin.Context) {
	http.SetCookie(c.Writer, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", HttpOnly: true,
		Secure: s.secure(c), SameSite: http.SameSiteLaxMode, MaxAge: -1})
}

// loginCSRF returns the double-submit token of the login form, setting
// its cookie if needed (there is no session yet to hold it).
func (s *Server) loginCSRF(c *gin.Context) string {
	if v, err := c.Cookie(loginCSRFCookie); err == nil && len(v) == 32 {
		return v
	}
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	v := hex.EncodeToString(b)
	http.SetCookie(c.Writer, &http.Cookie{Name: loginCSRFCookie, Value: v, Path: "/login", HttpOnly: true,
		Secure: s.secure(c), SameSite: http.SameSiteStrictMode})
	return v
}

func (s *Server) secure(c *gin.Context) bool { return c.Request.TLS != nil || s.cfg.SecureCookies }

// securityHeaders sets the headers every answer carries.
func securityHeaders(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
		"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	if !strings.HasPrefix(c.Request.URL.Path, "/static/") {
		h.Set("Cache-Control", "no-store")
	}
	c.Next()
}

// MaxFormBody bounds any request body but a units file upload.
const MaxFormBody = 1 << 20

// limitBody caps request bodies before anything reads them (forms are
// parsed by the CSRF check), so that no request can make the server read
// more than it allows.
func limitBody(c *gin.Context) {
	limit := int64(MaxFormBody)
	switch {
	case c.Request.URL.Path == "/api/v1/units:import" || c.Request.URL.Path == "/batches/new":
		limit = MaxImportBody
	case c.Request.URL.Path == "/roster/import" || c.Request.URL.Path == "/api/v1/roster/snapshots":
		limit = MaxRosterBody
	case strings.HasPrefix(c.ContentType(), "multipart/") &&
		(strings.HasSuffix(c.Request.URL.Path, "/evidence") || strings.HasSuffix(c.Request.URL.Path, "/actions")):
		limit = MaxEvidenceBody // a submission carries its evidence files
	case strings.HasPrefix(c.ContentType(), "multipart/") && strings.HasPrefix(c.Request.URL.Path, "/assessment/") &&
		(strings.HasSuffix(c.Request.URL.Path, "/self") || strings.HasSuffix(c.Request.URL.Path, "/survey")):
		limit = MaxEvidenceBody // a self-assessment carries its evidence files, an import its workbook
	case strings.HasPrefix(c.ContentType(), "multipart/") && reportUploads[c.Request.URL.Path]:
		limit = MaxReportBody // a report carries its files
	}
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, limit)
	c.Next()
}

// clientIP is the address a request came from. Forwarded headers are not
// trusted: a reverse proxy in front must be configured in gin if used.
func clientIP(c *gin.Context) string {
	// gin reads X-Forwarded-For only from a peer in Config.TrustedProxies
	// (none by default): otherwise it is the connection's address.
	if ip := c.ClientIP(); ip != "" {
		return ip
	}
	host, _, err := net.SplitHostPort(c.Request.RemoteAddr)
	if err != nil {
		return c.Request.RemoteAddr
	}
	return host
}

// limiter is a per-address token bucket.
type limiter struct {
	mu      sync.Mutex
	every   rate.Limit
	burst   int
	buckets map[string]*rate.Limiter
	reset   time.Time
	forget  time.Duration
}

func newLimiter(perMinute, burst int) *limiter {
	return &limiter{every: rate.Limit(float64(perMinute) / 60), burst: burst, buckets: map[string]*rate.Limiter{}, forget: 10 * time.Minute}
}

// newHourlyLimiter allows perHour requests an hour from one address, all at
// once at most. Its buckets are kept an hour, the time one takes to refill:
// forgetting sooner would hand out a fresh allowance early.
func newHourlyLimiter(perHour int) *limiter {
	return &limiter{every: rate.Limit(float64(perHour) / 3600), burst: perHour, buckets: map[string]*rate.Limiter{}, forget: time.Hour}
}

// bucket returns key's bucket; the caller holds l.mu.
func (l *limiter) bucket(key string) *rate.Limiter {
	// Forget idle addresses every so often; a full bucket is the same as none.
	if now := time.Now(); now.After(l.reset) {
		l.buckets, l.reset = map[string]*rate.Limiter{}, now.Add(l.forget)
	}
	b, ok := l.buckets[key]
	if !ok {
		b = rate.NewLimiter(l.every, l.burst)
		l.buckets[key] = b
	}
	return b
}

func (l *limiter) allow(key string) bool {
	ok, _ := l.take(key)
	return ok
}

// take spends one of key's allowance, or reports how long until there is
// one to spend.
func (l *limiter) take(key string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	r := l.bucket(key).Reserve()
	if d := r.Delay(); d > 0 {
		r.Cancel()
		return false, d
	}
	return true, 0
}

// wait is how long until key has one of its allowance, without spending
// it: for a quota charged only for what succeeds (charge).
func (l *limiter) wait(key string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	t := l.bucket(key).Tokens()
	if t >= 1 {
		return 0
	}
	return time.Duration((1 - t) / float64(l.every) * float64(time.Second))
}

// charge spends one of key's allowance (never below what take refuses).
func (l *limiter) charge(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.bucket(key).Allow()
}

// tooMany is the refusal of a request over a limit, with the true wait.
func tooMany(wait time.Duration) *cases.Error {
	secs := max(1, int((wait+time.Second-1)/time.Second))
	msg := "请求过于频繁，请稍后再试"
	if secs >= 60 {
		msg = fmt.Sprintf("请求过于频繁，请约 %d 分钟后再试", (secs+59)/60)
	}
	return &cases.Error{Code: cases.ETOOMANY, Message: msg, RetryAfter: secs}
}

// rateLimit refuses requests over l's rate from one address, telling the
// client how long the wait really is.
func (s *Server) rateLimit(l *limiter) gin.HandlerFunc {
	return func(c *gin.Context) {
		if ok, wait := l.take(clientIP(c)); !ok {
			s.fail(c, tooMany(wait))
			return
		}
		c.Next()
	}
}

// parseForm parses a urlencoded or multipart console form.
func parseForm(c *gin.Context) error {
	if strings.HasPrefix(c.ContentType(), "multipart/") {
		return c.Request.ParseMultipartForm(32 << 20)
	}
	return c.Request.ParseForm()
}
