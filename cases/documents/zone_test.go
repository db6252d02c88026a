package documents_test

import (
	"strings"
	"testing"
	"time"

	"rectify/cases"
	"rectify/cases/documents"
)

// A feedback letter (and the referral batch page) says when a case was
// closed: at 00:30 on 1 March in Beijing it was 1 March, in the office's
// configured zone, not UTC's 28 February (issue 21).
func TestOutcomeClosedOnTheOfficesDay(t *testing.T) {
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	c := cases.Case{State: cases.StateClosed, ClosedAt: time.Date(2026, 2, 28, 16, 30, 0, 0, time.UTC)}
	for _, tt := range []struct {
		name string
		loc  *time.Location
		want string
	}{
		{"Shanghai", shanghai, "已于2026年3月1日销号"},
		{"UTC", time.UTC, "已于2026年2月28日销号"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := documents.Outcome(c, tt.loc); !strings.Contains(got, tt.want) {
				t.Fatalf("outcome %q, want it to say %s", got, tt.want)
			}
		})
	}
}
