package unitfile_test

import (
	"bytes"
	"testing"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"rectify/cases"
	"rectify/cases/unitfile"
)

func xlsxOf(f *testing.F, rows [][]string) []byte {
	x := excelize.NewFile()
	for i, r := range rows {
		for j, v := range r {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
			x.SetCellValue("Sheet1", cell, v)
		}
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		f.Fatal(err)
	}
	return buf.Bytes()
}

// FuzzParse feeds any bytes to the unit-file reader, as an upload would:
// CSV in UTF-8 or GB18030, or XLSX. A file is either refused with an error
// a person can act on (a domain error, short) or yields units that pass
// their own validation, with no cell over the cap.
func FuzzParse(f *testing.F) {
	header := unitfile.Headers()
	good := []string{"QH001", "清河县教育局", "政府机关", "江南省", "云州市", "清河县", "20", "19"}
	for len(good) < len(header) {
		good = append(good, "")
	}
	csv := []byte(joinCSV(header) + "\n" + joinCSV(good) + "\n")
	f.Add(csv)
	f.Add(append([]byte{0xEF, 0xBB, 0xBF}, csv...))
	f.Add([]byte(joinCSV(header) + "\n\"=cmd|' /C calc'!A0\",\"a\"\"b\",\n"))
	f.Add(xlsxOf(f, [][]string{header, good}))
	f.Add(xlsxOf(f, [][]string{header, {"QH001", "名\u202E称", "政府机关"}}))
	f.Add([]byte("PK\x03\x04 not really a zip"))
	f.Fuzz(func(t *testing.T, data []byte) {
		units, err := unitfile.Parse(data)
		if err != nil {
			e, ok := cases.AsError(err)
			if !ok || e.Code != cases.EINVALID || e.Message == "" || utf8.RuneCountInString(e.Message) > 300 {
				t.Fatalf("refusal is not a short domain error: %v", err)
			}
			return
		}
		if len(units) > unitfile.MaxRows {
			t.Fatalf("%d units, more than %d", len(units), unitfile.MaxRows)
		}
		for _, u := range units {
			if err := u.Validate(); err != nil {
				t.Fatalf("accepted a unit that does not validate: %+v: %v", u, err)
			}
			if len(u.Name) > unitfile.MaxCell || len(u.Code) > unitfile.MaxCell {
				t.Fatalf("a cell over the cap was accepted")
			}
		}
	})
}

func joinCSV(fields []string) string {
	var b bytes.Buffer
	for i, f := range fields {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(f)
	}
	return b.String()
}
