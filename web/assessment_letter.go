package web

import (
	"context"
	"fmt"

	"github.com/gin-gonic/gin"

	"rectify/cases/documents"
	"rectify/templates"
)

// handleAssessmentLetterIssue issues a unit's result letter (评估结果反馈)
// of a finalised round as a numbered document, once: pressed again it
// answers with the letter issued, unless a re-issue is asked for
// (reissue=1), which replaces it with a new number.
func (s *Server) handleAssessmentLetterIssue(c *gin.Context) {
	if !s.assessAvailable(c) {
		return
	}
	p, round, unit := who(c), c.Param("id"), c.Param("code")
	st, err := s.assess.Round(c, round)
	if err != nil {
		s.fail(c, err)
		return
	}
	if err := st.LetterRefused(unit); err != nil {
		s.sheetError(c, p, round, unit, err, nil)
		return
	}
	r, sh, err := s.unitResult(c, round, unit)
	if err != nil {
		s.fail(c, err)
		return
	}
	if cats := chartCategories(r, sh); len(cats) > 0 {
		if r.Chart, err = (templates.CategoryChart{Title: chartTitle, Categories: cats}).PNG(); err != nil {
			s.fail(c, fmt.Errorf("result letter chart %s/%s: %w", round, unit, err))
			return
		}
	}
	var nos []string
	for _, row := range sh.Rows {
		if f := row.Finding; f != nil && f.CaseNo != "" {
			nos = append(nos, f.CaseNo)
		}
	}
	// The ledger cases that cost marks are listed too: the letter is
	// recorded on them and takes their classification.
	for _, d := range r.Deductions {
		nos = append(nos, d.CaseNo)
	}
	actor := assessActor(p, issuers)
	iss, _, err := s.docs.AssessmentLetter(c, p.scope, actor, documents.AssessmentLetterRequest{
		Round: round, UnitCode: unit, Result: r, Cases: nos, Reissue: c.PostForm("reissue") == "1",
		Issued: func(ctx context.Context) ([]string, error) { return s.assess.UnitLetters(ctx, round, unit) },
		Recorded: func(ctx context.Context, d documents.Document) error {
			_, err := s.assess.RecordLetter(ctx, actor, round, unit, d.ID, d.Number)
			return err
		},
	})
	if err != nil {
		s.sheetError(c, p, round, unit, err, nil)
		return
	}
	key := "letter-issued"
	if iss.Existing {
		key = "letter-existing"
	}
	redirect(c, sheetPath(round, unit), key, iss.Document.Number)
}
