package hotline

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"rectify/cases"
	"rectify/cases/personal"
)

// intakeFields are the fields Validate may name; the forms show each error
// beside its field, so an error on any other name would be lost.
var intakeFields = map[string]bool{"channel": true, "received_at": true, "reporter_name": true, "reporter_phone": true,
	"reporter_id": true, "reporter_address": true, "unit_code": true, "unit_text": true, "allegation": true}

// FuzzValidate feeds the report validation (behind the public form and the
// operator's intake) any fields. A refusal names only the form's fields,
// in Chinese; what it accepts is trimmed, within the limits, and has no ID
// or mobile number in the allegation, which is stored in clear.
func FuzzValidate(f *testing.F) {
	f.Add("web", int64(-3600), "王五", "010-12345678", "11010519491231002x", "云州市", "QH001", "", "清河县教育局张某某长期不上班，工资照发。")
	f.Add("phone", int64(0), "", "", "", "", "", "某镇政府", "某镇擅自设立综合服务中心，挂牌对外办公。")
	f.Add("letter", int64(600), "<b>", "+86 138 0013 8000", "110105194912310021", "\u3000", "QH001", "某局", "联系我 13800138000 身份证 11010519491231002X")
	f.Add("", int64(-400*86400), "\x00", "--", "x", strings.Repeat("址", 201), "QH999", "", "短")
	f.Fuzz(func(t *testing.T, channel string, offset int64, name, phone, id, address, unit, unitText, allegation string) {
		in := Intake{Channel: Channel(channel), ReceivedAt: now.Add(time.Duration(offset) * time.Second),
			Reporter: Reporter{Name: name, Phone: phone, IDNumber: id, Address: address},
			UnitCode: unit, UnitText: unitText, Allegation: allegation}
		out, err := Validate(in, now, known)
		if err != nil {
			e, ok := cases.AsError(err)
			if !ok || e.Code != cases.EINVALID {
				t.Fatalf("Validate refused with %v, want EINVALID", err)
			}
			fs := e.Fields
			if len(fs) == 0 {
				fs = []cases.FieldError{{Field: e.Field, Message: e.Message}}
			}
			for _, fe := range fs {
				if !intakeFields[fe.Field] {
					t.Fatalf("error on %q, not a field of the form", fe.Field)
				}
				if !strings.ContainsFunc(fe.Message, func(r rune) bool { return r >= 0x4e00 && r <= 0x9fff }) {
					t.Fatalf("message %q is not in Chinese", fe.Message)
				}
			}
			return
		}
		if n := utf8.RuneCountInString(out.Allegation); n < MinAllegation || n > MaxAllegation {
			t.Fatalf("allegation of %d characters accepted", n)
		}
		if personal.Contains(out.Allegation) {
			t.Fatalf("allegation %q with a personal number accepted", out.Allegation)
		}
		if (out.UnitCode == "") == (out.UnitText == "") || (out.UnitCode != "" && !known(out.UnitCode)) {
			t.Fatalf("unit %q / %q accepted", out.UnitCode, out.UnitText)
		}
		for _, s := range []string{out.Reporter.Name, out.Reporter.Phone, out.Reporter.IDNumber, out.Reporter.Address, out.UnitText, out.Allegation} {
			if s != strings.TrimSpace(s) || !utf8.ValidString(s) {
				t.Fatalf("%q accepted untrimmed or not UTF-8", s)
			}
		}
		if utf8.RuneCountInString(out.Reporter.Name) > MaxName || utf8.RuneCountInString(out.Reporter.Address) > MaxAddress ||
			utf8.RuneCountInString(out.UnitText) > MaxUnitText {
			t.Fatalf("over-long field accepted: %+v", out)
		}
		if out.ReceivedAt.After(now.Add(5*time.Minute)) || out.ReceivedAt.Before(now.AddDate(-1, 0, 0)) {
			t.Fatalf("received at %v accepted", out.ReceivedAt)
		}
		// Validating what was accepted accepts it unchanged.
		again, err := Validate(out, now, known)
		if err != nil || again != out {
			t.Fatalf("validated twice: %v, %+v", err, again)
		}
	})
}
