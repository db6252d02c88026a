package sheet_test

import (
	"bytes"
	"runtime"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"rectify/cases"
	"rectify/cases/referral/sheet"
)

// filled returns the template with rows written from row 2 (the example
// row overwritten or cleared).
func filled(t testing.TB, rows [][]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := sheet.Template(&buf, []sheet.Code{{"QH001", "清河县教育局"}}, []sheet.Code{{"V01", "超编进人"}}); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{"A2", "B2", "C2", "D2"} {
		_ = f.SetCellStr(sheet.ItemsSheet, c, "")
	}
	for i, r := range rows {
		for j, v := range r {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+2)
			if err := f.SetCellStr(sheet.ItemsSheet, cell, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	var out bytes.Buffer
	if err := f.Write(&out); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func TestTemplate(t *testing.T) {
	var buf bytes.Buffer
	if err := sheet.Template(&buf, []sheet.Code{{"QH001", "清河县教育局"}, {"QH002", "清河县卫健局"}}, []sheet.Code{{"V01", "超编进人"}}); err != nil {
		t.Fatal(err)
	}
	raw := buf.Bytes()
	f, err := excelize.OpenReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if got := f.GetSheetList(); strings.Join(got, ",") != "问题清单,代码表,填表说明" {
		t.Fatalf("sheets %v", got)
	}
	dvs, err := f.GetDataValidations(sheet.ItemsSheet)
	if err != nil || len(dvs) != 2 {
		t.Fatalf("drop-downs %d, %v", len(dvs), err)
	}
	if v, _ := f.GetCellValue(sheet.CodesSheet, "A3"); v != "QH002" {
		t.Fatalf("codes A3 = %q", v)
	}
	// The template as downloaded reads back as its example row.
	items, rows, err := sheet.Read(bytes.NewReader(raw))
	if err != nil || len(items) != 1 || rows[0] != 2 || items[0].UnitCode != "QH001" || items[0].Kind != "V01" {
		t.Fatalf("items %+v rows %v err %v", items, rows, err)
	}
}

func TestRead(t *testing.T) {
	tests := []struct {
		name   string
		rows   [][]string
		n      int
		fields []string
	}{
		{"OK", [][]string{{"QH001", "V01", "超编进人", "事实"}, {}, {"QH001 清河县教育局", "V02 混岗", "混岗", "事实"}}, 2, nil},
		{"ErrExtraColumn", [][]string{{"QH001", "V01", "超编进人", "事实", "多余"}}, 0, []string{"row 2 E"}},
		{"ErrEmpty", nil, 0, []string{"file"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items, rows, err := sheet.Read(bytes.NewReader(filled(t, tt.rows)))
			if len(items) != tt.n {
				t.Fatalf("items %d, want %d", len(items), tt.n)
			}
			if tt.n == 2 && (rows[1] != 4 || items[1].UnitCode != "QH001" || items[1].Kind != "V02") {
				t.Fatalf("rows %v items %+v", rows, items)
			}
			checkFields(t, err, tt.fields)
		})
	}
	t.Run("ErrNotXLSX", func(t *testing.T) {
		_, _, err := sheet.Read(strings.NewReader("单位代码,问题类型\n"))
		checkFields(t, err, []string{"file"})
	})
	t.Run("ErrHeader", func(t *testing.T) {
		f := excelize.NewFile()
		_ = f.SetSheetName("Sheet1", sheet.ItemsSheet)
		_ = f.SetCellStr(sheet.ItemsSheet, "A1", "单位")
		_ = f.SetCellStr(sheet.ItemsSheet, "A2", "QH001")
		var buf bytes.Buffer
		_ = f.Write(&buf)
		_, _, err := sheet.Read(&buf)
		checkFields(t, err, []string{"row 1 A", "row 1 B", "row 1 C", "row 1 D"})
	})
}

func TestLocate(t *testing.T) {
	err := cases.FieldErrors{
		{Field: "items[0].title", Message: "请填写问题标题"},
		{Field: "items[2].unit_code", Message: "没有代码为「XX」的单位"},
		{Field: "received", Message: "请填写收函日期"},
	}.Err()
	got := sheet.Locate(err, []int{2, 3, 7})
	e, _ := cases.AsError(got)
	checkFields(t, got, []string{"row 2 C", "row 7 A", "received"})
	if e.Fields[1].Message != "第7行A列（被监督单位代码）：没有代码为「XX」的单位" || e.Row != 2 {
		t.Fatalf("got %+v", e)
	}
}

func checkFields(t *testing.T, err error, want []string) {
	t.Helper()
	e, _ := cases.AsError(err)
	var got []string
	if e != nil {
		for _, f := range e.Fields {
			got = append(got, f.Field)
		}
		if len(e.Fields) == 0 {
			got = append(got, e.Field)
		}
	}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("fields %v, want %v (err %v)", got, want, err)
	}
}

// TestReadDeclaredSizeBounded: a file whose parts declare a huge unzipped
// size (a few bytes changed in the zip directory) is refused before
// anything of that size is allocated.
func TestReadDeclaredSizeBounded(t *testing.T) {
	raw := filled(t, [][]string{{"QH001", "V01", "超编进人", "事实"}})
	// Every central directory entry (PK\x01\x02) declares its uncompressed
	// size at offset 24: claim 2 GB each.
	n := 0
	for i := 0; i+28 <= len(raw); i++ {
		if string(raw[i:i+4]) == "PK\x01\x02" {
			copy(raw[i+24:i+28], []byte{0xff, 0xff, 0xff, 0x7f})
			n++
		}
	}
	if n == 0 {
		t.Fatal("no central directory entry found")
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, _, err := sheet.Read(bytes.NewReader(raw))
	runtime.ReadMemStats(&after)
	e, ok := cases.AsError(err)
	if !ok || e.Field != "file" || !strings.Contains(e.Message, "超过") {
		t.Fatalf("Read = %v, want a refusal naming the size", err)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 100<<20 {
		t.Fatalf("Read allocated %d MB for a refused file", alloc>>20)
	}
}
