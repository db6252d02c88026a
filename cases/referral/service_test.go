package referral_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"rectify/cases"
	"rectify/cases/calendar"
	"rectify/cases/casetest"
	"rectify/cases/documents"
	"rectify/cases/referral"
	"rectify/storage/blob/localblob"
	"rectify/templates"
	"rectify/templates/pdftest"
)

type env struct {
	*casetest.Env
	Docs     *documents.Service
	Referral *referral.Service
}

func newEnv(t *testing.T) *env { return newEnvTB(t) }

func newEnvTB(t testing.TB) *env {
	t.Helper()
	ce := casetest.New(t, nil)
	blobs, err := localblob.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	cal, _ := calendar.Builtin()
	docs := documents.NewService(documents.Config{Cases: ce.Service, Store: ce.DB, Blobs: blobs, Calendar: cal, Catalog: ce.Catalog,
		Fonts: templates.EmbeddedFonts(), Letterhead: templates.Letterhead{Office: "中共云州市委机构编制委员会办公室"}, VerifyBase: "/verify/"})
	ref, err := referral.New(context.Background(), referral.Config{Cases: ce.Service, Documents: docs, Store: ce.DB})
	if err != nil {
		t.Fatal(err)
	}
	return &env{Env: ce, Docs: docs, Referral: ref}
}

func batchOf(n int) referral.Batch {
	b := referral.Batch{Office: "中共云州市委巡察工作领导小组办公室", LetterNo: "云巡办移〔2026〕12号", Round: "十一届市委第三轮巡察", Team: "市委第一巡察组",
		Received: "2026-03-02", Level: cases.LevelInternal}
	for i := range n {
		b.Items = append(b.Items, referral.Item{UnitCode: []string{"QH001", "QH002"}[i%2], Kind: "B01",
			Title: fmt.Sprintf("超编进人问题（%d）", i+1), Facts: "核定行政编制20名，实有22人。"})
	}
	return b
}

var city = cases.Scope{Region: "江南省/云州市"}

// TestRegisterBatchIdempotent: the same letter twice is one batch; the
// same content replays the first result, different content is a conflict
// naming the letter number, and nothing more is written either way.
func TestRegisterBatchIdempotent(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	first, replayed, err := e.Referral.Register(ctx, city, casetest.Office, batchOf(3))
	if err != nil || replayed || !first.Complete() {
		t.Fatalf("first: %+v %v %v", first, replayed, err)
	}
	for i, it := range first.Items {
		c, err := e.Service.Case(ctx, city, it.CaseNo)
		if err != nil {
			t.Fatal(err)
		}
		if c.Source != "patrol" || c.SourceRef != "云巡办移〔2026〕12号" || c.Origin != "batch:"+first.ID || c.Title != first.Items[i].Title {
			t.Fatalf("case %d: %+v", i, c)
		}
	}
	before := e.Counts(t)
	tests := []struct {
		name     string
		actor    cases.Actor
		edit     func(*referral.Batch)
		code     string
		replayed bool
	}{
		{"Replayed", casetest.Office, func(*referral.Batch) {}, "", true},
		{"ReplayedForColleague", casetest.Office2, func(b *referral.Batch) { b.Office = " " + b.Office + " " }, "", true},
		{"ErrOtherContent", casetest.Office, func(b *referral.Batch) { b.Items[2].Title = "另一个问题" }, cases.ECONFLICT, false},
		{"ErrFewerItems", casetest.Office, func(b *referral.Batch) { b.Items = b.Items[:2] }, cases.ECONFLICT, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := batchOf(3)
			tt.edit(&b)
			got, replayed, err := e.Referral.Register(ctx, city, tt.actor, b)
			if cases.ErrorCode(err) != tt.code {
				t.Fatalf("err %v, want %q", err, tt.code)
			}
			if tt.code == cases.ECONFLICT && !strings.Contains(err.Error(), "云巡办移〔2026〕12号") {
				t.Fatalf("conflict does not name the letter: %v", err)
			}
			if tt.code == "" && (!replayed || got.ID != first.ID || got.Items[2].CaseNo != first.Items[2].CaseNo) {
				t.Fatalf("got %+v replayed %v", got, replayed)
			}
			if after := e.Counts(t); fmt.Sprint(after) != fmt.Sprint(before) {
				t.Fatalf("wrote: %v → %v", before, after)
			}
		})
	}
}

// TestRegisterBatchResumes: a first attempt that died after registering
// some items is finished by the retry, with the cases it registered kept
// and none registered twice.
func TestRegisterBatchResumes(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	b := referral.Normalize(batchOf(4))
	b.RegisteredBy = casetest.Office
	if err := e.DB.InsertBatch(ctx, b); err != nil {
		t.Fatal(err)
	}
	// What the dead attempt had done: items 0 and 1 registered.
	var done []string
	for i := range 2 {
		c, _, err := e.Service.RegisterFrom(ctx, city, casetest.Office, referral.Registration(b, i), referral.ItemKey(b.ID, i), referral.Origin(b.ID))
		if err != nil {
			t.Fatal(err)
		}
		done = append(done, c.No)
	}
	got, replayed, err := e.Referral.Register(ctx, city, casetest.Office2, batchOf(4))
	if err != nil || !replayed || !got.Complete() {
		t.Fatalf("retry: %+v %v %v", got, replayed, err)
	}
	if got.Items[0].CaseNo != done[0] || got.Items[1].CaseNo != done[1] {
		t.Fatalf("items %+v, first registered %v", got.Items, done)
	}
	if _, n, _ := e.Service.Cases(ctx, cases.CaseFilter{Scope: city, PerPage: 10, Page: 1}); n != 4 {
		t.Fatalf("%d cases, want 4", n)
	}
	c, _ := e.Service.Case(ctx, city, got.Items[3].CaseNo)
	if c.RegisteredBy != casetest.Office.ID {
		t.Fatalf("registered by %s, want the batch's registrant", c.RegisteredBy)
	}
}

// TestRegisterBatchAllErrors: every bad field of every item is reported at
// once, named by item, and nothing is written.
func TestRegisterBatchAllErrors(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	before := e.Counts(t)
	b := batchOf(3)
	b.Received = ""
	b.Items[0].UnitCode = "ZZ999"
	b.Items[1].Kind = "X99"
	b.Items[2].Title = ""
	b.Items[2].UnitCode = "AP001" // outside a Qinghe office's scope
	_, _, err := e.Referral.Register(ctx, cases.Scope{Region: "江南省/云州市/清河县"}, casetest.Office, b)
	e2, _ := cases.AsError(err)
	var fields []string
	if e2 != nil {
		for _, f := range e2.Fields {
			fields = append(fields, f.Field)
		}
	}
	want := "items[0].unit_code items[1].violation_kind items[2].title items[2].unit_code received"
	if got := strings.Join(slices.Sorted(slices.Values(fields)), " "); got != want {
		t.Fatalf("fields %q, want %q (%v)", got, want, err)
	}
	if after := e.Counts(t); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Fatalf("wrote: %v → %v", before, after)
	}
	if _, _, err := e.Referral.Register(ctx, city, cases.Actor{ID: "zhou.qiang", Role: cases.RolePatrol}, batchOf(1)); cases.ErrorCode(err) != cases.EREFUSED {
		t.Fatalf("patrol registering: %v", err)
	}
}

// TestBatchFeedback: an interim letter answers the items settled so far,
// the final letter every item once all are settled, and the batch records
// both; asked again, the same letter is returned.
func TestBatchFeedback(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	b, _, err := e.Referral.Register(ctx, city, casetest.Office, batchOf(3))
	if err != nil {
		t.Fatal(err)
	}
	office := referral.Viewer{Roles: []cases.Role{cases.RoleOffice}, Scope: city}
	if _, _, err := e.Referral.Feedback(ctx, city, casetest.Office, office, b.ID); cases.ErrorCode(err) != cases.EREFUSED {
		t.Fatalf("nothing settled: %v", err)
	}
	step := func(no string, a cases.Action, in cases.Input) {
		t.Helper()
		if _, _, err := e.Service.Transition(ctx, city, no, casetest.Office, a, in, "", 0); err != nil {
			t.Fatalf("%s %s: %v", a, no, err)
		}
	}
	step(b.Items[0].CaseNo, cases.ActionStartVerification, cases.Input{})
	step(b.Items[0].CaseNo, cases.ActionDismiss, cases.Input{Reason: "经核查编制使用符合规定"})
	interim, _, err := e.Referral.Feedback(ctx, city, casetest.Office, office, b.ID)
	if err != nil || interim.Final || len(interim.Cases) != 1 {
		t.Fatalf("interim %+v %v", interim, err)
	}
	again, _, err := e.Referral.Feedback(ctx, city, casetest.Office, office, b.ID)
	if err != nil || again.DocumentID != interim.DocumentID {
		t.Fatalf("again %+v %v", again, err)
	}
	// The interim letter counts every item referred, then lists the one
	// settled, under a title of its own.
	ipdf, idoc, err := e.Docs.Download(ctx, city, interim.DocumentID)
	if err != nil {
		t.Fatal(err)
	}
	itext := strings.Join(strings.Fields(pdftest.Text(t, ipdf)), "")
	for _, want := range []string{"阶段性办理情况的函", "移交的3项问题已收悉", "已办结1项，其余2项正在办理", b.Items[0].CaseNo} {
		if !strings.Contains(itext, want) {
			t.Errorf("interim letter %s lacks %q:\n%s", idoc.Number, want, itext)
		}
	}
	if strings.Contains(itext, b.Items[1].CaseNo) || !strings.Contains(idoc.Title, "阶段性") {
		t.Errorf("interim letter %q lists an unsettled item or has the final title", idoc.Title)
	}
	step(b.Items[1].CaseNo, cases.ActionTransfer, cases.Input{Reference: "云纪移〔2026〕3号"})
	step(b.Items[2].CaseNo, cases.ActionStartVerification, cases.Input{})
	step(b.Items[2].CaseNo, cases.ActionDismiss, cases.Input{Reason: "已按规定核减"})
	final, _, err := e.Referral.Feedback(ctx, city, casetest.Office, office, b.ID)
	if err != nil || !final.Final || len(final.Cases) != 3 {
		t.Fatalf("final %+v %v", final, err)
	}
	got, err := e.Referral.Batch(ctx, office, b.ID)
	if err != nil || len(got.Letters) != 2 || got.Letters[1].Number != final.Number {
		t.Fatalf("letters %+v %v", got.Letters, err)
	}
	pdf, d, err := e.Docs.Download(ctx, city, final.DocumentID)
	if err != nil {
		t.Fatal(err)
	}
	text := pdftest.Text(t, pdf)
	if strings.Contains(text, "阶段性") || strings.Contains(d.Title, "阶段性") {
		t.Errorf("the final letter %q reads as interim", d.Title)
	}
	for _, want := range []string{"云巡办移〔2026〕12号", b.Items[0].CaseNo, b.Items[1].CaseNo, b.Items[2].CaseNo, "云纪移〔2026〕3号", "查无实据"} {
		if !strings.Contains(text, want) {
			t.Errorf("letter %s lacks %q", d.Number, want)
		}
	}
}
