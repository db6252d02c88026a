package cases

import "time"

// State is where a case stands in its life.
type State string

// The states of a case. See Rules for how they connect.
const (
	StateRegistered  State = "registered"  // 已登记
	StateVerifying   State = "verifying"   // 核实中
	StateDismissed   State = "dismissed"   // 不予立案 (查无实据)
	StateRectifying  State = "rectifying"  // 整改中
	StateSubmitted   State = "submitted"   // 已报送整改情况, 待核验
	StateConfirmed   State = "confirmed"   // 核验通过, 待审批销号
	StateClosed      State = "closed"      // 已销号
	StateReopened    State = "reopened"    // 回头看重新打开
	StateTransferred State = "transferred" // 已移交纪检监察
)

// States lists every state in ledger order.
var States = []State{StateRegistered, StateVerifying, StateRectifying, StateSubmitted, StateConfirmed, StateReopened, StateClosed, StateDismissed, StateTransferred}

// OpenStates are the states in which the office still owes the case work.
var OpenStates = []State{StateRegistered, StateVerifying, StateRectifying, StateSubmitted, StateConfirmed, StateReopened}

// Valid reports whether s is a known state.
func (s State) Valid() bool { return contains(States, s) }

// Open reports whether a case in state s is still on the books.
func (s State) Open() bool { return contains(OpenStates, s) }

// Label is the state's name in the console.
func (s State) Label() string {
	return map[State]string{
		StateRegistered: "已登记", StateVerifying: "核实中", StateDismissed: "不予立案",
		StateRectifying: "整改中", StateSubmitted: "待核验", StateConfirmed: "待审批销号", StateClosed: "已销号",
		StateReopened: "已重新打开", StateTransferred: "已移交纪检监察",
	}[s]
}

// Level is the classification marker of a case's material. It is an honest
// label that drives handling rules, not encryption.
type Level string

// The classification levels.
const (
	LevelPublic   Level = "public"   // 公开
	LevelInternal Level = "internal" // 内部
	LevelSecret   Level = "secret"   // 秘密
)

// Valid reports whether l is a known level.
func (l Level) Valid() bool { return l == LevelPublic || l == LevelInternal || l == LevelSecret }

// Registration is what registering a case supplies.
type Registration struct {
	Source    string `json:"source"`
	SourceRef string `json:"source_ref"`
	UnitCode  string `json:"unit_code"`
	Kind      string `json:"violation_kind"`
	Title     string `json:"title"`
	Facts     string `json:"facts"`
	Level     Level  `json:"level"`
	Assignee  string `json:"assignee,omitempty"`
	// NotRepeatReason, when the unit has closed cases of the same kind in
	// the last RepeatYears, says why the new case is nevertheless not a
	// repeat (屡查屡犯): it is then registered as none, and the event keeps
	// the reason and the cases it was weighed against (NotRepeatOf).
	NotRepeatReason string `json:"not_repeat_reason,omitempty"`
}

// Case is the current view of one ledger entry. It is a projection of the
// case's events (see Apply) and can always be rebuilt from them.
type Case struct {
	No        string   `json:"no"`
	Year      int      `json:"year"`
	Ordinal   int      `json:"ordinal"`
	Source    string   `json:"source"`
	SourceRef string   `json:"source_ref"`
	UnitCode  string   `json:"unit_code"`
	UnitName  string   `json:"unit_name"`
	Region    []string `json:"region"` // the unit's region path, province first
	Kind      string   `json:"violation_kind"`
	Title     string   `json:"title"`
	Facts     string   `json:"facts"`
	Level     Level    `json:"level"`
	Assignee  string   `json:"assignee"`
	State     State    `json:"state"`

	Requirements     string `json:"requirements,omitempty"`
	Deadline         string `json:"deadline,omitempty"`          // YYYY-MM-DD, last day allowed
	OriginalDeadline string `json:"original_deadline,omitempty"` // before any extension
	Extensions       int    `json:"extensions"`
	VerifiedBy       string `json:"verified_by,omitempty"` // who confirmed the submission
	SubmittedLate    bool   `json:"submitted_late"`        // the pending submission came after the deadline
	Returns          int    `json:"returns"`               // times a submission was sent back
	// SentBack says the last submission was sent back (退回) and the unit
	// owes a new one: the unit's queue of returned cases.
	SentBack bool   `json:"sent_back,omitempty"`
	Reopens  int    `json:"reopens"`
	Outcome  string `json:"outcome,omitempty"` // dismissal reason or transfer reference
	// Sources are every channel that reported the problem: the one it was
	// registered from first, then each merged in (add_source).
	Sources []CaseSource `json:"sources,omitempty"`
	// Origin is the intake record the case was registered from.
	Origin string `json:"origin,omitempty"`
	// RepeatOf lists earlier closed cases of the same unit and kind (屡查屡犯).
	RepeatOf []string `json:"repeat_of,omitempty"`

	RegisteredBy string    `json:"registered_by"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
	ClosedAt     time.Time `json:"closed_at,omitzero"`
	Version      int       `json:"version"` // sequence number of the last applied event
	HeadHash     string    `json:"head_hash"`
}

// CaseSource is one channel that reported a case's problem.
type CaseSource struct {
	Source string    `json:"source"`
	Ref    string    `json:"ref"`
	At     time.Time `json:"at"`
	Origin string    `json:"origin,omitempty"`
}

// CaseFilter selects cases in a list. Zero fields do not filter, except
// Scope, which must be valid and is always applied.
type CaseFilter struct {
	Scope     Scope
	States    []State
	Source    string
	SourceRef string // exact source reference, e.g. a referral letter's number
	UnitCode  string
	Region    string // a region path prefix such as 江南省/云州市
	Kind      string
	Light     Light
	Year      int
	// SentBack, when set, keeps only cases whose last submission was (true)
	// or was not (false) sent back.
	SentBack *bool
	// Repeat keeps only repeat cases (屡查屡犯, RepeatOf not empty).
	Repeat bool
	Text   string // substring of title, facts, number, source reference or a document number
	// TextWithoutRef keeps the source reference out of a text search: for
	// those who may not see it, whom a match would tell what it says.
	TextWithoutRef bool
	// TextAsSeen matches the text as readers outside the office see it:
	// personal numbers masked, and the facts of a secret case left out for
	// those who may not read them (a match would tell what they say).
	TextAsSeen   bool
	SecretHidden bool
	Sort         string // no, -no (default), deadline, -deadline, updated, -updated, unit, state
	Page         int    // 1-based
	PerPage      int
	// Today and YellowUntil are set by the service from the calendar so that
	// storage can turn Light into date comparisons.
	Today       string
	YellowUntil string
}

func contains[T comparable](xs []T, x T) bool {
	for _, y := range xs {
		if x == y {
			return true
		}
	}
	return false
}
