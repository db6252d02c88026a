package calendar

import "testing"

func TestAddWorkingDays(t *testing.T) {
	c, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		from string
		n    int
		want string
	}{
		{"OK_FridayPlusOne", "2026-11-20", 1, "2026-11-23"},
		{"OK_PlainWeek", "2026-11-23", 5, "2026-11-30"},
		{"OK_Zero", "2026-11-22", 0, "2026-11-22"},
		// National Day 2026: Oct 1-7 off, Sep 20 and Oct 10 (Sat) worked.
		{"OK_OverNationalDay", "2026-09-30", 1, "2026-10-08"},
		{"OK_MakeUpSaturday", "2026-10-09", 1, "2026-10-10"},
		{"OK_MakeUpSunday", "2026-09-18", 1, "2026-09-20"},
		// Spring Festival 2026: Feb 15-23 off, Feb 14 and Feb 28 (Sat) worked.
		{"OK_SpringFestival", "2026-02-13", 2, "2026-02-24"},
		{"OK_15DaysOverSpring", "2026-02-02", 15, "2026-02-28"},
		{"OK_2025NationalDay", "2025-09-30", 1, "2025-10-09"},
		{"OK_AcrossYearOntoMakeUpSunday", "2025-12-31", 1, "2026-01-04"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := c.AddWorkingDays(tt.from, tt.n)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("AddWorkingDays(%s, %d) = %s, want %s", tt.from, tt.n, got, tt.want)
			}
		})
	}
	t.Run("ErrOutsideCalendar", func(t *testing.T) {
		if _, err := c.AddWorkingDays("2027-12-30", 5); err == nil {
			t.Error("want error past the calendar's last year")
		}
	})
	t.Run("ErrBadDate", func(t *testing.T) {
		if _, err := c.AddWorkingDays("2026-13-01", 1); err == nil {
			t.Error("want error for a bad date")
		}
	})
}

func TestWorkingDaysBetween(t *testing.T) {
	c, _ := Builtin()
	got, err := c.WorkingDaysBetween("2026-09-30", "2026-10-10")
	if err != nil {
		t.Fatal(err)
	}
	if got != 3 { // Oct 8, 9, 10
		t.Errorf("got %d, want 3", got)
	}
}

func TestParseRejects(t *testing.T) {
	tests := []struct{ name, data string }{
		{"ErrWorkdayNotWeekend", `{"years":{"2026":{"status":"official","holidays":[],"workdays":["2026-11-23"]}}}`},
		{"ErrWrongYear", `{"years":{"2026":{"status":"official","holidays":["2025-01-01"],"workdays":[]}}}`},
		{"ErrDuplicate", `{"years":{"2026":{"status":"official","holidays":["2026-01-01","2026-01-01"],"workdays":[]}}}`},
		{"ErrBothLists", `{"years":{"2026":{"status":"official","holidays":["2026-01-04"],"workdays":["2026-01-04"]}}}`},
		{"ErrStatus", `{"years":{"2026":{"status":"maybe","holidays":[],"workdays":[]}}}`},
		{"ErrGap", `{"years":{"2025":{"status":"official"},"2027":{"status":"official"}}}`},
		{"ErrEmpty", `{"years":{}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Parse([]byte(tt.data)); err == nil {
				t.Error("want error")
			}
		})
	}
}
