package templates

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"rectify/templates/pdftest"
)

// TestDateCNInChinaTime: documents are dated in Beijing time, whatever the
// zone of the time given.
func TestDateCNInChinaTime(t *testing.T) {
	for _, tc := range []struct {
		in   time.Time
		want string
	}{
		{time.Date(2026, 11, 23, 16, 30, 0, 0, time.UTC), "2026年11月24日"}, // 00:30 in Beijing
		{time.Date(2026, 11, 23, 15, 59, 0, 0, time.UTC), "2026年11月23日"},
		{time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), "2026年1月1日"},
		{time.Date(2026, 12, 31, 23, 0, 0, 0, time.FixedZone("CST", 8*3600)), "2026年12月31日"},
	} {
		if got := DateCN(tc.in); got != tc.want {
			t.Errorf("DateCN(%v) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

// TestDateInTheOfficesZone: a document's date is read in the zone the
// office configured; 00:30 on 1 March in Beijing is 28 February in UTC.
func TestDateInTheOfficesZone(t *testing.T) {
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 2, 28, 16, 30, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		loc  *time.Location
		want string
	}{
		{"Shanghai", shanghai, "2026年3月1日"},
		{"DefaultChina", nil, "2026年3月1日"},
		{"UTC", time.UTC, "2026年2月28日"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := DateIn(at, tc.loc); got != tc.want {
				t.Errorf("DateIn = %s, want %s", got, tc.want)
			}
		})
	}
}

// TestBriefingDatedInTheLetterheadsZone: a briefing PDF (as every
// official document) is dated in the issuing office's zone, Letterhead.Zone,
// and a settled case's closing date is printed as given (issue 21).
func TestBriefingDatedInTheLetterheadsZone(t *testing.T) {
	at := time.Date(2026, 2, 28, 16, 30, 0, 0, time.UTC) // 00:30 on 1 March in Beijing
	for _, tc := range []struct {
		name string
		zone *time.Location
		want string
	}{
		{"DefaultChina", nil, "2026年3月1日"},
		{"UTC", time.UTC, "2026年2月28日"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := sampleBriefing()
			b.Letterhead.Zone, b.Date = tc.zone, at
			var buf bytes.Buffer
			if err := RenderOfficial(&buf, b.Official(), EmbeddedFonts(), fixed0); err != nil {
				t.Fatal(err)
			}
			text := strings.Join(strings.Fields(pdftest.Text(t, buf.Bytes())), "")
			if !strings.Contains(text, tc.want) {
				t.Errorf("briefing not dated %s", tc.want)
			}
		})
	}
}
