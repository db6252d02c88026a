package web

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"rectify/cases"
	"rectify/cases/hotline"
)

// hotlineRegistration is the body of registering a report as a case
// through the API: the registration the operator chose, the report's
// version when known, and the acknowledgement of its open twin cases.
type hotlineRegistration struct {
	UnitCode string      `json:"unit_code"`
	Kind     string      `json:"violation_kind"`
	Title    string      `json:"title"`
	Facts    string      `json:"facts"`
	Level    cases.Level `json:"level"`
	// Version, when given, must be the report's current version.
	Version *int `json:"version"`
	// TwinsAck acknowledges the report's open twin cases: their numbers,
	// comma-separated, as a 409 on field twins_ack names them.
	TwinsAck string `json:"twins_ack"`
}

// handleHotlineRegisterAPI registers a 12310 report as a case, as the
// console's 立案登记 does: refused with 409 on twins_ack while the
// report's likely twins among open cases are not acknowledged.
func (s *Server) handleHotlineRegisterAPI(c *gin.Context) {
	p := who(c)
	var req hotlineRegistration
	if err := decodeJSON(c, &req); err != nil {
		s.writeError(c, err)
		return
	}
	id := c.Param("id")
	if req.Version != nil {
		if err := s.hotline.CheckVersion(c, p.scope, id, *req.Version, hotline.KindRegister); err != nil {
			s.writeError(c, err)
			return
		}
	}
	reg := cases.Registration{UnitCode: req.UnitCode, Kind: req.Kind, Title: req.Title, Facts: req.Facts, Level: req.Level}
	_, k, err := s.hotline.Register(c, p.scope, p.user.Actor(cases.RoleHotline), id, reg, strings.TrimSpace(req.TwinsAck))
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.Header("Location", "/api/v1/cases/"+k.No)
	c.JSON(http.StatusCreated, s.view(c, k))
}

// handleHotlineMergeAPI merges a 12310 report into an existing case, which
// records the hotline as one more source.
func (s *Server) handleHotlineMergeAPI(c *gin.Context) {
	p := who(c)
	var req struct {
		CaseNo  string `json:"case_no"`
		Version *int   `json:"version"`
	}
	if err := decodeJSON(c, &req); err != nil {
		s.writeError(c, err)
		return
	}
	id := c.Param("id")
	if req.Version != nil {
		if err := s.hotline.CheckVersion(c, p.scope, id, *req.Version, hotline.KindMerge); err != nil {
			s.writeError(c, err)
			return
		}
	}
	if _, err := s.hotline.Merge(c, p.scope, p.user.Actor(cases.RoleHotline), id, req.CaseNo); err != nil {
		s.writeError(c, err)
		return
	}
	k, err := s.svc.Case(c, p.scope, strings.TrimSpace(req.CaseNo))
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, s.view(c, k))
}
