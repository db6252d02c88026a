package clue

import (
	"strings"
	"testing"

	"rectify/cases"
)

var lookup = Lookup{
	HasKind: func(k string) bool { return k == "K01" || k == "K02" },
	Unit: func(code string) (cases.Unit, bool) {
		if code == "QH001" {
			return cases.Unit{Code: "QH001", Name: "清河县教育局", Region: []string{"江南省", "云州市", "清河县"}}, true
		}
		return cases.Unit{}, false
	},
}

func good() Submission {
	return Submission{Office: "云州市审计局", ReportNo: "云审移〔2026〕3号", Received: "2026-03-02", Level: cases.LevelInternal,
		Clues: []ClueInput{{UnitCode: "QH001", Kind: "K01", Title: "超编进人", Facts: "2025年超编招录3人"}}}
}

func fields(err error) []string {
	e, ok := cases.AsError(err)
	if !ok {
		return nil
	}
	if len(e.Fields) == 0 {
		return []string{e.Field}
	}
	var out []string
	for _, f := range e.Fields {
		out = append(out, f.Field)
	}
	return out
}

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*Submission)
		want []string
	}{
		{"OK", func(*Submission) {}, nil},
		{"ErrEveryFieldAtOnce", func(s *Submission) {
			*s = Submission{Received: "2026-13-01", Level: "top", Clues: []ClueInput{{UnitCode: "XX9", Kind: "K99"}, {}}}
		}, []string{"office", "report_no", "received", "level",
			"clues[0].unit_code", "clues[0].violation_kind", "clues[0].title", "clues[0].facts",
			"clues[1].unit_code", "clues[1].violation_kind", "clues[1].title", "clues[1].facts"}},
		{"ErrFuture", func(s *Submission) { s.Received = "2026-04-01" }, []string{"received"}},
		{"ErrNoClues", func(s *Submission) { s.Clues = nil }, []string{"clues"}},
		{"ErrTooMany", func(s *Submission) { s.Clues = make([]ClueInput, MaxClues+1) }, []string{"clues"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := good()
			tc.edit(&s)
			got := fields(Validate(Normalize(s), "2026-03-10", lookup))
			if strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Errorf("fields = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestIdentity(t *testing.T) {
	a := ReferralID("云州市审计局", "云审移〔2026〕3号")
	if b := ReferralID(" 云州市审计局 ", "云审移〔2026〕3号 "); a != b {
		t.Errorf("spacing changes the identity: %s %s", a, b)
	}
	if b := ReferralID("云州市审计局", "云审移〔2026〕4号"); a == b {
		t.Error("two report numbers share an identity")
	}
	if !ValidReferralID(a) {
		t.Errorf("ValidReferralID(%s) = false", a)
	}
	for _, tc := range []struct {
		id  string
		ok  bool
		seq int
	}{{ClueID(a, 1), true, 1}, {ClueID(a, 12), true, 12}, {a + "-1", false, 0}, {a + "-00", false, 0}, {"x-01", false, 0}, {a, false, 0}} {
		ref, seq, ok := SplitClueID(tc.id)
		if ok != tc.ok || ok && (ref != a || seq != tc.seq) {
			t.Errorf("SplitClueID(%s) = %s %d %v", tc.id, ref, seq, ok)
		}
	}
	s1, s2 := Normalize(good()), Normalize(good())
	s2.Clues[0].Facts += "。"
	if Hash(s1) == Hash(s2) {
		t.Error("different content, same hash")
	}
}

func TestLightOf(t *testing.T) {
	// deadline 2026-03-20; today and the 5-working-day horizon vary.
	for _, tc := range []struct {
		name               string
		decided            bool
		today, yellowUntil string
		want               cases.Light
	}{
		{"Green", false, "2026-03-02", "2026-03-09", cases.LightGreen},
		{"YellowWithinFiveDays", false, "2026-03-16", "2026-03-23", cases.LightYellow},
		{"YellowOnTheDay", false, "2026-03-20", "2026-03-27", cases.LightYellow},
		{"RedAfter", false, "2026-03-23", "2026-03-30", cases.LightRed},
		{"NoneWhenDecided", true, "2026-03-23", "2026-03-30", cases.LightNone},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := LightOf(tc.decided, "2026-03-20", tc.today, tc.yellowUntil); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
	if Worse(cases.LightYellow, cases.LightRed) != cases.LightRed || Worse(cases.LightYellow, cases.LightNone) != cases.LightYellow {
		t.Error("Worse orders lights wrongly")
	}
}

func TestStateOf(t *testing.T) {
	for _, tc := range []struct {
		undecided int
		answered  bool
		want      State
	}{{2, false, StatePending}, {1, true, StatePending}, {0, false, StateDecided}, {0, true, StateAnswered}} {
		if got := StateOf(tc.undecided, tc.answered); got != tc.want {
			t.Errorf("StateOf(%d, %v) = %s, want %s", tc.undecided, tc.answered, got, tc.want)
		}
	}
}

func TestCheckDecision(t *testing.T) {
	c := Clue{ID: "0123456789abcdef-01", Kind: "K01", Title: "超编进人", Facts: "事实"}
	has := lookup.HasKind
	for _, tc := range []struct {
		name string
		in   DecisionInput
		want []string
		kind string
	}{
		{"OKConfirmDefaults", DecisionInput{Outcome: Confirmed}, nil, "K01"},
		{"OKConfirmOtherKind", DecisionInput{Outcome: Confirmed, Kind: "K02"}, nil, "K02"},
		{"OKReject", DecisionInput{Outcome: Rejected, Reason: "查无实据"}, nil, ""},
		{"ErrRejectWithoutReason", DecisionInput{Outcome: Rejected}, []string{"reason"}, ""},
		{"ErrUnknownKind", DecisionInput{Outcome: Confirmed, Kind: "K99", Reason: "x"}, []string{"violation_kind", "reason"}, ""},
		{"ErrNoOutcome", DecisionInput{}, []string{"outcome"}, ""},
		{"OKMerge", DecisionInput{Outcome: Confirmed, MergeInto: " 2026-0007 "}, nil, "K01"},
		{"ErrMergeIntoBadNumber", DecisionInput{Outcome: Confirmed, MergeInto: "第七号"}, []string{"merge_into"}, ""},
		{"ErrPersonalData", DecisionInput{Outcome: Confirmed, Facts: "联系人手机13912345678"}, []string{"facts"}, ""},
		{"OKPersonalDataConfirmed", DecisionInput{Outcome: Confirmed, Facts: "联系人手机13912345678", ConfirmPersonalData: true}, nil, "K01"},
		{"OKPersonalDataMerged", DecisionInput{Outcome: Confirmed, Facts: "联系人手机13912345678", MergeInto: "2026-0007"}, nil, "K01"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := CheckDecision(c, tc.in, has)
			if got := fields(err); strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Fatalf("fields = %v, want %v", got, tc.want)
			}
			if err == nil && (d.Kind != tc.kind || tc.in.Outcome == Confirmed && (d.Title != c.Title || d.Facts != firstOf(tc.in.Facts, c.Facts))) {
				t.Errorf("decision = %+v", d)
			}
		})
	}
}

func TestCheckDecisionMerge(t *testing.T) {
	c := Clue{ID: "0123456789abcdef-01", Kind: "K01", Title: "超编进人", Facts: "事实"}
	d, err := CheckDecision(c, DecisionInput{Outcome: Confirmed, MergeInto: " 2026-0007 "}, lookup.HasKind)
	if err != nil || !d.Merged || d.CaseNo != "2026-0007" {
		t.Fatalf("decision %+v, %v", d, err)
	}
	if other := (Decision{Outcome: Confirmed, Kind: d.Kind, Title: d.Title, Facts: d.Facts, Merged: true, CaseNo: "2026-0008"}); d.same(other) {
		t.Error("merging into another case is the same decision")
	}
	if e, _ := cases.AsError(func() error {
		_, err := CheckDecision(c, DecisionInput{Outcome: Confirmed, Title: "张三 11010519491231002X"}, lookup.HasKind)
		return err
	}()); e == nil || e.Rule != "personal-data" {
		t.Fatalf("personal data in the title: %v", e)
	}
}

func TestCommonRegion(t *testing.T) {
	got := CommonRegion([][]string{{"江南省", "云州市", "清河县"}, {"江南省", "云州市", "安平县"}})
	if strings.Join(got, "/") != "江南省/云州市" {
		t.Errorf("got %v", got)
	}
}
