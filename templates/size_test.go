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
	if buf.Len() > 120_000 {
		t.Errorf("a two-page notice is %d bytes", buf.Len())
	}
}
