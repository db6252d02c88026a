package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"rectify/cases"
)

// unitRow is a unit with its establishment totals.
type unitRow struct {
	cases.Unit
	Approved, Actual int
}

type unitsPage struct {
	Units []unitRow
	Total int
	Q     string
}

func (s *Server) handleUnitsPage(c *gin.Context) {
	p := who(c)
	q := c.Query("q")
	us, total, err := s.svc.Units(c, cases.UnitFilter{Scope: p.scope, Text: q, PerPage: cases.MaxPerPage})
	if err != nil {
		s.fail(c, err)
		return
	}
	page := unitsPage{Total: total, Q: q}
	for _, u := range us {
		r := unitRow{Unit: u}
		for _, e := range u.Establishment {
			r.Approved += e.Approved
			r.Actual += e.Actual
		}
		page.Units = append(page.Units, r)
	}
	s.render(c, http.StatusOK, "units.html", "被监督单位", page)
}

type unitPage struct {
	Unit     cases.Unit
	Standing cases.Standing
	Cases    []caseView
}

func (s *Server) handleUnitPage(c *gin.Context) {
	p := who(c)
	u, err := s.svc.Unit(c, p.scope, c.Param("code"))
	if err != nil {
		s.fail(c, err)
		return
	}
	st, err := s.svc.Standing(c, p.scope, u.Code)
	if err != nil {
		s.fail(c, err)
		return
	}
	page := unitPage{Unit: u, Standing: st}
	if p.user.HasAny(readers) {
		cs, _, err := s.svc.Cases(c, cases.CaseFilter{Scope: p.scope, UnitCode: u.Code, PerPage: cases.MaxPerPage})
		if err != nil {
			s.fail(c, err)
			return
		}
		for _, k := range cs {
			page.Cases = append(page.Cases, s.view(c, k))
		}
	}
	s.render(c, http.StatusOK, "unit.html", u.Name, page)
}

type accessLogPage struct {
	F        any
	From, To string
	Entries  any
	Total    int
	Error    string
}

func (s *Server) handleAccessLogPage(c *gin.Context) {
	page := accessLogPage{From: c.Query("from"), To: c.Query("to")}
	f, err := accessFilter(c)
	page.F = f
	if err != nil {
		e, _ := cases.AsError(err)
		page.Error = e.Message
		s.render(c, http.StatusBadRequest, "access_log.html", "访问日志", page)
		return
	}
	es, total, err := s.access.SearchAccess(c, f)
	if err != nil {
		s.fail(c, err)
		return
	}
	page.Entries, page.Total = es, total
	s.render(c, http.StatusOK, "access_log.html", "访问日志", page)
}
