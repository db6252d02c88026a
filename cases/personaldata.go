package cases

import (
	"strings"

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
	return firstPersonal([][2]string{{"title", r.Title}, {"facts", r.Facts}, {"source_ref", r.SourceRef}, {"assignee", r.Assignee}})
}

// CheckPersonalInput is CheckPersonalData for a transition's text.
func CheckPersonalInput(in Input, comment string) error {
	return firstPersonal([][2]string{{"input.reason", in.Reason}, {"input.requirements", in.Requirements},
		{"input.report", in.Report}, {"input.note", in.Note}, {"input.reference", in.Reference}, {"input.assignee", in.Assignee},
		{"comment", comment}})
}

func firstPersonal(fields [][2]string) error {
	for _, f := range fields {
		if ms := personal.Find(f[1]); len(ms) > 0 {
			e := Invalid(f[0], "%s中含有疑似%s（第 %d 个字符起）。个人信息一经登记将永久留存在台账中，请删去；如确需录入，请确认后再提交（接口：confirm_personal_data）",
				personalLabel(f[0]), ms[0].Kind.Label(), ms[0].RuneStart+1)
			e.Rule = "personal-data"
			return e
		}
	}
	return nil
}

// personalLabel names a field in a message: "input.report" is the report.
func personalLabel(field string) string {
	return label(strings.TrimPrefix(field, "input."))
}

// MaskPersonal masks ID and mobile numbers in a case's text, for readers
// outside the office (units, linkage departments). It also drops the head
// hash: it covers the text unmasked, and with the rest of the case visible
// a masked mobile number could be recovered from it by trying 10,000.
func MaskPersonal(c Case) Case {
	c.Title, c.Facts, c.Requirements = personal.Mask(c.Title), personal.Mask(c.Facts), personal.Mask(c.Requirements)
	c.SourceRef, c.Assignee, c.Outcome = personal.Mask(c.SourceRef), personal.Mask(c.Assignee), personal.Mask(c.Outcome)
	c.HeadHash = ""
	return c
}

// MaskPersonalEvents masks ID and mobile numbers in events' text, and drops
// their hashes (see MaskPersonal).
func MaskPersonalEvents(evs []Event) []Event {
	out := make([]Event, len(evs))
	for i, e := range evs {
		e.Hash, e.PrevHash = "", ""
		e.Comment = personal.Mask(e.Comment)
		if e.Registered != nil {
			r := *e.Registered
			r.Title, r.Facts, r.SourceRef, r.Assignee = personal.Mask(r.Title), personal.Mask(r.Facts), personal.Mask(r.SourceRef), personal.Mask(r.Assignee)
			e.Registered = &r
		}
		if e.Input != nil {
			in := *e.Input
			in.Reason, in.Requirements, in.Report, in.Note = personal.Mask(in.Reason), personal.Mask(in.Requirements), personal.Mask(in.Report), personal.Mask(in.Note)
			in.Reference, in.Assignee = personal.Mask(in.Reference), personal.Mask(in.Assignee)
			e.Input = &in
		}
		out[i] = e
	}
	return out
}
