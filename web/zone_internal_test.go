package web

import (
	"strings"
	"testing"
	"time"

	"rectify/cases"
)

// 00:30 on 1 March in Beijing is 16:30 UTC on 28 February: the pages (the
// date and datetime template functions, which the ledger, case, notice and
// access-log pages use) and the exports (CSV and XLSX cells) show the
// office's day, in the zone the server was given (issue 21).
func TestDatesShownInTheOfficesZone(t *testing.T) {
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 2, 28, 16, 30, 0, 0, time.UTC)
	for _, tt := range []struct {
		name             string
		loc              *time.Location
		date, time, cell string
	}{
		{"Shanghai", shanghai, "2026-03-01", "2026-03-01 00:30", "2026-03-01"},
		{"UTC", time.UTC, "2026-02-28", "2026-02-28 16:30", "2026-02-28"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			pages := mustParsePages(tt.loc)
			fm := zoneFuncs(tt.loc)
			if got := fm["date"].(func(time.Time) string)(at); got != tt.date {
				t.Errorf("date = %s, want %s", got, tt.date)
			}
			if got := fm["datetime"].(func(time.Time) string)(at); got != tt.time {
				t.Errorf("datetime = %s, want %s", got, tt.time)
			}
			// The parsed pages use the zone they were parsed with.
			var b strings.Builder
			tpl, err := pages["error.html"].t.Clone()
			if err != nil {
				t.Fatal(err)
			}
			if _, err := tpl.New("probe").Parse(`{{date .}} {{datetime .}}`); err != nil {
				t.Fatal(err)
			}
			if err := tpl.ExecuteTemplate(&b, "probe", at); err != nil {
				t.Fatal(err)
			}
			if want := tt.date + " " + tt.time; b.String() != want {
				t.Errorf("page shows %q, want %q", b.String(), want)
			}
			// Export cells: the ledger's CSV and XLSX.
			if got := cellText(dayOf(at, tt.loc)); got != tt.cell {
				t.Errorf("export cell = %s, want %s", got, tt.cell)
			}
			row := exportRow(1, ledgerRow{caseView: caseView{Case: cases.Case{CreatedAt: at, ClosedAt: at}}}, tt.loc)
			if got := cellText(row[2]); got != tt.cell {
				t.Errorf("export row created = %s, want %s", got, tt.cell)
			}
		})
	}
}
