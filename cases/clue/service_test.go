package clue_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"rectify/cases"
	"rectify/cases/calendar"
	"rectify/cases/casetest"
	"rectify/cases/clue"
	"rectify/cases/documents"
	"rectify/storage/blob/localblob"
	"rectify/templates"
	"rectify/templates/pdftest"
)

var office = casetest.Office

func open(t *testing.T) (*clue.Service, *casetest.Env) {
	t.Helper()
	env := casetest.New(t, nil)
	blobs, err := localblob.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	cal, _ := calendar.Builtin()
	docs := documents.NewService(documents.Config{Cases: env.Service, Store: env.DB, Blobs: blobs, Calendar: cal, Catalog: env.Catalog,
		Fonts: templates.EmbeddedFonts(), Letterhead: templates.Letterhead{Office: "中共云州市委机构编制委员会办公室"}, VerifyBase: "/verify/"})
	s, err := clue.Open(context.Background(), clue.Config{Cases: env.Service, Documents: docs, Store: env.DB, Calendar: cal, Catalog: env.Catalog})
	if err != nil {
		t.Fatal(err)
	}
	return s, env
}

func submission(today string) clue.Submission {
	return clue.Submission{Office: "云州市审计局", ReportNo: "云审移〔2026〕3号", Received: today, Level: cases.LevelInternal,
		Clues: []clue.ClueInput{
			{UnitCode: "QH001", Kind: "B01", Title: "超编进人", Facts: "核定行政编制20名，实有22人。"},
			{UnitCode: "QH002", Kind: "B01", Title: "混岗使用人员", Facts: "事业人员在行政岗位工作。"},
		}}
}

var city = cases.Scope{Region: "江南省/云州市"}

func TestReferralLifecycle(t *testing.T) {
	s, env := open(t)
	ctx := context.Background()
	today := env.Service.Today()
	r, replayed, err := s.Register(ctx, city, office, submission(today))
	if err != nil || replayed {
		t.Fatalf("register: %v %v", replayed, err)
	}
	if strings.Join(r.Region, "/") != "江南省/云州市/清河县" || len(r.Clues) != 2 {
		t.Fatalf("referral = %+v", r)
	}
	t.Run("ReplayReturnsFirst", func(t *testing.T) {
		again, replayed, err := s.Register(ctx, city, office, submission(today))
		if err != nil || !replayed || again.ID != r.ID {
			t.Fatalf("replay: %v %v %s", replayed, err, again.ID)
		}
	})
	t.Run("ErrOtherContentConflicts", func(t *testing.T) {
		sub := submission(today)
		sub.Clues[0].Facts += "另有2人。"
		_, _, err := s.Register(ctx, city, office, sub)
		if cases.ErrorCode(err) != cases.ECONFLICT || !strings.Contains(err.Error(), "云审移〔2026〕3号") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("ErrOutsideScopeNotFound", func(t *testing.T) {
		if _, err := s.Referral(ctx, cases.Scope{Region: "江南省/云州市/安平县"}, r.ID); cases.ErrorCode(err) != cases.ENOTFOUND {
			t.Fatalf("err = %v", err)
		}
	})
	if n := s.Pending(city); n != 2 {
		t.Fatalf("pending = %d, want 2", n)
	}
	if n := s.Pending(cases.Scope{Region: "江南省/云州市/安平县"}); n != 0 {
		t.Fatalf("pending in another county = %d", n)
	}

	// Two offices confirm the first clue at once: one case, one decision.
	var wg sync.WaitGroup
	results := make([]clue.Decision, 2)
	errs := make([]error, 2)
	for i, who := range []cases.Actor{casetest.Office, casetest.Office} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], _, errs[i] = s.Decide(ctx, city, who, r.Clues[0].ID, clue.DecisionInput{Outcome: clue.Confirmed, Title: "超编进人2名"})
		}()
	}
	wg.Wait()
	if errs[0] != nil || errs[1] != nil || results[0].CaseNo == "" || results[0].CaseNo != results[1].CaseNo {
		t.Fatalf("concurrent confirmations: %v %v %+v %+v", errs[0], errs[1], results[0], results[1])
	}
	c, err := env.Service.Case(ctx, city, results[0].CaseNo)
	if err != nil {
		t.Fatal(err)
	}
	if c.Source != "audit" || c.SourceRef != "云审移〔2026〕3号" || c.Origin != "clue:"+r.Clues[0].ID || c.Title != "超编进人2名" {
		t.Fatalf("case = %+v", c)
	}
	t.Run("ErrDecideOtherwiseConflicts", func(t *testing.T) {
		_, _, err := s.Decide(ctx, city, casetest.Office2, r.Clues[0].ID, clue.DecisionInput{Outcome: clue.Rejected, Reason: "查无实据"})
		if cases.ErrorCode(err) != cases.ECONFLICT {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("ErrApproverRefused", func(t *testing.T) {
		_, _, err := s.Decide(ctx, city, casetest.Approver, r.Clues[1].ID, clue.DecisionInput{Outcome: clue.Rejected, Reason: "x"})
		if cases.ErrorCode(err) != cases.EREFUSED {
			t.Fatalf("err = %v", err)
		}
	})

	// An interim letter while the second clue waits.
	interim, pdf, err := s.Feedback(ctx, city, office, r.ID, false)
	if err != nil {
		t.Fatal(err)
	}
	if text := pdftest.Text(t, pdf); !strings.Contains(text, "正在核实认定") || !strings.Contains(text, c.No) {
		t.Errorf("interim letter:\n%s", text)
	}
	d, replayed, err := s.Decide(ctx, city, office, r.Clues[1].ID, clue.DecisionInput{Outcome: clue.Rejected, Reason: "该人员系借调，手续齐全，查无实据。"})
	if err != nil || replayed || d.CaseNo != "" {
		t.Fatalf("reject: %v %v %+v", replayed, err, d)
	}
	if _, replayed, err := s.Decide(ctx, city, office, r.Clues[1].ID, clue.DecisionInput{Outcome: clue.Rejected, Reason: "该人员系借调，手续齐全，查无实据。"}); err != nil || !replayed {
		t.Fatalf("repeated reject: %v %v", replayed, err)
	}
	if n := s.Pending(city); n != 0 {
		t.Fatalf("pending = %d, want 0", n)
	}
	final, pdf, err := s.Feedback(ctx, city, office, r.ID, false)
	if err != nil || final.Existing || final.Document.ID == interim.Document.ID {
		t.Fatalf("final letter: %v %+v", err, final.Document)
	}
	text := pdftest.Text(t, pdf)
	for _, want := range []string{"云审移〔2026〕3号", c.No, "认定属实", "不予认定", "该人员系借调，手续齐全，查无实据", "混岗使用人员"} {
		if !strings.Contains(text, want) {
			t.Errorf("final letter lacks %q:\n%s", want, text)
		}
	}
	again, _, err := s.Feedback(ctx, city, office, r.ID, false)
	if err != nil || !again.Existing || again.Document.ID != final.Document.ID {
		t.Fatalf("letter asked again: %v %+v", err, again)
	}
	v, err := s.Referral(ctx, city, r.ID)
	if err != nil || v.State != clue.StateAnswered || len(v.Letters) != 2 || v.Light != cases.LightNone {
		t.Fatalf("view = %+v %v", v, err)
	}

	// A second process sees the same referrals, decisions and letters.
	s2, err := clue.Open(ctx, clue.Config{Cases: env.Service, Store: env.DB, Calendar: mustCal(t), Catalog: env.Catalog})
	if err != nil {
		t.Fatal(err)
	}
	list, total, err := s2.List(ctx, clue.Filter{Scope: city, State: clue.StateAnswered})
	if err != nil || total != 1 || list[0].Confirmed != 1 || list[0].Rejected != 1 {
		t.Fatalf("list = %+v %d %v", list, total, err)
	}
}

func mustCal(t testing.TB) *calendar.Calendar {
	cal, err := calendar.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	return cal
}

// A confirmation refused for its input records nothing: the clue stays
// undecided.
func TestRefusedConfirmationRecordsNothing(t *testing.T) {
	s, env := open(t)
	ctx := context.Background()
	r, _, err := s.Register(ctx, city, office, submission(env.Service.Today()))
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = s.Decide(ctx, city, office, r.Clues[0].ID, clue.DecisionInput{Outcome: clue.Confirmed, Kind: "Z99"})
	if cases.ErrorCode(err) != cases.EINVALID {
		t.Fatalf("err = %v", err)
	}
	if _, err := env.DB.FindDecision(ctx, r.Clues[0].ID); cases.ErrorCode(err) != cases.ENOTFOUND {
		t.Fatalf("a refused decision was recorded: %v", err)
	}
	if n := s.Pending(city); n != 2 {
		t.Fatalf("pending = %d", n)
	}
}

// A secret referral's letter is marked secret even when no clue became a
// case, and lists the clues that have none.
func TestSecretReferralLetter(t *testing.T) {
	s, env := open(t)
	ctx := context.Background()
	sub := submission(env.Service.Today())
	sub.Level, sub.ReportNo = cases.LevelSecret, "云审移〔2026〕密1号"
	r, _, err := s.Register(ctx, city, office, sub)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range r.Clues {
		if _, _, err := s.Decide(ctx, city, office, c.ID, clue.DecisionInput{Outcome: clue.Rejected, Reason: "查无实据"}); err != nil {
			t.Fatal(err)
		}
	}
	out, pdf, err := s.Feedback(ctx, city, office, r.ID, false)
	if err != nil || len(out.Document.Cases) != 0 {
		t.Fatalf("letter: %v %+v", err, out.Document)
	}
	if text := pdftest.Text(t, pdf); !strings.Contains(text, "秘密") || strings.Count(text, "不予认定") != 2 {
		t.Errorf("the letter of a secret referral:\n%s", text)
	}
}
