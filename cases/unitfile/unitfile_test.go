package unitfile

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"rectify/cases"
)

const header = "单位代码,单位名称,单位类别,省,市,县,行政编制核定,行政编制实有,事业编制核定,事业编制实有,领导职数核定,领导职数实有,重点管理\n"

func TestParseCSV(t *testing.T) {
	data := "\ufeff" + header +
		"QH001,清河县教育局,政府机关,江南省,云州市,清河县,20,19,10,12,5,6,否\n" +
		"\n" +
		"YZ001,云州市总工会,群团,江南省,云州市,,15,15,,,3,3,是\n"
	units, err := Parse([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	if len(units) != 2 {
		t.Fatalf("%d units", len(units))
	}
	u := units[0]
	if u.Code != "QH001" || u.Kind != "government" || strings.Join(u.Region, "/") != "江南省/云州市/清河县" ||
		len(u.Establishment) != 2 || u.Establishment[1] != (cases.Establishment{Type: "事业编制", Approved: 10, Actual: 12}) ||
		u.LeaderPosts != (cases.Posts{Approved: 5, Actual: 6}) || u.KeyManaged {
		t.Errorf("unit 1: %+v", u)
	}
	if v := units[1]; v.Kind != "mass" || len(v.Region) != 2 || !v.KeyManaged || len(v.Establishment) != 1 {
		t.Errorf("unit 2: %+v", v)
	}
}

func TestParseGB18030(t *testing.T) {
	utf := header + "QH001,清河县教育局,政府机关,江南省,云州市,清河县,20,19,,,,,\n"
	gbk, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(utf))
	if err != nil {
		t.Fatal(err)
	}
	units, err := Parse(gbk)
	if err != nil {
		t.Fatal(err)
	}
	if units[0].Name != "清河县教育局" {
		t.Errorf("name %q", units[0].Name)
	}
}

func TestParseXLSX(t *testing.T) {
	f := excelize.NewFile()
	rows := [][]any{
		{"单位代码", "单位名称", "单位类别", "省", "市", "县", "事业编制核定", "事业编制实有"},
		{"AP006", "安平县人民医院", "事业单位", "江南省", "云州市", "安平县", 420, 455},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	units, err := Parse(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if len(units) != 1 || units[0].Establishment[0].Actual != 455 || units[0].Kind != "institution" {
		t.Fatalf("%+v", units)
	}
	if !units[0].OverEstablished() {
		t.Error("over-establishment not seen")
	}
}

func TestParseErrorsNameRowAndColumn(t *testing.T) {
	good := "QH001,清河县教育局,政府机关,江南省,云州市,清河县,20,19,,,,,\n"
	tests := []struct {
		name string
		data string
		row  int
		col  string
	}{
		{"ErrNumber", header + good + "QH002,清河县财政局,政府机关,江南省,云州市,清河县,二十,19,,,,,\n", 3, "行政编制核定"},
		{"ErrNegative", header + good + "QH002,清河县财政局,政府机关,江南省,云州市,清河县,20,-1,,,,,\n", 3, "行政编制实有"},
		{"ErrKind", header + "QH002,清河县财政局,公司,江南省,云州市,清河县,20,19,,,,,\n", 2, "单位类别"},
		{"ErrDuplicateCode", header + good + good, 3, "单位代码"},
		{"ErrCode", header + "QH 002,清河县财政局,政府机关,江南省,云州市,清河县,20,19,,,,,\n", 2, "单位代码"},
		{"ErrOperatorCode", header + "$ne,清河县财政局,政府机关,江南省,云州市,清河县,20,19,,,,,\n", 2, "单位代码"},
		{"ErrNoName", header + "QH002,,政府机关,江南省,云州市,清河县,20,19,,,,,\n", 2, "单位名称"},
		{"ErrNoCity", header + "QH002,清河县财政局,政府机关,江南省,,清河县,20,19,,,,,\n", 2, "市"},
		{"ErrKeyFlag", header + "QH002,清河县财政局,政府机关,江南省,云州市,清河县,20,19,,,,,也许\n", 2, "重点管理"},
		{"ErrUnknownColumn", "单位代码,单位名称,颜色\n", 1, "颜色"},
		{"ErrMissingColumn", "单位代码,单位名称,单位类别,省\n", 1, "市"},
		{"ErrUnpairedColumn", "单位代码,单位名称,单位类别,省,市,行政编制核定\n", 1, "行政编制"},
		{"ErrRegionSlash", header + "QH002,清河县财政局,政府机关,江南省,云州/市,清河县,20,19,,,,,\n", 2, "市"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.data))
			e, ok := cases.AsError(err)
			if !ok || e.Code != cases.EINVALID || e.Row != tt.row || e.Field != tt.col {
				t.Fatalf("got %v (row %d field %q), want row %d column %s", err, e.Row, e.Field, tt.row, tt.col)
			}
		})
	}
	for _, bad := range []string{"", header, "PK\x03\x04garbage", "\xff\xfe\x00\x00"} {
		if _, err := Parse([]byte(bad)); cases.ErrorCode(err) != cases.EINVALID {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

func TestDemoUnitsParse(t *testing.T) {
	data, err := os.ReadFile("../demo/data/units.csv")
	if err != nil {
		t.Fatal(err)
	}
	units, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(units) < 35 {
		t.Fatalf("%d demo units", len(units))
	}
}

// rawXLSX writes a minimal workbook by hand, whose one sheet holds rows of
// inline strings: what a hostile file looks like, beyond excelize's own
// limits on what it writes.
func rawXLSX(t *testing.T, rows int, cell func(row int) string) []byte {
	t.Helper()
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	put := func(name, body string) {
		w, err := z.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, body)
	}
	put("[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`)
	put("_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`)
	put("xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`)
	put("xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`)
	w, err := z.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	for r := 1; r <= rows; r++ {
		fmt.Fprintf(w, `<row r="%d"><c r="A%d" t="inlineStr"><is><t>%s</t></is></c></row>`, r, r, cell(r))
	}
	io.WriteString(w, `</sheetData></worksheet>`)
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// A file that expands beyond the limits is refused before it is read, and
// the refusal repeats little of it.
func TestParseRefusesFilesThatExpand(t *testing.T) {
	huge := strings.Repeat("A", 8<<20) // one 8 MiB cell, compressed to kilobytes
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"XLSXHugeCell", rawXLSX(t, 1, func(int) string { return huge }), "单元格超过"},
		{"XLSXUnzipsToTooMuch", rawXLSX(t, 3, func(int) string { return strings.Repeat("B", 30<<20) }), "解压后超过"},
		{"CSVHugeCell", []byte("单位代码,单位名称\n" + huge + ",x\n"), "单元格超过"},
		{"CSVHugeCode", []byte("单位代码,单位名称,单位类别,省,市\n" + strings.Repeat("Y", 3000) + ",x,政府机关,江南省,云州市\n"), "单位代码"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if len(tc.data) > 1<<20 && !strings.HasPrefix(tc.name, "CSV") {
				t.Fatalf("the hostile file is %d bytes; it should compress", len(tc.data))
			}
			_, err := Parse(tc.data)
			e, ok := cases.AsError(err)
			if !ok || e.Code != cases.EINVALID || !strings.Contains(e.Message, tc.want) {
				t.Fatalf("got %v, want a refusal mentioning %q", err, tc.want)
			}
			if len(e.Message) > 300 {
				t.Fatalf("the refusal echoes %d bytes", len(e.Message))
			}
		})
	}
}

// A region is text like any other: control and bidirectional characters
// are refused in it too (found by fuzzing).
func TestRegionRefusesControlAndBidiCharacters(t *testing.T) {
	for _, region := range []string{"江南省,云州市\u202Egpj,清河县", "江南省,云州市,\x1b[2J县"} {
		data := header + "QH001,清河县教育局,政府机关," + region + ",20,19,,,,,\n"
		if _, err := Parse([]byte(data)); err == nil {
			t.Errorf("region %q accepted", region)
		}
	}
}
