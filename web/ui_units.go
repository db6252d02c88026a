package web

import (
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"rectify/cases"
)

// unitRow is a unit with its establishment totals, what it is over
// (超编, 超职数) and its standing.
type unitRow struct {
	cases.Unit
	Approved, Actual int
	Overages         []cases.Overage
	Standing         cases.Standing
}

// unitFlags are the values of the units list's flag filter, in the order
// of its links.
var unitFlags = []struct{ value, label string }{
	{"", "全部"}, {"over", "超编或超职数"}, {"suspended", "暂停受理"},
}

// unitFlagLink is one link of the flag filter, with the count of units it
// would list.
type unitFlagLink struct {
	Label, Link string
	N           int
	On          bool
}

type unitsPage struct {
	Units []unitRow
	Total int
	Q     string
	Flag  string
	Flags []unitFlagLink
	// Shown is fewer than Total when the list is cut at cases.MaxPerPage.
	Shown int
}

// keepUnit reports whether row r belongs under flag.
func keepUnit(flag string, r unitRow) bool {
	switch flag {
	case "over":
		return len(r.Overages) > 0
	case "suspended":
		return r.Standing.Suspended
	}
	return true
}

func (s *Server) handleUnitsPage(c *gin.Context) {
	p := who(c)
	q, flag := c.Query("q"), c.Query("flag")
	if !slices.ContainsFunc(unitFlags, func(f struct{ value, label string }) bool { return f.value == flag }) {
		s.fail(c, cases.Invalid("flag", "未知的筛选条件「%s」", flag))
		return
	}
	// Every unit matching the text, so that the counts of each flag are
	// those of the whole selection; the standings of all of them come
	// from one pass over the ledger.
	us, _, err := s.svc.Units(c, cases.UnitFilter{Scope: p.scope, Text: q, PerPage: math.MaxInt32})
	if err == nil {
		err = s.withRoster(c, us)
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	standings := s.svc.StandingsOf(us)
	page := unitsPage{Q: q, Flag: flag}
	counts := make([]int, len(unitFlags))
	for _, u := range us {
		r := unitRow{Unit: u, Overages: u.Overages(), Standing: standings[u.Code]}
		for _, e := range u.Establishment {
			r.Approved += e.Approved
			r.Actual += e.Actual
		}
		if u.Roster != nil {
			r.Actual = 0
			for _, n := range u.Roster.ByType {
				r.Actual += n
			}
		}
		for i, f := range unitFlags {
			if keepUnit(f.value, r) {
				counts[i]++
			}
		}
		if keepUnit(flag, r) {
			page.Total++
			if len(page.Units) < cases.MaxPerPage {
				page.Units = append(page.Units, r)
			}
		}
	}
	page.Shown = len(page.Units)
	for i, f := range unitFlags {
		v := url.Values{}
		if q != "" {
			v.Set("q", q)
		}
		if f.value != "" {
			v.Set("flag", f.value)
		}
		link := "/units"
		if len(v) > 0 {
			link += "?" + v.Encode()
		}
		page.Flags = append(page.Flags, unitFlagLink{Label: f.label, Link: link, N: counts[i], On: f.value == flag})
	}
	s.render(c, http.StatusOK, "units.html", "被监督单位", page)
}

type unitPage struct {
	Unit     cases.Unit
	Overages []cases.Overage
	Standing cases.Standing
	Cases    []caseView
	// Orderable counts the problems awaiting orders, which the office can
	// order in one notice (0 for anyone else).
	Orderable int
	// CaseLinks: the user may open cases (the administrator may not), so
	// the case numbers of the standing's reasons are links.
	CaseLinks bool
	// RosterLink: the user may open roster pages, so the roster the
	// figures come from is a link.
	RosterLink bool
}

func (s *Server) handleUnitPage(c *gin.Context) {
	p := who(c)
	u, err := s.unitWithRoster(c, p.scope, c.Param("code"))
	if err != nil {
		s.fail(c, err)
		return
	}
	st := s.svc.StandingsOf([]cases.Unit{u})[u.Code]
	page := unitPage{Unit: u, Overages: u.Overages(), Standing: st, CaseLinks: p.user.HasAny(readers),
		RosterLink: p.user.HasAny(rosterReaders)}
	if p.user.Has(cases.RoleOffice) {
		cs, err := s.orderable(c, p, u.Code)
		if err != nil {
			s.fail(c, err)
			return
		}
		page.Orderable = len(cs)
	}
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
