package roster

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

var key32 = bytes.Repeat([]byte{7}, 32)

func csvOf(rows ...string) string {
	return strings.Join(append([]string{strings.Join(Header(), ",")}, rows...), "\n") + "\n"
}

func TestParseCSVEncodings(t *testing.T) {
	id := idOf("1980-01-01", 11)
	body := csvOf("A,张一," + id + ",1980-01-01,男,行政,科员,否,在职,2005-07-01,,,")
	gb, _ := simplifiedchinese.GB18030.NewEncoder().String(body)
	prot, err := NewProtector("", key32)
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string]string{"UTF8": body, "BOM": "\xef\xbb\xbf" + body, "GB18030": gb} {
		t.Run(name, func(t *testing.T) {
			ps, err := Parse(strings.NewReader(data), "r.csv", ParseOptions{Protector: prot})
			if err != nil {
				t.Fatal(err)
			}
			p := ps[0]
			if p.Name != "张一" || p.Type != "行政编制" || p.Sex != Male || p.Birth != "1980-01-01" || p.IDClear != "" || p.IDMasked != MaskID(id) {
				t.Fatalf("%+v", p)
			}
			if clear, err := prot.Open(p.IDSealed, p.IDHash); err != nil || clear != id {
				t.Fatalf("sealed ID opens to %q, %v", clear, err)
			}
			if _, err := prot.Open(p.IDSealed, prot.Hash(idOf("1980-01-01", 13))); err == nil {
				t.Fatal("a sealed ID opened bound to another person")
			}
		})
	}
}

func TestParseBadRows(t *testing.T) {
	good := idOf("1980-01-01", 11)
	bad := good[:17] + "0"
	if bad == good {
		bad = good[:17] + "1"
	}
	data := csvOf(
		"A,张一,"+good+",1980-01-02,女,行政,科员,否,在职,,,,",
		"Z,,"+bad+",,男,临时,科员,也许,失踪,2020-13-01,,,",
		"A,借调,"+idOf("1981-01-01", 13)+",,,事业,科员,否,借调,,,,",
	)
	var progress []int
	_, err := Parse(strings.NewReader(data), "r.csv", ParseOptions{Unit: func(c string) bool { return c == "A" }, Progress: func(n int) { progress = append(progress, n) }})
	var re *RowErrors
	if !errors.As(err, &re) {
		t.Fatalf("err = %v", err)
	}
	want := []string{
		"2 出生日期", "2 性别",
		"3 单位代码", "3 姓名", "3 身份证号", "3 编制类型", "3 领导职务", "3 人员状态", "3 入编日期",
		"4 借调单位", "4 借调截止日期",
	}
	var got []string
	for _, e := range re.Errors {
		got = append(got, itoa(e.Row)+" "+e.Column)
		if strings.Contains(e.Message, bad) {
			t.Errorf("the message shows the clear number: %s", e.Message)
		}
	}
	if strings.Join(got, ",") != strings.Join(want, ",") || re.Total != len(want) {
		t.Fatalf("errors\n got %v\nwant %v", got, want)
	}
	if len(progress) == 0 {
		t.Error("no progress reported")
	}
}

func TestParseMissingColumn(t *testing.T) {
	_, err := Parse(strings.NewReader("单位代码,姓名\nA,张\n"), "r.csv", ParseOptions{})
	var re *RowErrors
	if !errors.As(err, &re) || re.Errors[0].Row != 1 || re.Errors[0].Column != "身份证号" {
		t.Fatalf("err = %v", err)
	}
}

func TestParseXLSX(t *testing.T) {
	f := excelize.NewFile()
	sw, _ := f.NewStreamWriter("Sheet1")
	head := []any{}
	for _, h := range Header() {
		head = append(head, h)
	}
	_ = sw.SetRow("A1", head)
	// A date typed as a date: the cell holds an Excel serial number.
	_ = sw.SetRow("A2", []any{"A", "张一", idOf("1980-01-01", 11), 29221, "男", "行政编制", "科长", "是", "在职", "2005-07-01", "", "", ""})
	_ = sw.Flush()
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	ps, err := Parse(&buf, "r.xlsx", ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 1 || ps[0].Birth != "1980-01-01" || !ps[0].Leader || ps[0].Entered != "2005-07-01" {
		t.Fatalf("%+v", ps)
	}
}

func TestParseDate(t *testing.T) {
	for in, want := range map[string]string{"2024-03-01": "2024-03-01", "2024/3/1": "2024-03-01", "20240301": "2024-03-01", "2024年3月1日": "2024-03-01", "2024.03": "2024-03-01", "45352": "2024-03-01", "x": ""} {
		if got, _ := parseDate(in); got != want {
			t.Errorf("%s: %s, want %s", in, got, want)
		}
	}
}

// TestParseXLSXSharedStrings reads a workbook as Excel writes it: shared
// strings, an escaped character, an empty row, a gap of columns; a bad
// cell is reported with the sheet's row number.
func TestParseXLSXSharedStrings(t *testing.T) {
	f := excelize.NewFile()
	for i, h := range Header() {
		cell, _ := excelize.CoordinatesToCellName(i+1, 3) // the header on row 3
		_ = f.SetCellValue("Sheet1", cell, h)
	}
	set := func(row int, vals ...any) {
		for i, v := range vals {
			if v == nil {
				continue
			}
			cell, _ := excelize.CoordinatesToCellName(i+1, row)
			_ = f.SetCellValue("Sheet1", cell, v)
		}
	}
	set(4, "A", "张&一", idOf("1980-01-01", 11), nil, nil, "行政编制", "科长<副>", "是", "在职")
	set(6, "A", "李二", "110", nil, nil, "行政编制", nil, nil, "在职")
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	_, err := Parse(bytes.NewReader(buf.Bytes()), "r.xlsx", ParseOptions{})
	var re *RowErrors
	if !errors.As(err, &re) || re.Total != 1 || re.Errors[0].Row != 6 || re.Errors[0].Column != "身份证号" {
		t.Fatalf("err %v %+v", err, re)
	}
	f2 := excelize.NewFile()
	_ = f2.SetSheetRow("Sheet1", "A1", &[]any{"单位代码", "姓名", "身份证号", "编制类型", "人员状态", "职务"})
	_ = f2.SetSheetRow("Sheet1", "A2", &[]any{"A", "张&一", idOf("1980-01-01", 11), "行政编制", "在职", "科长<副>"})
	buf.Reset()
	_ = f2.Write(&buf)
	ps, err := Parse(&buf, "r.xlsx", ParseOptions{})
	if err != nil || len(ps) != 1 || ps[0].Name != "张&一" || ps[0].Post != "科长<副>" || ps[0].Row != 2 {
		t.Fatalf("%+v %v", ps, err)
	}
}
