package cases_test

import (
	"testing"
	"time"

	"rectify/cases"
)

// 00:30 on 1 March in Beijing is 16:30 UTC on 28 February: the office's
// day is 1 March whatever zone the time came in.
func TestDayIsTheOfficesDay(t *testing.T) {
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 2, 28, 16, 30, 0, 0, time.UTC)
	for _, tt := range []struct {
		name         string
		t            time.Time
		loc          *time.Location
		day, dayTime string
	}{
		{"ShanghaiFromUTC", at, shanghai, "2026-03-01", "2026-03-01 00:30"},
		{"ShanghaiFromShanghai", at.In(shanghai), shanghai, "2026-03-01", "2026-03-01 00:30"},
		{"NilIsUTC8", at, nil, "2026-03-01", "2026-03-01 00:30"},
		{"OtherZone", at, time.UTC, "2026-02-28", "2026-02-28 16:30"},
		{"Zero", time.Time{}, shanghai, "", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := cases.Day(tt.t, tt.loc); got != tt.day {
				t.Errorf("Day = %q, want %q", got, tt.day)
			}
			if got := cases.DayTime(tt.t, tt.loc); got != tt.dayTime {
				t.Errorf("DayTime = %q, want %q", got, tt.dayTime)
			}
		})
	}
}
