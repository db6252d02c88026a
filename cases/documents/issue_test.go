package documents_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"

	"rectify/cases"
	"rectify/cases/calendar"
	"rectify/cases/casetest"
	"rectify/cases/documents"
	"rectify/storage/blob/localblob"
	"rectify/storage/blob/minioblob"
	"rectify/storage/blob/miniotest"
	"rectify/templates"
	"rectify/templates/pdftest"
)

type env struct {
	*casetest.Env
	Docs *documents.Service
}

func newEnv(t *testing.T, blobs documents.Blobs) *env { return newEnvB(t, blobs) }

// newEnvB builds the environment for a test or a benchmark; nil blobs
// means a local store in a temporary directory.
func newEnvB(t testing.TB, blobs documents.Blobs) *env {
	t.Helper()
	if blobs == nil {
		s, err := localblob.Open(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		blobs = s
	}
	ce := casetest.New(t, nil)
	cal, _ := calendar.Builtin()
	svc := documents.NewService(documents.Config{Cases: ce.Service, Store: ce.DB, Blobs: blobs, Calendar: cal, Catalog: ce.Catalog,
		Fonts: templates.EmbeddedFonts(), Letterhead: templates.Letterhead{Office: "中共云州市委机构编制委员会办公室"},
		VerifyBase: "http://127.0.0.1:8080/verify/"})
	return &env{Env: ce, Docs: svc}
}

func local(t *testing.T) documents.Blobs {
	s, err := localblob.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// verifying registers n cases of QH001 and starts verifying them.
func (e *env) verifying(t *testing.T, n int) []string { return e.verifyingB(t, n) }

func (e *env) verifyingB(t testing.TB, n int) []string {
	var nos []string
	for i := 0; i < n; i++ {
		c, _, err := e.Service.Register(context.Background(), cases.GlobalScope, casetest.Office, casetest.Registration("QH001"), "")
		if err != nil {
			t.Fatal(err)
		}
		e.Service.Transition(context.Background(), cases.GlobalScope, c.No, casetest.Office, cases.ActionStartVerification, cases.Input{}, "", 0)
		nos = append(nos, c.No)
	}
	return nos
}

func notice(nos []string) documents.NoticeRequest {
	r := documents.NoticeRequest{UnitCode: "QH001", WorkingDays: 15, CopiesTo: []string{"市委巡察办"}}
	for _, no := range nos {
		r.Items = append(r.Items, documents.NoticeItem{No: no, Requirements: "清退超编人员，30日内报送整改情况。"})
	}
	return r
}

func TestIssueNoticeEndToEnd(t *testing.T) {
	for name, blobs := range map[string]func(*testing.T) documents.Blobs{
		"local": local,
		"minio": func(t *testing.T) documents.Blobs { return miniotest.Open(t) },
	} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, blobs(t))
			ctx := context.Background()
			nos := e.verifying(t, 2)
			out, pdf, err := e.Docs.Notice(ctx, cases.GlobalScope, casetest.Office, notice(nos), false)
			if err != nil {
				t.Fatal(err)
			}
			d := out.Document
			year := d.Year
			if d.Number != "云编督〔"+strconv.Itoa(year)+"〕1号" || len(out.Cases) != 2 || len(out.Failed) != 0 {
				t.Fatalf("issued %+v", out)
			}
			text := pdftest.Text(t, pdf)
			for _, want := range []string{d.Number, nos[0], nos[1], "清河县教育局：", "15个工作日", strings.ReplaceAll(d.VerifyCode, "-", "")[:4]} {
				if !strings.Contains(text, want) {
					t.Errorf("PDF lacks %q", want)
				}
			}
			for _, c := range out.Cases {
				if c.State != cases.StateRectifying || c.Deadline == "" {
					t.Fatalf("case after notice %+v", c)
				}
			}
			evs, _ := e.Service.Events(ctx, cases.GlobalScope, nos[0])
			last := evs[len(evs)-1]
			if last.Input.Document != cases.DocumentRef+d.ID || len(last.Attachments) != 1 {
				t.Fatalf("event does not reference the notice: %+v", last)
			}
			got, _, err := e.Docs.Download(ctx, cases.GlobalScope, d.ID)
			if err != nil || string(got) != string(pdf) {
				t.Fatalf("download: %v", err)
			}
			v, err := e.Docs.Verify(ctx, strings.ToLower(strings.ReplaceAll(d.VerifyCode, "-", "")))
			if err != nil || !v.Intact || v.Number != d.Number {
				t.Fatalf("verify: %+v %v", v, err)
			}
			// A second notice gets the next number.
			more := e.verifying(t, 1)
			out2, _, err := e.Docs.Notice(ctx, cases.GlobalScope, casetest.Office, notice(more), false)
			if err != nil || out2.Document.Seq != 2 {
				t.Fatalf("second notice: %v %+v", err, out2.Document)
			}
			// The unit sees its notice; another county does not.
			unitScope := cases.Scope{Region: "江南省/云州市/清河县", Units: []string{"QH001"}}
			if _, _, err := e.Docs.Download(ctx, unitScope, d.ID); err != nil {
				t.Fatalf("unit download: %v", err)
			}
			if _, _, err := e.Docs.Download(ctx, cases.Scope{Region: "江南省/云州市/安平县"}, d.ID); cases.ErrorCode(err) != cases.ENOTFOUND {
				t.Fatalf("other county download: %v", err)
			}
		})
	}
}

func TestNoticeRefusals(t *testing.T) {
	e := newEnv(t, local(t))
	ctx := context.Background()
	nos := e.verifying(t, 1)
	reg, _, _ := e.Service.Register(ctx, cases.GlobalScope, casetest.Office, casetest.Registration("QH001"), "")
	other, _, _ := e.Service.Register(ctx, cases.GlobalScope, casetest.Office, casetest.Registration("AP001"), "")
	tests := []struct {
		name  string
		req   documents.NoticeRequest
		actor cases.Actor
		code  string
	}{
		{"ErrNoItems", documents.NoticeRequest{UnitCode: "QH001", WorkingDays: 5}, casetest.Office, cases.EINVALID},
		{"ErrUnknownUnit", documents.NoticeRequest{UnitCode: "NOPE", Items: notice(nos).Items, WorkingDays: 5}, casetest.Office, cases.EINVALID},
		{"ErrOtherUnitsCase", notice([]string{other.No}), casetest.Office, cases.EINVALID},
		{"ErrNotVerifying", notice([]string{reg.No}), casetest.Office, cases.EREFUSED},
		{"ErrNoRequirements", documents.NoticeRequest{UnitCode: "QH001", Items: []documents.NoticeItem{{No: nos[0]}}, WorkingDays: 5}, casetest.Office, cases.EINVALID},
		{"ErrNoDeadline", documents.NoticeRequest{UnitCode: "QH001", Items: notice(nos).Items}, casetest.Office, cases.EINVALID},
		{"ErrRole", notice(nos), casetest.UnitActor, cases.EREFUSED},
		{"ErrDuplicate", documents.NoticeRequest{UnitCode: "QH001", Items: append(notice(nos).Items, notice(nos).Items...), WorkingDays: 5}, casetest.Office, cases.EINVALID},
	}
	before := e.Counts(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, _, err := e.Docs.Notice(ctx, cases.GlobalScope, tt.actor, tt.req, false); cases.ErrorCode(err) != tt.code {
				t.Fatalf("got %v, want %s", err, tt.code)
			}
		})
	}
	if after := e.Counts(t); after["documents"] != before["documents"] || after["document_numbers"] != before["document_numbers"] || after["events"] != before["events"] {
		t.Fatalf("refused notices wrote: %v → %v", before, after)
	}
	// A preview renders but numbers and stores nothing.
	_, pdf, err := e.Docs.Notice(ctx, cases.GlobalScope, casetest.Office, notice(nos), true)
	if err != nil || !strings.Contains(pdftest.Text(t, pdf), "预览稿") {
		t.Fatalf("preview: %v", err)
	}
	if after := e.Counts(t); after["document_numbers"] != before["document_numbers"] {
		t.Fatal("a preview claimed a number")
	}
}

// TestMinIOStoppedDuringIssuing: with MinIO down, issuing fails with a
// clear error and leaves no issued record and no case change; after a
// restart issuing works.
func TestMinIOStoppedDuringIssuing(t *testing.T) {
	srv := miniotest.Start(t)
	blobs, err := minioblob.Open(context.Background(), srv.Config())
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, blobs)
	ctx := context.Background()
	nos := e.verifying(t, 1)
	srv.Stop()
	_, _, err = e.Docs.Notice(ctx, cases.GlobalScope, casetest.Office, notice(nos), false)
	if ce, ok := cases.AsError(err); !ok || ce.Code != cases.EUNAVAILABLE || !strings.Contains(ce.Message, "未发文") {
		t.Fatalf("issuing with MinIO stopped: %v", err)
	}
	if n := e.Counts(t)["documents"]; n != 0 {
		t.Fatalf("%d document records without a stored PDF", n)
	}
	if c, _ := e.Service.Case(ctx, cases.GlobalScope, nos[0]); c.State != cases.StateVerifying {
		t.Fatalf("case moved without a notice: %s", c.State)
	}
	srv.Restart(t)
	out, _, err := e.Docs.Notice(ctx, cases.GlobalScope, casetest.Office, notice(nos), false)
	if err != nil || len(out.Cases) != 1 {
		t.Fatalf("after restart: %v", err)
	}
	// The failed attempt claimed no number: no gap in the series.
	if out.Document.Seq != 1 {
		t.Fatalf("number after a failed attempt: %d, want 1", out.Document.Seq)
	}
}

func TestConcurrentIssuingGetsDistinctNumbers(t *testing.T) {
	e := newEnv(t, local(t))
	ctx := context.Background()
	nos := e.verifying(t, 8)
	var wg sync.WaitGroup
	seqs := make(chan int, len(nos))
	for _, no := range nos {
		wg.Add(1)
		go func(no string) {
			defer wg.Done()
			out, _, err := e.Docs.Notice(ctx, cases.GlobalScope, casetest.Office, notice([]string{no}), false)
			if err != nil {
				t.Error(err)
				return
			}
			seqs <- out.Document.Seq
		}(no)
	}
	wg.Wait()
	close(seqs)
	seen := map[int]bool{}
	for s := range seqs {
		if seen[s] {
			t.Fatalf("number %d issued twice", s)
		}
		seen[s] = true
	}
	if len(seen) != len(nos) {
		t.Fatalf("%d numbers for %d notices", len(seen), len(nos))
	}
}

func TestFeedbackAndClosing(t *testing.T) {
	e := newEnv(t, local(t))
	ctx := context.Background()
	nos := e.verifying(t, 2)
	e.Service.Transition(ctx, cases.GlobalScope, nos[1], casetest.Office, cases.ActionDismiss, cases.Input{Reason: "查无实据"}, "", 0)
	if _, _, err := e.Docs.Notice(ctx, cases.GlobalScope, casetest.Office, notice(nos[:1]), false); err != nil {
		t.Fatal(err)
	}
	out, pdf, err := e.Docs.Feedback(ctx, cases.GlobalScope, casetest.Office,
		documents.FeedbackRequest{Addressee: "市委巡察办", Reference: "云巡办移〔2026〕12号", Cases: nos}, false)
	if err != nil {
		t.Fatal(err)
	}
	text := pdftest.Text(t, pdf)
	for _, w := range []string{"关于云巡办移〔2026〕12号移交问题办理情况的函", "正在整改", "查无实据", out.Document.Number} {
		if !strings.Contains(text, w) {
			t.Errorf("feedback lacks %q", w)
		}
	}
	evs, _ := e.Service.Events(ctx, cases.GlobalScope, nos[1])
	if last := evs[len(evs)-1]; last.Action != cases.ActionRecordDocument || last.To != cases.StateDismissed {
		t.Fatalf("feedback not recorded on the dismissed case: %+v", last)
	}
	// Closing: submit with uploaded evidence, confirm, close, issue the form.
	no := nos[0]
	pdfEvidence := []byte("%PDF-1.4 岗位调整文件")
	// The name loses its path and its invisible characters (issue 21: a
	// zero-width space was kept).
	ev, err := e.Docs.AddEvidence(ctx, cases.GlobalScope, casetest.UnitActor, no, []documents.Upload{{Name: "../岗位\u200b调整\u2060文件.pdf", Data: pdfEvidence}})
	if err != nil || ev[0].Name != "岗位调整文件.pdf" {
		t.Fatalf("evidence: %v %+v", err, ev)
	}
	owned, err := e.Docs.AddOwnedEvidence(ctx, casetest.UnitActor, "assessment:2026/QH001/1.1", []documents.Upload{{Name: "自评\u200b材料\ufeff.pdf", Data: pdfEvidence}})
	if err != nil || owned[0].Name != "自评材料.pdf" {
		t.Fatalf("self-assessment evidence: %v %+v", err, owned)
	}
	if _, err := e.Docs.AddEvidence(ctx, cases.GlobalScope, casetest.UnitActor, no, []documents.Upload{{Name: "x.exe", Data: []byte("MZ\x90\x00")}}); cases.ErrorCode(err) != cases.EINVALID {
		t.Fatalf("executable accepted: %v", err)
	}
	ref := cases.EvidenceRef + ev[0].ID
	if err := e.Docs.CheckEvidenceRefs(ctx, nos[1], []string{ref}); cases.ErrorCode(err) != cases.EINVALID {
		t.Fatalf("evidence of another case accepted: %v", err)
	}
	e.Service.Transition(ctx, cases.GlobalScope, no, casetest.UnitActor, cases.ActionSubmit, cases.Input{Report: "已整改", Evidence: []string{ref}}, "", 0)
	e.Service.Transition(ctx, cases.GlobalScope, no, casetest.Office, cases.ActionConfirm, cases.Input{Note: "整改到位"}, "", 0)
	if _, _, err := e.Docs.Closing(ctx, cases.GlobalScope, casetest.Approver, no); cases.ErrorCode(err) != cases.EREFUSED {
		t.Fatalf("closing form before closing: %v", err)
	}
	e.Service.Transition(ctx, cases.GlobalScope, no, casetest.Approver, cases.ActionClose, cases.Input{Note: "同意"}, "", 0)
	cl, pdf, err := e.Docs.Closing(ctx, cases.GlobalScope, casetest.Approver, no)
	if err != nil {
		t.Fatal(err)
	}
	text = pdftest.Text(t, pdf)
	for _, w := range []string{"问题整改销号审批表", cl.Document.Number, "岗位调整文件.pdf", ev[0].SHA256[:12], "核验人：李明", "审批人：王芳"} {
		if !strings.Contains(text, w) {
			t.Errorf("closing form lacks %q", w)
		}
	}
	b, got, err := e.Docs.EvidenceFile(ctx, cases.GlobalScope, no, ev[0].ID)
	if err != nil || string(b) != string(pdfEvidence) || got.ContentType != "application/pdf" {
		t.Fatalf("evidence download: %v", err)
	}
	if orphans, err := e.Docs.Unreferenced(ctx); err != nil || len(orphans) != 0 {
		t.Fatalf("unreferenced objects: %v %v", orphans, err)
	}
}

func TestReissuedNoticePointsToTheOneItReplaces(t *testing.T) {
	e := newEnv(t, local(t))
	ctx := context.Background()
	nos := e.verifying(t, 1)
	first, _, err := e.Docs.Notice(ctx, cases.GlobalScope, casetest.Office, notice(nos), false)
	if err != nil {
		t.Fatal(err)
	}
	before, _ := e.Service.Case(ctx, cases.GlobalScope, nos[0])
	req := documents.NoticeRequest{UnitCode: "QH001", Replaces: first.Document.ID,
		Items: []documents.NoticeItem{{No: nos[0], Requirements: "（更正）清退超编人员2名，30日内报送整改情况。"}}}
	if _, _, err := e.Docs.Notice(ctx, cases.GlobalScope, casetest.Office, documents.NoticeRequest{UnitCode: "QH001", Replaces: first.Document.ID, WorkingDays: 5, Items: req.Items}, false); cases.ErrorCode(err) != cases.EINVALID {
		t.Fatalf("re-issue changing the deadline: %v", err)
	}
	second, pdf, err := e.Docs.Notice(ctx, cases.GlobalScope, casetest.Office, req, false)
	if err != nil {
		t.Fatal(err)
	}
	d := second.Document
	if d.Replaces != first.Document.ID || d.Number == first.Document.Number || d.Seq != first.Document.Seq+1 {
		t.Fatalf("re-issued %+v", d)
	}
	if text := pdftest.Text(t, pdf); !strings.Contains(text, "本通知替代"+first.Document.Number) || !strings.Contains(text, "（更正）") {
		t.Fatal("the re-issued notice does not name the one it replaces")
	}
	after, _ := e.Service.Case(ctx, cases.GlobalScope, nos[0])
	if after.State != cases.StateRectifying || after.Deadline != before.Deadline || after.Version != before.Version+1 {
		t.Fatalf("case after re-issue: %s %s v%d (before %s v%d)", after.State, after.Deadline, after.Version, before.Deadline, before.Version)
	}
	if _, _, err := e.Docs.Notice(ctx, cases.GlobalScope, casetest.Office, documents.NoticeRequest{UnitCode: "QH001", Replaces: "notice-2099-0001", Items: req.Items}, false); cases.ErrorCode(err) != cases.EINVALID {
		t.Fatalf("replacing an unknown notice: %v", err)
	}
}

// TestSecretCasesMakeSecretDocuments: a notice or letter about a secret case
// carries 密级 (with the configured period) and 份号; others carry neither.
func TestSecretCasesMakeSecretDocuments(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	svc := documents.NewService(documents.Config{Cases: e.Service, Store: e.DB, Blobs: local(t), Calendar: mustCalendar(t), Catalog: e.Catalog,
		Fonts: templates.EmbeddedFonts(), Letterhead: templates.Letterhead{Office: "中共云州市委机构编制委员会办公室"},
		VerifyBase: "https://rectify.example.gov.cn/verify/", SecretPeriod: "5年"})
	r := casetest.Registration("QH001")
	r.Level = cases.LevelSecret
	secret, _, err := e.Service.Register(ctx, cases.GlobalScope, casetest.Office, r, "")
	if err != nil {
		t.Fatal(err)
	}
	e.Service.Transition(ctx, cases.GlobalScope, secret.No, casetest.Office, cases.ActionStartVerification, cases.Input{}, "", 0)
	_, pdf, err := svc.Notice(ctx, cases.GlobalScope, casetest.Office, notice([]string{secret.No}), false)
	if err != nil {
		t.Fatal(err)
	}
	if text := pdftest.Text(t, pdf); !strings.HasPrefix(text, "000001秘密★5年") {
		t.Errorf("a secret case's notice does not start with 份号 and 密级:\n%s", text)
	}
	_, pdf, err = svc.Feedback(ctx, cases.GlobalScope, casetest.Office,
		documents.FeedbackRequest{Addressee: "市委巡察办", Reference: "云巡办移〔2026〕12号", Cases: []string{secret.No}}, false)
	if err != nil {
		t.Fatal(err)
	}
	if text := pdftest.Text(t, pdf); !strings.Contains(text, "000001") || !strings.Contains(text, "秘密★5年") {
		t.Errorf("a secret case's letter lacks 份号 and 密级:\n%s", text)
	}
	e.Service.Transition(ctx, cases.GlobalScope, secret.No, casetest.UnitActor, cases.ActionSubmit, cases.Input{Report: "已整改", Evidence: []string{"岗位调整文件.pdf"}}, "", 0)
	e.Service.Transition(ctx, cases.GlobalScope, secret.No, casetest.Office, cases.ActionConfirm, cases.Input{Note: "整改到位"}, "", 0)
	if _, _, err := e.Service.Transition(ctx, cases.GlobalScope, secret.No, casetest.Approver, cases.ActionClose, cases.Input{Note: "同意"}, "", 0); err != nil {
		t.Fatal(err)
	}
	_, pdf, err = svc.Closing(ctx, cases.GlobalScope, casetest.Approver, secret.No)
	if err != nil {
		t.Fatal(err)
	}
	if text := pdftest.Text(t, pdf); !strings.HasPrefix(text, "000001秘密★5年问题整改销号审批表") {
		t.Errorf("a secret case's closing form lacks 份号 and 密级:\n%s", text)
	}
	_, pdf, err = svc.Notice(ctx, cases.GlobalScope, casetest.Office, notice(e.verifying(t, 1)), false)
	if err != nil {
		t.Fatal(err)
	}
	if text := pdftest.Text(t, pdf); strings.Contains(text, "秘密") || strings.Contains(text, "000001") {
		t.Errorf("an internal case's notice is marked secret:\n%s", text)
	}
}

func mustCalendar(t *testing.T) *calendar.Calendar {
	cal, err := calendar.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	return cal
}

// TestLetterTextIsChecked: what a letter prints besides the cases — its
// addressee, reference and the offices copied — is checked as every text of
// the ledger is; nothing is issued.
func TestLetterTextIsChecked(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	nos := e.verifying(t, 1)
	before := e.Counts(t)
	for _, tc := range []struct {
		req   documents.FeedbackRequest
		field string
	}{
		{documents.FeedbackRequest{Addressee: "巡察办😀", Reference: "云巡办移〔2026〕62号"}, "addressee"},
		{documents.FeedbackRequest{Addressee: "巡察办", Reference: "云巡办移\u202e〔2026〕62号"}, "reference"},
		{documents.FeedbackRequest{Addressee: "巡察办", Reference: "云巡办移〔2026〕62号", CopiesTo: []string{"县委编办", "县委编办\ue000"}}, "copies_to[1]"},
		{documents.FeedbackRequest{Addressee: "巡察办", Reference: "云巡办移〔2026〕62号", CopiesTo: []string{strings.Repeat("很长的机关名称", 20)}}, "copies_to[0]"},
	} {
		tc.req.Cases = nos
		_, _, err := e.Docs.Feedback(ctx, cases.GlobalScope, casetest.Office, tc.req, false)
		if er, ok := cases.AsError(err); !ok || er.Code != cases.EINVALID || er.Field != tc.field {
			t.Errorf("%+v: %v, want a refusal of %s", tc.req, err, tc.field)
		}
	}
	r := notice(nos)
	r.CopiesTo = []string{"市委巡察办\u200b"}
	if _, _, err := e.Docs.Notice(ctx, cases.GlobalScope, casetest.Office, r, false); cases.ErrorCode(err) != cases.EINVALID {
		t.Errorf("a notice copied to an office with a zero-width space: %v", err)
	}
	if after := e.Counts(t); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Fatalf("a refused letter wrote: %v → %v", before, after)
	}
}
