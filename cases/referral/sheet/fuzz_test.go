package sheet_test

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"rectify/cases"
	"rectify/cases/referral"
	"rectify/cases/referral/sheet"
)

// cellRE is the field of an error put on a cell of the upload.
var cellRE = regexp.MustCompile(`^row ([1-9][0-9]*) ([A-Z]+)$`)

// checkReadError holds what Read promises of a refusal: an EINVALID error
// with a message in Chinese, on the file or on one of its cells.
func checkReadError(t *testing.T, err error) {
	t.Helper()
	var e *cases.Error
	if !errors.As(err, &e) || e.Code != cases.EINVALID {
		t.Fatalf("Read refused with %v, want an EINVALID error", err)
	}
	fields := e.Fields
	if len(fields) == 0 {
		fields = []cases.FieldError{{Field: e.Field, Message: e.Message}}
	}
	for _, f := range fields {
		if f.Field != "file" && !cellRE.MatchString(f.Field) {
			t.Fatalf("error on field %q, want file or a cell", f.Field)
		}
		if !strings.ContainsFunc(f.Message, func(r rune) bool { return r >= 0x4e00 && r <= 0x9fff }) {
			t.Fatalf("message %q is not in Chinese", f.Message)
		}
	}
}

// checkRead holds what Read promises of an accepted file: one row number
// per item, rising from row 2, never more than MaxRows, no empty item.
func checkRead(t *testing.T, items []referral.Item, rows []int) {
	t.Helper()
	if len(items) == 0 || len(items) != len(rows) || len(items) > sheet.MaxRows {
		t.Fatalf("%d items on %d rows", len(items), len(rows))
	}
	for i, it := range items {
		if rows[i] < 2 || (i > 0 && rows[i] <= rows[i-1]) {
			t.Fatalf("rows %v: not rising from 2", rows)
		}
		if it.UnitCode+it.Kind+it.Title+it.Facts == "" {
			t.Fatalf("row %d read as an empty item", rows[i])
		}
	}
}

// FuzzRead feeds Read any bytes as an upload: a refusal is always an
// EINVALID error on the file or a cell, never a panic.
func FuzzRead(f *testing.F) {
	var tmpl bytes.Buffer
	if err := sheet.Template(&tmpl, []sheet.Code{{"QH001", "清河县教育局"}}, []sheet.Code{{"V01", "超编进人"}}); err != nil {
		f.Fatal(err)
	}
	f.Add(tmpl.Bytes())
	f.Add(filled(f, [][]string{{"QH001", "V01", "超编进人", "事实"}, {"", "", "", ""}, {"QH002 某单位", "V02", "", "", "多余"}}))
	f.Add([]byte("PK\x03\x04"))
	f.Add([]byte("单位代码,问题类型代码\nQH001,V01\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		items, rows, err := sheet.Read(bytes.NewReader(raw))
		if err != nil {
			checkReadError(t, err)
			return
		}
		checkRead(t, items, rows)
	})
}

// FuzzReadCells writes any text into the cells of a template's rows, reads
// it back and puts the batch's item errors on cells as the upload does:
// what was typed comes back trimmed, and every item error lands on a cell
// of a row that was read (row N, column A to D).
func FuzzReadCells(f *testing.F) {
	f.Add("QH001", "V01", "超编进人", "经巡察发现……", "", uint8(0))
	f.Add(" QH001 清河县教育局", "V01\t超编进人", "", "", "溢出", uint8(3))
	f.Add("", "", "", "", "", uint8(1))
	f.Add("=SUM(A1)", "'0012", "<b>标题</b>", "\x00\x01", "", uint8(200))
	f.Fuzz(func(t *testing.T, unit, kind, title, facts, extra string, skip uint8) {
		row := []string{unit, kind, title, facts}
		if extra != "" {
			row = append(row, extra)
		}
		// skip puts empty rows before the typed one; excelize refuses
		// text it cannot store (invalid UTF-8, over 32,767 characters):
		// such a file cannot be made, so there is nothing to read.
		// Invalid UTF-8 is no text a spreadsheet holds (excelize writes
		// it, and it reads back as U+FFFD).
		for _, v := range row {
			if !utf8.ValidString(v) {
				return
			}
		}
		raw, err := write(int(skip)%50, row)
		if err != nil {
			return
		}
		items, rows, err := sheet.Read(bytes.NewReader(raw))
		// A cell holding a character no ledger text may hold (a control
		// character, or U+FFFD that the file's XML put in its place) is
		// refused on its own row and column, never read back altered.
		if badCell := firstBadCell(row); badCell >= 0 {
			var e *cases.Error
			want := fmt.Sprintf("row %d %c", 2+int(skip)%50, 'A'+badCell)
			if !errors.As(err, &e) || !hasField(e, want) {
				t.Fatalf("a bad character in column %c read as %v, want an error on %s", 'A'+badCell, err, want)
			}
			checkReadError(t, err)
			return
		}
		if err != nil {
			checkReadError(t, err)
			return
		}
		checkRead(t, items, rows)
		if len(items) != 1 || rows[0] != 2+int(skip)%50 {
			t.Fatalf("%d items on rows %v, want one on row %d", len(items), rows, 2+int(skip)%50)
		}
		if got := items[0].Title; got != strings.TrimSpace(title) {
			t.Fatalf("title %q read back as %q", title, got)
		}
		var fe cases.FieldErrors
		for _, field := range []string{"unit_code", "violation_kind", "title", "facts"} {
			fe.Add(cases.Invalid(referral.ItemField(0, field), "不正确"))
		}
		located := sheet.Locate(fe.Err(), rows)
		var e *cases.Error
		if !errors.As(located, &e) || len(e.Fields) != 4 || e.Row != rows[0] {
			t.Fatalf("Locate gave %v", located)
		}
		for i, fl := range e.Fields {
			want := fmt.Sprintf("row %d %c", rows[0], 'A'+i)
			if fl.Field != want {
				t.Fatalf("field %q, want %q", fl.Field, want)
			}
		}
	})
}

// firstBadCell is the index of the first of the row's first four cells that
// holds a character the reader must refuse after trimming (as Read reads
// it, excelize's XML escaping included), or -1.
func firstBadCell(row []string) int {
	for i, v := range row {
		if i >= 4 {
			break
		}
		if _, bad := cases.FirstBadRune(strings.TrimSpace(v), i != 3); bad {
			return i
		}
	}
	return -1
}

// hasField reports whether e names field, alone or among its fields.
func hasField(e *cases.Error, field string) bool {
	if e.Field == field {
		return true
	}
	for _, f := range e.Fields {
		if f.Field == field {
			return true
		}
	}
	return false
}

// write returns the template with row written skip rows below the header.
func write(skip int, row []string) ([]byte, error) {
	var buf bytes.Buffer
	if err := sheet.Template(&buf, nil, nil); err != nil {
		return nil, err
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	for j, v := range row {
		cell, _ := excelize.CoordinatesToCellName(j+1, skip+2)
		if err := f.SetCellStr(sheet.ItemsSheet, cell, v); err != nil {
			return nil, err
		}
	}
	var out bytes.Buffer
	if err := f.Write(&out); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}
