package assessment

import (
	"sort"

	"rectify/cases"
)

// Proposal is one deduction the ledger proposes for a point: a case of the
// assessed unit, registered in the round's year, of a violation kind the
// point deducts for.
type Proposal struct {
	Point  string      `json:"point"`
	CaseNo string      `json:"case_no"`
	Kind   string      `json:"violation_kind"`
	State  cases.State `json:"state"`
	Title  string      `json:"title"`
	Deduct float64     `json:"deduct"`
	// Pending marks a clue not yet established (registered or being
	// verified): shown to the reviewer, deducting nothing.
	Pending bool `json:"pending,omitempty"`
}

// Proposals derives the ledger's deduction proposals for one unit in a
// round's year. The rule:
//   - only cases of the unit registered in the year count;
//   - dismissed cases (查无实据) deduct nothing and are left out;
//   - cases the assessment itself registered (source assessment) are left
//     out, so a finding never deducts twice;
//   - clues still registered or being verified are listed as pending, 0;
//   - closed cases (rectified) deduct the kind's PerCaseRectified;
//   - every other state (rectifying, submitted, confirmed, reopened,
//     transferred) deducts PerCase.
//
// Proposals come sorted by point, then case number.
func Proposals(cat *Catalog, year int, unit string, cs []cases.Case) []Proposal {
	type rule struct {
		point string
		kd    KindDeduction
	}
	byKind := map[string]rule{}
	for _, p := range cat.CommonPoints() {
		for _, kd := range p.Kinds {
			byKind[kd.Kind] = rule{p.Code, kd}
		}
	}
	var out []Proposal
	for _, c := range cs {
		r, ok := byKind[c.Kind]
		if !ok || c.UnitCode != unit || c.Year != year || c.Source == "assessment" || c.State == cases.StateDismissed {
			continue
		}
		pr := Proposal{Point: r.point, CaseNo: c.No, Kind: c.Kind, State: c.State, Title: c.Title}
		switch c.State {
		case cases.StateRegistered, cases.StateVerifying:
			pr.Pending = true
		case cases.StateClosed:
			pr.Deduct = r.kd.PerCaseRectified
		default:
			pr.Deduct = r.kd.PerCase
		}
		out = append(out, pr)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Point != out[j].Point {
			return out[i].Point < out[j].Point
		}
		return out[i].CaseNo < out[j].CaseNo
	})
	return out
}

// ProposedDeduction sums the proposals for one point.
func ProposedDeduction(ps []Proposal, point string) float64 {
	sum := 0.0
	for _, p := range ps {
		if p.Point == point {
			sum += p.Deduct
		}
	}
	return Round2(sum)
}

// LedgerLoss is a ledger case that cost the unit marks on a point.
type LedgerLoss struct {
	Proposal
	PointName string
	Category  string // the first-level category's name (规定执行)
}

// LedgerLosses are the ledger cases that cost the unit marks, for the
// result letter's problem list: those whose proposal deducts, on a point
// scored by every reviewer that lost marks, where the reviewers took a
// ledger deduction (one of them entered a Mark.Ledger above 0; had they
// all overridden it to nothing, the cases cost nothing). Pending clues
// deduct nothing and are left out. In point, then case number, order.
func (sh Sheet) LedgerLosses() []LedgerLoss {
	names := map[string]string{}
	if sh.State.Catalog != nil {
		for _, c := range sh.State.Catalog.Categories {
			names[c.Code] = c.Name
		}
	}
	var out []LedgerLoss
	for _, row := range sh.Rows {
		if !row.Lost() {
			continue
		}
		taken := false
		for _, sc := range row.Scores {
			taken = taken || sc.Mark.Ledger > 0
		}
		if !taken {
			continue
		}
		for _, pr := range row.Proposals {
			if pr.Deduct > 0 && !pr.Pending {
				out = append(out, LedgerLoss{Proposal: pr, PointName: row.Point.Name, Category: names[row.Point.Category]})
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Point != out[j].Point {
			return out[i].Point < out[j].Point
		}
		return out[i].CaseNo < out[j].CaseNo
	})
	return out
}
