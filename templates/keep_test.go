package templates

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"rectify/templates/pdftest"
)

// TestClosingKeepsCompany: the closing phrase (特此函告。) and the
// signature never stand alone on a page: the last lines of the paragraph
// before them go along. An interim letter's last item grows a line at a
// time through a whole page, so that one of the letters ends its body on a
// page's last line; every page that holds the closing holds two lines of
// body text above it (read back with pdftotext -layout).
func TestClosingKeepsCompany(t *testing.T) {
	base := sampleFeedback()
	base.Interim, base.Total = true, 5
	pushed := 0
	for extra := 0; extra < linesPerPage+2; extra++ {
		f := base
		f.Items = []FeedbackItem{base.Items[0], base.Items[1]}
		f.Items[1].Outcome = "经调阅实名制数据和工资发放名册，核实" + strings.Repeat("办", 28*extra) + "。"
		var buf bytes.Buffer
		if err := RenderOfficial(&buf, f.Official(), EmbeddedFonts(), fixed0); err != nil {
			t.Fatal(err)
		}
		pages := strings.Split(pdftest.Raw(t, buf.Bytes(), true), "\f")
		found := false
		for n, page := range pages {
			lines := strings.Split(page, "\n")
			for i, l := range lines {
				if strings.TrimSpace(l) != "特此函告。" {
					continue
				}
				found = true
				if n == 0 {
					continue
				}
				above := 0
				for _, a := range lines[:i] {
					if strings.TrimSpace(a) != "" {
						above++
					}
				}
				if above < 2 {
					t.Errorf("%d lines longer: page %d has %d lines of body text above 特此函告:\n%s", extra, n+1, above, page)
				}
				if !strings.Contains(strings.Join(strings.Fields(page), ""), "函告最终办理情况。") {
					t.Errorf("%d lines longer: the last paragraph's end is not on the closing's page %d", extra, n+1)
				}
				pushed++
			}
		}
		if !found {
			t.Fatalf("%d lines longer: no 特此函告 in the letter", extra)
		}
	}
	if pushed == 0 {
		t.Fatal(fmt.Sprint("no letter put its closing on a later page: the test does not reach the case"))
	}
}
