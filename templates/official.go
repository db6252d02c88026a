package templates

import (
	"fmt"
	"io"
	"math"
	"strings"
	"time"
)

// Letterhead is the issuing office, from configuration.
type Letterhead struct {
	Office    string // 发文机关 (signature), e.g. 中共云州市委机构编制委员会办公室
	Masthead  string // 发文机关标志; defaults to Office + "文件"
	PrintedBy string // 印发机关; defaults to Office
	// Zone is the office's time zone, in which its documents are dated
	// (nil: China time).
	Zone *time.Location
}

// Block is a paragraph of body text.
type Block struct {
	Text  string
	Level int // 0 body; 1 a first-level heading (一、, 黑体); 2 second-level (（一）, 楷体)
	// Figure, when set, is a PNG placed instead of text, centred across
	// FigureLines lines of the grid (kept on one page) so that the text
	// after it stays on the 22-line grid.
	Figure      []byte
	FigureLines int
}

// Official is one official document (公文) to lay out.
type Official struct {
	Letterhead Letterhead
	Letter     bool   // 信函格式 (a 函) rather than 文件格式
	Number     string // 发文字号, e.g. 云编督〔2026〕12号
	Title      string
	// TitleParts, when given, are the words of the title in order: a title
	// line breaks only between them (回行时词意完整), unless one is
	// longer than a line.
	TitleParts  []string
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
	// (密级和保密期限, e.g. "秘密★10年") and a copy number (份号) at the top left.
	Classification string
	CopyNo         string
	// Sealed reserves the seal area (加盖印章) beside the signature; without
	// it the signature stands two characters from the right margin.
	Sealed bool
}

// Geometry of GB/T 9704-2012, in millimetres.
const (
	pageW, pageH = 210.0, 297.0
	marginTop    = 37.0 // 天头
	marginLeft   = 28.0 // 订口
	areaW, areaH = 156.0, 225.0
	areaBottom   = marginTop + areaH
	linesPerPage = 22
	charsPerLine = 28
	lineH        = areaH / linesPerPage // one line of the 22-line grid
	pitch        = areaW / charsPerLine // one character of the 28-character grid
	bodyPt       = 16.0                 // 三号
	titlePt      = 22.0                 // 二号
	footerPt     = 14.0                 // 四号
	ascent       = 0.88                 // baseline below the em box's top, in em (CJK ideographic box)
	mastheadTop  = 35.0                 // 发文机关标志 top edge below the type area's top
	letterTop    = 30.0                 // 信函 masthead top edge below the page's top
	letterRule   = 170.0                // 信函 double lines' length
	letterBottom = 20.0                 // 信函 lower double line above the page's bottom
	pageNoBelow  = 7.0                  // 页码 一字线 below the type area
	sepRed       = 230                  // red of masthead and rules (R, 0, 0)
)

// DateCN formats a date as GB/T 9704 asks: Arabic numerals, 年月日, no
// padding; in China time (DateIn with the default zone).
func DateCN(t time.Time) string { return DateIn(t, nil) }

// DateIn formats t's date in the office's zone loc as GB/T 9704 asks
// (nil: China time). An instant from the database goes through it with
// the configured zone, so that a document issued at 00:30 is dated that
// day wherever the server runs.
func DateIn(t time.Time, loc *time.Location) string {
	if loc == nil {
		loc = chinaTime
	}
	t = t.In(loc)
	return fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day())
}

// chinaTime is China Standard Time (UTC+8, no daylight saving): a document
// issued at 00:30 in Beijing is dated that day, not the day before in UTC.
// A fixed zone, so that rendering needs no time-zone database.
var chinaTime = time.FixedZone("CST", 8*3600)

// baseline is the baseline of text of size pt set in a box whose top is y
// and height h, the em box centred in it.
func baseline(y, h, pt float64) float64 {
	em := pt * ptMM
	return y + (h-em)/2 + ascent*em
}

// gridY is the top of grid line i (0–21) of the type area.
func gridY(i int) float64 { return marginTop + float64(i)*lineH }

// flowLine is one line of the body flow: text on one grid line.
type flowLine struct {
	text    string
	role    Role
	pt      float64
	indent  float64 // from the type area's left edge, mm
	justify bool    // stretched to the type area's right edge
	align   string  // L, C or R when not justified
	blank   bool
	figure  []byte // a PNG spanning span grid lines
	span    int
	closing bool // the closing phrase (特此函告。), kept with the signature
}

// RenderOfficial lays out d as a PDF on A4 portrait.
func RenderOfficial(out io.Writer, d Official, fonts Fonts, created time.Time) error {
	w := newDoc(fonts, false, info{Title: d.Title, Subject: d.Number, Author: d.Letterhead.Office, Created: created})
	layoutOfficial(w, d)
	return w.output(out, d.Number)
}

func layoutOfficial(w *doc, d Official) {
	w.addPage()
	first := header(w, d)
	// The title: centred, 二号 小标宋, on the grid, broken between words.
	w.font(RoleTitle, titlePt)
	titleLines := balance(titleParts(d), areaW-2*pitch, func(s string) float64 { return w.measure(s) })
	var flow []flowLine
	for _, l := range titleLines {
		flow = append(flow, flowLine{text: l, role: RoleTitle, pt: titlePt, align: "C"})
	}
	flow = append(flow, flowLine{blank: true})
	if d.Addressee != "" {
		flow = append(flow, paragraph(w, d.Addressee+"：", RoleBody, 0)...)
	}
	for i, b := range d.Body {
		if len(b.Figure) > 0 {
			flow = append(flow, flowLine{figure: b.Figure, span: max(b.FigureLines, 1)})
			continue
		}
		role := [...]Role{RoleBody, RoleHeading, RoleKai}[min(max(b.Level, 0), 2)]
		ls := paragraph(w, b.Text, role, 2)
		if i == len(d.Body)-1 && isClosing(b.Text) {
			for j := range ls {
				ls[j].closing = true
			}
		}
		flow = append(flow, ls...)
	}
	if len(d.Attachments) > 0 {
		flow = append(flow, flowLine{blank: true})
		label := "附件："
		for i, a := range d.Attachments {
			item := a
			if len(d.Attachments) > 1 {
				item = fmt.Sprintf("%d．%s", i+1, a)
			}
			if i == 0 {
				flow = append(flow, paragraph(w, label+item, RoleBody, 2)...)
				continue
			}
			// Later attachments align with the first one's name.
			w.font(RoleBody, bodyPt)
			ls := paragraph(w, item, RoleBody, 0)
			for j := range ls {
				ls[j].indent += 2*pitch + w.width(label, pitch-w.em())
			}
			flow = append(flow, ls...)
		}
	}
	sign := signature(w, d)
	foot := footerRows(w, d)
	footH := 0.0
	for _, r := range foot {
		footH += float64(max(len(r.lines), 1)) * footRowH
	}
	// Place the flow on the grid; move the last two body lines along with
	// the closing phrase and the signature, and with the 版记, rather than
	// leave either alone.
	pos := placeFlow(flow, first, len(sign), footH, nil)
	if pos.signAlone || pos.footAlone {
		pos = placeFlow(flow, first, len(sign), footH, map[int]bool{lastTextLines(flow): true})
	}
	for i, l := range flow {
		p := pos.lines[i]
		for w.pages() < p.page {
			w.addPage()
		}
		w.setPage(p.page)
		if l.span > 0 {
			l.span = p.span // a figure may be shrunk to fit its page
		}
		drawLine(w, l, gridY(p.line))
	}
	for w.pages() < pos.signPage {
		w.addPage()
	}
	w.setPage(pos.signPage)
	for i, s := range sign {
		if s.text != "" {
			w.font(RoleBody, bodyPt)
			w.inkAt(s.x, baseline(gridY(pos.signLine+i), lineH, bodyPt), s.text, "L", pitch-w.em())
		}
	}
	drawFooter(w, d, foot)
	pageNumbers(w, d.Letter, d.VerifyCode, d.VerifyURL)
	if d.Preview {
		previewMarks(w)
	}
}

// titleParts is the title as unbreakable words.
func titleParts(d Official) []string {
	if len(d.TitleParts) > 0 {
		return d.TitleParts
	}
	return []string{d.Title}
}

// header draws the 版头 on page 1 and returns the first grid line below it
// and the title's two blank lines.
func header(w *doc, d Official) int {
	masthead := d.Letterhead.Masthead
	if masthead == "" {
		masthead = d.Letterhead.Office
		if !d.Letter {
			masthead += "文件"
		}
	}
	// 发文机关标志: red 小标宋, centred, as large as the width allows.
	size := 40.0
	w.font(RoleTitle, size)
	for w.measure(masthead) > areaW-pitch && size > 16 {
		size--
		w.font(RoleTitle, size)
	}
	top, bottom := w.set.roles[RoleTitle].ink(masthead)
	em := size * ptMM
	mastTop := marginTop + mastheadTop
	if d.Letter {
		mastTop = letterTop
	}
	mastBase := mastTop + top*em
	mastBottom := mastBase - bottom*em
	w.color(sepRed, 0, 0)
	w.textAt(marginLeft, areaW, mastBase, masthead, "C")
	w.font(RoleBody, bodyPt)
	bodyEm := w.em()
	var below float64 // the bottom of the last element of the 版头
	if d.Letter {
		// 红色双线 4 mm below the masthead, thick over thin, 170 mm; the
		// lower one 20 mm above the page's bottom edge, thin over thick.
		x1, x2 := (pageW-letterRule)/2, (pageW+letterRule)/2
		y := mastBottom + 4
		w.rule(x1, x2, y+0.5, 1.0)
		w.rule(x1, x2, y+1.0+0.6+0.15, 0.3)
		rulesBottom := y + 1.0 + 0.6 + 0.3
		low := pageH - letterBottom
		w.rule(x1, x2, low-0.5-0.6-0.15, 0.3)
		w.rule(x1, x2, low-0.5, 1.0)
		w.color(0, 0, 0)
		// 份号、密级 at the left and 发文字号 at the right, their tops 7/8 of
		// a 三号 character below the double line.
		y = rulesBottom + bodyEm*7/8
		// Its ink, not its advance box, on the type area's right edge.
		w.inkAt(marginLeft+areaW, y+ascent*bodyEm, d.Number, "R", 0)
		below = y + bodyEm
		for i, m := range marks(d) {
			w.font(m.role, bodyPt)
			w.textAt(marginLeft, areaW, y+float64(i)*lineH+ascent*bodyEm, m.text, "L")
			below = max(below, y+float64(i)*lineH+bodyEm)
		}
	} else {
		w.color(0, 0, 0)
		// 份号 on the first line of the type area, 密级和保密期限 on the second.
		for i, m := range marks(d) {
			w.font(m.role, bodyPt)
			w.textAt(marginLeft, areaW, baseline(gridY(i), lineH, bodyPt), m.text, "L")
		}
		w.font(RoleBody, bodyPt)
		// 发文字号 two lines below the masthead, centred; the red separator
		// 4 mm below it.
		numTop := mastBottom + 2*lineH
		w.textAt(marginLeft, areaW, baseline(numTop, lineH, bodyPt), d.Number, "C")
		_, nb := w.set.roles[RoleBody].ink(d.Number)
		// The rule's upper edge is 4 mm below the number's lowest ink.
		sep := baseline(numTop, lineH, bodyPt) - nb*bodyEm + 4 + 0.35
		w.color(sepRed, 0, 0)
		w.rule(marginLeft, marginLeft+areaW, sep, 0.7)
		w.color(0, 0, 0)
		below = sep + 0.35
	}
	// The title starts two blank lines below.
	return int(math.Ceil((below+2*lineH-marginTop)/lineH - 0.3))
}

// topMark is one of the marks at the top left and the face it is set in.
type topMark struct {
	text string
	role Role
}

// marks are 份号 and 密级和保密期限, those that are set, in order: 份号 in
// 3号 Arabic numerals of the body face (§7.2.1), the classification in 3号
// 黑体 (§7.2.2) whether or not a copy number stands above it.
func marks(d Official) []topMark {
	var out []topMark
	if d.CopyNo != "" {
		out = append(out, topMark{d.CopyNo, RoleBody})
	}
	if d.Classification != "" {
		out = append(out, topMark{d.Classification, RoleHeading})
	}
	return out
}

// SecretMark is the 密级和保密期限 of a secret document: 秘密★period (e.g.
// 秘密★10年), or 秘密 alone when no period is set.
func SecretMark(period string) string {
	if period == "" {
		return "秘密"
	}
	return "秘密★" + period
}

// CopyNo is the 份号 of copy k (from 1) of a document: six digits (§7.2.1).
func CopyNo(k int) string { return fmt.Sprintf("%06d", k) }

// paragraph breaks text into body lines of the grid: each paragraph of it
// (a line break in the text starts one) indented by indent characters,
// every line but a paragraph's last justified.
func paragraph(w *doc, text string, role Role, indent int) []flowLine {
	w.font(role, bodyPt)
	sp := pitch - w.em() // 28 characters a line
	pad := strings.Repeat("\u3000", indent)
	var out []flowLine
	for _, para := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		// On the grid each character takes its advance plus sp, the last
		// one too: 28 cells of 156/28 mm (the em of 三号 is a little wider).
		lines := WrapHanging(pad+strings.TrimLeft(para, " \u3000"), areaW+0.01, func(s string) float64 { return w.width(s, sp) + sp })
		for i, l := range lines {
			out = append(out, flowLine{text: l, role: role, pt: bodyPt, align: "L", justify: i < len(lines)-1})
		}
	}
	return out
}

// drawLine draws one flow line on the grid line whose top is y.
func drawLine(w *doc, l flowLine, y float64) {
	if l.blank {
		return
	}
	if len(l.figure) > 0 {
		w.figure(l.figure, y, float64(l.span)*lineH)
		return
	}
	w.font(l.role, l.pt)
	base := baseline(y, lineH, l.pt)
	switch {
	case l.justify:
		rs := []rune(l.text)
		grid := pitch - w.em()
		// A closing mark hanging past the edge is left out of the stretch.
		if w.width(l.text, grid)+grid > areaW-l.indent+0.01 {
			rs = rs[:len(rs)-1]
		}
		// Stretched so that the last character's ink, not its advance box,
		// meets the edge: the right edge reads straight whatever the glyph.
		// A line much shorter than the width (a word that would not
		// break) is left ragged rather than spread letter by letter.
		sp := grid
		if n := len(rs); n > 1 && w.measure(string(rs)) >= 0.8*(areaW-l.indent) {
			last := rs[n-1]
			_, rsb := w.set.pick(l.role, last).bearings(last)
			sp = (areaW - l.indent - w.measure(string(rs)) + rsb*w.em()) / float64(n-1)
		}
		w.text(marginLeft+l.indent, base, l.text, sp)
	case l.role == RoleTitle:
		w.textAt(marginLeft, areaW, base, l.text, l.align)
	default:
		w.text(marginLeft+l.indent, base, l.text, pitch-w.em())
	}
}

// spot is where one flow line went: its page and grid line (-1 when a
// blank line was dropped at a page's top) and, for a figure, the grid lines
// it spans there.
type spot struct{ page, line, span int }

// placed is where each flow line, the signature and the 版记 went.
type placed struct {
	lines              []spot
	signPage, signLine int
	signAlone          bool
	footAlone          bool
}

// footRowH is the height of one row of the 版记.
const footRowH = lineH * 0.7

// placeFlow puts the flow on the grid from line first of page 1, starting a
// new page before any index in breakAt, then the signature (sign grid lines)
// after it and the 版记 (footH mm) at the bottom of the last page. It
// reports a signature that landed on a later page with fewer than two lines
// of body text besides the closing phrase (特此函告 and the signature alone
// on the last page), and a 版记 that did not fit below the signature.
func placeFlow(flow []flowLine, first, sign int, footH float64, breakAt map[int]bool) placed {
	p := placed{lines: make([]spot, len(flow))}
	page, line := 1, first
	for i := 0; i < len(flow); i++ {
		l := flow[i]
		if line >= linesPerPage || (breakAt[i] && line > 0) {
			page, line = page+1, 0
		}
		if l.blank && line == 0 && page > 1 {
			// A blank line does not open a page.
			p.lines[i] = spot{page, -1, 0}
			continue
		}
		span := max(l.span, 1)
		if l.span > 0 && line+l.span > linesPerPage && line > 0 {
			// A figure that does not fit what is left of the page: shrunk
			// a little to fit it, else the text after it fills the page
			// and the figure opens the next one, rather than leave a
			// third of the page empty.
			left := linesPerPage - line
			if left*5 >= l.span*4 {
				span = left
			} else {
				n := floatable(flow, i, left, breakAt)
				for j := i + 1; j <= i+n; j++ {
					p.lines[j] = spot{page, line, 0}
					line++
				}
				p.lines[i] = spot{page + 1, 0, l.span}
				page, line = page+1, l.span
				i += n
				continue
			}
		}
		p.lines[i] = spot{page, line, span}
		line += span
	}
	if line+sign > linesPerPage {
		page, line = page+1, 0
		p.signAlone = true
	}
	p.signPage, p.signLine = page, line
	if page > 1 {
		company := 0
		for i, l := range flow {
			if at := p.lines[i]; at.page == page && at.line >= 0 && !l.blank && !l.closing {
				company += max(at.span, 1) // a figure is company enough
			}
		}
		p.signAlone = p.signAlone || company < 2
	}
	end := gridY(line + sign)
	if end+footH > areaBottom+0.01 {
		p.footAlone = true
	}
	return p
}

// floatable is how many lines after the figure at flow[i] may move up
// into the left lines before it: text lines, not another figure, the
// closing phrase or a forced break, and not ending on a heading that would
// then stand apart from its text below the figure; none when no text
// would be left to follow the figure.
func floatable(flow []flowLine, i, left int, breakAt map[int]bool) int {
	n := 0
	for j := i + 1; j < len(flow) && n < left; j++ {
		if l := flow[j]; l.span > 0 || l.closing || breakAt[j] {
			break
		}
		n++
	}
	for n > 0 && (flow[i+n].role == RoleHeading || flow[i+n].role == RoleKai || flow[i+n].blank) {
		n--
	}
	// Text must remain to follow the figure: moving all of it up would
	// leave the figure alone with the closing phrase and the signature,
	// parted from the text it illustrates.
	for j := i + n + 1; j < len(flow); j++ {
		if l := flow[j]; !l.blank {
			if l.closing || l.span > 0 {
				return 0
			}
			return n
		}
	}
	return 0
}

// lastTextLines is the index of the flow line two text lines before its end
// (before the closing phrase), where a page break keeps the closing, the
// signature and the 版记 company.
func lastTextLines(flow []flowLine) int {
	n := 0
	for i := len(flow) - 1; i >= 0; i-- {
		if !flow[i].blank && !flow[i].closing {
			n++
			if n == 2 {
				return i
			}
		}
	}
	return 0
}

// isClosing reports a closing phrase (结束语: 特此函告。特此通知。特此反馈。)
// that ends a body: it goes to a page only with the signature and the last
// lines of the paragraph before it.
func isClosing(text string) bool {
	t := strings.TrimSpace(text)
	return strings.HasPrefix(t, "特此") && len([]rune(t)) <= 8
}

// signLine is one line of the signature block at x, or a blank line.
type signLine struct {
	text string
	x    float64
}

// signature lays out 发文机关署名 and 成文日期 (GB/T 9704 §7.3.5): one
// blank line below the body; without a seal the signature stands two
// characters from the right and the date starts two characters right of the
// signature's first character; with a seal the date stands four characters
// from the right, the signature centred above it, and two blank lines
// reserve the seal's upper half.
func signature(w *doc, d Official) []signLine {
	w.font(RoleBody, bodyPt)
	sp := pitch - w.em()
	sign, date := d.Letterhead.Office, DateIn(d.Date, d.Letterhead.Zone)
	sw, dw := w.inkWidth(sign, sp), w.inkWidth(date, sp)
	right := marginLeft + areaW
	if d.Sealed {
		dx := right - 4*pitch - dw
		sx := dx + (dw-sw)/2
		if sx+sw > right-2*pitch {
			sx = right - 2*pitch - sw
		}
		return []signLine{{}, {}, {text: sign, x: sx}, {text: date, x: dx}}
	}
	sx := right - 2*pitch - sw
	dx := sx + 2*pitch
	if dx+dw > right-2*pitch {
		dx = right - 2*pitch - dw
		sx = dx - 2*pitch
	}
	return []signLine{{}, {text: sign, x: sx}, {text: date, x: dx}}
}

// footRow is one row of the 版记 between two rules: the lines of 抄送
// (continuation lines hang, indented by the label), or, when printedBy,
// 印发机关和印发日期 on one line.
type footRow struct {
	label     string   // "抄送：", printed before the first line
	lines     []string // the text after the label, one entry a printed line
	printedBy bool
}

// footerRows are the rows of the 版记: 抄送, then 印发机关和印发日期 (not
// in a letter). 抄送 is 四号, one character in from each side of the type
// area; its organs are separated by commas and end with a full stop, and a
// long list wraps with its lines aligned under the first organ (GB/T
// 9704-2012 §7.4.2: 回行时与冒号后的首字对齐).
func footerRows(w *doc, d Official) []footRow {
	var rows []footRow
	if len(d.CopiesTo) > 0 {
		const label = "抄送："
		w.font(RoleBody, footerPt)
		// The ink of the label starts one character in; the text after it
		// must end one character before the right edge.
		lsb, _ := w.set.pick(RoleBody, []rune(label)[0]).bearings([]rune(label)[0])
		width := areaW - 2*w.em() - (w.measure(label) - lsb*w.em())
		rows = append(rows, footRow{label: label, lines: wrapList(d.CopiesTo, "，", "。", width, w.measure)})
	}
	if !d.Letter {
		rows = append(rows, footRow{printedBy: true, lines: []string{""}})
	}
	return rows
}

// wrapList sets a list of names (the organs copied) in lines of width,
// separated by sep and ended by end, breaking between names: a name is cut
// ("市审计" / "局") only when it is longer than a line by itself.
func wrapList(items []string, sep, end string, width float64, measure func(string) float64) []string {
	var lines []string
	cur := ""
	for i, it := range items {
		tok := it + sep
		if i == len(items)-1 {
			tok = it + end
		}
		switch {
		case measure(cur+tok) <= width:
			cur += tok
		case measure(tok) <= width:
			lines = append(lines, cur)
			cur = tok
		default:
			// Longer than a line: wrapped as text, continuing the line.
			ws := Wrap(cur+tok, width, measure)
			lines = append(lines, ws[:len(ws)-1]...)
			cur = ws[len(ws)-1]
		}
	}
	if cur != "" || len(lines) == 0 {
		lines = append(lines, cur)
	}
	return lines
}

// drawFooter draws the 版记 at the bottom of the last page: rows of 四号,
// indented one character each side; its last rule on the type area's bottom
// edge, the first and last rules 0.35 mm, the middle ones 0.25 mm. A letter
// has neither rules nor 印发机关.
func drawFooter(w *doc, d Official, rows []footRow) {
	if len(rows) == 0 {
		return
	}
	w.setPage(w.pages())
	w.font(RoleBody, footerPt)
	ind := w.em()
	n := 0
	for _, r := range rows {
		n += max(len(r.lines), 1)
	}
	y := areaBottom - float64(n)*footRowH
	w.color(0, 0, 0)
	if !d.Letter {
		w.rule(marginLeft, marginLeft+areaW, y, 0.35)
	}
	for i, r := range rows {
		if r.printedBy && !d.Letter {
			base := baseline(y, footRowH, footerPt)
			printedBy := d.Letterhead.PrintedBy
			if printedBy == "" {
				printedBy = d.Letterhead.Office
			}
			w.inkAt(marginLeft+ind, base, printedBy, "L", 0)
			w.inkAt(marginLeft+areaW-ind, base, DateIn(d.PrintedOn, d.Letterhead.Zone)+"印发", "R", 0)
			y += footRowH
		} else {
			// The label's ink starts one character in; the lines after the
			// first start where the first organ's name does.
			first := []rune(r.label + r.lines[0])[0]
			lsb, _ := w.set.pick(RoleBody, first).bearings(first)
			x := marginLeft + ind - lsb*w.em()
			for j, l := range r.lines {
				base := baseline(y, footRowH, footerPt)
				if j == 0 {
					w.text(x, base, r.label+l, 0)
				} else {
					// Ink under the first organ's ink: characters differ in
					// their side bearings (中 sits further in than 云).
					organ, lead := []rune(r.lines[0]), []rune(l)
					shift := 0.0
					if len(organ) > 0 && len(lead) > 0 {
						a, _ := w.set.pick(RoleBody, organ[0]).bearings(organ[0])
						b, _ := w.set.pick(RoleBody, lead[0]).bearings(lead[0])
						shift = (a - b) * w.em()
					}
					w.text(x+w.measure(r.label)+shift, base, l, 0)
				}
				y += footRowH
			}
		}
		if !d.Letter {
			t := 0.25
			if i == len(rows)-1 {
				t = 0.35
			}
			w.rule(marginLeft, marginLeft+areaW, y, t)
		}
	}
}

// pageNumbers prints "— n —" in 四号 on every page (not page 1 of a
// letter), its dashes 7 mm below the type area: odd pages one character in
// from the right edge, even pages one character in from the left. Page 1
// also carries the verification code.
func pageNumbers(w *doc, letter bool, code, url string) {
	for p := 1; p <= w.pages(); p++ {
		w.setPage(p)
		w.color(0, 0, 0)
		if !(letter && p == 1) {
			pageNumber(w, p, marginLeft, areaW, areaBottom+pageNoBelow)
		}
		if p == 1 && code != "" {
			w.font(RoleBody, 9)
			w.pdf.SetTextColor(90, 90, 90)
			w.text(marginLeft, pageH-9, "文件核验码 "+code+"　核验地址 "+url, 0)
			w.pdf.SetTextColor(0, 0, 0)
		}
	}
}

// pageNumber draws "— p —" with its dashes' centre at y, inside [left,
// left+width] one character from the outer edge.
func pageNumber(w *doc, p int, left, width, y float64) {
	w.font(RoleBody, footerPt)
	s := fmt.Sprintf("— %d —", p)
	top, bottom := w.set.pick(RoleBody, '—').ink("—")
	base := y + (top+bottom)/2*w.em()
	if p%2 == 0 {
		w.inkAt(left+w.em(), base, s, "L", 0)
	} else {
		w.inkAt(left+width-w.em(), base, s, "R", 0)
	}
}

// previewMarks stamps every page as an unissued preview.
func previewMarks(w *doc) {
	for p := 1; p <= w.pages(); p++ {
		w.setPage(p)
		w.font(RoleHeading, 12)
		w.pdf.SetTextColor(200, 0, 0)
		w.text(marginLeft, 20, "预览稿 · 未发文 · 无效", 0)
	}
	w.pdf.SetTextColor(0, 0, 0)
}
