package templates

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/jung-kurt/gofpdf"
)

// Letterhead is the issuing office, from configuration.
type Letterhead struct {
	Office    string // 发文机关 (signature), e.g. 中共云州市委机构编制委员会办公室
	Masthead  string // 发文机关标志; defaults to Office + "文件"
	PrintedBy string // 印发机关; defaults to Office
}

// Block is a paragraph of body text.
type Block struct {
	Text    string
	Heading bool // a first-level heading (一、……), set without indent
}

// Official is one official document (公文) to lay out.
type Official struct {
	Letterhead  Letterhead
	Letter      bool   // 信函格式 (a 函) rather than 文件格式
	Number      string // 发文字号, e.g. 云编督〔2026〕12号
	Title       string
	Addressee   string // 主送机关
	Body        []Block
	Attachments []string
	Date        time.Time // 成文日期
	CopiesTo    []string  // 抄送机关
	PrintedOn   time.Time // 印发日期
	VerifyCode  string
	VerifyURL   string
	Preview     bool // not issued: marked as a preview throughout
	// Secret documents (秘密) carry the classification and period
	// (密级和保密期限, e.g. "秘密★1年") and a copy number (份号) at the top left.
	Classification string
	CopyNo         string
	// Sealed reserves the seal area (加盖印章) beside the signature; without
	// it the signature stands two characters from the right margin.
	Sealed bool
}

// Geometry of GB/T 9704-2012, in millimetres.
const (
	pageW, pageH  = 210.0, 297.0
	marginTop     = 37.0
	marginLeft    = 28.0
	areaW, areaH  = 156.0, 225.0
	bodyPt        = 16.0       // 三号
	titlePt       = 22.0       // 二号
	footerPt      = 14.0       // 四号
	lineH         = areaH / 22 // 22 lines a page
	charW         = bodyPt * 25.4 / 72
	mastheadTop   = 35.0 // below the type area's top edge
	letterMastTop = 30.0 // from the page's top edge
	noteBelowArea = 7.0  // page numbers below the type area
	sepRed, sepG  = 200, 0
)

// DateCN formats a date as GB/T 9704 asks: Arabic numerals, 年月日, no padding.
func DateCN(t time.Time) string {
	return fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day())
}

// writer is a cursor over the type area of a gofpdf document.
type writer struct {
	pdf    *gofpdf.Fpdf
	y      float64
	left   float64
	width  float64
	top    float64
	bottom float64
}

// renderMu serialises rendering. gofpdf writes into the font bytes it is
// given (utf8FontFile.generateChecksum appends padding to a sub-slice of the
// font, landing in the shared array past the table), so two documents
// rendered at once with the same fonts race on that memory. Rendering is
// CPU-bound, so serialising costs little; copying 31 MB of fonts per
// document would cost more.
var renderMu sync.Mutex

func newPDF(fonts Fonts, orientation string, created time.Time) *gofpdf.Fpdf {
	pdf := gofpdf.New(orientation, "mm", "A4", "")
	pdf.AddUTF8FontFromBytes("wk", "", fonts.Regular)
	bold := fonts.Bold
	if len(bold) == 0 {
		bold = fonts.Regular
	}
	pdf.AddUTF8FontFromBytes("wk", "B", bold)
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetCompression(true)
	pdf.SetCatalogSort(true)
	pdf.SetCreator("Rectify 督改通", true)
	pdf.SetProducer("Rectify 督改通", true)
	// Fixed dates make the same document render to the same bytes.
	pdf.SetCreationDate(created)
	pdf.SetModificationDate(created)
	return pdf
}

func (w *writer) font(style string, pt float64) { w.pdf.SetFont("wk", style, pt) }

func (w *writer) measure(s string) float64 { return w.pdf.GetStringWidth(s) }

// need starts a new page unless h millimetres fit below the cursor.
func (w *writer) need(h float64) {
	if w.y+h > w.bottom+0.01 {
		w.pdf.AddPage()
		w.y = w.top
	}
}

// line writes one line of text at the cursor: align L, C or R.
func (w *writer) line(s, align string, h float64) {
	w.need(h)
	x := w.left
	switch align {
	case "C":
		x = w.left + (w.width-w.measure(s))/2
	case "R":
		x = w.left + w.width - w.measure(s)
	}
	// Baseline near the bottom of the line box.
	w.pdf.Text(x, w.y+h*0.72, s)
	w.y += h
}

// paragraph wraps text to the type area; indent is the first line's indent
// in characters.
func (w *writer) paragraph(text string, indent int, h float64) {
	pad := strings.Repeat("\u3000", indent) // ideographic spaces: one character each
	for _, l := range Wrap(pad+text, w.width, w.measure) {
		w.line(l, "L", h)
	}
}

// RenderOfficial lays out d as a PDF on A4 portrait. When the signature
// and date would stand alone on a page, it lays the document out again
// with slightly tighter lines, as GB/T 9704 (7.3.5.1) advises.
func RenderOfficial(out io.Writer, d Official, fonts Fonts, created time.Time) error {
	renderMu.Lock()
	defer renderMu.Unlock()
	var pdf *gofpdf.Fpdf
	for _, f := range []float64{1, 0.97, 0.94, 0.91} {
		var alone bool
		pdf, alone = layoutOfficial(d, fonts, created, lineH*f)
		if !alone {
			break
		}
	}
	if err := pdf.Error(); err != nil {
		return fmt.Errorf("render %s: %w", d.Number, err)
	}
	return pdf.Output(out)
}

// layoutOfficial lays d out with body line height lineH and reports whether
// the signature or the footer block had to start a page of its own.
func layoutOfficial(d Official, fonts Fonts, created time.Time, lineH float64) (*gofpdf.Fpdf, bool) {
	pdf := newPDF(fonts, "P", created)
	pdf.SetTitle(d.Title, true)
	pdf.SetSubject(d.Number, true)
	pdf.SetAuthor(d.Letterhead.Office, true)
	w := &writer{pdf: pdf, left: marginLeft, width: areaW, top: marginTop, bottom: marginTop + areaH}
	pdf.SetFooterFunc(func() { pageNumber(w, d) })
	pdf.AddPage()
	w.y = w.top

	red := func() { pdf.SetTextColor(sepRed, sepG, 0); pdf.SetDrawColor(sepRed, sepG, 0) }
	black := func() { pdf.SetTextColor(0, 0, 0); pdf.SetDrawColor(0, 0, 0) }
	masthead := d.Letterhead.Masthead
	if masthead == "" {
		masthead = d.Letterhead.Office
		if !d.Letter {
			masthead += "文件"
		}
	}
	// 发文机关标志: red, centred, as large as the type area's width allows.
	size := 36.0
	w.font("B", size)
	for w.measure(masthead) > areaW && size > 16 {
		size -= 1
		w.font("B", size)
	}
	red()
	if d.Letter {
		w.y = letterMastTop
		w.line(masthead, "C", size*25.4/72*1.2)
		w.y += 4
		pdf.SetLineWidth(1.0)
		pdf.Line(w.left, w.y, w.left+w.width, w.y)
		pdf.SetLineWidth(0.3)
		pdf.Line(w.left, w.y+1.2, w.left+w.width, w.y+1.2)
		w.y += 4
		black()
		w.font("", bodyPt)
		w.line(d.Number, "R", lineH)
	} else {
		w.y = marginTop + mastheadTop
		w.line(masthead, "C", size*25.4/72*1.2)
		w.y += lineH
		black()
		w.font("", bodyPt)
		w.line(d.Number, "C", lineH)
		red()
		w.y += 4 - lineH*0.25
		pdf.SetLineWidth(0.7)
		pdf.Line(w.left, w.y, w.left+w.width, w.y)
		black()
		w.y += lineH
	}
	// Title: centred, 二号, wrapped, two lines below the separator.
	w.y += lineH
	w.font("B", titlePt)
	for _, l := range Wrap(d.Title, areaW-2*charW, w.measure) {
		w.line(l, "C", titlePt*25.4/72*1.5)
	}
	w.y += lineH
	w.font("", bodyPt)
	if d.Addressee != "" {
		w.paragraph(d.Addressee+"：", 0, lineH)
	}
	for _, b := range d.Body {
		if b.Heading {
			w.font("B", bodyPt)
			w.paragraph(b.Text, 2, lineH)
			w.font("", bodyPt)
		} else {
			w.paragraph(b.Text, 2, lineH)
		}
	}
	if len(d.Attachments) > 0 {
		w.y += lineH
		for i, a := range d.Attachments {
			label := "附件："
			if i > 0 {
				label = "\u3000\u3000\u3000"
			}
			item := a
			if len(d.Attachments) > 1 {
				item = fmt.Sprintf("%d．%s", i+1, a)
			}
			w.paragraph(label+item, 2, lineH)
		}
	}
	// 发文机关署名 and 成文日期: right, the date 右空四字.
	pages := pdf.PageNo()
	w.need(4 * lineH)
	alone := pdf.PageNo() != pages
	w.y += 2 * lineH
	sign := d.Letterhead.Office
	date := DateCN(d.Date)
	dateX := w.left + w.width - 4*charW - w.measure(date)
	signX := dateX + (w.measure(date)-w.measure(sign))/2
	if signX+w.measure(sign) > w.left+w.width {
		signX = w.left + w.width - w.measure(sign)
	}
	pdf.Text(signX, w.y+lineH*0.72, sign)
	w.y += lineH
	pdf.Text(dateX, w.y+lineH*0.72, date)
	w.y += lineH
	pages = pdf.PageNo()
	footerBlock(w, d, lineH)
	alone = alone || pdf.PageNo() != pages
	if d.Preview {
		previewMarks(pdf)
	}
	return pdf, alone
}

// footerBlock is the 版记 at the bottom of the last page: 抄送 and 印发.
func footerBlock(w *writer, d Official, lineH float64) {
	pdf := w.pdf
	rows := 1
	if len(d.CopiesTo) > 0 {
		rows++
	}
	h := float64(rows)*lineH*0.8 + 2
	if w.y+h > w.bottom {
		w.need(w.bottom - w.top) // always a new page
	}
	y := w.bottom - h
	w.font("", 14)
	pdf.SetLineWidth(0.35)
	pdf.Line(w.left, y, w.left+w.width, y)
	if len(d.CopiesTo) > 0 {
		pdf.Text(w.left+charW*0.5, y+lineH*0.6, "抄送："+strings.Join(d.CopiesTo, "，")+"。")
		y += lineH * 0.8
		pdf.SetLineWidth(0.25)
		pdf.Line(w.left, y, w.left+w.width, y)
	}
	printedBy := d.Letterhead.PrintedBy
	if printedBy == "" {
		printedBy = d.Letterhead.Office
	}
	pdf.Text(w.left+charW*0.5, y+lineH*0.6, printedBy)
	on := DateCN(d.PrintedOn) + "印发"
	pdf.Text(w.left+w.width-charW*0.5-w.measure(on), y+lineH*0.6, on)
	y += lineH * 0.8
	pdf.SetLineWidth(0.35)
	pdf.Line(w.left, y, w.left+w.width, y)
}

// pageNumber prints "— n —": odd pages right, even pages left, one
// character in from the edge of the type area, 7 mm below it. The first
// page also carries the verification code.
func pageNumber(w *writer, d Official) {
	pdf := w.pdf
	n := pdf.PageNo()
	pdf.SetFont("wk", "", footerPt)
	pdf.SetTextColor(0, 0, 0)
	s := fmt.Sprintf("— %d —", n)
	y := marginTop + areaH + noteBelowArea + footerPt*25.4/72*0.7
	x := marginLeft + areaW - charW - pdf.GetStringWidth(s)
	if n%2 == 0 {
		x = marginLeft + charW
	}
	pdf.Text(x, y, s)
	if n == 1 && d.VerifyCode != "" {
		pdf.SetFont("wk", "", 9)
		pdf.SetTextColor(90, 90, 90)
		pdf.Text(marginLeft, y+8, "文件核验码 "+d.VerifyCode+"　核验地址 "+d.VerifyURL)
		pdf.SetTextColor(0, 0, 0)
	}
}

// previewMarks stamps every page as an unissued preview.
func previewMarks(pdf *gofpdf.Fpdf) {
	for p := 1; p <= pdf.PageCount(); p++ {
		pdf.SetPage(p)
		pdf.SetFont("wk", "B", 12)
		pdf.SetTextColor(200, 0, 0)
		pdf.Text(marginLeft, 20, "预览稿 · 未发文 · 无效")
	}
	pdf.SetTextColor(0, 0, 0)
}
