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

// cursor is a position on a page's area where tables and forms are drawn.
type cursor struct {
	*doc
	y, left, width, top, bottom float64
}

// tableStyle is the type of a table: size in points, line height as a
// multiple of it, cell padding in millimetres, and the most lines a body
// cell shows (0: all of them).
type tableStyle struct {
	pt, leading, pad float64
	maxLines         int
}

// table draws rows with borders, wrapping each cell, repeating the header
// on every page, starting at the cursor.
func (c *cursor) table(cols []Column, rows [][]string, st tableStyle) {
	lh := st.pt * ptMM * st.leading
	pad := st.pad
	var draw func(cells []string, head bool)
	draw = func(cells []string, head bool) {
		role := RoleBody
		if head {
			role = RoleHeading
		}
		c.font(role, st.pt)
		wrapped := make([][]string, len(cols))
		n := 1
		for i, col := range cols {
			text := ""
			if i < len(cells) {
				text = cells[i]
			}
			wrapped[i] = Wrap(text, col.Width-2*pad, c.measure)
			if !head && st.maxLines > 0 {
				wrapped[i] = clamp(wrapped[i], st.maxLines, col.Width-2*pad, c.measure)
			}
			n = max(n, len(wrapped[i]))
		}
		h := float64(n)*lh + 2*pad
		if c.y+h > c.bottom {
			c.addPage()
			c.y = c.top
			if !head {
				draw(headers(cols), true)
				c.font(role, st.pt)
			}
		}
		x := c.left
		for i, col := range cols {
			c.box(x, c.y, col.Width, h, head)
			for j, l := range wrapped[i] {
				c.text(x+pad, c.y+pad+float64(j)*lh+lh*0.78, l, 0)
			}
			x += col.Width
		}
		c.y += h
	}
	c.pdf.SetLineWidth(0.2)
	draw(headers(cols), true)
	for _, r := range rows {
		draw(r, false)
	}
}

// ellipsis ends a cell cut short.
const ellipsis = "…"

// clamp keeps the first n of lines, the last of them ending in an ellipsis
// (shortened until it fits width) when any were dropped: a long text
// would otherwise make one row fill a page.
func clamp(lines []string, n int, width float64, measure func(string) float64) []string {
	if len(lines) <= n {
		return lines
	}
	lines = lines[:n:n]
	last := []rune(lines[n-1])
	for len(last) > 0 && measure(string(last)+ellipsis) > width {
		last = last[:len(last)-1]
	}
	lines[n-1] = string(last) + ellipsis
	return lines
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
	// Classification and CopyNo mark a form about a secret case (密级和保密
	// 期限, 份号), at the top left as on official documents.
	Classification, CopyNo string
}

// formPt is the size of a form's text (小四).
const formPt = 12.0

// RenderForm lays out a form on A4 portrait, in the type area of GB/T 9704:
// title, office and number, the rows, and the signature lines.
func RenderForm(out io.Writer, f Form, fonts Fonts, created time.Time) error {
	d := newDoc(fonts, false, info{Title: f.Title, Subject: f.Number, Author: f.Office, Created: created})
	c := &cursor{doc: d, left: marginLeft, width: areaW, top: marginTop, bottom: areaBottom}
	d.addPage()
	c.y = c.top
	for _, m := range marks(Official{CopyNo: f.CopyNo, Classification: f.Classification}) {
		c.font(m.role, bodyPt)
		c.text(c.left, baseline(c.y, lineH, bodyPt), m.text, 0)
		c.y += lineH
	}
	c.font(RoleTitle, titlePt)
	c.textAt(c.left, c.width, baseline(c.y, lineH*1.2, titlePt), f.Title, "C")
	c.y += lineH * 1.4
	c.font(RoleBody, formPt)
	base := baseline(c.y, 8, formPt)
	c.text(c.left, base, f.Office, 0)
	c.textAt(c.left, c.width, base, "编号："+f.Number, "R")
	c.y += 9
	rows := make([][]string, len(f.Rows))
	for i, r := range f.Rows {
		rows[i] = []string{r[0], r[1]}
	}
	c.formRows([]Column{{"", 30}, {"", areaW - 30}}, rows)
	if len(f.Signatures) > 0 {
		c.signatures(f.Signatures)
	}
	pageNumbers(d, false, f.VerifyCode, f.VerifyURL)
	return d.output(out, f.Number)
}

// formRows draws label–value rows, the labels on grey in 黑体.
func (c *cursor) formRows(cols []Column, rows [][]string) {
	lh := formPt * ptMM * 1.45
	pad := 1.8
	c.pdf.SetLineWidth(0.3)
	for _, r := range rows {
		c.font(RoleHeading, formPt)
		label := Wrap(r[0], cols[0].Width-2*pad, c.measure)
		c.font(RoleBody, formPt)
		value := Wrap(r[1], cols[1].Width-2*pad, c.measure)
		h := float64(max(len(label), len(value), 1))*lh + 2*pad + 1
		if c.y+h > c.bottom {
			c.addPage()
			c.y = c.top
		}
		c.box(c.left, c.y, cols[0].Width, h, true)
		c.box(c.left+cols[0].Width, c.y, cols[1].Width, h, false)
		c.font(RoleHeading, formPt)
		for j, l := range label {
			c.text(c.left+pad, c.y+pad+0.5+float64(j)*lh+lh*0.75, l, 0)
		}
		c.font(RoleBody, formPt)
		for j, l := range value {
			c.text(c.left+cols[0].Width+pad, c.y+pad+0.5+float64(j)*lh+lh*0.75, l, 0)
		}
		c.y += h
	}
}

// signatures draws the signature lines under a form: each label followed
// by a blank to sign on and a date blank, spread across the width.
func (c *cursor) signatures(labels []string) {
	h := 12.0
	if c.y+6+h > c.bottom {
		c.addPage()
		c.y = c.top
	}
	c.y += 6
	c.font(RoleBody, formPt)
	col := c.width / float64(len(labels))
	base := c.y + h*0.7
	c.pdf.SetLineWidth(0.2)
	for i, l := range labels {
		x := c.left + float64(i)*col
		c.text(x, base, l, 0)
		lw := c.measure(l)
		c.rule(x+lw+1, x+col-4, base+1, 0.2)
	}
	c.y += h
}

// Sheet is a printable table on A4 landscape, such as the ledger.
type Sheet struct {
	Office  string
	Title   string
	Filter  string // what the table holds, in words
	Columns []Column
	Rows    [][]string
	Printed time.Time
	// Zone is the office's time zone, in which Printed is dated (nil:
	// China time).
	Zone *time.Location
}

// sheetTable is the type of a sheet's table: 8 pt (小六 is 6.5, too small
// to read on paper) with tight leading and padding so that a page holds a
// dozen or more cases, and cells cut after three lines. The full text is
// in the case page and the CSV and XLSX exports.
var sheetTable = tableStyle{pt: 8, leading: 1.3, pad: 1.1, maxLines: 3}

// RenderSheet lays out a sheet on A4 landscape with page numbers.
func RenderSheet(out io.Writer, s Sheet, fonts Fonts, created time.Time) error {
	d := newDoc(fonts, true, info{Title: s.Title, Author: s.Office, Created: created})
	const left, top, width, bottom = 15.0, 15.0, 267.0, 195.0
	c := &cursor{doc: d, left: left, width: width, top: top, bottom: bottom}
	d.addPage()
	c.y = top
	c.font(RoleTitle, 16)
	c.textAt(left, width, c.y+6, s.Title, "C")
	c.y += 9
	c.font(RoleBody, 9)
	c.text(left, c.y+4, s.Office+"　"+s.Filter, 0)
	c.textAt(left, width, c.y+4, "打印日期："+DateIn(s.Printed, s.Zone)+"　共 "+fmt.Sprint(len(s.Rows))+" 条", "R")
	c.y += 6
	c.table(s.Columns, s.Rows, sheetTable)
	for p := 1; p <= d.pages(); p++ {
		d.setPage(p)
		d.font(RoleBody, 9)
		t := fmt.Sprintf("— %d —", p)
		d.textAt(left, width, 203, t, "C")
	}
	return d.output(out, s.Title)
}
