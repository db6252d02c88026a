package cases

import (
	"slices"
	"strings"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"
)

// Action is what a transition does to a case.
type Action string

// The actions. ActionRegister only ever starts a chain.
const (
	ActionRegister           Action = "register"            // 登记
	ActionStartVerification  Action = "start_verification"  // 开始核实
	ActionDismiss            Action = "dismiss"             // 不予立案
	ActionOrderRectification Action = "order_rectification" // 下达整改要求
	ActionSubmit             Action = "submit"              // 报送整改情况
	ActionReturn             Action = "return"              // 退回重新整改
	ActionConfirm            Action = "confirm"             // 核验通过 (verification note)
	ActionClose              Action = "close"               // 审批销号
	ActionReopen             Action = "reopen"              // 回头看, 重新打开
	ActionTransfer           Action = "transfer"            // 移交纪检监察
	ActionExtend             Action = "extend"              // 批准延期
	ActionAssign             Action = "assign"              // 指定承办人
	ActionRecordDocument     Action = "record_document"     // 发文记录 (a document issued on the case)
	ActionAddSource          Action = "add_source"          // 并入来源 (the same problem reported again)
)

// Rule says from which states an action may be taken, by whom, and where it
// leads. To is empty when the action leaves the state unchanged.
type Rule struct {
	Action Action
	From   []State
	To     State
	Roles  []Role
	Label  string
}

// Rules is the state machine of a case. Registration is not in it: it
// creates the case in StateRegistered.
var Rules = []Rule{
	{ActionStartVerification, []State{StateRegistered}, StateVerifying, []Role{RoleOffice}, "开始核实"},
	{ActionDismiss, []State{StateVerifying}, StateDismissed, []Role{RoleOffice}, "不予立案"},
	{ActionOrderRectification, []State{StateVerifying, StateReopened}, StateRectifying, []Role{RoleOffice}, "下达整改要求"},
	{ActionSubmit, []State{StateRectifying}, StateSubmitted, []Role{RoleUnit, RoleOffice}, "报送整改情况"},
	// The office returns what it will not confirm; an approver returns a
	// confirmed case it will not close.
	{ActionReturn, []State{StateSubmitted, StateConfirmed}, StateRectifying, []Role{RoleOffice, RoleApprover}, "退回重新整改"},
	{ActionConfirm, []State{StateSubmitted}, StateConfirmed, []Role{RoleOffice}, "核验通过"},
	{ActionClose, []State{StateConfirmed}, StateClosed, []Role{RoleApprover}, "审批销号"},
	{ActionReopen, []State{StateClosed}, StateReopened, []Role{RoleOffice}, "回头看重新打开"},
	{ActionTransfer, OpenStates, StateTransferred, []Role{RoleOffice}, "移交纪检监察"},
	{ActionExtend, []State{StateRectifying}, "", []Role{RoleApprover}, "批准延期"},
	{ActionAssign, OpenStates, "", []Role{RoleOffice}, "指定承办人"},
	{ActionRecordDocument, States, "", []Role{RoleOffice, RoleApprover}, "发文记录"},
	// A report or referral of a problem already on the ledger is merged
	// into its case, which records the extra source, not a second case.
	{ActionAddSource, States, "", []Role{RoleOffice, RoleHotline}, "并入来源"},
}

// DocumentRef and EvidenceRef prefix references to stored files in event
// attachments and inputs: "document:notice-2026-0012", "evidence:e7f3…".
const (
	DocumentRef = "document:"
	EvidenceRef = "evidence:"
)

// RegisterRoles may register cases: the office itself, hotline intake, and
// patrol teams referring what they found — these only through their team's
// referral batch (see PatrolMayRegister).
var RegisterRoles = []Role{RoleOffice, RoleHotline, RolePatrol}

// DirectRegisterRoles may register a case directly, on the register form or
// through the API, rather than from an intake record: the office and the
// hotline's operators. A patrol team refers what it finds by its referral
// batch (移交函), which registers the cases.
var DirectRegisterRoles = []Role{RoleOffice, RoleHotline}

// SourcePatrolReferral is the catalog's source code of patrol referrals
// (巡视巡察移交), the one source a patrol member's cases come from.
const SourcePatrolReferral = "patrol"

// PatrolMayRegister decides whether a patrol member may register a case of
// source from the intake record origin: only from their team's referral
// batch (origin "batch:…"), with the patrol referral as its source. The
// batch's own checks keep it to the member's round, team and the units the
// team inspects; the member's scope is those units.
// Errors: EREFUSED, rule patrol-referral.
func PatrolMayRegister(source, origin string) error {
	if strings.HasPrefix(origin, "batch:") && strings.TrimSpace(source) == SourcePatrolReferral {
		return nil
	}
	return Refused("patrol-referral", "巡察组成员通过本组的巡察移交函移交发现的问题（来源为巡视巡察移交），不能直接登记问题")
}

// RuleFor returns the rule of action, if the action exists.
func RuleFor(a Action) (Rule, bool) {
	for _, r := range Rules {
		if r.Action == a {
			return r, true
		}
	}
	return Rule{}, false
}

// Calendar turns "N working days from a date" into a date.
type Calendar interface {
	AddWorkingDays(date string, n int) (string, error)
}

// Limits on free text, in characters.
const (
	MaxShortText = 200
	MaxLongText  = 10000
	MaxEvidence  = 50
	MaxWorkDays  = 250
)

// Decide applies the state machine: given the current case, an action, who
// takes it and its input, it returns the event to record (without time and
// hashes, see Seal) or the error that refuses it. It is pure: today is the
// office's current date (YYYY-MM-DD).
func Decide(c Case, a Action, actor Actor, in Input, comment string, today string, cal Calendar) (Event, error) {
	if err := Allowed(c, a, actor); err != nil {
		return Event{}, err
	}
	rule, _ := RuleFor(a)
	// The comment and every input are checked, so that a form shows all
	// that is wrong at once.
	var fe FieldErrors
	fe.Add(checkText("comment", comment, MaxLongText, false))
	out, err := decideInput(c, a, actor, in, today, cal)
	if !fe.Add(err) {
		return Event{}, err
	}
	if err := fe.Err(); err != nil {
		return Event{}, err
	}
	to := rule.To
	if to == "" {
		to = c.State
	}
	atts := append([]string{}, out.Evidence...)
	if out.Document != "" {
		atts = append(atts, out.Document)
	}
	if len(atts) == 0 {
		atts = nil
	}
	return Event{
		CaseNo: c.No, Seq: c.Version + 1, Action: a, From: c.State, To: to,
		Actor: actor, Comment: strings.TrimSpace(comment), Attachments: atts, Input: &out,
	}, nil
}

// decideInput validates what each action needs and returns the input as it
// will be recorded: only the fields that action uses, resolved. Its error
// lists every bad field.
func decideInput(c Case, a Action, actor Actor, in Input, today string, cal Calendar) (Input, error) {
	var out Input
	var fe FieldErrors
	switch a {
	case ActionStartVerification:
	case ActionDismiss, ActionReopen, ActionReturn:
		fe.Add(checkText("reason", in.Reason, MaxLongText, true))
		out.Reason = strings.TrimSpace(in.Reason)
	case ActionOrderRectification:
		fe.Add(checkText("requirements", in.Requirements, MaxLongText, true))
		d, err := resolveDeadline(in, today, cal)
		fe.Add(err)
		out.Requirements, out.Deadline, out.WorkingDays = strings.TrimSpace(in.Requirements), d, in.WorkingDays
	case ActionSubmit:
		fe.Add(checkText("report", in.Report, MaxLongText, true))
		ev, err := checkEvidence(in.Evidence)
		fe.Add(err)
		out.Report, out.Evidence = strings.TrimSpace(in.Report), ev
		out.Late = c.Deadline != "" && today > c.Deadline
	case ActionConfirm:
		fe.Add(checkText("note", in.Note, MaxLongText, true))
		out.Note = strings.TrimSpace(in.Note)
	case ActionClose:
		fe.Add(checkText("note", in.Note, MaxLongText, false))
		out.Note = strings.TrimSpace(in.Note)
	case ActionAddSource:
		fe.Add(checkText("source", in.Source, MaxShortText, true))
		fe.Add(checkText("reference", in.Reference, MaxShortText, true))
		fe.Add(checkText("origin", in.Origin, MaxShortText, false))
		out.Source, out.Reference, out.Origin = strings.TrimSpace(in.Source), strings.TrimSpace(in.Reference), strings.TrimSpace(in.Origin)
	case ActionTransfer:
		fe.Add(checkText("reference", in.Reference, MaxShortText, true))
		out.Reference = strings.TrimSpace(in.Reference)
	case ActionExtend:
		fe.Add(checkText("reason", in.Reason, MaxLongText, true))
		d, err := resolveDeadline(in, c.Deadline, cal)
		if fe.Add(err) && err == nil && d <= c.Deadline {
			fe.Add(Invalid("deadline", "延期后的期限 %s 须晚于原期限 %s", d, c.Deadline))
		}
		out.Reason, out.Deadline, out.WorkingDays, out.PreviousDeadline = strings.TrimSpace(in.Reason), d, in.WorkingDays, c.Deadline
	case ActionAssign:
		fe.Add(checkText("assignee", in.Assignee, MaxShortText, true))
		out.Assignee = strings.TrimSpace(in.Assignee)
	case ActionRecordDocument:
		if in.Document == "" {
			fe.Add(Invalid("document", "发文记录须指明文件"))
		}
		fe.Add(checkText("reference", in.Reference, MaxShortText, true))
		out.Reference = strings.TrimSpace(in.Reference)
	}
	// A document issued with the action (a notice with the order) is kept.
	if in.Document != "" {
		if !strings.HasPrefix(in.Document, DocumentRef) || len(in.Document) > 100 {
			fe.Add(Invalid("document", "文件引用格式不正确"))
		}
		out.Document = in.Document
	}
	return out, fe.Err()
}

// resolveDeadline takes exactly one of a date or a number of working days
// counted from base, and returns a date after base.
func resolveDeadline(in Input, base string, cal Calendar) (string, error) {
	switch {
	case in.Deadline != "" && in.WorkingDays != 0:
		return "", Invalid("deadline", "整改期限请填写日期或工作日数，二者选一")
	case in.WorkingDays != 0:
		if in.WorkingDays < 1 || in.WorkingDays > MaxWorkDays {
			return "", Invalid("working_days", "工作日数须在 1 到 %d 之间", MaxWorkDays)
		}
		d, err := cal.AddWorkingDays(base, in.WorkingDays)
		if err != nil {
			return "", Invalid("working_days", "%v", err)
		}
		return d, nil
	case in.Deadline != "":
		if _, err := time.Parse(time.DateOnly, in.Deadline); err != nil {
			return "", Invalid("deadline", "整改期限「%s」不是有效日期（YYYY-MM-DD）", in.Deadline)
		}
		if in.Deadline <= base {
			return "", Invalid("deadline", "整改期限 %s 须晚于 %s", in.Deadline, base)
		}
		return in.Deadline, nil
	default:
		return "", Invalid("deadline", "请填写整改期限（日期或工作日数）")
	}
}

// CheckShortText checks a one-line text another package takes in (a
// letter's addressee, a list of offices copied) as every text of the ledger
// is checked: required or not, at most MaxShortText characters, no control,
// invisible or reordering characters, nothing the document fonts lack.
func CheckShortText(field, s string, required bool) error {
	return checkText(field, s, MaxShortText, required)
}

// CheckLongText checks a multi-line text (facts, a reason) another package
// takes in, as CheckShortText does, with at most MaxLongText characters.
func CheckLongText(field, s string, required bool) error {
	return checkText(field, s, MaxLongText, required)
}

func checkText(field, s string, max int, required bool) error {
	s = strings.TrimSpace(s)
	switch {
	case required && s == "":
		return Invalid(field, "请填写%s", label(field))
	case !utf8.ValidString(s):
		return Invalid(field, "%s含有无效字符（不是有效的 UTF-8 编码）", label(field))
	case utf8.RuneCountInString(s) > max:
		return Invalid(field, "%s不能超过 %d 字", label(field), max)
	}
	oneLine := max <= MaxShortText
	for _, r := range s {
		if unicode.In(r, unicode.Mn, unicode.Me) {
			// A combining mark is drawn over its neighbour by a shaping
			// engine, which documents do not have: it would print on the
			// wrong character, and thousands of them cost nothing to type.
			return Invalid(field, "%s含有组合用附加符号 U+%04X，请改用完整的字符（如 é 而非 e 加附加符号）", label(field), r)
		}
		if badRune(r, oneLine) {
			return Invalid(field, "%s含有不允许的字符 U+%04X", label(field), r)
		}
	}
	if p := printable.Load(); p != nil {
		if miss := (*p)(s); len(miss) > 0 {
			return Invalid(field, "%s中的字「%s」（U+%04X）无法在公文中印出：文书字体和备用字体都没有这个字，请改用通用写法或联系管理员配置字体",
				label(field), string(miss[0]), miss[0])
		}
	}
	return nil
}

// printable is the repertoire of the fonts documents are printed in; see
// SetRepertoire.
var printable atomic.Pointer[func(string) []rune]

// SetRepertoire makes every text check refuse characters that unprintable
// returns for it (those no configured font has), so that text is refused
// with the field and character named when it is entered, never when a
// document is issued. The server sets it once at start-up from its fonts;
// nil checks nothing.
func SetRepertoire(unprintable func(string) []rune) {
	if unprintable == nil {
		printable.Store(nil)
		return
	}
	printable.Store(&unprintable)
}

// FirstBadRune returns the first character of s that no text of the ledger
// may hold (see badRune), for readers of files (spreadsheets, CSV) that put
// the refusal on a row and column instead of a field. Line breaks and tabs
// are allowed only when oneLine is false.
func FirstBadRune(s string, oneLine bool) (rune, bool) {
	for _, r := range s {
		if badRune(r, oneLine) {
			return r, true
		}
	}
	return 0, false
}

// badRune reports a character no text of the ledger may hold: control
// characters (NUL, ESC…; line breaks and tabs only in multi-line text),
// the replacement character U+FFFD (what a JSON decoder puts in place of
// invalid UTF-8, which the console refuses outright), line and paragraph
// separators, and the marks that reorder text for display (U+202E and the
// other bidirectional controls), with which a title can show one thing and
// hold another.
// HiddenRune reports a character that no one-line text, file names
// included, may hold: badRune for one line. Names people do not type
// (uploaded file names) are cleaned with it rather than refused.
func HiddenRune(r rune) bool { return badRune(r, true) }

func badRune(r rune, oneLine bool) bool {
	switch {
	case r == '\n' || r == '\r' || r == '\t':
		return oneLine
	case r < 0x20, r >= 0x7f && r <= 0x9f:
		return true
	case r == utf8.RuneError, r == 0x2028, r == 0x2029:
		return true
	case r == 0x061c, r == 0x200e, r == 0x200f, r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	case unicode.Is(unicode.Cf, r):
		// Invisible format characters (zero-width space, word joiner, soft
		// hyphen, …) hide what the text says: "138\u200b1234" reads as a
		// number a detector does not see.
		return true
	}
	return false
}

func checkEvidence(refs []string) ([]string, error) {
	if len(refs) == 0 {
		return nil, Invalid("evidence", "请至少提供一项佐证材料")
	}
	if len(refs) > MaxEvidence {
		return nil, Invalid("evidence", "佐证材料最多 %d 项", MaxEvidence)
	}
	out := make([]string, 0, len(refs))
	for _, r := range refs {
		r = strings.TrimSpace(r)
		if err := checkText("evidence", r, MaxShortText, true); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// Apply folds one event into the case and returns the result. Applying a
// case's events in order from the zero Case rebuilds its projection.
func Apply(c Case, e Event) Case {
	if e.Action == ActionRegister && e.Registered != nil {
		r := e.Registered
		c = Case{
			No: e.CaseNo, Year: r.Year, Ordinal: r.Ordinal, Source: r.Source, SourceRef: r.SourceRef,
			UnitCode: r.UnitCode, UnitName: r.UnitName, Region: append([]string{}, r.Region...),
			Kind: r.Kind, Title: r.Title, Facts: r.Facts, Level: r.Level, Assignee: r.Assignee,
			RegisteredBy: e.Actor.ID, CreatedAt: TruncateTime(e.At),
			Origin: r.Origin, RepeatOf: append([]string(nil), r.RepeatOf...),
			Sources: []CaseSource{{Source: r.Source, Ref: r.SourceRef, At: TruncateTime(e.At), Origin: r.Origin}},
		}
	}
	in := Input{}
	if e.Input != nil {
		in = *e.Input
	}
	switch e.Action {
	case ActionDismiss:
		c.Outcome = in.Reason
	case ActionOrderRectification:
		c.Requirements, c.Deadline, c.OriginalDeadline, c.VerifiedBy = in.Requirements, in.Deadline, in.Deadline, ""
		c.SentBack = false
	case ActionSubmit:
		c.SubmittedLate = in.Late
		c.SentBack = false
	case ActionReturn:
		c.Returns++
		c.SentBack = true
		c.VerifiedBy = ""
		c.SubmittedLate = false
	case ActionConfirm:
		c.VerifiedBy = e.Actor.ID
	case ActionClose:
		c.ClosedAt = TruncateTime(e.At)
	case ActionReopen:
		c.Reopens++
		c.VerifiedBy = ""
		c.ClosedAt = time.Time{}
	case ActionAddSource:
		c.Sources = append(slices.Clone(c.Sources), CaseSource{Source: in.Source, Ref: in.Reference, At: TruncateTime(e.At), Origin: in.Origin})
	case ActionTransfer:
		c.Outcome = in.Reference
	case ActionExtend:
		c.Deadline = in.Deadline
		c.Extensions++
	case ActionAssign:
		c.Assignee = in.Assignee
	}
	c.State = stateAfter(c.State, e)
	c.UpdatedAt = TruncateTime(e.At)
	c.Version = e.Seq
	c.HeadHash = e.Hash
	return c
}

// stateAfter is the state an event leads to, by the rules of this build
// rather than the To it recorded: before 待审批销号 was a state of its own,
// a confirmation recorded "submitted → submitted" and a later document or
// assignment recorded "submitted" again. Folding by the rules moves those
// cases to StateConfirmed without rewriting a single event (their hashes
// cover what they recorded); CheckChain accepts either link.
func stateAfter(cur State, e Event) State {
	if e.Action == ActionRegister {
		return StateRegistered
	}
	rule, ok := RuleFor(e.Action)
	switch {
	case !ok:
		return e.To
	case rule.To != "":
		return rule.To
	default:
		return cur
	}
}

// FoldVersion numbers the rules by which events fold into projections.
// Snapshots record it; a snapshot folded by other rules is not loaded, and
// the view is rebuilt from the events instead. Version 2: a confirmation
// moves the case to StateConfirmed (待审批销号). Version 3: Case.SentBack,
// Case.Sources, Origin and RepeatOf.
const FoldVersion = 3
