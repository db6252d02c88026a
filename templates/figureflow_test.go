package templates

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"rectify/templates/pdftest"
)

// TestFigureDoesNotLeavePageEmpty: when the result letter's chart does not
// fit what is left of page 1 it is shrunk a little to fit, or the text
// after it fills page 1 and the chart opens page 2 — page 1 is never left
// with a third of it empty (it was: the chart went over and took nothing
// with it). The chart's position is moved a line at a time through a
// whole figure's height; page 1 is measured from its pixels.
func TestFigureDoesNotLeavePageEmpty(t *testing.T) {
	chart, err := CategoryChart{Title: "各类指标得分率", Categories: sampleCategories()}.PNG()
	if err != nil {
		t.Fatal(err)
	}
	moved, shrunk := 0, 0
	for extra := 0; extra < 7; extra++ {
		r := sampleResult(chart)
		d := r.Official()
		// One-line paragraphs before the chart push it down a line each.
		var pre []Block
		for k := 0; k < extra; k++ {
			pre = append(pre, Block{Text: fmt.Sprintf("补充说明第%d项。", k+1)})
		}
		d.Body = append(append(pre, d.Body[:2]...), d.Body[2:]...)
		var buf bytes.Buffer
		if err := RenderOfficial(&buf, d, EmbeddedFonts(), fixed0); err != nil {
			t.Fatal(err)
		}
		p := firstPage(t, buf.Bytes())
		lines := p.bands(marginTop, areaBottom+1, 0.8, inArea(p))
		if len(lines) == 0 {
			t.Fatalf("%d lines down: page 1 is empty", extra)
		}
		gap := areaBottom - lines[len(lines)-1].bottom
		t.Logf("%d lines down: page 1's ink ends %.1f mm above the type area's bottom", extra, gap)
		if gap > 2*lineH {
			t.Errorf("%d lines down: page 1 ends %.1f mm (%.1f lines) above the type area's bottom", extra, gap, gap/lineH)
		}
		// The chart: wholly on page 1 at its full or a shrunk size, or
		// opening page 2 below text that came up to fill page 1.
		fig := barBox(p)
		switch {
		case fig.right < 0:
			moved++
		case fig.bottom-fig.top < 0.8*float64(7)*lineH*0.7:
			shrunk++
		}
		if fig.right > 0 && (fig.top < marginTop || fig.bottom > areaBottom) {
			t.Errorf("%d lines down: chart bars at %+v, outside the type area", extra, fig)
		}
	}
	if moved == 0 {
		t.Error("no letter moved its chart to page 2: the test does not reach the case")
	}
}

// TestFigureNotAloneOnAPage: a letter with no problems has only a heading,
// a line and the closing after its chart; moving them up before the chart
// would leave the chart alone on a page (and the closing's company rule
// then pushed the text to a third page). Every page holds text.
func TestFigureNotAloneOnAPage(t *testing.T) {
	chart, err := CategoryChart{Title: "各类指标得分率", Categories: sampleCategories()}.PNG()
	if err != nil {
		t.Fatal(err)
	}
	pageNo := regexp.MustCompile(`^—\s*\d+\s*—$`)
	for extra := 0; extra < 7; extra++ {
		r := sampleResult(chart)
		r.Problems = nil
		d := r.Official()
		var pre []Block
		for k := 0; k < extra; k++ {
			pre = append(pre, Block{Text: fmt.Sprintf("补充说明第%d项。", k+1)})
		}
		d.Body = append(pre, d.Body...)
		var buf bytes.Buffer
		if err := RenderOfficial(&buf, d, EmbeddedFonts(), fixed0); err != nil {
			t.Fatal(err)
		}
		pages := strings.Split(strings.TrimRight(pdftest.Raw(t, buf.Bytes(), true), "\f\n"), "\f")
		for n, page := range pages {
			text := 0
			for _, l := range strings.Split(page, "\n") {
				if l = strings.TrimSpace(l); l != "" && !pageNo.MatchString(l) {
					text++
				}
			}
			if text == 0 {
				t.Errorf("%d lines down: page %d of %d holds no text", extra, n+1, len(pages))
			}
		}
	}
}

// firstPage rasterises page 1 of pdf only.
func firstPage(t *testing.T, pdf []byte) *raster {
	t.Helper()
	dir := t.TempDir()
	in := filepath.Join(dir, "doc.pdf")
	if err := os.WriteFile(in, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("pdftoppm", "-f", "1", "-l", "1", "-r", fmt.Sprint(dpi), in, filepath.Join(dir, "p")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v %s", err, out)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "p-*.ppm"))
	if len(files) != 1 || !strings.HasSuffix(files[0], "1.ppm") {
		t.Fatalf("pdftoppm wrote %v", files)
	}
	return readPPM(t, files[0])
}

// barBox is the bounding box of the chart's bars on a page (right < 0
// when there are none).
func barBox(p *raster) box {
	fig := box{left: 1e9, right: -1e9, top: 1e9, bottom: -1e9}
	for y := 0; y < p.h; y++ {
		for x := 0; x < p.w; x++ {
			R, G, B := p.at(x, y)
			if isBar(rgb{R, G, B}) {
				fig.left, fig.right = min(fig.left, mm(x)), max(fig.right, mm(x))
				fig.top, fig.bottom = min(fig.top, mm(y)), max(fig.bottom, mm(y))
			}
		}
	}
	return fig
}
