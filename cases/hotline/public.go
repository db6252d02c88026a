package hotline

// PublicStatus is what the reporter sees. A report registered as a case,
// or merged into one, follows that case: 核实中 while the office still
// works on it, 已办结 once it is settled; telling the reporter 已办结 the
// day a case is opened would be untrue.
func (r Report) PublicStatus() string {
	if r.State == StateRegistered || r.State == StateMerged {
		if r.CaseState == "" || r.CaseState.Open() {
			return StateVerifying.PublicStatus()
		}
	}
	return r.State.PublicStatus()
}

// AnswerOpen reports whether the reporter may still answer the office's
// questions: only while the report is in triage.
func (r Report) AnswerOpen() bool { return r.State.Open() }
