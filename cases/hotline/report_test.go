package hotline

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"rectify/cases"
)

var now = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

func known(code string) bool { return code == "QH001" }

func validIntake() Intake {
	return Intake{Channel: ChannelPhone, ReceivedAt: now.Add(-time.Hour), UnitCode: "QH001",
		Allegation: "清河县教育局张某某长期不上班，工资照发。", Reporter: Reporter{Name: " 王五 ", IDNumber: "11010519491231002x"}}
}

func fields(err error) []string {
	e, ok := cases.AsError(err)
	if !ok {
		return nil
	}
	var out []string
	for _, f := range e.Fields {
		out = append(out, f.Field)
	}
	return out
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		edit   func(*Intake)
		fields string
	}{
		{"OK", func(*Intake) {}, ""},
		{"OKAnonymousUnitInFreeText", func(in *Intake) { in.Reporter = Reporter{}; in.UnitCode, in.UnitText = "", "某镇综合服务中心" }, ""},
		{"ErrEveryFieldAtOnce", func(in *Intake) {
			in.Channel, in.ReceivedAt, in.UnitCode, in.Allegation = "fax", time.Time{}, "", "太短"
			in.Reporter = Reporter{Phone: "call me", IDNumber: "110105194912310021", Name: strings.Repeat("名", 51)}
		}, "channel,received_at,reporter_name,reporter_phone,reporter_id,unit_code,allegation"},
		{"ErrIDCheckDigit", func(in *Intake) { in.Reporter.IDNumber = "110105194912310021" }, "reporter_id"},
		{"ErrUnknownUnit", func(in *Intake) { in.UnitCode = "XX999" }, "unit_code"},
		{"ErrBothUnitForms", func(in *Intake) { in.UnitText = "教育局" }, "unit_code"},
		{"ErrFuture", func(in *Intake) { in.ReceivedAt = now.Add(time.Hour) }, "received_at"},
		{"ErrTooLong", func(in *Intake) { in.Allegation = strings.Repeat("空", MaxAllegation+1) }, "allegation"},
		{"ErrPhoneInAllegation", func(in *Intake) { in.Allegation += "我的电话 139 1234 5678" }, "allegation"},
		{"OKPhoneWithSeparators", func(in *Intake) { in.Reporter.Phone = "+86 138-0013-8000" }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := validIntake()
			tt.edit(&in)
			got, err := Validate(in, now, known)
			if f := strings.Join(fields(err), ","); f != tt.fields {
				t.Fatalf("fields %q, want %q (%v)", f, tt.fields, err)
			}
			if err == nil && got.Reporter.Name != strings.TrimSpace(in.Reporter.Name) {
				t.Fatalf("name not trimmed: %q", got.Reporter.Name)
			}
			if err == nil && got.Reporter.IDNumber != strings.ToUpper(in.Reporter.IDNumber) {
				t.Fatalf("ID number not upper-cased: %q", got.Reporter.IDNumber)
			}
		})
	}
}

func TestDecideAndApply(t *testing.T) {
	received := Fold(Report{ID: "r"}, nil)
	asked := Apply(received, Event{Seq: 1, Kind: KindAsk, Text: "请问具体是哪个科室？"})
	answered := Apply(asked, Event{Seq: 2, Kind: KindAnswer, Question: 1, Text: "人事科"})
	dismissed := Apply(asked, Event{Seq: 2, Kind: KindDismiss, Reason: "经核查，张某某系病休", Text: "经核实，反映问题不属实。"})
	tests := []struct {
		name string
		r    Report
		e    Event
		code string
	}{
		{"OKVerify", received, Event{Kind: KindVerify}, ""},
		{"ErrVerifyTwice", asked, Event{Kind: KindVerify}, cases.EREFUSED},
		{"OKAsk", received, Event{Kind: KindAsk, Text: "请补充时间"}, ""},
		{"ErrAskEmpty", received, Event{Kind: KindAsk}, cases.EINVALID},
		{"OKAnswer", asked, Event{Kind: KindAnswer, Question: 1, Text: "人事科"}, ""},
		{"ErrAnswerWithPhone", asked, Event{Kind: KindAnswer, Question: 1, Text: "打我电话 13912345678"}, cases.EINVALID},
		{"ErrAnswerTwice", answered, Event{Kind: KindAnswer, Question: 1, Text: "又一次"}, cases.ECONFLICT},
		{"ErrAnswerNoQuestion", asked, Event{Kind: KindAnswer, Question: 9, Text: "x"}, cases.EINVALID},
		{"ErrDismissWithoutReason", asked, Event{Kind: KindDismiss, Text: "不属实"}, cases.EINVALID},
		{"ErrDismissUnverified", received, Event{Kind: KindDismiss, Reason: "r", Text: "t"}, cases.EREFUSED},
		{"ErrAnswerSettled", dismissed, Event{Kind: KindAnswer, Question: 1, Text: "人事科"}, cases.EREFUSED},
		{"ErrDismissSettled", dismissed, Event{Kind: KindDismiss, Reason: "r", Text: "t"}, cases.EREFUSED},
		{"ErrRegisterSettled", dismissed, Event{Kind: KindRegister, CaseNo: "2026-0001"}, cases.EREFUSED},
		{"ErrRegisterBadNo", asked, Event{Kind: KindRegister, CaseNo: "x"}, cases.EINVALID},
		{"OKReplyAfterSettled", dismissed, Event{Kind: KindReply, Text: "补充答复"}, ""},
		{"ErrAddSettled", dismissed, Event{Kind: KindAdd, Text: "补充"}, cases.EREFUSED},
		{"ErrAddNothing", asked, Event{Kind: KindAdd}, cases.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Decide(tt.r, tt.e)
			if got := cases.ErrorCode(err); err != nil && got != tt.code || err == nil && tt.code != "" {
				t.Fatalf("Decide = %v, want code %q", err, tt.code)
			}
		})
	}
	if asked.State != StateVerifying || asked.Unanswered() != 1 || answered.Unanswered() != 0 {
		t.Fatalf("asked %s/%d, answered %d", asked.State, asked.Unanswered(), answered.Unanswered())
	}
	if dismissed.State != StateDismissed || dismissed.PublicReply == "" || dismissed.State.PublicStatus() != "已办结" {
		t.Fatalf("dismissed: %+v", dismissed)
	}
}

func TestLightOf(t *testing.T) {
	tests := []struct {
		name  string
		r     Report
		light cases.Light
	}{
		{"Green", Report{State: StateReceived, Due: "2026-12-20"}, cases.LightGreen},
		{"YellowWithinDays", Report{State: StateVerifying, Due: "2026-11-27"}, cases.LightYellow},
		{"RedOverdue", Report{State: StateReceived, Due: "2026-11-20"}, cases.LightRed},
		{"NoneSettled", Report{State: StateDismissed, Due: "2026-11-20"}, cases.LightNone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := LightOf(tt.r, "2026-11-23", "2026-11-30"); got != tt.light {
				t.Fatalf("got %s, want %s", got, tt.light)
			}
		})
	}
}

func TestCodes(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		r := NewReceipt()
		if len(r) != ReceiptLen || Normalize(r) != r || seen[r] {
			t.Fatalf("receipt %q", r)
		}
		seen[r] = true
	}
	if g := Group("ABCDEFGHJKLM"); g != "ABCD-EFGH-JKLM" {
		t.Fatalf("Group = %s", g)
	}
	if n := Normalize(" abcd-efgh jklm "); n != "ABCDEFGHJKLM" {
		t.Fatalf("Normalize = %s", n)
	}
	if n := Normalize("ABCD-EFGH-JKL0"); n != "" {
		t.Fatalf("0 is not in the alphabet: %q", n)
	}
}

func TestCipher(t *testing.T) {
	key := bytes.Repeat([]byte{7}, KeySize)
	other := bytes.Repeat([]byte{8}, KeySize)
	for _, profile := range []string{ProfileSM4, ProfileAES} {
		t.Run(profile, func(t *testing.T) {
			c, err := NewCipher(profile, key)
			if err != nil {
				t.Fatal(err)
			}
			sealed, err := c.Seal([]byte("王五 13800138000"), []byte("JB1"))
			if err != nil || bytes.Contains(sealed, []byte("王五")) {
				t.Fatalf("seal: %v", err)
			}
			if p, err := c.Open(sealed, []byte("JB1")); err != nil || string(p) != "王五 13800138000" {
				t.Fatalf("open: %q %v", p, err)
			}
			if _, err := c.Open(sealed, []byte("JB2")); err != ErrOpen {
				t.Fatalf("another report's ad opened: %v", err)
			}
			wrong, _ := NewCipher(profile, other)
			if _, err := wrong.Open(sealed, []byte("JB1")); err != ErrOpen {
				t.Fatalf("a wrong key opened: %v", err)
			}
			check, _ := NewCheck(c)
			if !Check(c, check) || Check(wrong, check) {
				t.Fatal("the check value does not tell the keys apart")
			}
		})
	}
	sm4, _ := NewCipher(ProfileSM4, key)
	aes, _ := NewCipher(ProfileAES, key)
	check, _ := NewCheck(sm4)
	if Check(aes, check) {
		t.Fatal("a changed profile passes the check")
	}
	if _, err := NewCipher("des", key); err == nil {
		t.Fatal("unknown profile accepted")
	}
	if _, err := NewCipher(ProfileSM4, key[:16]); err == nil {
		t.Fatal("short key accepted")
	}
}
