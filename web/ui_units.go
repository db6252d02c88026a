package web

import (
	"net/http"
	"strconv"
	"strings"

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

// describeExport reads the target an export recorded ("12 条：state=…",
// the query decoded and masked) as the filter in words.
func (s *Server) describeExport(target string) string {
	n, q, ok := strings.Cut(target, "：")
	if !ok {
		return target
	}
	var f cases.CaseFilter
	for _, kv := range strings.Split(q, "&") {
		k, v, _ := strings.Cut(kv, "=")
		switch v = strings.TrimSpace(v); k {
		case "state":
			for _, st := range strings.Split(v, ",") {
				f.States = append(f.States, cases.State(strings.TrimSpace(st)))
			}
		case "source":
			f.Source = v
		case "violation_kind":
			f.Kind = v
		case "light":
			f.Light = cases.Light(v)
		case "region":
			f.Region = v
		case "unit":
			f.UnitCode = v
		case "q":
			f.Text = v
		case "year":
			f.Year, _ = strconv.Atoi(v)
		}
	}
	return n + "，" + s.describeFilter(f)
}
