package cases

import (
	"rectify/cases/personal"
)

// A reporter's identity card or mobile number typed into a case's text
// would be read by the reported unit and kept in the hash chain for ever.
// Registration and transitions therefore refuse text with one unless the
// person confirms it is needed (ConfirmPersonalData on the request), and
// units and linkage departments only ever see such numbers masked.

// CheckPersonalData refuses a registration whose title or facts contain an
// ID or mobile number, naming the field, the kind and where it starts (not
// the number itself).
func CheckPersonalData(r Registration) error {
	return firstPersonal([][2]string{{"title", r.Title}, {"facts", r.Facts}})
}

// CheckPersonalInput is CheckPersonalData for a transition's text.
func CheckPersonalInput(in Input, comment string) error {
	return firstPersonal([][2]string{{"input.reason", in.Reason}, {"input.requirements", in.Requirements},
		{"input.report", in.Report}, {"input.note", in.Note}, {"comment", comment}})
}

func firstPersonal(fields [][2]string) error {
	for _, f := range fields {
		if ms := personal.Find(f[1]); len(ms) > 0 {
			e := Invalid(f[0], "%s中含有疑似%s（第 %d 个字符起）。个人信息一经登记将永久留存在台账中，请删去；如确需录入，请确认后再提交（接口：confirm_personal_data）",
				fieldLabel[f[0]], ms[0].Kind.Label(), ms[0].RuneStart+1)
			e.Rule = "personal-data"
			return e
		}
	}
	return nil
}

var fieldLabel = map[string]string{"title": "问题标题", "facts": "问题事实", "input.reason": "理由", "input.requirements": "整改要求",
	"input.report": "整改情况", "input.note": "备注", "comment": "意见"}

// MaskPersonal masks ID and mobile numbers in a case's text, for readers
// outside the office (units, linkage departments).
func MaskPersonal(c Case) Case {
	c.Title, c.Facts, c.Requirements = personal.Mask(c.Title), personal.Mask(c.Facts), personal.Mask(c.Requirements)
	return c
}

// MaskPersonalEvents masks ID and mobile numbers in events' text.
func MaskPersonalEvents(evs []Event) []Event {
	out := make([]Event, len(evs))
	for i, e := range evs {
		e.Comment = personal.Mask(e.Comment)
		if e.Registered != nil {
			r := *e.Registered
			r.Title, r.Facts = personal.Mask(r.Title), personal.Mask(r.Facts)
			e.Registered = &r
		}
		if e.Input != nil {
			in := *e.Input
			in.Reason, in.Requirements, in.Report, in.Note = personal.Mask(in.Reason), personal.Mask(in.Requirements), personal.Mask(in.Report), personal.Mask(in.Note)
			e.Input = &in
		}
		out[i] = e
	}
	return out
}
