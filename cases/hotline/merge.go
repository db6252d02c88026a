package hotline

import "rectify/cases"

// MergeInto checks that report r may be merged into case c: a merged
// report's allegation is followed up only by that case, so the case must
// concern the unit the report names and still be open. A settled case
// (closed, dismissed, transferred) would take the report off the queue and
// leave the allegation with no one; a new case is registered instead, and
// the ledger links it to the earlier one as a repeat problem.
func MergeInto(r Report, c cases.Case) error {
	refuse := func(format string, args ...any) error {
		e := cases.Refused("merge-target", format, args...)
		e.Field = "case_no"
		return e
	}
	switch {
	case r.UnitCode != "" && c.UnitCode != r.UnitCode:
		return refuse("问题 %s 属于单位「%s」，与本举报的被举报单位「%s」不同，不能并入；请核对台账编号，或立案登记新问题", c.No, c.UnitName, r.UnitLabel())
	case !c.State.Open():
		return refuse("问题 %s 当前状态为「%s」，已不再办理，不能并入；请立案登记新问题（同一单位同类问题会自动关联为屡查屡犯）", c.No, c.State.Label())
	}
	return nil
}
