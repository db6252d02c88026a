package web_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"rectify/cases"
	"rectify/cases/casetest"
)

// A case whose text looks like formulas is exported as text: in the CSV
// with a leading apostrophe, in the XLSX as string cells in the text
// format, without a formula.
func TestExportsNeutraliseFormulas(t *testing.T) {
	e := newEnv(t)
	reg := casetest.Registration("QH001")
	reg.Title, reg.Facts, reg.SourceRef = "=1+2", "+cmd|' /C calc'!A0", "@SUM(A1:A9)"
	if _, _, err := e.Service.Register(context.Background(), cases.GlobalScope, casetest.Office, reg, ""); err != nil {
		t.Fatal(err)
	}
	r := e.req("GET", "/ledger/export?format=csv", "li.ming", "", nil)
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.Raw, "\ufeff"))).ReadAll()
	if err != nil || len(recs) != 2 {
		t.Fatalf("csv: %v %q", err, r.Raw)
	}
	row := strings.Join(recs[1], "|")
	for _, want := range []string{"'=1+2", "'+cmd|' /C calc'!A0", "'@SUM(A1:A9)"} {
		if !strings.Contains(row, want) {
			t.Errorf("csv row lacks %q: %q", want, row)
		}
	}
	r = e.req("GET", "/ledger/export?format=xlsx", "li.ming", "", nil)
	x, err := excelize.OpenReader(bytes.NewReader([]byte(r.Raw)))
	if err != nil {
		t.Fatal(err)
	}
	sheet := "问题整改台账"
	rows, _ := x.GetRows(sheet)
	if len(rows) != 2 || rows[1][8] != "=1+2" || rows[1][9] != "+cmd|' /C calc'!A0" {
		t.Fatalf("xlsx rows %q", rows)
	}
	for _, cell := range []string{"E2", "I2", "J2"} {
		if f, _ := x.GetCellFormula(sheet, cell); f != "" {
			t.Errorf("%s holds the formula %q", cell, f)
		}
		if typ, _ := x.GetCellType(sheet, cell); typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString {
			t.Errorf("%s is of type %v, want a string", cell, typ)
		}
		id, _ := x.GetCellStyle(sheet, cell)
		if st, err := x.GetStyle(id); err != nil || st.NumFmt != 49 {
			t.Errorf("%s: number format %v, want text (%d)", cell, st, 49)
		}
	}
}
