// Package clue is the audit referral channel (审计移送): the audit office
// refers clues of staffing violations (问题线索) under its report number;
// the office decides each one — confirmed (认定), which registers a case
// with source 审计移送 linked to the clue, or not confirmed (不予认定) with
// a reason — and answers the audit office with a feedback letter listing
// every clue and its outcome. A clue waiting too long for its decision
// lights yellow, then red, as a case does before its deadline.
//
// The rules (validation, identity, lights, states) are pure functions
// here; Service orchestrates them over a Store, the ledger (cases.Service)
// and the documents service. Correctness under concurrency rests on
// unique inserts: a referral's _id is derived from the audit office and
// report number, a decision's from the clue, so a referral is recorded
// once and a clue decided once.
package clue

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"rectify/cases"
)

// Limits on a referral.
const (
	MaxClues = 200
	// DefaultDecideDays is how many working days the office has to decide
	// a clue, counted from the day the referral was received.
	DefaultDecideDays = 15
	// Source is the catalogue's source code of cases registered from clues.
	Source = "audit"
)

// Submission is a referral as the office enters it from the audit
// office's letter.
type Submission struct {
	Office   string      `json:"office"`    // 审计机关
	ReportNo string      `json:"report_no"` // 审计报告/移送函文号
	Received string      `json:"received"`  // YYYY-MM-DD
	Level    cases.Level `json:"level"`
	Clues    []ClueInput `json:"clues"`
}

// ClueInput is one clue of a submission.
type ClueInput struct {
	UnitCode string `json:"unit_code"`
	Kind     string `json:"violation_kind"` // suggested by the audit office
	Title    string `json:"title"`
	Facts    string `json:"facts"`
}

// Referral is a recorded audit referral.
type Referral struct {
	ID       string      `json:"id"`
	Office   string      `json:"office"`
	ReportNo string      `json:"report_no"`
	Received string      `json:"received"`
	Level    cases.Level `json:"level"`
	// Region is the region the clues' units share: the referral is seen
	// by offices at or above it.
	Region []string `json:"region"`
	Clues  []Clue   `json:"clues"`
	// Hash is the content's digest: the same report again with the same
	// content is a retry, with other content a conflict.
	Hash      string      `json:"-"`
	CreatedBy cases.Actor `json:"created_by"`
	CreatedAt time.Time   `json:"created_at"`
}

// Clue is one clue of a referral.
type Clue struct {
	ID       string `json:"id"`
	Seq      int    `json:"seq"` // 1-based, in the letter's order
	UnitCode string `json:"unit_code"`
	UnitName string `json:"unit_name"`
	Kind     string `json:"violation_kind"`
	Title    string `json:"title"`
	Facts    string `json:"facts"`
}

// Outcome is how the office decided a clue.
type Outcome string

// The outcomes.
const (
	Confirmed Outcome = "confirmed" // 认定
	Rejected  Outcome = "rejected"  // 不予认定
)

// Label is the outcome in words.
func (o Outcome) Label() string {
	switch o {
	case Confirmed:
		return "认定"
	case Rejected:
		return "不予认定"
	}
	return string(o)
}

// DecisionInput is the office's decision on a clue. Confirmed takes the
// violation kind (the suggested one when empty) and optionally edits the
// title and facts the case is registered with — or, with MergeInto, names
// an existing case of the clue's unit the clue is confirmed into (the case
// records the audit referral as one more source instead of a second case);
// rejected takes a reason. Title or facts with an ID or mobile number are
// refused unless ConfirmPersonalData (as on the register form).
type DecisionInput struct {
	Outcome             Outcome `json:"outcome"`
	Kind                string  `json:"violation_kind,omitempty"`
	Title               string  `json:"title,omitempty"`
	Facts               string  `json:"facts,omitempty"`
	Reason              string  `json:"reason,omitempty"`
	MergeInto           string  `json:"merge_into,omitempty"`
	ConfirmPersonalData bool    `json:"confirm_personal_data,omitempty"`
}

// Decision is a recorded decision. A confirmed decision gets its CaseNo
// once the case is registered; one without is still being registered (or
// its registration stopped, and repeating the decision completes it).
type Decision struct {
	ClueID  string  `json:"clue_id"`
	Outcome Outcome `json:"outcome"`
	Kind    string  `json:"violation_kind,omitempty"`
	Title   string  `json:"title,omitempty"`
	Facts   string  `json:"facts,omitempty"`
	Reason  string  `json:"reason,omitempty"`
	CaseNo  string  `json:"case_no,omitempty"`
	// Merged: confirmed into the existing case CaseNo (set when decided)
	// rather than registered as a new one.
	Merged bool        `json:"merged,omitempty"`
	By     cases.Actor `json:"by"`
	At     time.Time   `json:"at"`
}

// same reports whether d records the decision in asks for (a repeated
// click or a retried request).
func (d Decision) same(in Decision) bool {
	return d.Outcome == in.Outcome && d.Kind == in.Kind && d.Title == in.Title && d.Facts == in.Facts && d.Reason == in.Reason &&
		d.Merged == in.Merged && (!d.Merged || d.CaseNo == in.CaseNo)
}

// Letter is a feedback letter issued for a referral.
type Letter struct {
	ID         string    `json:"-"` // referral id + "/" + document id
	ReferralID string    `json:"referral_id"`
	DocumentID string    `json:"document_id"`
	Number     string    `json:"number"`
	Basis      string    `json:"-"`
	Final      bool      `json:"final"` // every clue was decided when it was issued
	At         time.Time `json:"at"`
}

// State is where a referral stands.
type State string

// The states of a referral.
const (
	StatePending  State = "pending"  // 待认定: some clue undecided
	StateDecided  State = "decided"  // 待反馈: every clue decided, no final letter yet
	StateAnswered State = "answered" // 已反馈: the final feedback letter is issued
)

// States lists the states in console order.
var States = []State{StatePending, StateDecided, StateAnswered}

// Label is the state in words.
func (s State) Label() string {
	return map[State]string{StatePending: "待认定", StateDecided: "待反馈", StateAnswered: "已反馈"}[s]
}

// Valid reports whether s names a state.
func (s State) Valid() bool { return s == StatePending || s == StateDecided || s == StateAnswered }

// StateOf derives a referral's state from how many clues are undecided
// and whether a final letter was issued.
func StateOf(undecided int, answered bool) State {
	switch {
	case undecided > 0:
		return StatePending
	case answered:
		return StateAnswered
	}
	return StateDecided
}

// ReferralID is the identity of a referral: the audit office and its
// report number, normalised, hashed to a fixed-length key.
func ReferralID(office, reportNo string) string {
	sum := sha256.Sum256([]byte(norm(office) + "\x00" + norm(reportNo)))
	return hex.EncodeToString(sum[:8])
}

// ClueID is the identity of the seq-th clue (1-based) of a referral.
func ClueID(referralID string, seq int) string { return fmt.Sprintf("%s-%02d", referralID, seq) }

// SplitClueID returns the referral id and the 1-based seq of a clue id.
func SplitClueID(id string) (string, int, bool) {
	ref, n, ok := strings.Cut(id, "-")
	if !ok || len(ref) != 16 || strings.Trim(ref, "0123456789abcdef") != "" {
		return "", 0, false
	}
	var seq int
	if _, err := fmt.Sscanf(n, "%d", &seq); err != nil || seq < 1 || seq > MaxClues || fmt.Sprintf("%02d", seq) != n {
		return "", 0, false
	}
	return ref, seq, true
}

// ValidReferralID reports whether id is a well-formed referral id.
func ValidReferralID(id string) bool {
	return len(id) == 16 && strings.Trim(id, "0123456789abcdef") == ""
}

// norm trims and collapses inner white space, so that "审计 移〔2026〕3号"
// typed twice with different spacing is one report.
func norm(s string) string { return strings.Join(strings.Fields(s), " ") }

// Normalize trims every text of a submission.
func Normalize(s Submission) Submission {
	s.Office, s.ReportNo, s.Received = norm(s.Office), norm(s.ReportNo), strings.TrimSpace(s.Received)
	out := make([]ClueInput, 0, len(s.Clues))
	for _, c := range s.Clues {
		out = append(out, ClueInput{UnitCode: strings.TrimSpace(c.UnitCode), Kind: strings.TrimSpace(c.Kind),
			Title: strings.TrimSpace(c.Title), Facts: strings.TrimSpace(c.Facts)})
	}
	s.Clues = out
	return s
}

// Hash is the digest of a normalised submission's content.
func Hash(s Submission) string {
	b, _ := json.Marshal(s)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Lookup is what validation needs to know beyond the submission: whether
// a violation kind exists and which units the submitter may name.
type Lookup struct {
	HasKind func(code string) bool
	Unit    func(code string) (cases.Unit, bool)
}

// Validate checks a normalised submission and reports every bad field at
// once; today is YYYY-MM-DD (a referral cannot be received in the future).
func Validate(s Submission, today string, l Lookup) error {
	var fe cases.FieldErrors
	fe.Add(renamed(cases.CheckShortText("office", s.Office, true), "office", "审计机关"))
	fe.Add(renamed(cases.CheckShortText("report_no", s.ReportNo, true), "report_no", "审计报告/移送函文号"))
	if d, err := time.Parse(time.DateOnly, s.Received); err != nil || d.Format(time.DateOnly) != s.Received {
		fe.Add(cases.Invalid("received", "收到日期须为 YYYY-MM-DD 格式的日期"))
	} else if s.Received > today {
		fe.Add(cases.Invalid("received", "收到日期不能晚于今天"))
	}
	if !s.Level.Valid() {
		fe.Add(cases.Invalid("level", "密级须为公开、内部或秘密"))
	}
	if len(s.Clues) == 0 || len(s.Clues) > MaxClues {
		fe.Add(cases.Invalid("clues", "一次移送须有 1 至 %d 条问题线索", MaxClues))
	}
	for i, c := range s.Clues {
		if len(s.Clues) > MaxClues {
			break
		}
		p := fmt.Sprintf("clues[%d].", i)
		n := fmt.Sprintf("线索%d：", i+1)
		if _, ok := l.Unit(c.UnitCode); !ok {
			if c.UnitCode == "" {
				fe.Add(cases.Invalid(p+"unit_code", "%s请选择被监督单位", n))
			} else {
				fe.Add(cases.Invalid(p+"unit_code", "%s没有代码为「%s」的单位", n, c.UnitCode))
			}
		}
		if !l.HasKind(c.Kind) {
			fe.Add(cases.Invalid(p+"violation_kind", "%s请选择问题类型", n))
		}
		fe.Add(renamed(cases.CheckShortText("title", c.Title, true), p+"title", n+"问题线索标题"))
		fe.Add(renamed(cases.CheckLongText("facts", c.Facts, true), p+"facts", n+"线索内容"))
	}
	return fe.Err()
}

// renamed moves a field error to field, its message naming what.
func renamed(err error, field, what string) error {
	e, ok := cases.AsError(err)
	if err == nil || !ok || e.Code != cases.EINVALID {
		return err
	}
	if strings.HasPrefix(e.Message, "请填写") {
		return cases.Invalid(field, "请填写%s", what)
	}
	return cases.Invalid(field, "%s：%s", what, e.Message)
}

// CheckDecision validates a decision on clue c and returns it as it will
// be recorded: a confirmation defaults to the clue's kind, title and facts.
func CheckDecision(c Clue, in DecisionInput, hasKind func(string) bool) (Decision, error) {
	d := Decision{ClueID: c.ID, Outcome: in.Outcome}
	var fe cases.FieldErrors
	switch in.Outcome {
	case Confirmed:
		d.Kind, d.Title, d.Facts = firstOf(in.Kind, c.Kind), firstOf(in.Title, c.Title), firstOf(in.Facts, c.Facts)
		if !hasKind(d.Kind) {
			fe.Add(cases.Invalid("violation_kind", "未知的问题类型「%s」", d.Kind))
		}
		fe.Add(renamed(cases.CheckShortText("title", d.Title, true), "title", "问题标题"))
		fe.Add(renamed(cases.CheckLongText("facts", d.Facts, true), "facts", "问题情况"))
		if strings.TrimSpace(in.Reason) != "" {
			fe.Add(cases.Invalid("reason", "认定的线索不填写不予认定理由"))
		}
		if no := strings.TrimSpace(in.MergeInto); no != "" {
			if _, _, err := cases.ParseNo(no); err != nil {
				fe.Add(cases.Invalid("merge_into", "台账编号「%s」格式不正确（如 2026-0001）", no))
			}
			d.Merged, d.CaseNo = true, no
		}
		// A new case carries the title and facts into the ledger for ever
		// (a merged clue's text stays in the referral): the register
		// form's confirm step.
		// Returned as it is: its rule (personal-data) asks the form for
		// the confirmation.
		if len(fe) == 0 && !d.Merged && !in.ConfirmPersonalData {
			if err := cases.CheckPersonalData(cases.Registration{Title: d.Title, Facts: d.Facts}); err != nil {
				return d, err
			}
		}
	case Rejected:
		d.Reason = strings.TrimSpace(in.Reason)
		fe.Add(renamed(cases.CheckLongText("reason", d.Reason, true), "reason", "不予认定的理由"))
	default:
		fe.Add(cases.Invalid("outcome", "请选择认定或不予认定"))
	}
	return d, fe.Err()
}

func firstOf(a, b string) string {
	if a = strings.TrimSpace(a); a != "" {
		return a
	}
	return strings.TrimSpace(b)
}

// LightOf is the light of a clue waiting for its decision: red once its
// deadline (received + the decision period in working days) has passed,
// yellow when it falls within yellowUntil (cases.YellowDays working days
// from today), green otherwise — the rules of cases.LightOf. A decided clue
// has no light.
func LightOf(decided bool, deadline, today, yellowUntil string) cases.Light {
	switch {
	case decided:
		return cases.LightNone
	case deadline < today:
		return cases.LightRed
	case deadline <= yellowUntil:
		return cases.LightYellow
	}
	return cases.LightGreen
}

// Worse is the more urgent of two lights.
func Worse(a, b cases.Light) cases.Light {
	rank := map[cases.Light]int{cases.LightNone: 0, cases.LightGreen: 1, cases.LightYellow: 2, cases.LightRed: 3}
	if rank[b] > rank[a] {
		return b
	}
	return a
}

// CommonRegion is the region every unit shares.
func CommonRegion(regions [][]string) []string {
	var out []string
	for i, r := range regions {
		if i == 0 {
			out = append([]string{}, r...)
			continue
		}
		n := 0
		for n < len(out) && n < len(r) && out[n] == r[n] {
			n++
		}
		out = out[:n]
	}
	return out
}
