package cases

import (
	"fmt"
	"strconv"
	"strings"
)

// Unit liaisons see only what is meant for them: what is wrong, what must
// be done by when, and how their reports were received. They never see the
// source's reference (a hotline ticket can identify the reporter), who in
// the office registered, verified or is assigned, the outcome of a transfer
// to discipline inspection, or the office's internal comments and notes.

// RedactForUnit returns the unit liaison's view of a case.
func RedactForUnit(c Case) Case {
	c.SourceRef = ""
	c.RegisteredBy = ""
	c.VerifiedBy = ""
	c.Assignee = ""
	c.Outcome = ""
	c.HeadHash = ""
	c.Origin = ""
	if c.Sources != nil {
		// The channels and dates, not their references or intake records.
		srcs := make([]CaseSource, len(c.Sources))
		for i, src := range c.Sources {
			srcs[i] = CaseSource{Source: src.Source, At: src.At}
		}
		c.Sources = srcs
	}
	return MaskPersonal(c)
}

// unitVisible are the actions whose events a unit liaison sees.
var unitVisible = map[Action]bool{
	ActionRegister: true, ActionOrderRectification: true, ActionExtend: true, ActionSubmit: true,
	ActionReturn: true, ActionClose: true, ActionReopen: true,
}

// RedactEventsForUnit returns the unit liaison's view of a case's events:
// only the steps that concern the unit, without comments, office notes,
// hashes or the names of office staff.
func RedactEventsForUnit(evs []Event) []Event {
	out := []Event{}
	for _, e := range evs {
		if !unitVisible[e.Action] {
			continue
		}
		r := Event{CaseNo: e.CaseNo, Seq: e.Seq, Action: e.Action, From: e.From, To: e.To, At: e.At}
		if e.Actor.Role == RoleUnit {
			r.Actor = e.Actor
			r.Attachments = e.Attachments
		} else {
			r.Actor = Actor{Role: e.Actor.Role, Name: "机构编制监督检查处室"}
		}
		if e.Input != nil {
			in := Input{Requirements: e.Input.Requirements, Deadline: e.Input.Deadline, PreviousDeadline: e.Input.PreviousDeadline,
				Report: e.Input.Report, Evidence: e.Input.Evidence, Late: e.Input.Late}
			if e.Action == ActionOrderRectification {
				in.Document = e.Input.Document // the notice was sent to the unit
			}
			if e.Action == ActionReturn || e.Action == ActionExtend || e.Action == ActionReopen {
				in.Reason = e.Input.Reason // the unit must know why
			}
			r.Input = &in
		}
		if e.Registered != nil {
			reg := *e.Registered
			reg.SourceRef, reg.Assignee, reg.IdempotencyKey = "", "", ""
			r.Registered = &reg
		}
		out = append(out, r)
	}
	return MaskPersonalEvents(out)
}

// Allowed checks whether actor may take action a on c now, before any
// input is given: the state, the role, and for closing, the four-eyes rule.
// The console shows a form only for the actions this allows.
func Allowed(c Case, a Action, actor Actor) error {
	rule, ok := RuleFor(a)
	if !ok {
		return Invalid("action", "未知的办理事项「%s」", a)
	}
	if !contains(rule.From, c.State) {
		return Refused("from-state", "案件当前状态为「%s」，不能%s", c.State.Label(), rule.Label)
	}
	if !contains(rule.Roles, actor.Role) {
		return Refused("role", "角色 %s 不能%s", actor.Role, rule.Label)
	}
	if a == ActionClose {
		if c.VerifiedBy == "" {
			return Refused("verification-required", "销号前须由监督检查处室核验并填写核验意见")
		}
		if c.VerifiedBy == actor.ID {
			return Refused("four-eyes", "核验人不能审批同一案件的销号")
		}
	}
	return nil
}

// FieldLabels are the Chinese names of input fields, for messages.
var FieldLabels = map[string]string{
	"reason": "理由", "requirements": "整改要求", "deadline": "整改期限", "working_days": "工作日数",
	"report": "整改情况报告", "evidence": "佐证材料", "note": "意见", "reference": "移交文号",
	"assignee": "承办人", "title": "问题标题", "facts": "问题事实", "source": "问题来源",
	"source_ref": "来源文号", "unit_code": "被监督单位", "violation_kind": "问题类型", "level": "密级",
	"comment": "备注", "action": "操作", "document": "文件", "region": "所在地区", "name": "单位名称",
	"addressee": "主送机关", "copies_to": "抄送机关", "code": "单位代码", "kind": "单位类别", "parent": "上级单位",
	// Referral batches (巡察移交).
	"office": "移交机关", "letter_no": "移交函号", "round": "巡察轮次", "team": "巡察组",
	// The 12310 hotline (cases/hotline).
	"allegation": "举报内容", "unit_text": "被举报单位名称", "question": "问题", "answer": "答复", "addition": "补充内容",
	"public_reply": "公开答复", "case_no": "台账编号", "reporter_name": "举报人姓名", "reporter_address": "联系地址",
}

// label is a field's name as people read it; an item of a list
// (copies_to[2]) is named by its place in the list.
func label(field string) string {
	if l, ok := FieldLabels[field]; ok {
		return l
	}
	if i := strings.IndexByte(field, '['); i > 0 && strings.HasSuffix(field, "]") {
		if n, err := strconv.Atoi(field[i+1 : len(field)-1]); err == nil {
			return fmt.Sprintf("%s第 %d 项", label(field[:i]), n+1)
		}
	}
	return field
}

// Secret (秘密) cases: their facts are read one case at a time, each read
// recorded in the access log, by those whose work needs them. A linkage
// department (liaison) never reads them; lists and exports never carry
// them, for anyone (a list would put many secret facts on one screen, none
// of them recorded).

// SecretFactsAllowed reports whether someone holding roles may read the
// facts of a secret case: anyone but a linkage department alone. Patrol
// members see only their assigned units in the first place.
func SecretFactsAllowed(roles []Role) bool {
	for _, r := range roles {
		if r != RoleLiaison {
			return true
		}
	}
	return false
}

// WithholdFacts returns c without the facts of a secret case (other cases
// are returned as they are), and whether anything was withheld.
func WithholdFacts(c Case) (Case, bool) {
	if c.Level != LevelSecret || c.Facts == "" {
		return c, false
	}
	c.Facts = ""
	return c, true
}

// WithholdEventFacts returns events without the facts a secret case's
// registration recorded.
func WithholdEventFacts(level Level, evs []Event) []Event {
	if level != LevelSecret {
		return evs
	}
	out := make([]Event, len(evs))
	for i, e := range evs {
		if e.Registered != nil {
			r := *e.Registered
			r.Facts = ""
			e.Registered = &r
		}
		out[i] = e
	}
	return out
}
