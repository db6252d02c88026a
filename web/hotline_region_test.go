package web_test

import (
	"context"
	"testing"
	"time"

	"rectify/cases"
	"rectify/cases/hotline"
)

// TestFreeTextReportRegion: a report about an unknown unit belongs to the
// region of the operator who took it — hotline users of other regions do
// not see it, those of an enclosing or enclosed region do — and it is
// compared for twins with the recent cases of that region, not only with
// reports.
func TestFreeTextReportRegion(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	no := e.register("QH001", cases.LevelInternal) // 核定行政编制20名，实有22人，仍新进人员2名。
	qinghe := cases.Scope{Region: "江南省/云州市/清河县"}
	in := hotline.Intake{Channel: hotline.ChannelPhone, ReceivedAt: time.Now().Add(-time.Hour), UnitText: "县里某个局",
		Allegation: "某局核定行政编制20名，实有22人，今年仍新进人员2名，超编进人。"}
	sub, err := e.Hotline.Submit(ctx, qinghe, "sun.li", in, nil)
	if err != nil {
		t.Fatal(err)
	}
	if sub.Report.Region != qinghe.Region {
		t.Fatalf("region %q, want the operator's %q", sub.Report.Region, qinghe.Region)
	}
	for _, tc := range []struct {
		name  string
		scope cases.Scope
		see   bool
	}{
		{"OKSameRegion", qinghe, true},
		{"OKEnclosingRegion", cases.Scope{Region: "江南省/云州市"}, true},
		{"HiddenFromOtherCounty", cases.Scope{Region: "江南省/云州市/安平县"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.Hotline.Report(ctx, tc.scope, sub.Report.ID)
			if got := err == nil; got != tc.see {
				t.Fatalf("seen %v, want %v (%v)", got, tc.see, err)
			}
			rs, _, err := e.Hotline.List(ctx, hotline.Filter{Scope: tc.scope})
			if err != nil {
				t.Fatal(err)
			}
			listed := false
			for _, r := range rs {
				listed = listed || r.ID == sub.Report.ID
			}
			if listed != tc.see {
				t.Fatalf("listed %v, want %v", listed, tc.see)
			}
		})
	}
	t.Run("PublicReportSeenByEveryone", func(t *testing.T) {
		pub := in
		pub.Channel = hotline.ChannelWeb
		s, err := e.Hotline.Submit(ctx, cases.GlobalScope, hotline.Public, pub, nil)
		if err != nil || s.Report.Region != "" {
			t.Fatalf("public report: region %q, %v", s.Report.Region, err)
		}
		if _, err := e.Hotline.Report(ctx, cases.Scope{Region: "江南省/云州市/安平县"}, s.Report.ID); err != nil {
			t.Fatalf("a public report about an unknown unit is hidden: %v", err)
		}
	})
	t.Run("TwinsIncludeCases", func(t *testing.T) {
		r, err := e.Hotline.Report(ctx, qinghe, sub.Report.ID)
		if err != nil {
			t.Fatal(err)
		}
		tw, err := e.Hotline.Twins(ctx, qinghe, r)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, x := range tw {
			found = found || x.CaseNo == no
		}
		if !found {
			t.Fatalf("twins %+v do not include case %s", tw, no)
		}
	})
}
