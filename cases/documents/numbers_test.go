package documents_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"rectify/cases"
	"rectify/cases/calendar"
	"rectify/cases/casetest"
	"rectify/cases/documents"
	"rectify/templates"
)

// failingPut is a blob store whose Put fails, as a full or unreachable
// store does after the render.
type failingPut struct{ documents.Blobs }

func (failingPut) Put(context.Context, string, []byte, string) (documents.BlobInfo, error) {
	return documents.BlobInfo{}, errors.New("disk full")
}

// withService returns a documents service on e's ledger and store with
// blobs and fonts changed, as another process configured so would be.
func (e *env) withService(ledger *cases.Service, blobs documents.Blobs, fonts templates.Fonts) *documents.Service {
	cal, _ := calendar.Builtin()
	return documents.NewService(documents.Config{Cases: ledger, Store: e.DB, Blobs: blobs, Calendar: cal, Catalog: e.Catalog,
		Fonts: fonts, Letterhead: templates.Letterhead{Office: "中共云州市委机构编制委员会办公室"}, VerifyBase: "https://rectify.example.gov.cn/verify/"})
}

// TestFailedIssueLeavesNoGap: a render or store failure claims no number;
// the next document gets the number the failed one would have had.
func TestFailedIssueLeavesNoGap(t *testing.T) {
	tests := []struct {
		name  string
		fails func(e *env, blobs documents.Blobs) *documents.Service
	}{
		{"RenderFails", func(e *env, blobs documents.Blobs) *documents.Service {
			return e.withService(e.Service, blobs, templates.NewFonts(templates.FontData{Title: []byte("not a font"), Body: []byte("not a font")}))
		}},
		{"StoreFails", func(e *env, blobs documents.Blobs) *documents.Service {
			return e.withService(e.Service, failingPut{blobs}, templates.EmbeddedFonts())
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			blobs := local(t)
			e := newEnv(t, blobs)
			ctx := context.Background()
			nos := e.verifying(t, 1)
			before := e.Counts(t)
			if _, _, err := tt.fails(e, blobs).Notice(ctx, cases.GlobalScope, casetest.Office, notice(nos), false); err == nil {
				t.Fatal("the failing issue succeeded")
			}
			if after := e.Counts(t); after["document_numbers"] != before["document_numbers"] || after["documents"] != before["documents"] {
				t.Fatalf("a failed issue wrote: %v → %v", before, after)
			}
			out, _, err := e.Docs.Notice(ctx, cases.GlobalScope, casetest.Office, notice(nos), false)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := out.Document.Number, "云编督〔"+strconv.Itoa(out.Document.Year)+"〕1号"; got != want {
				t.Fatalf("got %s, want %s", got, want)
			}
			if v, err := e.Docs.VoidNumbers(ctx); err != nil || len(v) != 0 {
				t.Fatalf("void numbers: %v %v", v, err)
			}
		})
	}
}

// TestConcurrentIssuersShareOneSeries: two servers on one database issue
// at once; the numbers are 1…n, none twice, none missing.
func TestConcurrentIssuersShareOneSeries(t *testing.T) {
	blobs := local(t)
	e := newEnv(t, blobs)
	ctx := context.Background()
	const n = 12
	nos := e.verifying(t, n)
	other := casetest.Open(t, e.Config)
	casetest.Eventually(t, 10*time.Second, "the second server sees the cases", func() bool {
		c, err := other.Case(ctx, cases.GlobalScope, nos[n-1])
		return err == nil && c.State == cases.StateVerifying
	})
	servers := []*documents.Service{e.Docs, e.withService(other, blobs, templates.EmbeddedFonts())}
	var wg sync.WaitGroup
	seqs := make(chan int, n)
	for i, no := range nos {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out, _, err := servers[i%2].Notice(ctx, cases.GlobalScope, casetest.Office, notice([]string{no}), false)
			if err != nil {
				t.Error(err)
				return
			}
			seqs <- out.Document.Seq
		}()
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
	for s := 1; s <= n; s++ {
		if !seen[s] {
			t.Errorf("number %d missing: %v", s, seen)
		}
	}
	if v, err := e.Docs.VoidNumbers(ctx); err != nil || len(v) != 0 {
		t.Fatalf("void numbers: %v %v", v, err)
	}
	// Drafts that lost their number to the other server are left, listed.
	drafts, err := e.Docs.Unreferenced(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d drafts superseded by the other server's claim", len(drafts))
}

// TestClaimWithoutRecordIsVoid: a stop between claiming a number and
// recording the document leaves the number void; it is listed, and the
// next document takes the next number.
func TestClaimWithoutRecordIsVoid(t *testing.T) {
	e := newEnv(t, local(t))
	ctx := context.Background()
	year := time.Now().In(time.FixedZone("CST", 8*3600)).Year()
	at := cases.TruncateTime(time.Now())
	id := documents.ID(documents.KindNotice, year, 1)
	key := documents.ObjectKey(id, year, "0123456789ab")
	if err := e.DB.ClaimNumber(ctx, documents.Claim{Kind: documents.KindNotice, Year: year, Seq: 1, ID: id, ObjectKey: key, At: at}); err != nil {
		t.Fatal(err)
	}
	got, err := e.Docs.VoidNumbers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := documents.Void{Kind: documents.KindNotice, Year: year, Seq: 1, Number: fmt.Sprintf("云编督〔%d〕1号", year), ClaimedAt: at.UTC(), ObjectKey: key}
	if len(got) != 1 || got[0] != want {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	out, _, err := e.Docs.Notice(ctx, cases.GlobalScope, casetest.Office, notice(e.verifying(t, 1)), false)
	if err != nil || out.Document.Seq != 2 {
		t.Fatalf("next notice: %v %+v", err, out.Document)
	}
	if got, _ := e.Docs.VoidNumbers(ctx); len(got) != 1 {
		t.Fatalf("void numbers after the next notice: %+v", got)
	}
}
