package templates

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"rectify/templates/pdftest"
)

// TestBodyIsFangSong: the body is set in 仿宋 (FandolFang, GB/T 9704-2012
// §7), embedded as a subset; a character FandolFang lacks (堃, outside GB
// 2312) is printed from the fallback, Noto Serif SC, and reads back.
func TestBodyIsFangSong(t *testing.T) {
	n := sampleNotice()
	n.Items[0].Facts = "经查，该局工作人员李堃长期在编不在岗。" + longFacts
	if set := EmbeddedFonts().fonts(); set.roles[RoleBody].has('堃') {
		t.Fatal("the body face has 堃: pick a rarer character for this test")
	}
	var buf bytes.Buffer
	if err := RenderOfficial(&buf, n.Official(), EmbeddedFonts(), fixed0); err != nil {
		t.Fatal(err)
	}
	fonts := pdffonts(t, buf.Bytes())
	t.Logf("pdffonts:\n%s", fonts)
	for _, name := range []string{"RCTFYB+FandolFang-Regular", "RCTFYF+NotoSerifSC-Regular"} {
		// name, CID TrueType, Identity-H, embedded, subset, with a ToUnicode map.
		if !regexp.MustCompile(regexp.QuoteMeta(name) + `\s+CID TrueType\s+Identity-H\s+yes\s+yes\s+yes`).MatchString(fonts) {
			t.Errorf("%s is not embedded as a subset with a ToUnicode map:\n%s", name, fonts)
		}
	}
	found := false
	for frag, font := range fontOf(t, buf.Bytes()) {
		if strings.Contains(frag, "经核实") {
			found = true
			if font == "" || !strings.HasPrefix("RCTFYB+FandolFang-Regular", font) {
				t.Errorf("the body's first line is set in %q, not FandolFang", font)
			}
		}
	}
	if !found {
		t.Error("the body's first line not found on page 1")
	}
	if text := pdftest.Text(t, buf.Bytes()); !strings.Contains(text, "李堃") {
		t.Errorf("李堃 not read back")
	}
}
