package templates

import (
	"testing"
	"time"
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
