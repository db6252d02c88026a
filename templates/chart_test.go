package templates

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"image"
	"image/png"
	"io"
	"os"
	"strings"
	"testing"

	"rectify/templates/pdftest"
)

func sampleCategories() []AssessmentCategory {
	return []AssessmentCategory{{"规定执行", 27.5, 30}, {"履职尽责", 18, 25}, {"管理规范", 9, 15},
		{"创新创优", 5, 10}, {"机构配置效益", 10, 10}, {"内外部满意度", 4.2, 10}}
}

func sampleResult(chart []byte) AssessmentResult {
	return AssessmentResult{Letterhead: head, Number: "云编督函〔2026〕9号", UnitName: "清河县教育局", Year: 2026,
		Total: 73.7, Grade: "良好", Rank: "第 2 名（共 5 个同类单位）", Change: "较上年度提高 3.5 分",
		Categories: sampleCategories(), Chart: chart, Date: fixed0,
		Problems: []AssessmentProblem{{Point: "1.1.1.1", PointName: "超编进人", Title: "核定事业编制32名，实有35人，超编3人", CaseNo: "2026-0031"},
			{Point: "1.2.1.1", PointName: "混编混岗", Title: longFacts, CaseNo: "2026-0032"}}}
}

// TestCategoryChartSVG: well-formed SVG naming every category with its
// score, and names escaped (go-chart writes text as given).
func TestCategoryChartSVG(t *testing.T) {
	cats := sampleCategories()
	cats[3].Name = "创新<创优>&"
	var buf bytes.Buffer
	if err := (CategoryChart{Title: "清河县教育局 各类指标得分率", Categories: cats}).SVG(&buf); err != nil {
		t.Fatal(err)
	}
	d := xml.NewDecoder(bytes.NewReader(buf.Bytes()))
	var text strings.Builder
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed SVG: %v", err)
		}
		if cd, ok := tok.(xml.CharData); ok {
			text.Write(cd)
		}
	}
	for _, want := range []string{"规定执行", "27.5/30", "创新<创优>&", "5/10", "内外部满意度", "4.2/10", "100%", "清河县教育局"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("SVG text lacks %q", want)
		}
	}
	if strings.Contains(buf.String(), "<script") {
		t.Error("SVG carries a script")
	}
}

// TestCategoryChartPNG: the PNG is twice the console's size and its bars'
// heights follow the score rates (100% twice 50%).
func TestCategoryChartPNG(t *testing.T) {
	b, err := CategoryChart{Categories: sampleCategories()}.PNG()
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if got := img.Bounds().Size(); got != (image.Point{2 * chartW, 2 * chartH}) {
		t.Fatalf("size %v", got)
	}
	heights := barHeights(img)
	if len(heights) != 6 {
		t.Fatalf("%d bars, want 6: %v", len(heights), heights)
	}
	// 管理规范 9/15 = 60%, 机构配置效益 10/10 = 100%, 创新创优 5/10 = 50%.
	if r := float64(heights[2]) / float64(heights[4]); r < 0.57 || r > 0.63 {
		t.Errorf("60%% bar is %.2f of the 100%% bar", r)
	}
	if r := float64(heights[3]) / float64(heights[4]); r < 0.47 || r > 0.53 {
		t.Errorf("50%% bar is %.2f of the 100%% bar", r)
	}
}

// barHeights are the heights of the bar-coloured columns, left to right.
func barHeights(img image.Image) []int {
	b := img.Bounds()
	var out []int
	in := false
	for x := b.Min.X; x < b.Max.X; x++ {
		h := 0
		for y := b.Min.Y; y < b.Max.Y; y++ {
			if isBar(img.At(x, y)) {
				h++
			}
		}
		if h > 0 && !in {
			out = append(out, h)
		}
		if h > 0 && h > out[len(out)-1] {
			out[len(out)-1] = h
		}
		in = h > 0
	}
	return out
}

func isBar(c interface{ RGBA() (r, g, b, a uint32) }) bool {
	r, g, b, _ := c.RGBA()
	return r>>8 < 0x40 && g>>8 > 0x38 && g>>8 < 0x68 && b>>8 > 0x70 && b>>8 < 0xa8
}

// TestResultLetterFigure: the chart sits in the type area between the
// sub-scores and the problem list, and the text after it stays on the
// 22-line grid; with RECTIFY_KEEP_PDF set the letter is kept to look at.
func TestResultLetterFigure(t *testing.T) {
	chart, err := CategoryChart{Title: "各类指标得分率", Categories: sampleCategories()}.PNG()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := RenderOfficial(&buf, sampleResult(chart).Official(), EmbeddedFonts(), fixed0); err != nil {
		t.Fatal(err)
	}
	if p := os.Getenv("RECTIFY_KEEP_PDF"); p != "" {
		os.WriteFile(p, buf.Bytes(), 0o644)
	}
	text := body(pdftest.Raw(t, buf.Bytes(), false))
	for _, want := range []string{"73.7", "良好", "2026-0031", "2026-0032", "二、问题清单"} {
		if !strings.Contains(text, want) {
			t.Errorf("letter lacks %q", want)
		}
	}
	pages := rasterise(t, buf.Bytes())
	var fig box
	page := -1
	for i, p := range pages {
		fig = box{left: 1e9, right: -1e9, top: 1e9, bottom: -1e9}
		for y := 0; y < p.h; y++ {
			for x := 0; x < p.w; x++ {
				R, G, B := p.at(x, y)
				if isBar(rgb{R, G, B}) {
					fig.left, fig.right = min(fig.left, mm(x)), max(fig.right, mm(x))
					fig.top, fig.bottom = min(fig.top, mm(y)), max(fig.bottom, mm(y))
				}
			}
		}
		if fig.right > 0 {
			page = i
			break
		}
	}
	if page < 0 {
		t.Fatal("no chart in the letter")
	}
	if fig.left < marginLeft || fig.right > marginLeft+areaW || fig.top < marginTop || fig.bottom > areaBottom {
		t.Errorf("chart bars at %+v, outside the type area", fig)
	}
	// The figure takes grid lines n to n+6; the next text starts on n+7.
	n := int((fig.top - marginTop) / lineH)
	end := gridY(n + 7)
	if fig.bottom > end {
		t.Errorf("chart bars end at %.1f mm, below its band (%.1f mm)", fig.bottom, end)
	}
	p := pages[page]
	lines := p.bands(end, areaBottom+1.5, 0.8, inArea(p))
	if len(lines) == 0 {
		t.Fatal("no text below the chart")
	}
	for i, l := range lines {
		c := (l.top + l.bottom) / 2
		n := int((c - marginTop) / lineH)
		near(t, fmt.Sprintf("line %d below the chart", i+1), c, gridY(n)+lineH/2)
	}
}

type rgb struct{ r, g, b byte }

func (c rgb) RGBA() (r, g, b, a uint32) {
	return uint32(c.r) * 0x101, uint32(c.g) * 0x101, uint32(c.b) * 0x101, 0xffff
}
