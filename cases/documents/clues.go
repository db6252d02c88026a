package documents

import (
	"context"
	"fmt"
	"strings"

	"rectify/cases"
	"rectify/cases/personal"
	"rectify/templates"
)

// ClueItem is one clue on a letter answering clues: a confirmed clue names
// its case; one not confirmed (or not yet decided) has no case and says so
// in Finding.
type ClueItem struct {
	Case     string `json:"case,omitempty"`
	Title    string `json:"title"`
	UnitName string `json:"unit_name"`
	Finding  string `json:"finding"`
}

// ClueFeedbackRequest asks for a letter answering referred clues (审计移送).
type ClueFeedbackRequest struct {
	Addressee string     `json:"addressee"`
	Reference string     `json:"reference"` // the report's number
	Items     []ClueItem `json:"items"`
	// Region is the region of the referral: who may see the letter.
	Region []string `json:"region"`
	// Interim says some clues are still being decided.
	Interim bool `json:"interim"`
	// Level is the referral's classification: a secret referral makes a
	// secret letter even when no clue became a case.
	Level cases.Level `json:"level"`
	// Issued are the letters already issued for the referral: one for the
	// same basis (the same clues, decided and progressed alike) is
	// returned instead of a new one.
	Issued []string `json:"issued"`
	// Copies is how many numbered copies (份) a secret letter is issued
	// in (1 when 0).
	Copies int `json:"copies,omitempty"`
}

// ClueFeedback previews or issues a letter answering referred clues. It is
// a feedback letter (反馈函, numbered with the others) whose items may have
// no case; it is recorded on the cases of the confirmed clues. Asking again
// for the same basis returns the letter issued.
func (s *Service) ClueFeedback(ctx context.Context, scope cases.Scope, actor cases.Actor, req ClueFeedbackRequest, preview bool) (Issued, []byte, error) {
	req.Addressee, req.Reference = strings.TrimSpace(req.Addressee), strings.TrimSpace(req.Reference)
	switch {
	case req.Addressee == "":
		return Issued{}, nil, cases.Invalid("addressee", "请填写主送机关（移送线索的审计机关）")
	case req.Reference == "":
		return Issued{}, nil, cases.Invalid("reference", "请填写审计移送文号")
	case len(req.Items) == 0 || len(req.Items) > 200:
		return Issued{}, nil, cases.Invalid("items", "反馈函须列 1 至 200 条线索")
	}
	if err := cases.Allowed(cases.Case{State: cases.StateRegistered}, cases.ActionRecordDocument, actor); err != nil {
		return Issued{}, nil, err
	}
	if !preview {
		s.issuing.Lock()
		defer s.issuing.Unlock()
	}
	var items []templates.FeedbackItem
	var cs []cases.Case
	parts := []string{"clues " + req.Reference}
	for i, it := range req.Items {
		if it.Case == "" {
			items = append(items, templates.FeedbackItem{Title: personal.Mask(it.Title), UnitName: it.UnitName, Finding: personal.Mask(it.Finding)})
			parts = append(parts, fmt.Sprintf("%d %s %s", i, it.Title, it.Finding))
			continue
		}
		c, err := s.cfg.Cases.Case(ctx, scope, it.Case)
		if err != nil {
			return Issued{}, nil, fieldErr(err, fmt.Sprintf("items[%d].case", i))
		}
		ds, err := s.Documents(ctx, scope, c.No)
		if err != nil {
			return Issued{}, nil, err
		}
		var noticeNo string
		if n, ok := latest(ds, KindNotice); ok {
			noticeNo = n.Number
		}
		items = append(items, templates.FeedbackItem{No: c.No, Title: personal.Mask(c.Title), UnitName: c.UnitName,
			Finding: personal.Mask(it.Finding), Outcome: personal.Mask(Outcome(c, s.cfg.Location)), NoticeNo: noticeNo})
		cs = append(cs, c)
		parts = append(parts, fmt.Sprintf("%d %s %s", i, c.No, c.State))
	}
	if req.Interim {
		parts = append(parts, "interim")
	}
	basis := basisOf(string(KindFeedback), parts...)
	if !preview {
		for _, id := range req.Issued {
			d, err := s.cfg.Store.FindDocument(ctx, id)
			if err != nil {
				return Issued{}, nil, fmt.Errorf("letters issued for %s: %w", req.Reference, err)
			}
			if d.Basis == basis {
				return s.existing(ctx, scope, d, cs)
			}
		}
	}
	f := templates.Feedback{Letterhead: s.cfg.Letterhead, Addressee: req.Addressee, Reference: req.Reference, Items: items,
		Clues: true, Interim: req.Interim}
	f.Classification, f.CopyNo = s.marks(append(cs, cases.Case{Level: req.Level}))
	numbered, err := copiesOf(req.Copies, f.Classification != "")
	if err != nil {
		return Issued{}, nil, err
	}
	doc := Document{Addressee: req.Addressee, Region: append([]string{}, req.Region...),
		Title: "关于" + req.Reference + "移送问题线索认定情况的函", Basis: basis, Copies: numbered}
	return s.issueFeedback(ctx, scope, actor, f, doc, cs, preview)
}
