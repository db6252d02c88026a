package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"rectify/assessment"
	"rectify/cases"
)

// standingsBody is a round's results as the API answers them.
type standingsBody struct {
	Round     string                `json:"round"`
	Year      int                   `json:"year"`
	Catalog   string                `json:"catalog"`
	Finalised bool                  `json:"finalised"`
	Standings []assessment.Standing `json:"standings"`
}

// handleAssessmentStandingsAPI answers a round's results: per unit the
// total, grade, rank within kind, sub-scores and change against last year.
func (s *Server) handleAssessmentStandingsAPI(c *gin.Context) {
	if !s.assessAvailable(c) {
		return
	}
	st, err := s.assess.Round(c, c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	ss, err := s.assess.Standings(c, st.Round.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	if ss == nil {
		ss = []assessment.Standing{}
	}
	c.JSON(http.StatusOK, standingsBody{Round: st.Round.ID, Year: st.Round.Year, Catalog: st.Round.Catalog, Finalised: st.Finalised, Standings: ss})
}

// handleAssessmentCatalogAPI answers a catalogue version as its tree.
func (s *Server) handleAssessmentCatalogAPI(c *gin.Context) {
	if !s.assessAvailable(c) {
		return
	}
	cat, err := s.assess.Catalog(c.Param("version"))
	if err != nil {
		s.fail(c, cases.NotFound("评估指标体系 %s 不存在", c.Param("version")))
		return
	}
	c.JSON(http.StatusOK, cat)
}
