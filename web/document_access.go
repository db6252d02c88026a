package web

import (
	"strings"

	"github.com/gin-gonic/gin"

	"rectify/cases"
	"rectify/cases/referral"
)

// documentScope is the scope in which p reads document id. A feedback
// letter that answers a patrol batch or an audit referral lists all its
// items (and every reason a clue was not confirmed): reading it follows
// the rules of reading what it answers, not only the region it concerns.
//   - an audit referral's letter: the office and approvers who may read
//     the referral;
//   - a batch's letter: the office and approvers who see the batch, in
//     their scope, and the patrol team of the batch (the letter is theirs);
//   - any other document: p's scope, as before.
//
// A reader the basis refuses gets ENOTFOUND, as for a document that does
// not exist.
func (s *Server) documentScope(c *gin.Context, p *principal, id string) (cases.Scope, error) {
	id = strings.TrimSuffix(id, ".pdf")
	none := cases.NotFound("文件 %s 不存在", id)
	if s.clues != nil {
		if ref, ok := s.clues.ReferralOfLetter(id); ok {
			if !p.user.HasAny(issuers) {
				return cases.Scope{}, none
			}
			if _, err := s.clues.Referral(c, p.scope, ref); err != nil {
				return cases.Scope{}, none
			}
			return p.scope, nil
		}
	}
	if s.ref != nil {
		if b, ok := s.ref.BatchOfLetter(id); ok {
			return batchLetterScope(p, b, none)
		}
	}
	return p.scope, nil
}

// batchLetterScope is the scope p reads a letter of batch b in.
func batchLetterScope(p *principal, b referral.Batch, none error) (cases.Scope, error) {
	if !referral.Visible(b, viewerOf(p)) {
		return cases.Scope{}, none
	}
	if p.user.HasAny(issuers) {
		return p.scope, nil
	}
	if p.user.Has(cases.RolePatrol) {
		// The team that referred the batch receives its letter whatever
		// units its current round covers.
		return cases.GlobalScope, nil
	}
	return cases.Scope{}, none
}
