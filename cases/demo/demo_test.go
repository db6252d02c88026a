package demo_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"rectify/cases"
	"rectify/cases/access"
	"rectify/cases/calendar"
	"rectify/cases/casetest"
	"rectify/cases/demo"
	"rectify/cases/documents"
	"rectify/storage/blob/localblob"
	"rectify/storage/mongotest"
	"rectify/templates"
)

// newDocs is a documents service over env's ledger, storing into a
// directory, as serve --demo has.
func newDocs(t *testing.T, env *casetest.Env) *documents.Service {
	t.Helper()
	blobs, err := localblob.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	cal, err := calendar.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	return documents.NewService(documents.Config{Cases: env.Service, Store: env.DB, Blobs: blobs, Calendar: cal, Catalog: env.Catalog,
		Fonts: templates.EmbeddedFonts(), Letterhead: templates.Letterhead{Office: "中共云州市委机构编制委员会办公室"}, VerifyBase: "/verify/"})
}

// TestLoadDemoIsCompleteAndIdempotent loads the demo as serve --demo does:
// every state, source and light is there; every case ordered to rectify
// was ordered by a notice issued, stored and recorded as the office
// issues one, dated when the order was given; and a second load changes
// nothing.
func TestLoadDemoIsCompleteAndIdempotent(t *testing.T) {
	env := casetest.New(t, nil)
	ctx := context.Background()
	docs := newDocs(t, env)
	sum, err := demo.Load(ctx, env.Service, docs, demo.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	if sum.Units < 35 || sum.Registered < 180 || sum.Steps < 400 {
		t.Fatalf("demo too small: %+v", sum)
	}
	// A second process sees the same ledger.
	svc := casetest.Open(t, env.Config)
	counts, err := svc.CountByState(ctx, cases.CaseFilter{Scope: cases.GlobalScope})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range cases.States {
		if counts[s] == 0 {
			t.Errorf("no demo case in state %s", s)
		}
	}
	// The units page flags 超编 and 超职数: the demo shows both.
	us, _, err := svc.Units(ctx, cases.UnitFilter{Scope: cases.GlobalScope, PerPage: cases.MaxPerPage})
	if err != nil {
		t.Fatal(err)
	}
	var overEst, overQuota int
	for _, u := range us {
		if u.OverEstablished() {
			overEst++
		}
		if u.OverQuota() {
			overQuota++
		}
	}
	if overEst == 0 || overQuota == 0 {
		t.Errorf("demo units over establishment %d, over leader posts %d; want some of each", overEst, overQuota)
	}
	sources := map[string]bool{}
	cs, _, _ := svc.Cases(ctx, cases.CaseFilter{Scope: cases.GlobalScope, PerPage: cases.MaxPerPage})
	for _, c := range cs {
		sources[c.Source] = true
	}
	if len(sources) != 6 {
		t.Errorf("demo covers sources %v, want all 6", sources)
	}
	// No source reference looks like a number the product itself issues.
	for _, c := range cs {
		for _, prefix := range documents.DefaultPrefixes {
			if strings.HasPrefix(c.SourceRef, prefix+"〔") {
				t.Errorf("demo case %s refers to %s, a number of the product's own %s series", c.No, c.SourceRef, prefix)
			}
		}
	}
	if _, red, _ := svc.Cases(ctx, cases.CaseFilter{Scope: cases.GlobalScope, Light: cases.LightRed}); red == 0 {
		t.Error("no overdue demo cases")
	}
	ordered := 0
	for _, c := range cs {
		evs, err := svc.Events(ctx, cases.GlobalScope, c.No)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range evs {
			if e.Action != cases.ActionOrderRectification {
				continue
			}
			ordered++
			id, ok := strings.CutPrefix(e.Input.Document, cases.DocumentRef)
			if !ok {
				t.Errorf("demo case %s (%s) was ordered to rectify at step %d without a notice", c.No, c.State, e.Seq)
				continue
			}
			d, err := docs.Document(ctx, cases.GlobalScope, id)
			if err != nil || d.Kind != documents.KindNotice || !slices.Contains(d.Cases, c.No) || !d.IssuedAt.Equal(e.At) {
				t.Errorf("demo case %s: notice %s is %+v, %v; want a notice of the case issued at %s", c.No, id, d, err, e.At)
				continue
			}
			if _, _, err := docs.Download(ctx, cases.GlobalScope, id); err != nil {
				t.Errorf("demo case %s: notice %s: %v", c.No, d.Number, err)
			}
		}
	}
	if ordered < 100 {
		t.Errorf("only %d demo orders to rectify", ordered)
	}
	if orphans, err := docs.Unreferenced(ctx); err != nil || len(orphans) > 0 {
		t.Errorf("stored objects no record points to: %v %v", orphans, err)
	}
	rep, err := svc.Verify(ctx, cases.VerifyOptions{})
	if err != nil || !rep.OK() || len(rep.Warnings) > 0 {
		t.Fatalf("verify demo: %+v %v", rep, err)
	}
	before := env.Counts(t)
	again, err := demo.Load(ctx, env.Service, docs, demo.Builtin())
	if err != nil || again.Registered != 0 || again.Steps != 0 {
		t.Fatalf("second load: %+v %v", again, err)
	}
	if after := env.Counts(t); after["events"] != before["events"] || after["units"] != before["units"] {
		t.Fatalf("second load wrote: %v → %v", before, after)
	}
}

// The demo password is printed on start: the demo accounts have it, and
// nobody can choose it for their own account or a new one.
func TestDemoPasswordIsRefusedForOtherAccounts(t *testing.T) {
	ctx := context.Background()
	db := mongotest.Open(t)
	svc := access.NewService(db, access.Config{})
	if n, err := demo.LoadUsers(ctx, svc); err != nil || n != len(demo.Users) {
		t.Fatalf("demo accounts: %d, %v", n, err)
	}
	u := access.User{ID: "wu.gang", Name: "吴刚", Roles: []cases.Role{cases.RoleOffice}, Region: []string{"江南省"}}
	if err := svc.CreateUser(ctx, u, demo.Password); cases.ErrorCode(err) != cases.EINVALID {
		t.Fatalf("a new account with the demo password: %v", err)
	}
	if err := svc.SetPassword(ctx, "li.ming", demo.Password); cases.ErrorCode(err) != cases.EINVALID {
		t.Fatalf("the demo password set again: %v", err)
	}
	if err := svc.CreatePublishedUser(ctx, u, "Not#published-2026"); cases.ErrorCode(err) != cases.EINVALID {
		t.Fatalf("an unpublished password through the demo's door: %v", err)
	}
}
