package templates

import (
	_ "embed"
	"fmt"
	"os"
)

// The embedded fonts: LXGW WenKai (霞鹜文楷, SIL OFL 1.1, see
// fonts/LICENSE-LXGWWenKai.txt), plain TrueType with full CJK and Latin
// coverage, so documents render on a machine with no font installed.
var (
	//go:embed fonts/LXGWWenKai-Regular.ttf
	wenkaiRegular []byte
	//go:embed fonts/LXGWWenKai-Bold.ttf
	wenkaiBold []byte
)

// Fonts are the TrueType (glyf) fonts a document is set in. gofpdf cannot
// use CFF/OTF outlines or .ttc collections.
type Fonts struct {
	Regular []byte
	Bold    []byte
}

// EmbeddedFonts are the fonts built into the binary.
func EmbeddedFonts() Fonts { return Fonts{Regular: wenkaiRegular, Bold: wenkaiBold} }

// LoadFonts reads TrueType files; bold may be empty to use regular for both.
func LoadFonts(regular, bold string) (Fonts, error) {
	r, err := os.ReadFile(regular)
	if err != nil {
		return Fonts{}, fmt.Errorf("regular font: %w", err)
	}
	if err := checkTrueType(r); err != nil {
		return Fonts{}, fmt.Errorf("regular font %s: %w", regular, err)
	}
	f := Fonts{Regular: r, Bold: r}
	if bold != "" {
		if f.Bold, err = os.ReadFile(bold); err != nil {
			return Fonts{}, fmt.Errorf("bold font: %w", err)
		}
		if err := checkTrueType(f.Bold); err != nil {
			return Fonts{}, fmt.Errorf("bold font %s: %w", bold, err)
		}
	}
	return f, nil
}

// checkTrueType accepts TrueType outlines only (version 0x00010000 or
// 'true'), refusing CFF-based OpenType ('OTTO') and collections ('ttcf').
func checkTrueType(b []byte) error {
	if len(b) < 12 {
		return fmt.Errorf("not a font file")
	}
	switch string(b[:4]) {
	case "\x00\x01\x00\x00", "true":
		return nil
	case "OTTO":
		return fmt.Errorf("CFF/OpenType outlines are not supported by gofpdf; use a TrueType (glyf) font")
	case "ttcf":
		return fmt.Errorf("a .ttc collection is not supported; extract one TrueType face")
	}
	return fmt.Errorf("not a TrueType font")
}
