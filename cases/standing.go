package cases

import "fmt"

// Standing tells whether a unit's staffing applications (机构编制申请事项)
// must be refused, and why.
type Standing struct {
	UnitCode  string           `json:"unit_code"`
	UnitName  string           `json:"unit_name"`
	Suspended bool             `json:"suspended"` // 暂停受理
	Reasons   []StandingReason `json:"reasons"`
	AsOf      string           `json:"as_of"`
	// Roster is the staffing roster whose head counts the standing read
	// (nil: the counts on file); its Date is the date they reflect.
	Roster *RosterCount `json:"roster,omitempty"`
}

// StandingReason is one rule that suspends a unit, with its basis in the
// seeds and the cases behind it.
type StandingReason struct {
	Rule    string   `json:"rule"`
	Basis   string   `json:"basis"`
	Message string   `json:"message"`
	Cases   []string `json:"cases,omitempty"`
}

// EvaluateStanding applies the suspension rules to a unit and its open
// cases. Seed 001: a unit whose rectification is overdue or inadequate has
// its applications suspended; seed 004: applications from a unit over its
// establishment or on the key-management list are refused automatically.
func EvaluateStanding(u Unit, open []Case, today, yellowUntil string) Standing {
	s := Standing{UnitCode: u.Code, UnitName: u.Name, AsOf: today, Reasons: []StandingReason{}, Roster: u.Roster}
	var overdue, inadequate []string
	for _, c := range open {
		if c.UnitCode != u.Code || !c.State.Open() {
			continue
		}
		if LightOf(c, today, yellowUntil) == LightRed {
			overdue = append(overdue, c.No)
		}
		if c.Returns > 0 || c.Reopens > 0 {
			inadequate = append(inadequate, c.No)
		}
	}
	if len(overdue) > 0 {
		s.Reasons = append(s.Reasons, StandingReason{Rule: "overdue-rectification", Basis: "逾期未整改的，暂停受理有关机构编制申请事项",
			Message: fmt.Sprintf("%d 件问题逾期未整改", len(overdue)), Cases: overdue})
	}
	if len(inadequate) > 0 {
		s.Reasons = append(s.Reasons, StandingReason{Rule: "inadequate-rectification", Basis: "整改不到位的，暂停受理有关机构编制申请事项",
			Message: fmt.Sprintf("%d 件问题整改不到位（被退回或回头看重新打开）", len(inadequate)), Cases: inadequate})
	}
	for _, e := range u.Overages() {
		// Seed 004 refuses applications for a unit over its establishment;
		// leader posts over quota are flagged, but no seed suspends for them.
		if e.LeaderPosts() {
			continue
		}
		msg := fmt.Sprintf("%s核定 %d 名，实有 %d 名，超编 %d 名", e.Type, e.Approved, e.Actual, e.Over)
		if u.Roster != nil {
			msg = fmt.Sprintf("%s核定 %d 名，%s 花名册在编 %d 名，超编 %d 名", e.Type, e.Approved, u.Roster.Date, e.Actual, e.Over)
		}
		s.Reasons = append(s.Reasons, StandingReason{Rule: "over-establishment", Basis: "超编单位，系统拒绝用编申请", Message: msg})
	}
	if u.KeyManaged {
		s.Reasons = append(s.Reasons, StandingReason{Rule: "key-management", Basis: "列入重点管理的单位，系统拒绝用编申请",
			Message: "该单位已列入重点管理单位"})
	}
	s.Suspended = len(s.Reasons) > 0
	return s
}
