package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"rectify/cases"
	"rectify/cases/clue"
)

// needClues answers 503 when the server runs without the audit referral
// channel (a test server, a tool), rather than failing on a nil service.
func (s *Server) needClues(c *gin.Context) {
	if s.clues == nil {
		s.fail(c, &cases.Error{Code: cases.EUNAVAILABLE, Message: "审计移送功能未启用"})
		c.Abort()
	}
}

func (s *Server) handleAuditListAPI(c *gin.Context) {
	p := who(c)
	q, err := newQuery(c, "state", "light", "page", "per_page")
	if err != nil {
		s.writeError(c, err)
		return
	}
	f := clue.Filter{Scope: p.scope, State: clue.State(q.str("state")), Light: cases.Light(q.str("light"))}
	if f.State != "" && !f.State.Valid() {
		s.invalid(c, "state", "未知的状态「%s」", f.State)
		return
	}
	if f.Light != "" && !f.Light.Valid() {
		s.invalid(c, "light", "未知的预警「%s」", f.Light)
		return
	}
	if f.Page, err = q.int("page", 1, 1_000_000); err != nil {
		s.writeError(c, err)
		return
	}
	if f.PerPage, err = q.int("per_page", 1, cases.MaxPerPage); err != nil {
		s.writeError(c, err)
		return
	}
	rows, total, err := s.clues.List(c, f)
	if err != nil {
		s.writeError(c, err)
		return
	}
	if rows == nil {
		rows = []clue.Summary{}
	}
	c.JSON(http.StatusOK, gin.H{"referrals": rows, "total": total})
}

func (s *Server) handleAuditRegisterAPI(c *gin.Context) {
	p := who(c)
	var sub clue.Submission
	if err := decodeJSON(c, &sub); err != nil {
		s.writeError(c, err)
		return
	}
	r, replayed, err := s.clues.Register(c, p.scope, p.user.Actor(cases.RoleOffice), sub)
	if err != nil {
		s.writeError(c, err)
		return
	}
	v, err := s.clues.Referral(c, p.scope, r.ID)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.Header("Location", "/api/v1/audit-referrals/"+r.ID)
	status := http.StatusCreated
	if replayed {
		c.Header("Idempotent-Replayed", "true")
		status = http.StatusOK
	}
	c.JSON(status, v)
}

func (s *Server) handleAuditGetAPI(c *gin.Context) {
	p := who(c)
	v, err := s.clues.Referral(c, p.scope, c.Param("id"))
	if err == nil {
		err = s.recordReferralRead(c, p, v)
	}
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, v)
}

func (s *Server) handleAuditDecisionAPI(c *gin.Context) {
	p := who(c)
	var in clue.DecisionInput
	if err := decodeJSON(c, &in); err != nil {
		s.writeError(c, err)
		return
	}
	d, replayed, err := s.clues.Decide(c, p.scope, p.user.Actor(cases.RoleOffice), c.Param("id"), in)
	if err != nil {
		s.writeError(c, err)
		return
	}
	status := http.StatusCreated
	if replayed {
		c.Header("Idempotent-Replayed", "true")
		status = http.StatusOK
	}
	c.JSON(status, d)
}

func (s *Server) handleAuditLetterAPI(c *gin.Context) {
	p := who(c)
	out, _, err := s.clues.Feedback(c, p.scope, p.user.Actor(cases.RoleOffice), c.Param("id"), false)
	if err != nil {
		s.writeError(c, err)
		return
	}
	status := http.StatusCreated
	if out.Existing {
		status = http.StatusOK
	}
	c.JSON(status, out)
}
