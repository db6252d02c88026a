package web

import (
	"strings"

	"github.com/gin-gonic/gin"

	"rectify/assessment"
	"rectify/cases"
)

// roundGate answers "not found" for a round, or a unit of it, that the
// user may not see (assessment.RoundState.Admits): a county office never
// reads or writes a city's round. It runs in authorize for every route
// under a round, so no handler can forget it.
func (s *Server) roundGate(c *gin.Context, p *principal) bool {
	path := c.FullPath()
	if s.assess == nil || !(strings.HasPrefix(path, "/assessment/rounds/:id") || strings.HasPrefix(path, "/api/v1/assessment/rounds/:id")) {
		return true
	}
	id := c.Param("id")
	st, err := s.assess.Round(c, id)
	if err != nil {
		if cases.ErrorCode(err) == cases.ENOTFOUND {
			return true // the handler answers not found in its own words
		}
		s.fail(c, err)
		return false
	}
	if st.Admits(assessment.Viewer{Scope: p.scope, User: p.user.ID}, c.Param("code")) {
		return true
	}
	s.fail(c, cases.NotFound("评估轮次 %s 不存在", id))
	return false
}

// visibleRounds keeps the rounds the user may see.
func visibleRounds(rs []assessment.RoundState, p *principal) []assessment.RoundState {
	out := rs[:0:0]
	for _, r := range rs {
		if r.Admits(assessment.Viewer{Scope: p.scope, User: p.user.ID}, "") {
			out = append(out, r)
		}
	}
	return out
}
