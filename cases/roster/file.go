package roster

import (
	"encoding/csv"
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"
)

// MakeID returns a valid ID number (check character computed) of the
// region code (6 digits), birth date (YYYY-MM-DD) and sequence (3 digits;
// odd for a man): for the roster template's example, demo data and tests.
func MakeID(region, birth string, seq int) string {
	body := region + birth[:4] + birth[5:7] + birth[8:10]
	s := strconv.Itoa(1000 + seq%1000)[1:]
	body += s
	sum := 0
	w := [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	for i := 0; i < 17; i++ {
		sum += int(body[i]-'0') * w[i]
	}
	return body + string("10X98765432"[sum%11])
}

// WriteCSV writes rows under the template's header as UTF-8 CSV.
func WriteCSV(w io.Writer, rows [][]string) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(Header()); err != nil {
		return err
	}
	if err := cw.WriteAll(rows); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// WriteXLSX writes rows under the template's header as an XLSX workbook,
// streaming (a 100,000-row roster is written without holding its cells).
func WriteXLSX(w io.Writer, rows [][]string) error {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return err
	}
	cells := make([]any, len(columns))
	for i, h := range Header() {
		cells[i] = h
	}
	if err := sw.SetRow("A1", cells); err != nil {
		return err
	}
	for r, row := range rows {
		cells := make([]any, len(row))
		for i, c := range row {
			cells[i] = c
		}
		axis, _ := excelize.CoordinatesToCellName(1, r+2)
		if err := sw.SetRow(axis, cells); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.Write(w)
}

// Row is one roster row in the template's column order, for WriteCSV and
// WriteXLSX.
func Row(unit, name, id, typ, post string, leader bool, status Status, entered, left, host, until string) []string {
	l := "否"
	if leader {
		l = "是"
	}
	return []string{unit, name, id, "", "", typ, post, l, string(status), entered, left, host, until}
}
