package web

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"rectify/cases"
)

// caseView is a case as the API shows it: the projection plus its derived light.
type caseView struct {
	cases.Case
	Light      cases.Light `json:"light"`
	StateLabel string      `json:"state_label"`
}

func (s *Server) view(c cases.Case) caseView {
	return caseView{Case: c, Light: s.svc.Light(c), StateLabel: c.State.Label()}
}

// HeaderIdempotencyKey makes a retried registration return the first result.
const HeaderIdempotencyKey = "Idempotency-Key"

func (s *Server) handleCaseRegister(c *gin.Context) {
	actor, err := actorOf(c)
	if err != nil {
		s.writeError(c, err)
		return
	}
	var r cases.Registration
	if err := decodeJSON(c, &r); err != nil {
		s.writeError(c, err)
		return
	}
	key := c.GetHeader(HeaderIdempotencyKey)
	if strings.HasPrefix(key, "$") {
		s.invalid(c, HeaderIdempotencyKey, "Idempotency-Key must not start with $")
		return
	}
	kase, replayed, err := s.svc.Register(c, actor, r, key)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.Header("Location", "/api/v1/cases/"+kase.No)
	status := http.StatusCreated
	if replayed {
		c.Header("Idempotent-Replayed", "true")
		status = http.StatusOK
	}
	c.JSON(status, s.view(kase))
}

func (s *Server) handleCaseList(c *gin.Context) {
	q, err := newQuery(c, "state", "source", "unit", "region", "violation_kind", "light", "year", "q", "sort", "page", "per_page")
	if err != nil {
		s.writeError(c, err)
		return
	}
	f := cases.CaseFilter{Source: q.str("source"), UnitCode: q.str("unit"), Region: q.str("region"),
		Kind: q.str("violation_kind"), Light: cases.Light(q.str("light")), Text: q.str("q"), Sort: q.str("sort")}
	for _, st := range q.list("state") {
		if !cases.State(st).Valid() {
			s.invalid(c, "state", "unknown state %q", st)
			return
		}
		f.States = append(f.States, cases.State(st))
	}
	switch {
	case f.Source != "" && !s.cat.HasSource(f.Source):
		s.invalid(c, "source", "unknown source %q", f.Source)
		return
	case f.Kind != "" && !s.cat.HasKind(f.Kind):
		s.invalid(c, "violation_kind", "unknown violation kind %q", f.Kind)
		return
	case f.UnitCode != "" && !cases.ValidUnitCode(f.UnitCode):
		s.invalid(c, "unit", "unit code %q is malformed", f.UnitCode)
		return
	case f.Light != cases.LightNone && !f.Light.Valid():
		s.invalid(c, "light", "light must be red, yellow or green")
		return
	}
	if f.Year, err = q.int("year", 2000, 2999); err == nil {
		if f.Page, err = q.int("page", 1, 1000000); err == nil {
			f.PerPage, err = q.int("per_page", 1, cases.MaxPerPage)
		}
	}
	if err != nil {
		s.writeError(c, err)
		return
	}
	cs, total, err := s.svc.Cases(c, f)
	if err != nil {
		s.writeError(c, err)
		return
	}
	items := make([]caseView, 0, len(cs))
	for _, k := range cs {
		items = append(items, s.view(k))
	}
	page, per := pageOf(f.Page, f.PerPage)
	c.JSON(http.StatusOK, listBody[caseView]{items, total, page, per})
}

func (s *Server) handleCaseGet(c *gin.Context) {
	k, err := s.svc.Case(c, c.Param("no"))
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, s.view(k))
}

func (s *Server) handleCaseEvents(c *gin.Context) {
	evs, err := s.svc.Events(c, c.Param("no"))
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": evs})
}

// transitionRequest is the body of POST /cases/{no}/transitions.
type transitionRequest struct {
	Action          cases.Action `json:"action"`
	Input           cases.Input  `json:"input"`
	Comment         string       `json:"comment"`
	ExpectedVersion int          `json:"expected_version"`
}

func (s *Server) handleTransition(c *gin.Context) {
	actor, err := actorOf(c)
	if err != nil {
		s.writeError(c, err)
		return
	}
	var req transitionRequest
	if err := decodeJSON(c, &req); err != nil {
		s.writeError(c, err)
		return
	}
	if req.Action == "" {
		s.invalid(c, "action", "action is required")
		return
	}
	if req.ExpectedVersion < 0 {
		s.invalid(c, "expected_version", "expected_version must not be negative")
		return
	}
	k, e, err := s.svc.Transition(c, c.Param("no"), actor, req.Action, req.Input, req.Comment, req.ExpectedVersion)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"case": s.view(k), "event": e})
}
