package cases

import (
	"testing"
	"time"
)

func TestNormTextFoldsDocumentNumberBrackets(t *testing.T) {
	want := "云巡办移[2026]21号"
	for _, in := range []string{"云巡办移〔2026〕21号", "云巡办移[2026]21号", "云巡办移（2026）21号", "云巡办移(2026)21号",
		"云巡办移【2026】21号", "云巡办移［2026］21号", "云巡办移〖2026〗21号", "云巡办移〔２０２６〕２１号"} {
		if got := normText(in); got != want {
			t.Errorf("normText(%q) = %q, want %q", in, got, want)
		}
	}
	if got := normText("超编进人、核定编制。"); got != "超编进人、核定编制。" {
		t.Errorf("normText changed text without anything to fold: %q", got)
	}
}

// searchView holds one case registered under a patrol referral, with a
// feedback letter (office only) and a notice to the unit issued on it.
func searchView(t *testing.T) *view {
	t.Helper()
	v := newView()
	at := time.Date(2026, 5, 18, 9, 0, 0, 0, time.UTC)
	reg := &Registered{Registration: Registration{Source: "patrol", SourceRef: "云巡办移〔2026〕21号", UnitCode: "YZ001", Kind: "D03",
		Title: "超期借用人员", Facts: "借用期限已超过一年。", Level: LevelInternal}, UnitName: "中共云州市委办公室", Region: []string{"江南省", "云州市"}, Year: 2026, Ordinal: 1}
	v.mu.Lock()
	defer v.mu.Unlock()
	for _, e := range []Event{
		{CaseNo: "2026-0001", Seq: 1, Action: ActionRegister, To: StateRegistered, At: at, Registered: reg},
		{CaseNo: "2026-0001", Seq: 2, Action: ActionRecordDocument, At: at, Input: &Input{Reference: "云编督函〔2026〕3号", Document: DocumentRef + "feedback-2026-3"}},
	} {
		if applied, _ := v.applyEvent(e); !applied {
			t.Fatalf("event %d not applied", e.Seq)
		}
	}
	v.link(Link{Kind: LinkDocument, ID: "feedback-2026-3", Cases: []string{"2026-0001"}, Number: "云编督函〔2026〕3号"})
	v.link(Link{Kind: LinkDocument, ID: "notice-2026-1", Cases: []string{"2026-0001"}, Number: "云编督〔2026〕1号", ToUnit: true})
	return v
}

func TestViewFindsSourceReferencesAndDocumentNumbers(t *testing.T) {
	v := searchView(t)
	// The same view as a snapshot loads it: numbers survive.
	d, _ := v.data()
	loaded := newView()
	loaded.load(d)
	for _, tt := range []struct {
		name, q   string
		office    bool
		liaison   bool
		asSeenToo bool
	}{
		{"SourceRef", "云巡办移〔2026〕21号", true, false, true},
		{"SourceRefTypedWithSquareBrackets", "云巡办移[2026]21号", true, false, true},
		{"SourceRefTypedWithParentheses", "云巡办移（2026）21号", true, false, true},
		{"SourceRefPart", "〔2026〕21", true, false, true},
		{"NoticeNumber", "云编督〔2026〕1号", true, true, true},
		{"NoticeNumberTyped", "云编督[2026]1号", true, true, true},
		{"FeedbackNumber", "云编督函〔2026〕3号", true, false, true},
		{"ShortPartOfNumber", "督函", true, false, true},
		{"OtherNumber", "云编督〔2026〕2号", false, false, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for name, v := range map[string]*view{"live": v, "loaded": loaded} {
				for _, who := range []struct {
					role    string
					f       CaseFilter
					matches bool
				}{
					{"office", CaseFilter{Scope: GlobalScope, Text: tt.q}, tt.office},
					{"linkage", CaseFilter{Scope: GlobalScope, Text: tt.q, TextAsSeen: true, SecretHidden: true}, tt.asSeenToo},
					{"unit", CaseFilter{Scope: Scope{Region: "江南省", Units: []string{"YZ001"}}, Text: tt.q,
						TextWithoutRef: true, TextAsSeen: true, SecretHidden: true}, tt.liaison},
				} {
					page, err := v.find(who.f)
					if err != nil {
						t.Fatal(err)
					}
					if got := page.Total == 1; got != who.matches {
						t.Errorf("%s view, %s searching %q: found %v, want %v", name, who.role, tt.q, got, who.matches)
					}
				}
			}
		})
	}
}
