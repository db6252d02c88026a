package templates

import (
	"fmt"
	"io"
	"time"
)

// Column of a table: a header and a width in millimetres.
type Column struct {
	Header string
	Width  float64
}

// table draws rows with borders, wrapping each cell, repeating the header
// on every page, starting at the cursor.
func (w *writer) table(cols []Column, rows [][]string, pt float64) {
	pdf := w.pdf
	lh := pt * 25.4 / 72 * 1.45
	pad := 1.5
	var draw func(cells []string, bold bool)
	draw = func(cells []string, bold bool) {
		style := ""
		if bold {
			style = "B"
		}
		w.font(style, pt)
		wrapped := make([][]string, len(cols))
		n := 1
		for i, c := range cols {
			text := ""
			if i < len(cells) {
				text = cells[i]
			}
			wrapped[i] = Wrap(text, c.Width-2*pad, w.measure)
			n = max(n, len(wrapped[i]))
		}
		h := float64(n)*lh + 2*pad
		if w.y+h > w.bottom {
			pdf.AddPage()
			w.y = w.top
			if !bold {
				draw(headers(cols), true)
				w.font("", pt)
			}
		}
		x := w.left
		for i, c := range cols {
			if bold {
				pdf.SetFillColor(232, 234, 237)
				pdf.Rect(x, w.y, c.Width, h, "FD")
			} else {
				pdf.Rect(x, w.y, c.Width, h, "D")
			}
			for j, l := range wrapped[i] {
				pdf.Text(x+pad, w.y+pad+float64(j)*lh+lh*0.75, l)
			}
			x += c.Width
		}
		w.y += h
	}
	pdf.SetLineWidth(0.2)
	draw(headers(cols), true)
	for _, r := range rows {
		draw(r, false)
	}
}

func headers(cols []Column) []string {
	h := make([]string, len(cols))
	for i, c := range cols {
		h[i] = c.Header
	}
	return h
}

// Form is a numbered form of label–value rows, such as the closing
// approval form (销号审批表).
type Form struct {
	Office     string
	Title      string
	Number     string
	Rows       [][2]string
	Date       time.Time
	VerifyCode string
	VerifyURL  string
	// Signatures are the signature lines under the form (承办人、处室负责人、分管领导).
	Signatures []string
}

// RenderForm lays out a form on A4 portrait.
func RenderForm(out io.Writer, f Form, fonts Fonts, created time.Time) error {
	renderMu.Lock()
	defer renderMu.Unlock()
	pdf := newPDF(fonts, "P", created)
	pdf.SetTitle(f.Title, true)
	pdf.SetSubject(f.Number, true)
	w := &writer{pdf: pdf, left: marginLeft, width: areaW, top: marginTop, bottom: marginTop + areaH}
	pdf.SetFooterFunc(func() { pageNumber(w, Official{VerifyCode: f.VerifyCode, VerifyURL: f.VerifyURL}) })
	pdf.AddPage()
	w.y = w.top
	w.font("B", titlePt)
	w.line(f.Title, "C", titlePt*25.4/72*1.6)
	w.font("", 12)
	w.line(f.Office, "L", 8)
	w.y -= 8
	w.line("编号："+f.Number, "R", 8)
	w.y += 2
	rows := make([][]string, len(f.Rows))
	for i, r := range f.Rows {
		rows[i] = []string{r[0], r[1]}
	}
	// The label column is a header column: draw a table without a header row.
	cols := []Column{{"", 32}, {"", areaW - 32}}
	w.formRows(cols, rows, 12)
	if err := pdf.Error(); err != nil {
		return fmt.Errorf("render %s: %w", f.Number, err)
	}
	return pdf.Output(out)
}

func (w *writer) formRows(cols []Column, rows [][]string, pt float64) {
	pdf := w.pdf
	lh := pt * 25.4 / 72 * 1.5
	pad := 2.0
	pdf.SetLineWidth(0.3)
	for _, r := range rows {
		w.font("", pt)
		label := Wrap(r[0], cols[0].Width-2*pad, w.measure)
		value := Wrap(r[1], cols[1].Width-2*pad, w.measure)
		h := float64(max(len(label), len(value), 2))*lh + 2*pad
		if w.y+h > w.bottom {
			pdf.AddPage()
			w.y = w.top
		}
		pdf.SetFillColor(240, 241, 243)
		pdf.Rect(w.left, w.y, cols[0].Width, h, "FD")
		pdf.Rect(w.left+cols[0].Width, w.y, cols[1].Width, h, "D")
		w.font("B", pt)
		for j, l := range label {
			pdf.Text(w.left+pad, w.y+pad+float64(j)*lh+lh*0.75, l)
		}
		w.font("", pt)
		for j, l := range value {
			pdf.Text(w.left+cols[0].Width+pad, w.y+pad+float64(j)*lh+lh*0.75, l)
		}
		w.y += h
	}
}

// Sheet is a printable table on A4 landscape, such as the ledger.
type Sheet struct {
	Office  string
	Title   string
	Filter  string // what the table holds, in words
	Columns []Column
	Rows    [][]string
	Printed time.Time
}

// RenderSheet lays out a sheet on A4 landscape with page numbers.
func RenderSheet(out io.Writer, s Sheet, fonts Fonts, created time.Time) error {
	renderMu.Lock()
	defer renderMu.Unlock()
	pdf := newPDF(fonts, "L", created)
	pdf.SetTitle(s.Title, true)
	const left, top, width, bottom = 15.0, 15.0, 267.0, 195.0
	w := &writer{pdf: pdf, left: left, width: width, top: top, bottom: bottom}
	pdf.SetFooterFunc(func() {
		pdf.SetFont("wk", "", 10)
		t := fmt.Sprintf("— %d —", pdf.PageNo())
		pdf.Text(left+(width-pdf.GetStringWidth(t))/2, 203, t)
	})
	pdf.AddPage()
	w.y = w.top
	w.font("B", 18)
	w.line(s.Title, "C", 10)
	w.font("", 10)
	w.line(s.Office+"　"+s.Filter, "L", 6)
	w.y -= 6
	w.line("打印日期："+DateCN(s.Printed)+"　共 "+fmt.Sprint(len(s.Rows))+" 条", "R", 6)
	w.y += 1
	w.table(s.Columns, s.Rows, 9)
	if err := pdf.Error(); err != nil {
		return fmt.Errorf("render %s: %w", s.Title, err)
	}
	return pdf.Output(out)
}
