package cases

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// fakeCal counts weekdays only; the real calendar has its own tests.
type fakeCal struct{}

func (fakeCal) AddWorkingDays(date string, n int) (string, error) {
	t, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return "", err
	}
	for n > 0 {
		t = t.AddDate(0, 0, 1)
		if t.Weekday() != time.Saturday && t.Weekday() != time.Sunday {
			n--
		}
	}
	return t.Format(time.DateOnly), nil
}

const today = "2026-11-20" // a Friday

// validInput satisfies every action's input rules at once.
var validInput = Input{Reason: "理由", Requirements: "限期清退超编人员", WorkingDays: 15, Report: "已完成整改",
	Evidence: []string{"evidence/1.pdf"}, Note: "经核验整改到位", Reference: "纪移〔2026〕3号", Assignee: "张三", Document: DocumentRef + "notice-2026-0001", Source: "hotline"}

// allowed is the state machine written out independently of Rules:
// action → from-state → (to-state, roles).
var allowed = map[Action]map[State]State{
	ActionStartVerification:  {StateRegistered: StateVerifying},
	ActionDismiss:            {StateVerifying: StateDismissed},
	ActionOrderRectification: {StateVerifying: StateRectifying, StateReopened: StateRectifying},
	ActionSubmit:             {StateRectifying: StateSubmitted},
	ActionReturn:             {StateSubmitted: StateRectifying, StateConfirmed: StateRectifying},
	ActionConfirm:            {StateSubmitted: StateConfirmed},
	ActionClose:              {StateConfirmed: StateClosed},
	ActionReopen:             {StateClosed: StateReopened},
	ActionTransfer: {StateRegistered: StateTransferred, StateVerifying: StateTransferred, StateRectifying: StateTransferred,
		StateSubmitted: StateTransferred, StateConfirmed: StateTransferred, StateReopened: StateTransferred},
	ActionExtend: {StateRectifying: StateRectifying},
	ActionAssign: {StateRegistered: StateRegistered, StateVerifying: StateVerifying, StateRectifying: StateRectifying,
		StateSubmitted: StateSubmitted, StateConfirmed: StateConfirmed, StateReopened: StateReopened},
	ActionRecordDocument: {StateRegistered: StateRegistered, StateVerifying: StateVerifying, StateRectifying: StateRectifying,
		StateSubmitted: StateSubmitted, StateConfirmed: StateConfirmed, StateReopened: StateReopened, StateClosed: StateClosed,
		StateDismissed: StateDismissed, StateTransferred: StateTransferred},
	ActionAddSource: {StateRegistered: StateRegistered, StateVerifying: StateVerifying, StateRectifying: StateRectifying,
		StateSubmitted: StateSubmitted, StateConfirmed: StateConfirmed, StateReopened: StateReopened, StateClosed: StateClosed,
		StateDismissed: StateDismissed, StateTransferred: StateTransferred},
}

var allowedRoles = map[Action][]Role{
	ActionStartVerification: {RoleOffice}, ActionDismiss: {RoleOffice}, ActionOrderRectification: {RoleOffice},
	ActionSubmit: {RoleUnit, RoleOffice}, ActionReturn: {RoleOffice, RoleApprover}, ActionConfirm: {RoleOffice},
	ActionClose: {RoleApprover}, ActionReopen: {RoleOffice}, ActionTransfer: {RoleOffice},
	ActionExtend: {RoleApprover}, ActionAssign: {RoleOffice}, ActionRecordDocument: {RoleOffice, RoleApprover},
	ActionAddSource: {RoleOffice, RoleHotline},
}

func TestDecideEveryPair(t *testing.T) {
	if len(allowed) != len(Rules) {
		t.Fatalf("test table has %d actions, Rules has %d", len(allowed), len(Rules))
	}
	for a, froms := range allowed {
		for _, s := range States {
			for _, role := range Roles {
				name := fmt.Sprintf("%s/%s/%s", a, s, role)
				c := Case{No: "2026-0001", State: s, Version: 3, Deadline: "2026-12-01", VerifiedBy: "verifier"}
				actor := Actor{ID: "someone", Role: role}
				e, err := Decide(c, a, actor, validInput, "", today, fakeCal{})
				to, stateOK := froms[s]
				roleOK := contains(allowedRoles[a], role)
				switch {
				case !stateOK:
					wantRefused(t, name, err, "from-state")
				case !roleOK:
					wantRefused(t, name, err, "role")
				default:
					if err != nil {
						t.Errorf("%s: unexpected error %v", name, err)
						continue
					}
					if e.To != to || e.From != s || e.Seq != 4 || e.Action != a {
						t.Errorf("%s: got %s→%s seq %d, want %s→%s seq 4", name, e.From, e.To, e.Seq, s, to)
					}
				}
			}
		}
	}
}

func wantRefused(t *testing.T, name string, err error, rule string) {
	t.Helper()
	e, ok := AsError(err)
	if !ok || e.Code != EREFUSED || e.Rule != rule {
		t.Errorf("%s: got %v, want refused by %s", name, err, rule)
	}
}

func TestDecideInput(t *testing.T) {
	office := Actor{ID: "li", Role: RoleOffice}
	approver := Actor{ID: "wang", Role: RoleApprover}
	rect := Case{No: "2026-0001", State: StateRectifying, Deadline: "2026-12-01"}
	tests := []struct {
		name  string
		c     Case
		a     Action
		actor Actor
		in    Input
		field string // the field named by an EINVALID, or "" for success
	}{
		{"ErrDismissReasonRequired", Case{State: StateVerifying}, ActionDismiss, office, Input{}, "reason"},
		{"ErrDismissBlankReason", Case{State: StateVerifying}, ActionDismiss, office, Input{Reason: "  "}, "reason"},
		{"OK_Dismiss", Case{State: StateVerifying}, ActionDismiss, office, Input{Reason: "查无实据"}, ""},
		{"ErrOrderRequirementsRequired", Case{State: StateVerifying}, ActionOrderRectification, office, Input{WorkingDays: 15}, "requirements"},
		{"ErrOrderDeadlineRequired", Case{State: StateVerifying}, ActionOrderRectification, office, Input{Requirements: "x"}, "deadline"},
		{"ErrOrderBothDeadlines", Case{State: StateVerifying}, ActionOrderRectification, office, Input{Requirements: "x", Deadline: "2026-12-30", WorkingDays: 3}, "deadline"},
		{"ErrOrderDeadlinePast", Case{State: StateVerifying}, ActionOrderRectification, office, Input{Requirements: "x", Deadline: "2026-11-20"}, "deadline"},
		{"ErrOrderDeadlineMalformed", Case{State: StateVerifying}, ActionOrderRectification, office, Input{Requirements: "x", Deadline: "2026-02-30"}, "deadline"},
		{"ErrOrderTooManyDays", Case{State: StateVerifying}, ActionOrderRectification, office, Input{Requirements: "x", WorkingDays: 999}, "working_days"},
		{"ErrOrderNegativeDays", Case{State: StateVerifying}, ActionOrderRectification, office, Input{Requirements: "x", WorkingDays: -1}, "working_days"},
		{"OK_OrderDate", Case{State: StateVerifying}, ActionOrderRectification, office, Input{Requirements: "x", Deadline: "2026-12-30"}, ""},
		{"ErrSubmitReportRequired", rect, ActionSubmit, office, Input{Evidence: []string{"a"}}, "report"},
		{"ErrSubmitEvidenceRequired", rect, ActionSubmit, office, Input{Report: "done"}, "evidence"},
		{"ErrSubmitBlankEvidence", rect, ActionSubmit, office, Input{Report: "done", Evidence: []string{" "}}, "evidence"},
		{"ErrReturnReasonRequired", Case{State: StateSubmitted}, ActionReturn, office, Input{}, "reason"},
		{"ErrConfirmNoteRequired", Case{State: StateSubmitted}, ActionConfirm, office, Input{}, "note"},
		{"ErrReopenReasonRequired", Case{State: StateClosed}, ActionReopen, office, Input{}, "reason"},
		{"ErrTransferReferenceRequired", rect, ActionTransfer, office, Input{}, "reference"},
		{"ErrExtendReasonRequired", rect, ActionExtend, approver, Input{WorkingDays: 5}, "reason"},
		{"ErrExtendNotLater", rect, ActionExtend, approver, Input{Reason: "r", Deadline: "2026-11-30"}, "deadline"},
		{"OK_ExtendDays", rect, ActionExtend, approver, Input{Reason: "r", WorkingDays: 5}, ""},
		{"ErrAssignAssigneeRequired", rect, ActionAssign, office, Input{}, "assignee"},
		{"ErrUnknownAction", rect, "fly", office, Input{}, "action"},
		{"ErrReasonTooLong", Case{State: StateVerifying}, ActionDismiss, office, Input{Reason: string(make([]rune, MaxLongText+1))}, "reason"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Decide(tt.c, tt.a, tt.actor, tt.in, "", today, fakeCal{})
			if tt.field == "" {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			e, ok := AsError(err)
			if !ok || e.Code != EINVALID || e.Field != tt.field {
				t.Fatalf("got %v, want invalid field %s", err, tt.field)
			}
		})
	}
}

func TestDecideResolvesDeadline(t *testing.T) {
	c := Case{State: StateVerifying}
	e, err := Decide(c, ActionOrderRectification, Actor{ID: "li", Role: RoleOffice}, Input{Requirements: "x", WorkingDays: 15}, "", today, fakeCal{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := e.Input.Deadline, "2026-12-11"; got != want {
		t.Errorf("deadline = %s, want %s", got, want)
	}
	// Fields the action does not use are not recorded.
	if e.Input.Reason != "" || e.Input.Report != "" || len(e.Attachments) != 0 {
		t.Errorf("unused input recorded: %+v", e.Input)
	}
}

func TestCloseNeedsVerificationByAnother(t *testing.T) {
	approver := Actor{ID: "wang", Role: RoleApprover}
	tests := []struct {
		name       string
		verifiedBy string
		rule       string
	}{
		{"ErrNotVerified", "", "verification-required"},
		{"ErrSamePerson", "wang", "four-eyes"},
		{"OK", "li", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Case{State: StateConfirmed, VerifiedBy: tt.verifiedBy}
			_, err := Decide(c, ActionClose, approver, Input{}, "", today, fakeCal{})
			if tt.rule == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			wantRefused(t, tt.name, err, tt.rule)
		})
	}
}

func TestApplyKeepsHistory(t *testing.T) {
	at := time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC)
	office := Actor{ID: "li", Role: RoleOffice}
	c := Apply(Case{}, Seal(Event{CaseNo: "2026-0001", Seq: 1, Action: ActionRegister, To: StateRegistered, Actor: office, At: at,
		Registered: &Registered{Registration: Registration{Title: "t"}, Year: 2026, Ordinal: 1}}, ""))
	steps := []struct {
		a     Action
		actor Actor
		in    Input
	}{
		{ActionStartVerification, office, Input{}},
		{ActionOrderRectification, office, Input{Requirements: "r", Deadline: "2026-12-01"}},
		{ActionExtend, Actor{ID: "wang", Role: RoleApprover}, Input{Reason: "疫情", Deadline: "2026-12-15"}},
		{ActionSubmit, Actor{ID: "unit1", Role: RoleUnit}, Input{Report: "r", Evidence: []string{"e"}}},
		{ActionReturn, office, Input{Reason: "不到位"}},
		{ActionSubmit, Actor{ID: "unit1", Role: RoleUnit}, Input{Report: "r2", Evidence: []string{"e2"}}},
		{ActionConfirm, office, Input{Note: "到位"}},
		{ActionClose, Actor{ID: "wang", Role: RoleApprover}, Input{}},
		{ActionReopen, office, Input{Reason: "回头看发现反弹"}},
	}
	for _, st := range steps {
		e, err := Decide(c, st.a, st.actor, st.in, "", today, fakeCal{})
		if err != nil {
			t.Fatalf("%s: %v", st.a, err)
		}
		e.At = at
		c = Apply(c, Seal(e, c.HeadHash))
	}
	if c.State != StateReopened || c.OriginalDeadline != "2026-12-01" || c.Deadline != "2026-12-15" ||
		c.Extensions != 1 || c.Returns != 1 || c.Reopens != 1 || c.VerifiedBy != "" || !c.ClosedAt.IsZero() || c.Version != 10 {
		t.Errorf("unexpected projection %+v", c)
	}
}

func TestLightOf(t *testing.T) {
	tests := []struct {
		name     string
		state    State
		deadline string
		want     Light
	}{
		{"RedPastDeadline", StateRectifying, "2026-11-19", LightRed},
		{"YellowOnDeadlineDay", StateRectifying, "2026-11-20", LightYellow},
		{"YellowWithinFiveDays", StateRectifying, "2026-11-27", LightYellow},
		{"GreenSubmittedOnTime", StateSubmitted, "2026-11-01", LightGreen},
		{"GreenLater", StateRectifying, "2026-11-28", LightGreen},
		{"GreenNoDeadline", StateRegistered, "", LightGreen},
		{"RedReopenedOld", StateReopened, "2026-01-01", LightRed},
		{"NoneClosed", StateClosed, "2026-01-01", LightNone},
		{"NoneDismissed", StateDismissed, "", LightNone},
		{"NoneTransferred", StateTransferred, "2026-01-01", LightNone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := LightOf(Case{State: tt.state, Deadline: tt.deadline}, "2026-11-20", "2026-11-27")
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestEvaluateStanding(t *testing.T) {
	clean := Unit{Code: "U1", Name: "单位", Establishment: []Establishment{{Type: "行政编制", Approved: 10, Actual: 9}}}
	tests := []struct {
		name      string
		u         Unit
		open      []Case
		suspended bool
		rules     []string
	}{
		{"OK_Clean", clean, []Case{{No: "2026-0001", UnitCode: "U1", State: StateRectifying, Deadline: "2026-12-31"}}, false, nil},
		{"Overdue", clean, []Case{{No: "2026-0001", UnitCode: "U1", State: StateRectifying, Deadline: "2026-11-01"}}, true, []string{"overdue-rectification"}},
		{"Returned", clean, []Case{{No: "2026-0002", UnitCode: "U1", State: StateRectifying, Deadline: "2026-12-31", Returns: 1}}, true, []string{"inadequate-rectification"}},
		{"OverEstablishment", Unit{Code: "U1", Establishment: []Establishment{{Type: "事业编制", Approved: 10, Actual: 12}}}, nil, true, []string{"over-establishment"}},
		{"KeyManaged", Unit{Code: "U1", KeyManaged: true}, nil, true, []string{"key-management"}},
		// Leader posts over quota are flagged on the unit, but no seed
		// suspends applications for them.
		{"OK_OverQuotaOnly", Unit{Code: "U1", LeaderPosts: Posts{Approved: 4, Actual: 6}}, nil, false, nil},
		// The latest roster's head count, not the count on file.
		{"RosterOverEstablishment", Unit{Code: "U1", Establishment: []Establishment{{Type: "行政编制", Approved: 10, Actual: 9}},
			Roster: &RosterCount{Snapshot: "R1", Date: "2026-06-30", ByType: map[string]int{"行政编制": 12}}}, nil, true, []string{"over-establishment"}},
		{"OK_RosterWithin", Unit{Code: "U1", Establishment: []Establishment{{Type: "事业编制", Approved: 10, Actual: 12}},
			Roster: &RosterCount{Snapshot: "R1", Date: "2026-06-30", ByType: map[string]int{"事业编制": 10}}}, nil, false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := EvaluateStanding(tt.u, tt.open, "2026-11-20", "2026-11-27")
			if s.Suspended != tt.suspended || len(s.Reasons) != len(tt.rules) {
				t.Fatalf("got %+v", s)
			}
			for i, r := range tt.rules {
				if s.Reasons[i].Rule != r {
					t.Errorf("reason %d = %s, want %s", i, s.Reasons[i].Rule, r)
				}
			}
			if tt.u.Roster != nil && (s.Roster != tt.u.Roster || tt.suspended && !strings.Contains(s.Reasons[0].Message, "2026-06-30 花名册在编 12 名")) {
				t.Errorf("the standing does not say which roster it read: %+v", s)
			}
			if tt.name == "Overdue" && (len(s.Reasons[0].Cases) != 1 || s.Reasons[0].Cases[0] != "2026-0001") {
				t.Errorf("cases behind the reason: %v", s.Reasons[0].Cases)
			}
		})
	}
}

func TestCheckChain(t *testing.T) {
	at := time.Date(2026, 11, 20, 2, 0, 0, 123456789, time.UTC)
	office := Actor{ID: "li", Role: RoleOffice}
	e1 := Seal(Event{CaseNo: "2026-0001", Seq: 1, Action: ActionRegister, To: StateRegistered, Actor: office, At: at,
		Registered: &Registered{Registration: Registration{Title: "t"}, Year: 2026, Ordinal: 1}}, "")
	e2 := Seal(Event{CaseNo: "2026-0001", Seq: 2, Action: ActionStartVerification, From: StateRegistered, To: StateVerifying, Actor: office, At: at, Input: &Input{}}, e1.Hash)
	if _, f := CheckChain("2026-0001", []Event{e1, e2}); f != nil {
		t.Fatalf("good chain reported: %+v", f)
	}
	tampered := e2
	tampered.Comment = "改过"
	relinked := e2
	relinked.PrevHash = "00"
	relinked.Hash = ComputeHash(relinked)
	wrongFrom := Seal(Event{CaseNo: "2026-0001", Seq: 2, Action: ActionClose, From: StateSubmitted, To: StateClosed, Actor: office, At: at}, e1.Hash)
	tests := []struct {
		name   string
		events []Event
		seq    int
	}{
		{"ErrTampered", []Event{e1, tampered}, 2},
		{"ErrBrokenLink", []Event{e1, relinked}, 2},
		{"ErrGap", []Event{e2}, 2},
		{"ErrWrongFromState", []Event{e1, wrongFrom}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, f := CheckChain("2026-0001", tt.events)
			if f == nil || f.Seq != tt.seq || f.Kind != "broken-chain" {
				t.Errorf("got %+v, want broken chain at %d", f, tt.seq)
			}
		})
	}
	// Hashing ignores sub-millisecond precision that storage drops.
	if ComputeHash(e1) != e1.Hash || e1.At.Nanosecond() != 123000000 {
		t.Error("hash not stable under truncation")
	}
}

func TestParseNo(t *testing.T) {
	for _, ok := range []string{"2026-0001", "2026-12345"} {
		if _, _, err := ParseNo(ok); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "2026-1", "2026-00001", "26-0001", "2026-0000", "$gt", "2026-00a1", "2026_0001"} {
		if _, _, err := ParseNo(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
