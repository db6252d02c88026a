package templates

import (
	"bytes"
	"testing"
)

// TestDocumentsStaySmall: only the glyphs used are embedded; a two-page
// notice in four faces stays well under the size of one face's metrics.
func TestDocumentsStaySmall(t *testing.T) {
	var buf bytes.Buffer
	if err := RenderOfficial(&buf, sampleNotice().Official(), EmbeddedFonts(), fixed0); err != nil {
		t.Fatal(err)
	}
	t.Logf("notice: %d bytes", buf.Len())
	// FandolFang's outlines, converted to quadratic curves, take more
	// points than Noto's: the limit is a subset's size, not a face's (7 MB).
	if buf.Len() > 160_000 {
		t.Errorf("a two-page notice is %d bytes", buf.Len())
	}
}
