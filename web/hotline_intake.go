package web

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"rectify/cases"
	"rectify/cases/hotline"
)

// The operator's intake form is made idempotent by a token drawn when the
// form is rendered: a second post with the same token (a double click, a
// refresh, a retry) finds the report the first one took instead of taking
// the report twice. The answer is a redirect to a page that shows the
// receipt and secret once; the tokens live in this process's memory for a
// day, which covers every double submit a person makes.

const (
	intakeTokenTTL = 24 * time.Hour
	intakeTokenMax = 10000
)

type intakeEntry struct {
	report string             // "" while the first post is being handled
	sub    *hotline.Submitted // until the receipt page has shown it
	at     time.Time
}

// intakeTokens remembers which report each form token took.
type intakeTokens struct {
	mu sync.Mutex
	m  map[string]*intakeEntry
}

func newIntakeTokens() *intakeTokens { return &intakeTokens{m: map[string]*intakeEntry{}} }

// newIntakeToken draws a form's token.
func newIntakeToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// claim reserves user's token for this post. It returns the report a
// previous post with the token took (then nothing is to be done), or
// ECONFLICT while that post is still running.
func (t *intakeTokens) claim(user, token string) (report string, err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := time.Now()
	for k, e := range t.m {
		if now.Sub(e.at) > intakeTokenTTL || len(t.m) > intakeTokenMax && e.report != "" {
			delete(t.m, k)
		}
	}
	key := user + "|" + token
	if e, ok := t.m[key]; ok {
		if e.report == "" {
			return "", cases.Conflict("该举报正在提交，请稍候查看举报列表，不要重复提交")
		}
		return e.report, nil
	}
	t.m[key] = &intakeEntry{at: now}
	return "", nil
}

// release forgets a claim whose post wrote nothing (a refused form), so
// that the corrected form may be posted with the same token.
func (t *intakeTokens) release(user, token string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.m, user+"|"+token)
}

// done records the report the token took, with the receipt to show once.
func (t *intakeTokens) done(user, token string, sub hotline.Submitted) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.m[user+"|"+token] = &intakeEntry{report: sub.Report.ID, sub: &sub, at: time.Now()}
}

// take returns the receipt of user's token once, and the report it took.
func (t *intakeTokens) take(user, token string) (*hotline.Submitted, string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	e, ok := t.m[user+"|"+token]
	if !ok {
		return nil, ""
	}
	sub := e.sub
	e.sub = nil
	return sub, e.report
}

// handleHotlineReceived shows the receipt and secret of the report a form
// token took, once: they are kept nowhere else, and the page is no-store.
// Shown already, the report's page is shown instead.
func (s *Server) handleHotlineReceived(c *gin.Context) {
	p := who(c)
	sub, report := s.intake.take(p.user.ID, c.Param("token"))
	switch {
	case sub != nil:
		s.render(c, http.StatusOK, "hotline_done.html", "举报已受理",
			hotlineDonePage{reportDonePage{Receipt: sub.Receipt, Secret: sub.Secret, Due: sub.Report.Due}, sub.Report.ID})
	case report != "":
		redirect(c, "/hotline/reports/"+report, "hotline-receipt-shown", report)
	default:
		s.fail(c, cases.NotFound("回执已显示过或已过期；请在举报列表中查看"))
	}
}
