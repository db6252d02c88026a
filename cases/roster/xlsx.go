package roster

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
)

// A small streaming XLSX sheet reader. excelize's row iterator decodes
// every cell through encoding/xml, which took most of a 100,000-person
// import (1.3 million cells); the roster needs only each cell's value, so
// this reads the sheet's XML with a byte scanner: the shared strings once,
// then the first sheet row by row, never holding the sheet. Formulas give
// their cached value; styles are ignored (dates arrive as serial numbers,
// which parseDate reads).

// maxXLSX bounds what is read of an upload (the zip is held in memory to
// be opened; its sheet is streamed).
const maxXLSX = 256 << 20

// Bounds on what a part may unzip to and on one tag or text between tags,
// so that a crafted archive (a zip bomb, a megabyte-long cell) is refused
// instead of filling memory: the sheet streams, so its bound is generous.
const (
	maxSheetPart = 2 << 30   // the sheet's XML, unzipped
	maxOtherPart = 128 << 20 // shared strings, workbook, relationships
	maxToken     = 1 << 20   // one tag, or the text between two tags
)

var errTooLarge = errors.New("XLSX 文件解压后过大或含有过长的单元格，无法读取")

// boundedReader reads at most n bytes of r and then fails with errTooLarge
// (io.LimitReader would end silently and truncate the XML).
type boundedReader struct {
	r io.Reader
	n int64
}

func (b *boundedReader) Read(p []byte) (int, error) {
	if b.n <= 0 {
		return 0, errTooLarge
	}
	if int64(len(p)) > b.n {
		p = p[:b.n]
	}
	n, err := b.r.Read(p)
	b.n -= int64(n)
	return n, err
}

// xlsxRows calls row(n, cells) for every row of the workbook's first sheet,
// n being the sheet's row number (1-based).
func xlsxRows(r io.Reader, row func(n int, cells []string)) error {
	data, err := io.ReadAll(io.LimitReader(r, maxXLSX+1))
	if err != nil {
		return err
	}
	if len(data) > maxXLSX {
		return errors.New("XLSX 文件超过 256 MB")
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return errors.New("文件已损坏或不是 Excel 2007 以上格式（XLSX）")
	}
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		files[f.Name] = f
	}
	sheet, err := firstSheet(files)
	if err != nil {
		return err
	}
	var sst []string
	if f, ok := files["xl/sharedStrings.xml"]; ok {
		rc, err := f.Open()
		if err != nil {
			return err
		}
		sst, err = sharedStrings(bufio.NewReaderSize(&boundedReader{rc, maxOtherPart}, 64<<10))
		rc.Close()
		if err != nil {
			return fmt.Errorf("共享字符串表损坏: %w", err)
		}
	}
	f, ok := files[sheet]
	if !ok {
		return fmt.Errorf("找不到工作表 %s", sheet)
	}
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	return sheetRows(bufio.NewReaderSize(&boundedReader{rc, maxSheetPart}, 256<<10), sst, row)
}

// firstSheet finds the first sheet's part through the workbook and its
// relationships.
func firstSheet(files map[string]*zip.File) (string, error) {
	var wb struct {
		Sheets []struct {
			RID string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	var rels struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if err := decodePart(files, "xl/workbook.xml", &wb); err != nil {
		return "", err
	}
	if len(wb.Sheets) == 0 {
		return "", errors.New("XLSX 文件中没有工作表")
	}
	if err := decodePart(files, "xl/_rels/workbook.xml.rels", &rels); err != nil {
		return "", err
	}
	for _, r := range rels.Rels {
		if r.ID == wb.Sheets[0].RID {
			if strings.HasPrefix(r.Target, "/") {
				return strings.TrimPrefix(r.Target, "/"), nil
			}
			return path.Join("xl", r.Target), nil
		}
	}
	return "", errors.New("找不到第一个工作表")
}

func decodePart(files map[string]*zip.File, name string, v any) error {
	f, ok := files[name]
	if !ok {
		return fmt.Errorf("文件已损坏：缺少 %s", name)
	}
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	if err := xml.NewDecoder(&boundedReader{rc, maxOtherPart}).Decode(v); err != nil {
		return fmt.Errorf("文件已损坏：%s 无法读取", name)
	}
	return nil
}

// scanner reads XML as tags and the text between them.
type scanner struct {
	r    *bufio.Reader
	text []byte // the text before the last tag
	tag  []byte // the last tag's content, between < and >
}

// next reads up to and including the next tag; false at the end.
func (s *scanner) next() (bool, error) {
	var err error
	s.text, err = s.readUntil('<', s.text[:0])
	if err == io.EOF {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	s.tag, err = s.readUntil('>', s.tag[:0])
	if err == io.EOF {
		return false, errors.New("XML 不完整")
	}
	return err == nil, err
}

func (s *scanner) readUntil(c byte, buf []byte) ([]byte, error) {
	for {
		chunk, err := s.r.ReadSlice(c)
		if len(buf)+len(chunk) > maxToken {
			return buf, errTooLarge
		}
		if err == bufio.ErrBufferFull {
			buf = append(buf, chunk...)
			continue
		}
		if err != nil {
			return append(buf, chunk...), err
		}
		return append(buf, chunk[:len(chunk)-1]...), nil
	}
}

// name is the tag's name without prefix; end says </name>, empty <name/>.
func tagName(tag []byte) (name []byte, end, empty bool) {
	if len(tag) > 0 && tag[0] == '/' {
		end, tag = true, tag[1:]
	}
	if len(tag) > 0 && tag[len(tag)-1] == '/' {
		empty = true
	}
	i := bytes.IndexAny(tag, " \t\r\n/")
	if i < 0 {
		i = len(tag)
	}
	name = tag[:i]
	if j := bytes.IndexByte(name, ':'); j >= 0 {
		name = name[j+1:]
	}
	return name, end, empty
}

// attr returns the value of attribute key (exact name) in a tag.
func attr(tag []byte, key string) (string, bool) {
	for i := 0; ; {
		j := bytes.Index(tag[i:], []byte(key+"="))
		if j < 0 {
			return "", false
		}
		j += i
		if j > 0 && (tag[j-1] == ' ' || tag[j-1] == '\t' || tag[j-1] == '\n' || tag[j-1] == '\r') && j+len(key)+1 < len(tag) {
			q := tag[j+len(key)+1]
			rest := tag[j+len(key)+2:]
			if k := bytes.IndexByte(rest, q); k >= 0 {
				return string(rest[:k]), true
			}
			return "", false
		}
		i = j + 1
	}
}

// unescape resolves XML's entities and character references.
func unescape(b []byte) string {
	if bytes.IndexByte(b, '&') < 0 {
		return string(b)
	}
	var out strings.Builder
	for len(b) > 0 {
		i := bytes.IndexByte(b, '&')
		if i < 0 {
			out.Write(b)
			break
		}
		out.Write(b[:i])
		b = b[i:]
		j := bytes.IndexByte(b, ';')
		if j < 0 {
			out.Write(b)
			break
		}
		ent := string(b[1:j])
		b = b[j+1:]
		switch ent {
		case "amp":
			out.WriteByte('&')
		case "lt":
			out.WriteByte('<')
		case "gt":
			out.WriteByte('>')
		case "quot":
			out.WriteByte('"')
		case "apos":
			out.WriteByte('\'')
		default:
			var n uint64
			var err error
			if strings.HasPrefix(ent, "#x") {
				n, err = strconv.ParseUint(ent[2:], 16, 32)
			} else if strings.HasPrefix(ent, "#") {
				n, err = strconv.ParseUint(ent[1:], 10, 32)
			} else {
				err = errors.New("entity")
			}
			if err != nil {
				out.WriteString("&" + ent + ";")
			} else {
				out.WriteRune(rune(n))
			}
		}
	}
	return out.String()
}

// sharedStrings reads the shared string table: each <si>'s <t> texts,
// phonetic runs (<rPh>) left out.
func sharedStrings(r *bufio.Reader) ([]string, error) {
	s := &scanner{r: r}
	var out []string
	var cur strings.Builder
	inT, inPh := false, false
	for {
		ok, err := s.next()
		if err != nil {
			return nil, err
		}
		if !ok {
			return out, nil
		}
		if inT && !inPh {
			cur.WriteString(unescape(s.text))
		}
		name, end, empty := tagName(s.tag)
		switch string(name) {
		case "si":
			if end {
				out = append(out, cur.String())
			} else if empty {
				out = append(out, "")
			}
			cur.Reset()
		case "t":
			inT = !end && !empty
		case "rPh":
			inPh = !end && !empty
		}
	}
}

// sheetRows streams a worksheet's rows.
func sheetRows(r *bufio.Reader, sst []string, row func(n int, cells []string)) error {
	s := &scanner{r: r}
	var (
		cells      []string
		rowN, col  int
		cellType   string
		value      strings.Builder
		inV, inIS  bool
		inT, inRow bool
		cellOpen   bool
	)
	for {
		ok, err := s.next()
		if err != nil {
			return err
		}
		if !ok {
			return nil
		}
		if inV || (inIS && inT) {
			value.WriteString(unescape(s.text))
		}
		if len(s.tag) > 0 && (s.tag[0] == '?' || s.tag[0] == '!') {
			continue
		}
		name, end, empty := tagName(s.tag)
		switch string(name) {
		case "row":
			if end {
				row(rowN, cells)
				inRow = false
				continue
			}
			rowN++
			if v, ok := attr(s.tag, "r"); ok {
				if n, err := strconv.Atoi(v); err == nil && n >= 1 {
					rowN = n
				}
			}
			cells, col, inRow = cells[:0], 0, true
			if empty {
				row(rowN, cells)
				inRow = false
			}
		case "c":
			if !inRow {
				continue
			}
			if end {
				cellOpen = false
				cells = setCell(cells, col, cellValue(cellType, value.String(), sst))
				col++
				continue
			}
			if v, ok := attr(s.tag, "r"); ok {
				if c := columnIndex(v); c >= 0 {
					col = c
				}
			}
			cellType, _ = attr(s.tag, "t")
			value.Reset()
			cellOpen = !empty
			if empty {
				col++
			}
		case "v":
			inV = cellOpen && !end && !empty
		case "is":
			inIS = cellOpen && !end && !empty
		case "t":
			inT = inIS && !end && !empty
		}
	}
}

func setCell(cells []string, col int, v string) []string {
	for len(cells) < col {
		cells = append(cells, "")
	}
	if col == len(cells) {
		return append(cells, v)
	}
	cells[col] = v
	return cells
}

func cellValue(typ, v string, sst []string) string {
	switch typ {
	case "s":
		i, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || i < 0 || i >= len(sst) {
			return ""
		}
		return sst[i]
	case "b":
		if v == "1" {
			return "TRUE"
		}
		return "FALSE"
	}
	return v
}

// columnIndex is the 0-based column of a cell reference (C5 → 2).
func columnIndex(ref string) int {
	n := 0
	i := 0
	for ; i < len(ref) && ref[i] >= 'A' && ref[i] <= 'Z'; i++ {
		n = n*26 + int(ref[i]-'A'+1)
		if n > 16384 { // beyond XFD, the last column of a sheet: not a reference
			return -1
		}
	}
	if i == 0 {
		return -1
	}
	return n - 1
}
