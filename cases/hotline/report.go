// Package hotline is the 12310 hotline: reports that members of the public
// make by phone, letter, visit or the public web form, their triage by the
// hotline operators (dismissed, registered as a case, or merged into one),
// the reporter's receipt and secret, the questions the office asks the
// reporter without knowing who they are, and the reporter's identity,
// which is personal data and kept only sealed (see Cipher).
//
// The rules are pure functions (Validate, Decide, Apply, LightOf,
// Similarity); Service runs them over a Store.
package hotline

import (
	"strings"
	"time"
	"unicode/utf8"

	"rectify/cases"
	"rectify/cases/personal"
)

// Channel is how a report reached the office.
type Channel string

// The channels.
const (
	ChannelPhone  Channel = "phone"
	ChannelLetter Channel = "letter"
	ChannelVisit  Channel = "visit"
	ChannelWeb    Channel = "web"
)

// Channels lists the channels in the order forms offer them.
var Channels = []Channel{ChannelPhone, ChannelLetter, ChannelVisit, ChannelWeb}

// Label is the channel's Chinese name.
func (c Channel) Label() string {
	return map[Channel]string{ChannelPhone: "电话", ChannelLetter: "来信", ChannelVisit: "来访", ChannelWeb: "网络"}[c]
}

// Valid reports whether c is a channel.
func (c Channel) Valid() bool { return c.Label() != "" }

// State is where a report stands in triage.
type State string

// The states. Received and verifying are open; the other three settle the
// report.
const (
	StateReceived   State = "received"
	StateVerifying  State = "verifying"
	StateDismissed  State = "dismissed"
	StateRegistered State = "registered"
	StateMerged     State = "merged"
)

// Label is the state's Chinese name, as operators read it.
func (s State) Label() string {
	return map[State]string{StateReceived: "待分办", StateVerifying: "核实中", StateDismissed: "查无实据（不予立案）",
		StateRegistered: "已立案登记", StateMerged: "已并入问题"}[s]
}

// Open reports whether the report still awaits triage.
func (s State) Open() bool { return s == StateReceived || s == StateVerifying }

// PublicStatus is what a reporter sees: only three stages, never the
// office's internal reasons.
func (s State) PublicStatus() string {
	switch s {
	case StateReceived:
		return "已受理"
	case StateVerifying:
		return "核实中"
	}
	return "已办结"
}

// Reporter is who made a report. Every field is optional; all empty is an
// anonymous report. It is personal data: stored only sealed.
type Reporter struct {
	Name     string `json:"n,omitempty"`
	Phone    string `json:"p,omitempty"`
	IDNumber string `json:"i,omitempty"`
	Address  string `json:"a,omitempty"`
}

// Anonymous reports whether the reporter left no identity.
func (r Reporter) Anonymous() bool { return r == Reporter{} }

// Intake is a report as it is taken in, by an operator or the public form.
type Intake struct {
	Channel    Channel
	ReceivedAt time.Time
	Reporter   Reporter
	// UnitCode is the unit reported, chosen from the units; UnitText names
	// it in free text when the reporter does not know which unit it is.
	UnitCode, UnitText string
	Allegation         string
}

// Limits of the fields (characters), and of attachments.
const (
	MaxName       = 50
	MaxPhone      = 30
	MaxAddress    = 200
	MaxUnitText   = 200
	MaxAllegation = 5000
	MinAllegation = 10
	MaxFiles      = 5
	MaxFileSize   = 10 << 20
)

// Validate trims in and checks every field, reporting every bad one at once.
// unitKnown says whether a unit code names a unit the caller may choose.
func Validate(in Intake, now time.Time, unitKnown func(code string) bool) (Intake, error) {
	t := strings.TrimSpace
	in.Reporter = Reporter{Name: t(in.Reporter.Name), Phone: t(in.Reporter.Phone), IDNumber: strings.ToUpper(t(in.Reporter.IDNumber)), Address: t(in.Reporter.Address)}
	in.UnitCode, in.UnitText, in.Allegation = t(in.UnitCode), t(in.UnitText), t(in.Allegation)
	var fe cases.FieldErrors
	if !in.Channel.Valid() {
		fe.Add(cases.Invalid("channel", "请选择受理渠道（电话、来信、来访或网络）"))
	}
	switch {
	case in.ReceivedAt.IsZero():
		fe.Add(cases.Invalid("received_at", "请填写受理时间"))
	case in.ReceivedAt.After(now.Add(5 * time.Minute)):
		fe.Add(cases.Invalid("received_at", "受理时间不能晚于现在"))
	case in.ReceivedAt.Before(now.AddDate(-1, 0, 0)):
		fe.Add(cases.Invalid("received_at", "受理时间不能早于一年前"))
	}
	fe.Add(checkLen("reporter_name", in.Reporter.Name, MaxName, "姓名"))
	if in.Reporter.Name != "" {
		fe.Add(cases.CheckShortText("reporter_name", in.Reporter.Name, false))
	}
	if p := in.Reporter.Phone; p != "" && !validPhone(p) {
		fe.Add(cases.Invalid("reporter_phone", "联系电话只能包含数字、空格、+ 和 -，7 至 20 位数字"))
	}
	if id := in.Reporter.IDNumber; id != "" && !personal.ValidID([]byte(id)) {
		fe.Add(cases.Invalid("reporter_id", "身份证号码不正确（18 位，末位校验码按 GB 11643 计算）"))
	}
	if fe.Add(checkLen("reporter_address", in.Reporter.Address, MaxAddress, "联系地址")) && in.Reporter.Address != "" {
		fe.Add(cases.CheckShortText("reporter_address", in.Reporter.Address, false))
	}
	switch {
	case in.UnitCode != "" && in.UnitText != "":
		fe.Add(cases.Invalid("unit_code", "被举报单位请从列表选择，或在列表中找不到时填写单位名称，二者选一"))
	case in.UnitCode != "" && !unitKnown(in.UnitCode):
		fe.Add(cases.Invalid("unit_code", "没有代码为「%s」的单位", in.UnitCode))
	case in.UnitCode == "" && in.UnitText == "":
		fe.Add(cases.Invalid("unit_code", "请选择或填写被举报单位"))
	case in.UnitText != "":
		if fe.Add(checkLen("unit_text", in.UnitText, MaxUnitText, "单位名称")) {
			fe.Add(cases.CheckShortText("unit_text", in.UnitText, true))
		}
	}
	switch n := utf8.RuneCountInString(in.Allegation); {
	case n == 0:
		fe.Add(cases.Invalid("allegation", "请填写举报的问题"))
	case n < MinAllegation:
		fe.Add(cases.Invalid("allegation", "举报内容至少 %d 个字，请写明单位、人员和具体问题", MinAllegation))
	case n > MaxAllegation:
		fe.Add(cases.Invalid("allegation", "举报内容不能超过 %d 个字", MaxAllegation))
	case personal.Contains(in.Allegation):
		// The allegation is stored in clear and may become a case's facts:
		// a number typed there could name the reporter.
		fe.Add(cases.Invalid("allegation", "举报内容中含有身份证号码或手机号码：为保护举报人，联系方式请填在“举报人信息”栏（加密保存）；被举报人的号码请以文字说明代替"))
	default:
		fe.Add(cases.CheckLongText("allegation", in.Allegation, true))
	}
	return in, fe.Err()
}

// noPersonalNumbers refuses an ID or mobile number in what the reporter
// writes in clear (an answer, an addition): it could name them.
func noPersonalNumbers(field, s string) error {
	if personal.Contains(s) {
		return cases.Invalid(field, "内容中含有身份证号码或手机号码：为保护举报人，请勿在此填写联系方式")
	}
	return nil
}

func checkLen(field, s string, max int, what string) error {
	if utf8.RuneCountInString(s) > max {
		return cases.Invalid(field, "%s不能超过 %d 个字", what, max)
	}
	return nil
}

// validPhone accepts what people write as a phone number: digits with
// spaces, hyphens and a leading +, 7 to 20 digits.
func validPhone(p string) bool {
	digits := 0
	for i, r := range p {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == ' ' || r == '-':
		case r == '+' && i == 0:
		default:
			return false
		}
	}
	return digits >= 7 && digits <= 20
}

// Attachment is a file a report carries, kept in the blob store.
type Attachment struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
	ObjectKey   string `json:"-"`
}

// Report is a report with its triage folded in.
type Report struct {
	ID         string
	Channel    Channel
	ReceivedAt time.Time
	// UnitCode and UnitName name a known unit; UnitText an unknown one.
	UnitCode, UnitName, UnitText string
	// Region (a region key such as 江南省/云州市) is where a report about an
	// unknown unit belongs: the region of the operator who took it. Only
	// hotline users whose region overlaps it see the report; a report
	// without one (from the public form) is seen by every hotline user.
	Region     string
	Allegation string
	// Sealed is the reporter's identity sealed with the report's ID as
	// associated data; nil for an anonymous report.
	Sealed []byte
	// Due is the acknowledgement deadline (YYYY-MM-DD): by then the report
	// must be triaged.
	Due         string
	CreatedBy   string // the operator's ID, or Public
	Attachments []Attachment
	CreatedAt   time.Time

	// Folded from the events.
	State       State
	Version     int // the last event's sequence number
	PublicReply string
	Reason      string // why it was dismissed (internal)
	CaseNo      string // the case it was registered as or merged into
	Questions   []Question
	Additions   []Addition
	Events      []Event
	SettledAt   time.Time

	// CaseState is the state of the case the report was registered as or
	// merged into, when the reporter's view was read (Service.Status);
	// not stored.
	CaseState cases.State
}

// Public is CreatedBy for reports from the public form.
const Public = "public"

// Anonymous reports whether the report carries no identity.
func (r Report) Anonymous() bool { return len(r.Sealed) == 0 }

// AllAttachments lists the files of the report and of every addition, in
// the order they came.
func (r Report) AllAttachments() []Attachment {
	all := append([]Attachment(nil), r.Attachments...)
	for _, a := range r.Additions {
		all = append(all, a.Attachments...)
	}
	return all
}

// UnitLabel names the reported unit as a person reads it.
func (r Report) UnitLabel() string {
	if r.UnitCode != "" {
		return r.UnitName + "（" + r.UnitCode + "）"
	}
	return r.UnitText + "（单位待确定）"
}

// Question is what the office asked the reporter, with the answer.
type Question struct {
	Seq        int
	Text       string
	At         time.Time
	Answer     string
	AnsweredAt time.Time
}

// Answered reports whether the reporter has answered.
func (q Question) Answered() bool { return q.Answer != "" }

// Addition is information the reporter added later.
type Addition struct {
	Text        string
	At          time.Time
	Attachments []Attachment
}

// Kind is what an event does to a report.
type Kind string

// The event kinds.
const (
	KindVerify   Kind = "verify"   // 开始核实
	KindAsk      Kind = "ask"      // the office asks the reporter
	KindAnswer   Kind = "answer"   // the reporter answers
	KindAdd      Kind = "add"      // the reporter adds information or files
	KindReply    Kind = "reply"    // the office writes the public reply
	KindDismiss  Kind = "dismiss"  // 查无实据
	KindRegister Kind = "register" // registered as a case
	KindMerge    Kind = "merge"    // merged into an existing case
)

// Label names the kind in Chinese.
func (k Kind) Label() string {
	return map[Kind]string{KindVerify: "开始核实", KindAsk: "向举报人提问", KindAnswer: "举报人答复", KindAdd: "举报人补充材料",
		KindReply: "填写公开答复", KindDismiss: "查无实据、不予立案", KindRegister: "立案登记", KindMerge: "并入已有问题"}[k]
}

// Reporter is the actor ID of events the reporter makes.
const ReporterActor = "reporter"

// Event is one step of a report's triage. Events are numbered from 1 per
// report and stored by unique insert of (report, seq), so two operators
// acting at once cannot both succeed.
type Event struct {
	Report      string
	Seq         int
	Kind        Kind
	At          time.Time
	Actor       string // an operator's ID, or ReporterActor
	Text        string // the question, answer, addition or public reply
	Reason      string // dismissal reason
	CaseNo      string
	Question    int // the question answered
	Attachments []Attachment
}

// Decide checks whether e may happen to r now, and the fields it needs.
func Decide(r Report, e Event) error {
	var fe cases.FieldErrors
	open := r.State.Open()
	refuse := func() error {
		return cases.Refused("report-state", "举报当前状态为「%s」，不能%s", r.State.Label(), e.Kind.Label())
	}
	switch e.Kind {
	case KindVerify:
		if r.State != StateReceived {
			return refuse()
		}
	case KindAsk:
		if !open {
			return refuse()
		}
		fe.Add(cases.CheckLongText("question", e.Text, true))
	case KindAnswer:
		if !open {
			// Triage is over: the questions were closed with it (the case,
			// if any, is followed up by the office, not on the report).
			return cases.Refused("report-state", "举报已办理完毕，询问已关闭，不能再答复；如有新的情况，请重新举报")
		}
		q, ok := r.question(e.Question)
		if !ok {
			return cases.Invalid("question", "没有这个问题")
		}
		if q.Answered() {
			return cases.Conflict("该问题已经答复过")
		}
		fe.Add(checkLen("answer", e.Text, MaxAllegation, "答复"))
		fe.Add(cases.CheckLongText("answer", e.Text, true))
		fe.Add(noPersonalNumbers("answer", e.Text))
	case KindAdd:
		if !open {
			return cases.Refused("report-state", "举报已办结，不能再补充材料；如有新的问题，请重新举报")
		}
		if strings.TrimSpace(e.Text) == "" && len(e.Attachments) == 0 {
			return cases.Invalid("addition", "请填写补充内容或选择文件")
		}
		fe.Add(checkReportFiles(r, e.Attachments))
		fe.Add(checkLen("addition", e.Text, MaxAllegation, "补充内容"))
		fe.Add(cases.CheckLongText("addition", e.Text, false))
		fe.Add(noPersonalNumbers("addition", e.Text))
	case KindReply:
		fe.Add(checkLen("public_reply", e.Text, 500, "公开答复"))
		fe.Add(cases.CheckLongText("public_reply", e.Text, true))
	case KindDismiss:
		// 查无实据 says the allegation was checked: only after 开始核实.
		if r.State != StateVerifying {
			if open {
				return cases.Refused("report-state", "查无实据须先开始核实：请先点“开始核实”，核实后再作不予立案")
			}
			return refuse()
		}
		fe.Add(cases.CheckLongText("reason", e.Reason, true))
		fe.Add(checkLen("public_reply", e.Text, 500, "公开答复"))
		fe.Add(cases.CheckLongText("public_reply", e.Text, true))
	case KindRegister, KindMerge:
		if !open {
			return refuse()
		}
		if _, _, err := cases.ParseNo(e.CaseNo); err != nil {
			fe.Add(cases.Invalid("case_no", "台账编号「%s」格式不正确", e.CaseNo))
		}
	default:
		return cases.Invalid("kind", "未知的操作")
	}
	return fe.Err()
}

func (r Report) question(seq int) (Question, bool) {
	for _, q := range r.Questions {
		if q.Seq == seq {
			return q, true
		}
	}
	return Question{}, false
}

// Apply folds e into r. It does not check e: Decide does, before e is
// stored.
func Apply(r Report, e Event) Report {
	r.Version = e.Seq
	r.Events = append(r.Events[:len(r.Events):len(r.Events)], e)
	text := strings.TrimSpace(e.Text)
	switch e.Kind {
	case KindVerify:
		r.State = StateVerifying
	case KindAsk:
		r.Questions = append(r.Questions[:len(r.Questions):len(r.Questions)], Question{Seq: e.Seq, Text: text, At: e.At})
		if r.State == StateReceived {
			r.State = StateVerifying
		}
	case KindAnswer:
		// A copy: r may share its questions with the report it came from.
		r.Questions = append([]Question(nil), r.Questions...)
		for i := range r.Questions {
			if r.Questions[i].Seq == e.Question {
				r.Questions[i].Answer, r.Questions[i].AnsweredAt = text, e.At
			}
		}
	case KindAdd:
		r.Additions = append(r.Additions[:len(r.Additions):len(r.Additions)], Addition{Text: text, At: e.At, Attachments: e.Attachments})
	case KindReply:
		r.PublicReply = text
	case KindDismiss:
		r.State, r.Reason, r.PublicReply, r.SettledAt = StateDismissed, strings.TrimSpace(e.Reason), text, e.At
	case KindRegister:
		r.State, r.CaseNo, r.SettledAt = StateRegistered, e.CaseNo, e.At
	case KindMerge:
		r.State, r.CaseNo, r.SettledAt = StateMerged, e.CaseNo, e.At
	}
	return r
}

// Fold rebuilds a report from its intake record and events (in order).
func Fold(r Report, events []Event) Report {
	r.State, r.Version = StateReceived, 0
	for _, e := range events {
		r = Apply(r, e)
	}
	return r
}

// Unanswered counts the office's questions still awaiting the reporter.
func (r Report) Unanswered() int {
	n := 0
	for _, q := range r.Questions {
		if !q.Answered() {
			n++
		}
	}
	return n
}

// AckDays is the default acknowledgement deadline in working days.
const AckDays = 15

// LightOf is the report's light on date today with the same rule as
// cases.LightOf: red once the deadline has passed untriaged, yellow when it
// falls within yellowUntil, green otherwise; a settled report has none.
func LightOf(r Report, today, yellowUntil string) cases.Light {
	switch {
	case !r.State.Open():
		return cases.LightNone
	case r.Due != "" && r.Due < today:
		return cases.LightRed
	case r.Due != "" && r.Due <= yellowUntil:
		return cases.LightYellow
	}
	return cases.LightGreen
}

// Key is the idempotency key of the case registered from report id: a
// retried registration finds the case the first one made.
func Key(id string) string { return "report:" + id + "#register" }

// Origin is the intake origin a case registered from (or merged with)
// report id keeps.
func Origin(id string) string { return "report:" + id }
