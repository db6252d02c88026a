package templates

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"rectify/templates/pdftest"
)

// The geometry test renders each kind of document, rasterises it with
// pdftoppm at 300 dpi and measures, from the pixels alone, what GB/T
// 9704-2012 fixes: margins and type area, lines per page, characters per
// line, the masthead and separator, the signature, the page numbers, the
// 版记 and the letter format's double lines — each within 0.5 mm.

const dpi = 300

const tol = 0.5 // mm

// raster is one page as RGB pixels.
type raster struct {
	w, h int
	pix  []byte
}

func mm(px int) float64 { return float64(px) * 25.4 / dpi }

func px(mm float64) int { return int(math.Round(mm * dpi / 25.4)) }

func (r *raster) at(x, y int) (byte, byte, byte) {
	i := 3 * (y*r.w + x)
	return r.pix[i], r.pix[i+1], r.pix[i+2]
}

// black is dark ink that is not red; red is the masthead's and rules' red.
func (r *raster) black(x, y int) bool {
	R, G, B := r.at(x, y)
	return int(R)+int(G)+int(B) < 3*110 && !(R > 120 && G < 80)
}

func (r *raster) red(x, y int) bool {
	R, G, B := r.at(x, y)
	return R > 150 && G < 110 && B < 110
}

// rasterise renders every page of pdf at 300 dpi.
func rasterise(t *testing.T, pdf []byte) []*raster {
	t.Helper()
	dir := t.TempDir()
	in := filepath.Join(dir, "doc.pdf")
	if err := os.WriteFile(in, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("pdftoppm", "-r", fmt.Sprint(dpi), in, filepath.Join(dir, "p")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm (install poppler-utils): %v %s", err, out)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "p-*.ppm"))
	sort.Strings(files)
	var pages []*raster
	for _, f := range files {
		pages = append(pages, readPPM(t, f))
	}
	return pages
}

func readPPM(t *testing.T, path string) *raster {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	br := bufio.NewReader(f)
	var w, h, max int
	if _, err := fmt.Fscanf(br, "P6\n%d %d\n%d\n", &w, &h, &max); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	pix := make([]byte, 3*w*h)
	if _, err := io.ReadFull(br, pix); err != nil {
		t.Fatal(err)
	}
	return &raster{w: w, h: h, pix: pix}
}

// box is an ink bounding box in millimetres.
type box struct{ left, top, right, bottom float64 }

// inkBox is the bounding box of ink (is) in the band [y0, y1) mm.
func (r *raster) inkBox(y0, y1 float64, is func(x, y int) bool) (box, bool) {
	minX, minY, maxX, maxY := r.w, r.h, -1, -1
	for y := max(px(y0), 0); y < min(px(y1), r.h); y++ {
		for x := 0; x < r.w; x++ {
			if is(x, y) {
				minX, maxX = min(minX, x), max(maxX, x)
				minY, maxY = min(minY, y), max(maxY, y)
			}
		}
	}
	if maxX < 0 {
		return box{}, false
	}
	return box{mm(minX), mm(minY), mm(maxX + 1), mm(maxY + 1)}, true
}

// bands are the runs of rows in [y0, y1) mm holding ink, merged across
// gaps narrower than gap mm: the text lines.
func (r *raster) bands(y0, y1, gap float64, is func(x, y int) bool) []box {
	var out []box
	in := false
	var start, last int
	for y := px(y0); y < min(px(y1), r.h); y++ {
		ink := false
		for x := 0; x < r.w && !ink; x++ {
			ink = is(x, y)
		}
		switch {
		case ink && !in:
			if len(out) > 0 && mm(y-last) < gap {
				// Continue the previous band.
				start = px(out[len(out)-1].top)
				out = out[:len(out)-1]
			} else {
				start = y
			}
			in = true
		case !ink && in:
			b, _ := r.inkBox(mm(start), mm(y), is)
			out = append(out, b)
			in, last = false, y
		}
	}
	if in {
		b, _ := r.inkBox(mm(start), y1, is)
		out = append(out, b)
	}
	return out
}

// hlines are horizontal rules of colour is in [y0, y1) mm at least minLen
// mm long: each as its extent and its centre line.
func (r *raster) hlines(y0, y1, minLen float64, is func(x, y int) bool) []box {
	var rows []box
	for y := px(y0); y < min(px(y1), r.h); y++ {
		run, best, bestEnd := 0, 0, 0
		for x := 0; x < r.w; x++ {
			if is(x, y) {
				run++
				if run > best {
					best, bestEnd = run, x+1
				}
			} else {
				run = 0
			}
		}
		if mm(best) >= minLen {
			rows = append(rows, box{mm(bestEnd - best), mm(y), mm(bestEnd), mm(y + 1)})
		}
	}
	// Merge adjacent rows into lines.
	var out []box
	for _, b := range rows {
		if n := len(out); n > 0 && b.top-out[n-1].bottom < 0.05 {
			out[n-1].bottom = b.bottom
			out[n-1].left, out[n-1].right = min(out[n-1].left, b.left), max(out[n-1].right, b.right)
			continue
		}
		out = append(out, b)
	}
	return out
}

// pitchOf finds the character grid of a text line from its column
// profile: the pitch and start whose cell boundaries fall on the least ink
// (between ideographs there is white; inside most there is not), searched
// in steps of 0.005 mm. It returns the pitch and the number of cells from
// the start to the line's right ink edge.
func (r *raster) pitchOf(b box) (float64, int) {
	x0, x1 := px(b.left)-px(2), px(b.right)+px(2)
	prof := make([]float64, x1-x0)
	for x := x0; x < x1; x++ {
		for y := px(b.top); y < px(b.bottom); y++ {
			if r.black(x, y) {
				prof[x-x0]++
			}
		}
	}
	ink := func(mmx float64) float64 {
		i := px(mmx) - x0
		s := 0.0
		for j := i - 1; j <= i+1; j++ {
			if j >= 0 && j < len(prof) {
				s += prof[j]
			}
		}
		return s
	}
	best, bestP, bestN := math.Inf(1), 0.0, 0
	for p := 5.0; p <= 6.5; p += 0.005 {
		for off := 0.0; off <= 1.2; off += 0.1 {
			start := b.left - off
			n := int(math.Round((b.right - start) / p))
			if n < 2 {
				continue
			}
			s := 0.0
			for k := 1; k < n; k++ {
				s += ink(start + float64(k)*p)
			}
			s /= float64(n - 1)
			if s < best {
				best, bestP, bestN = s, p, n
			}
		}
	}
	return bestP, bestN
}

// near checks a measurement; go test -v lists every one.
func near(t *testing.T, what string, got, want float64) {
	t.Helper()
	t.Logf("%s: %.2f mm (standard %.2f)", what, got, want)
	if math.Abs(got-want) > tol {
		t.Errorf("%s: %.2f mm, want %.2f ± %.1f mm", what, got, want, tol)
	}
}

// fullNotice has enough items that page 2 is a full page of body text.
func fullNotice() Notice {
	n := sampleNotice()
	it := n.Items[0]
	for i := 0; i < 3; i++ {
		n.Items = append(n.Items, it)
	}
	return n
}

func fullFeedback() Feedback {
	f := sampleFeedback()
	for i := 0; i < 4; i++ {
		f.Items = append(f.Items, FeedbackItem{No: "2026-0107", Title: "清河县教育局混岗使用事业编制人员", UnitName: "清河县教育局",
			Outcome: longFacts, NoticeNo: "云编督〔2026〕12号"})
	}
	return f
}

// TestGeometry measures every kind of document from its pixels.
func TestGeometry(t *testing.T) {
	t.Run("notice", func(t *testing.T) { checkOfficial(t, fullNotice().Official(), false) })
	t.Run("feedback", func(t *testing.T) { checkOfficial(t, fullFeedback().Official(), false) })
	// A body of ideographs alone, where every full line shows the 28-
	// character grid in its pixels (digits and Latin are narrower).
	t.Run("grid", func(t *testing.T) {
		d := sampleNotice().Official()
		d.Body = nil
		for i := 0; i < 8; i++ {
			d.Body = append(d.Body, Block{Text: hanText})
		}
		checkOfficial(t, d, true)
	})
	t.Run("sealed-secret", func(t *testing.T) {
		d := fullNotice().Official()
		d.Sealed, d.Classification, d.CopyNo = true, "秘密★1年", "000123"
		checkOfficial(t, d, false)
		d.Letterhead.Office = "云州市编办"
		checkOfficial(t, d, false)
	})
	t.Run("closing", checkClosing)
	t.Run("ledger", checkLedger)
}

// hanText is a paragraph of ideographs only.
const hanText = "机构编制工作条例规定机构编制管理机关应当加强对机构编制工作的监督检查建立健全机构编制监督检查工作机制" +
	"对违反机构编制纪律的行为依规依纪依法严肃追究责任推动问题整改到位切实维护机构编制管理的严肃性和权威性" +
	"各级机构编制部门要坚持问题导向强化统筹协调完善工作机制推动监督检查工作规范化制度化常态化"

// inArea is ink no further right than the type area's edge and the width of
// a hanging mark's ink start: a comma hanging past the edge (标点悬挂) is
// not the edge of the type area.
func inArea(r *raster) func(x, y int) bool {
	edge := px(marginLeft + areaW + 0.6)
	return func(x, y int) bool { return x < edge && r.black(x, y) }
}

func checkOfficial(t *testing.T, d Official, grid bool) {
	var buf bytes.Buffer
	if err := RenderOfficial(&buf, d, EmbeddedFonts(), fixed0); err != nil {
		t.Fatal(err)
	}
	pages := rasterise(t, buf.Bytes())
	if len(pages) < 3 {
		t.Fatalf("%d pages; the sample should fill page 2", len(pages))
	}
	for i, p := range pages {
		if near := math.Abs(mm(p.w)-pageW) + math.Abs(mm(p.h)-pageH); near > 0.2 {
			t.Errorf("page %d is %.1f × %.1f mm, not A4", i+1, mm(p.w), mm(p.h))
		}
	}
	p1, p2 := pages[0], pages[1]

	// Page 2 is all body text: 22 lines on the grid of the type area.
	lines := p2.bands(marginTop-3, areaBottom+1.5, 0.8, inArea(p2))
	if len(lines) != linesPerPage {
		t.Fatalf("page 2 has %d lines, want %d", len(lines), linesPerPage)
	}
	all := box{left: 1e9, right: -1e9}
	for i, l := range lines {
		near(t, fmt.Sprintf("page 2 line %d centre", i+1), (l.top+l.bottom)/2, gridY(i)+lineH/2)
		all.left, all.right = min(all.left, l.left), max(all.right, l.right)
	}
	near(t, "left margin (订口)", all.left, marginLeft)
	near(t, "right edge of the type area", all.right, marginLeft+areaW)
	centre := func(b box) float64 { return (b.top + b.bottom) / 2 }
	near(t, "type area height (22 lines from first to last)", centre(lines[len(lines)-1])-centre(lines[0])+lineH, areaH)

	// Characters per line, on the full lines: their pitch and ends.
	checked := 0
	for i, l := range lines {
		if l.right-l.left < areaW-2 {
			continue
		}
		// A paragraph's last line (the next one starts indented) is not
		// justified, however nearly it fills the line.
		if i+1 < len(lines) && lines[i+1].left > marginLeft+pitch {
			continue
		}
		near(t, fmt.Sprintf("page 2 line %d right edge (justified)", i+1), l.right, marginLeft+areaW)
		checked++
		if !grid {
			continue
		}
		p, chars := p2.pitchOf(l)
		if math.Abs(p-pitch) > 0.05 {
			t.Errorf("page 2 line %d: character pitch %.3f mm, want %.3f (28 a line)", i+1, p, pitch)
		}
		if chars != charsPerLine {
			t.Errorf("page 2 line %d: %v characters, want %d", i+1, chars, charsPerLine)
		}
	}
	if checked < 10 {
		t.Errorf("only %d full lines on page 2", checked)
	}

	// 版头, page 1.
	rules := p1.hlines(0, pageH, 100, p1.red)
	if len(rules) == 0 {
		t.Fatal("no red rule on page 1")
	}
	mast, ok := p1.inkBox(0, rules[0].top-0.2, p1.red)
	if !ok {
		t.Fatal("no red masthead on page 1")
	}
	if d.Letter {
		near(t, "letter masthead top (30 mm from the page's top)", mast.top, letterTop)
		if len(rules) != 4 {
			t.Fatalf("letter: %d red rules, want two double lines: %v", len(rules), rules)
		}
		for i, r := range rules {
			near(t, fmt.Sprintf("letter rule %d length", i+1), r.right-r.left, letterRule)
			near(t, fmt.Sprintf("letter rule %d left", i+1), r.left, (pageW-letterRule)/2)
		}
		thick := func(b box) float64 { return b.bottom - b.top }
		if !(thick(rules[0]) > thick(rules[1]) && thick(rules[3]) > thick(rules[2])) {
			t.Errorf("letter double lines: upper should be thick over thin, lower thin over thick: %v", rules)
		}
		near(t, "upper double line 4 mm below the masthead", rules[0].top-mast.bottom, 4)
		near(t, "lower double line 20 mm above the page's bottom", pageH-rules[3].bottom, letterBottom)
		// 发文字号 under the double line at the right: its top 7/8 of a
		// 三号 character below the line.
		num, _ := p1.inkBox(rules[1].bottom+0.5, rules[1].bottom+12, p1.black)
		near(t, "letter number right edge", num.right, marginLeft+areaW)
		if num.top-rules[1].bottom > bodyPt*ptMM*7/8+tol+0.6 || num.top-rules[1].bottom < bodyPt*ptMM*7/8-tol-0.6 {
			t.Errorf("letter number %.2f mm below the double line, want about %.2f", num.top-rules[1].bottom, bodyPt*ptMM*7/8)
		}
		// No page number on page 1 of a letter.
		if _, ok := p1.inkBox(areaBottom+3, areaBottom+11, p1.black); ok {
			t.Error("page 1 of a letter carries a page number")
		}
	} else {
		near(t, "masthead top (35 mm below the type area's top)", mast.top, marginTop+mastheadTop)
		near(t, "masthead centred", (mast.left+mast.right)/2, pageW/2+(marginLeft-(pageW-marginLeft-areaW))/2)
		if len(rules) != 1 {
			t.Fatalf("%d red rules on page 1, want the separator: %v", len(rules), rules)
		}
		sep := rules[0]
		near(t, "separator length", sep.right-sep.left, areaW)
		near(t, "separator left", sep.left, marginLeft)
		num, _ := p1.inkBox(mast.bottom+1, sep.top-0.2, p1.black)
		near(t, "separator 4 mm below the document number", sep.top-num.bottom, 4)
		if gap := num.top - mast.bottom; gap < 2*lineH || gap > 3*lineH {
			t.Errorf("document number %.1f mm below the masthead, want two blank lines (%.1f–%.1f)", gap, 2*lineH, 3*lineH)
		}
		title := p1.bands(sep.bottom+1, sep.bottom+60, 0.8, p1.black)[0]
		if gap := title.top - sep.bottom; gap < 2*lineH || gap > 3*lineH {
			t.Errorf("title %.1f mm below the separator, want two blank lines (%.1f–%.1f)", gap, 2*lineH, 3*lineH)
		}
	}

	// Page numbers: 一字线 7 mm below the type area; odd pages one
	// character from the right, even pages one character from the left.
	for i, p := range pages {
		if d.Letter && i == 0 {
			continue
		}
		no, ok := p.inkBox(areaBottom+2, areaBottom+12, p.black)
		if !ok {
			t.Errorf("page %d has no page number", i+1)
			continue
		}
		dash := p.hlines(areaBottom+2, areaBottom+12, 3, p.black)
		if len(dash) == 0 {
			t.Errorf("page %d: no 一字线 in the page number", i+1)
			continue
		}
		near(t, fmt.Sprintf("page %d number's dash below the type area", i+1), (dash[0].top+dash[0].bottom)/2-areaBottom, pageNoBelow)
		one := footerPt * ptMM
		if (i+1)%2 == 1 {
			near(t, fmt.Sprintf("page %d number right edge", i+1), no.right, marginLeft+areaW-one)
		} else {
			near(t, fmt.Sprintf("page %d number left edge", i+1), no.left, marginLeft+one)
		}
	}

	// The last page: signature, date and 版记.
	last := pages[len(pages)-1]
	rows := last.bands(marginTop-3, areaBottom+1, 0.8, last.black)
	var foot []box
	if !d.Letter {
		foot = last.hlines(areaBottom-40, areaBottom+1, areaW-1, last.black)
		if len(foot) < 2 {
			t.Fatalf("版记: %d rules, want at least 2", len(foot))
		}
		near(t, "版记 last rule on the type area's bottom edge", (foot[len(foot)-1].top+foot[len(foot)-1].bottom)/2, areaBottom)
		near(t, "版记 rule length", foot[0].right-foot[0].left, areaW)
		if th := foot[0].bottom - foot[0].top; th < 0.25 || th > 0.5 {
			t.Errorf("版记 first rule %.2f mm thick, want 0.35", th)
		}
		// Text rows between the rules, one character in on each side.
		one := footerPt * ptMM
		for i := 0; i+1 < len(foot); i++ {
			row, ok := last.inkBox(foot[i].bottom+0.3, foot[i+1].top-0.3, last.black)
			if !ok {
				t.Errorf("版记 row %d is empty", i+1)
				continue
			}
			near(t, fmt.Sprintf("版记 row %d left indent", i+1), row.left, marginLeft+one)
			if i == len(foot)-2 {
				near(t, "印发日期 right indent", row.right, marginLeft+areaW-one)
			}
		}
		rows = last.bands(marginTop-3, foot[0].top-0.5, 0.8, last.black)
	} else if hl := last.hlines(marginTop, areaBottom+1, areaW-1, last.black); len(hl) > 0 {
		t.Errorf("a letter's 版记 has rules: %v", hl)
	}
	if len(rows) < 4 {
		t.Fatalf("last page has %d lines; the signature must not stand alone", len(rows))
	}
	// Without a seal: the signature two characters from the right; the date
	// starts two characters right of the signature's first character. With
	// one: the date four characters from the right, the signature centred
	// over it, two blank lines above for the seal.
	sign, date := rows[len(rows)-2], rows[len(rows)-1]
	prev := rows[len(rows)-3]
	if d.Letter && len(d.CopiesTo) > 0 {
		sign, date, prev = rows[len(rows)-3], rows[len(rows)-2], rows[len(rows)-4]
	}
	blank := 1.0
	if d.Sealed {
		blank = 2
		near(t, "date four characters from the right (sealed)", date.right, marginLeft+areaW-4*pitch)
		// Centred over the date, unless that would cross two characters
		// from the right (a long office name).
		if want := (date.left + date.right) / 2; want+(sign.right-sign.left)/2 <= marginLeft+areaW-2*pitch {
			near(t, "signature centred over the date (sealed)", (sign.left+sign.right)/2, want)
		} else {
			near(t, "long signature two characters from the right (sealed)", sign.right, marginLeft+areaW-2*pitch)
		}
	} else {
		near(t, "signature two characters from the right", sign.right, marginLeft+areaW-2*pitch)
		near(t, "date two characters right of the signature's start", date.left-sign.left, 2*pitch)
	}
	near(t, "signature below the body after the blank lines", (sign.top+sign.bottom)/2-(prev.top+prev.bottom)/2, (blank+1)*lineH)
	near(t, "date the line after the signature", (date.top+date.bottom)/2-(sign.top+sign.bottom)/2, lineH)
	if d.CopyNo != "" || d.Classification != "" {
		// 份号 on the first line of the type area, 密级 on the second,
		// from the left edge.
		marks := p1.bands(marginTop-2, marginTop+2*lineH, 0.8, p1.black)
		if len(marks) != 2 {
			t.Fatalf("份号 and 密级: %d lines at the top of page 1", len(marks))
		}
		for i, m := range marks {
			near(t, fmt.Sprintf("top-left mark %d centre", i+1), centre(m), gridY(i)+lineH/2)
			near(t, fmt.Sprintf("top-left mark %d left", i+1), m.left, marginLeft)
		}
	}
}

func checkClosing(t *testing.T) {
	pdf := render(t, "closing")
	pages := rasterise(t, pdf)
	if len(pages) != 1 {
		t.Fatalf("an ordinary closing form has %d pages, want 1", len(pages))
	}
	p := pages[0]
	table := p.hlines(marginTop, areaBottom, areaW-1, p.black)
	if len(table) < 5 {
		t.Fatalf("the form has %d full-width rules", len(table))
	}
	near(t, "form left edge", table[0].left, marginLeft)
	near(t, "form right edge", table[0].right, marginLeft+areaW)
	all, _ := p.inkBox(0, areaBottom+1, p.black)
	if all.top < marginTop-tol {
		t.Errorf("ink at %.1f mm, above the type area", all.top)
	}
}

func checkLedger(t *testing.T) {
	pages := rasterise(t, render(t, "ledger"))
	p := pages[0]
	if p.w < p.h {
		t.Fatal("the ledger is not landscape")
	}
	table := p.hlines(20, 195, 200, p.black)
	if len(table) < 3 {
		t.Fatalf("%d table rules", len(table))
	}
	near(t, "ledger left margin", table[0].left, 15)
	near(t, "ledger right margin", table[0].right, 282)
	all, _ := p.inkBox(0, float64(p.h), p.black)
	if all.bottom > 210-5 {
		t.Errorf("ink down to %.1f mm, into the bottom margin", all.bottom)
	}
}

// sixOrgans are copies-to addressees that take more than one line of 四号.
var sixOrgans = []string{"中共云州市委巡察工作领导小组办公室", "云州市人力资源和社会保障局", "云州市财政局",
	"云州市审计局", "中共云州市纪律检查委员会", "中共清河县委机构编制委员会办公室"}

// TestCopiesToWraps: a 抄送 longer than a line wraps inside the 版记 (GB/T
// 9704-2012 §7.4.2): no ink past one character from the type area's right
// edge (184 mm less one 四号 character), continuation lines aligned under
// the first organ's name, every organ printed, on a notice and a letter.
func TestCopiesToWraps(t *testing.T) {
	for _, tc := range []struct {
		name string
		d    Official
	}{
		{"notice", func() Official { n := sampleNotice(); n.CopiesTo = sixOrgans; return n.Official() }()},
		{"letter", func() Official { f := sampleFeedback(); f.CopiesTo = sixOrgans; return f.Official() }()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := RenderOfficial(&buf, tc.d, EmbeddedFonts(), fixed0); err != nil {
				t.Fatal(err)
			}
			text := squash(pdftest.Text(t, buf.Bytes()))
			if want := "抄送：" + strings.Join(sixOrgans, "，") + "。"; !strings.Contains(text, want) {
				t.Errorf("the text lacks %s", want)
			}
			pages := rasterise(t, buf.Bytes())
			last := pages[len(pages)-1]
			one := footerPt * ptMM
			set := EmbeddedFonts()
			lsb := func(r rune) float64 { a, _ := set.set.pick(RoleBody, r).bearings(r); return a }
			firstOrgan := []rune(sixOrgans[0])[0]
			var rows []box
			if tc.d.Letter {
				// No rules: the 抄送 lines are the bottom lines of the type
				// area that start at the left, below the signature.
				all := last.bands(marginTop-3, areaBottom+1, 0.8, last.black)
				for i := len(all) - 1; i >= 0 && all[i].left < marginLeft+10*one; i-- {
					rows = append([]box{all[i]}, rows...)
				}
			} else {
				foot := last.hlines(areaBottom-60, areaBottom+1, areaW-1, last.black)
				if len(foot) < 3 {
					t.Fatalf("版记: %d rules, want 3", len(foot))
				}
				rows = last.bands(foot[0].bottom+0.3, foot[1].top-0.3, 0.8, last.black)
			}
			if len(rows) < 2 {
				t.Fatalf("抄送 on %d lines, want it wrapped onto at least 2: %v", len(rows), rows)
			}
			for i, r := range rows {
				t.Logf("抄送 line %d: %.2f–%.2f mm", i+1, r.left, r.right)
				if limit := marginLeft + areaW - one; r.right > limit+0.1 {
					t.Errorf("抄送 line %d ink reaches %.2f mm, past %.2f (one character inside the 184 mm edge)", i+1, r.right, limit)
				}
				if i == 0 {
					near(t, "抄送 left indent", r.left, marginLeft+one)
					continue
				}
				// Continuation lines' ink starts under the first organ's
				// ink: three characters after the label's ink, corrected by
				// the two glyphs' side bearings (中 sits further in than 抄).
				near(t, fmt.Sprintf("抄送 line %d under the first organ", i+1), r.left, rows[0].left+3*one+(lsb(firstOrgan)-lsb('抄'))*one)
			}
		})
	}
}
