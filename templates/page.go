package templates

import (
	"bytes"
	"fmt"
	"image"
	_ "image/png" // figures are PNG
	"io"
	"math"
	"time"

	"github.com/signintech/gopdf"
)

// ptMM converts points to millimetres.
const ptMM = 25.4 / 72

// doc is a PDF being drawn with gopdf, in millimetres, with text set by
// role and size and split into runs by which face has each glyph.
type doc struct {
	pdf   *gopdf.GoPdf
	set   *fontSet
	added map[*face]bool
	err   error
	n     int // pages added

	role    Role
	pt      float64 // font size in points
	spacing float64 // extra space after each character, mm
	current *face   // the face gopdf is set to, to skip redundant SetFont
	curPt   float64
	curSp   float64
}

// Info is the document information dictionary.
type info struct {
	Title, Subject, Author string
	Created                time.Time
}

func newDoc(fonts Fonts, landscape bool, in info) *doc {
	size := gopdf.Rect{W: pageW, H: pageH} // in the document's unit, mm
	if landscape {
		size = gopdf.Rect{W: pageH, H: pageW}
	}
	pdf := &gopdf.GoPdf{}
	pdf.Start(gopdf.Config{PageSize: size, Unit: gopdf.UnitMM})
	pdf.SetInfo(gopdf.PdfInfo{Title: in.Title, Subject: in.Subject, Author: in.Author,
		Creator: "Rectify 督改通", Producer: "Rectify 督改通", CreationDate: in.Created})
	return &doc{pdf: pdf, set: fonts.fonts(), added: map[*face]bool{}, role: RoleBody, pt: 16}
}

// fail keeps the first error; drawing goes on and the error is returned at
// the end, as a missed glyph is no reason to stop laying out.
func (d *doc) fail(err error) {
	if err != nil && d.err == nil {
		d.err = err
	}
}

// font sets the role and size for what follows, with no extra spacing.
// A role's face that does not parse fails the document.
func (d *doc) font(role Role, pt float64) {
	d.role, d.pt, d.spacing = role, pt, 0
	if err := d.set.roles[role].load(); err != nil {
		d.fail(fmt.Errorf("%s: %w", roleNames[role], err))
	}
}

// em is the current size in millimetres.
func (d *doc) em() float64 { return d.pt * ptMM }

// runeWidth is r's advance in millimetres in the current role and size.
func (d *doc) runeWidth(r rune) float64 {
	w := d.set.pick(d.role, r).advance(r)
	if w < 0 {
		w = 1 // printed as a white square, one em
	}
	return w * d.em()
}

// measure is the natural width of s (no extra spacing).
func (d *doc) measure(s string) float64 {
	w := 0.0
	for _, r := range s {
		w += d.runeWidth(r)
	}
	return w
}

// width is the width of s as drawn with spacing sp after every character
// but the last.
func (d *doc) width(s string, sp float64) float64 {
	n := 0
	for range s {
		n++
	}
	if n == 0 {
		return 0
	}
	return d.measure(s) + float64(n-1)*sp
}

// use makes f the face gopdf draws with, embedding it on first use so that
// a document carries only the faces (and glyphs) it prints.
func (d *doc) use(f *face) {
	if !d.added[f] {
		fc, err := f.container()
		if err != nil {
			d.fail(err)
			return
		}
		d.fail(d.pdf.AddTTFFontFromFontContainer(f.name, fc))
		d.added[f] = true
	}
	if d.current != f || d.curPt != d.pt {
		d.fail(d.pdf.SetFont(f.name, "", d.pt))
		d.current, d.curPt = f, d.pt
	}
	if d.curSp != d.spacing {
		d.fail(d.pdf.SetCharSpacing(d.spacing))
		d.curSp = d.spacing
	}
}

// text draws s with its left end at x and its baseline at y, with spacing
// sp after each character, switching faces where a glyph needs another.
func (d *doc) text(x, y float64, s string, sp float64) {
	d.spacing = sp
	rs := []rune(s)
	for i := 0; i < len(rs); {
		f := d.set.pick(d.role, rs[i])
		j := i + 1
		for j < len(rs) && d.set.pick(d.role, rs[j]) == f {
			j++
		}
		run := string(rs[i:j])
		d.use(f)
		d.pdf.SetXY(x, y)
		d.fail(d.pdf.Text(run))
		x += d.measure(run) + float64(j-i)*sp
		i = j
	}
	d.spacing = 0
}

// textAt draws s aligned within [left, left+width]: L, C or R.
func (d *doc) textAt(left, width, y float64, s, align string) {
	x := left
	switch align {
	case "C":
		x = left + (width-d.measure(s))/2
	case "R":
		x = left + width - d.measure(s)
	}
	d.text(x, y, s, 0)
}

// inkWidth is the width of s's ink, drawn with spacing sp.
func (d *doc) inkWidth(s string, sp float64) float64 {
	rs := []rune(s)
	if len(rs) == 0 {
		return 0
	}
	lsb, _ := d.set.pick(d.role, rs[0]).bearings(rs[0])
	_, rsb := d.set.pick(d.role, rs[len(rs)-1]).bearings(rs[len(rs)-1])
	return d.width(s, sp) - (lsb+rsb)*d.em()
}

// inkAt draws s so that its ink (not its advance box) starts at x (align
// L) or ends at x (align R): for what GB/T 9704 places by characters from
// an edge — page numbers, signature, date, 版记 — where a glyph's side
// bearing would otherwise shift it visibly.
func (d *doc) inkAt(x, y float64, s, align string, sp float64) {
	rs := []rune(s)
	if len(rs) == 0 {
		return
	}
	if align == "R" {
		last := rs[len(rs)-1]
		_, rsb := d.set.pick(d.role, last).bearings(last)
		d.text(x-d.width(s, sp)+rsb*d.em(), y, s, sp)
		return
	}
	lsb, _ := d.set.pick(d.role, rs[0]).bearings(rs[0])
	d.text(x-lsb*d.em(), y, s, sp)
}

func (d *doc) color(r, g, b uint8) {
	d.pdf.SetTextColor(r, g, b)
	d.pdf.SetStrokeColor(r, g, b)
}

// rule draws a horizontal line of thickness t centred on y.
func (d *doc) rule(x1, x2, y, t float64) {
	d.pdf.SetLineWidth(t)
	d.pdf.Line(x1, y, x2, y)
}

// box draws a rectangle, filled with grey when fill is set.
func (d *doc) box(x, y, w, h float64, fill bool) {
	style := "D"
	if fill {
		d.pdf.SetFillColor(232, 234, 237)
		style = "FD"
	}
	d.fail(d.pdf.Rectangle(x, y, x+w, y+h, style, 0, 0))
	// PDF text is painted with the fill colour: set it back for what follows.
	d.pdf.SetFillColor(0, 0, 0)
}

// addPage starts a page. gopdf ties a content stream to the page object
// before it, and creates the stream lazily: drawing something at once (a
// line width) makes the stream belong to this page whatever comes later.
func (d *doc) addPage() {
	d.pdf.AddPage()
	d.pdf.SetLineWidth(0.3)
	d.n++
	d.forget()
}

// forget drops what gopdf is known to be set to, so that the next text
// sets font, size and spacing afresh (NaN equals no spacing).
func (d *doc) forget() { d.current, d.curSp = nil, math.NaN() }

func (d *doc) pages() int { return d.n }

func (d *doc) setPage(n int) { d.fail(d.pdf.SetPage(n)); d.forget() }

// output writes the PDF, or the first error met while drawing.
func (d *doc) output(out io.Writer, what string) error {
	if d.err != nil {
		return fmt.Errorf("render %s: %w", what, d.err)
	}
	var buf bytes.Buffer
	if err := d.pdf.Write(&buf); err != nil {
		return fmt.Errorf("render %s: %w", what, err)
	}
	_, err := out.Write(buf.Bytes())
	return err
}

// figure places a PNG centred in the type area's width, in the band of
// height h from y, as large as fits with 2 mm above and below and its
// aspect kept.
func (d *doc) figure(png []byte, y, h float64) {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(png))
	if err != nil {
		d.fail(fmt.Errorf("figure: %w", err))
		return
	}
	if cfg.Width == 0 || cfg.Height == 0 {
		d.fail(fmt.Errorf("figure: empty image"))
		return
	}
	fh := h - 4
	fw := fh * float64(cfg.Width) / float64(cfg.Height)
	if fw > areaW {
		fw, fh = areaW, areaW*float64(cfg.Height)/float64(cfg.Width)
	}
	img, err := gopdf.ImageHolderByBytes(png)
	if err != nil {
		d.fail(fmt.Errorf("figure: %w", err))
		return
	}
	d.fail(d.pdf.ImageByHolder(img, marginLeft+(areaW-fw)/2, y+(h-fh)/2, &gopdf.Rect{W: fw, H: fh}))
}
