package templates

import (
	_ "embed"
	"errors"
	"fmt"
	"os"
	"sync"

	"github.com/signintech/gopdf"
	"golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	fixedpt "golang.org/x/image/math/fixed"
)

// The embedded typefaces, one per role of GB/T 9704-2012, all under open
// licences (see fonts/LICENSE-*.txt and scripts/fonts.sh for their sources):
// a heavy Song for masthead and title (小标宋), FandolFang for the body
// (仿宋, all 6,763 hanzi of GB 2312; converted from Debian's CFF OpenType
// to TrueType by scripts/fonts/otf2ttf.py, as gopdf embeds glyf outlines
// only), a Hei for first-level headings, a Kai for second-level headings,
// and as fallbacks Noto Serif SC (the rest of the URO and Extension A: rare
// characters in names, 堃, 喆, 镕) and HanaMin B for Extensions B–F.
var (
	//go:embed fonts/NotoSerifSC-Bold.ttf
	notoSerifBold []byte
	//go:embed fonts/FandolFang-Regular.ttf
	fandolFang []byte
	//go:embed fonts/NotoSerifSC-Regular.ttf
	notoSerifRegular []byte
	//go:embed fonts/NotoSansSC-Medium.ttf
	notoSansMedium []byte
	//go:embed fonts/LXGWWenKai-Regular.ttf
	wenkaiRegular []byte
	//go:embed fonts/HanaMinB.ttf
	hanaMinB []byte
)

// Role is the part a typeface plays in a document.
type Role int

// The roles of GB/T 9704-2012 (§7): 小标宋 for the masthead and title, 仿宋
// for the body, 黑体 for first-level headings and the classification, 楷体
// for second-level headings.
const (
	RoleTitle Role = iota
	RoleBody
	RoleHeading
	RoleKai
	numRoles
)

var roleNames = [numRoles]string{"标题（小标宋）", "正文（仿宋）", "一级标题（黑体）", "二级标题（楷体）"}

// face is one TrueType font. sfnt parses it (cheaply, on first use) for
// widths, coverage and ink bounds; gopdf parses it for embedding only when a
// document first prints with it. Both happen once per process.
type face struct {
	name string // PDF base font name, with a subset tag
	data []byte

	once sync.Once
	err  error
	sf   *sfnt.Font
	upem float64
	bufs sync.Pool // *sfnt.Buffer; sfnt buffers are not safe to share

	pdfOnce sync.Once
	pdfErr  error
	fc      *gopdf.FontContainer

	adv sync.Map // rune → float64 advance in em, or -1 when absent
}

func newFace(tag, name string, data []byte) *face {
	return &face{name: tag + "+" + name, data: data}
}

func (f *face) load() error {
	f.once.Do(func() {
		if err := checkTrueType(f.data); err != nil {
			f.err = err
			return
		}
		sf, err := sfnt.Parse(f.data)
		if err != nil {
			f.err = fmt.Errorf("解析字体: %w", err)
			return
		}
		f.sf, f.upem = sf, float64(sf.UnitsPerEm())
		f.bufs.New = func() any { return new(sfnt.Buffer) }
	})
	return f.err
}

// container is the face parsed for embedding.
func (f *face) container() (*gopdf.FontContainer, error) {
	if err := f.load(); err != nil {
		return nil, err
	}
	f.pdfOnce.Do(func() {
		fc := &gopdf.FontContainer{}
		f.pdfErr = fc.AddTTFFontDataWithOption(f.name, f.data, gopdf.TtfOption{
			// Text is split by coverage before it reaches gopdf; a glyph
			// still missing shows as a white square, never silently a space.
			OnGlyphNotFoundSubstitute: func(rune) rune { return '□' }})
		if f.pdfErr != nil {
			f.pdfErr = fmt.Errorf("解析字体 %s: %w", f.name, f.pdfErr)
		}
		f.fc = fc
	})
	return f.fc, f.pdfErr
}

// advance is r's advance width in em, or -1 when the face has no glyph.
func (f *face) advance(r rune) float64 {
	if v, ok := f.adv.Load(r); ok {
		return v.(float64)
	}
	w := -1.0
	if f.load() == nil {
		buf := f.bufs.Get().(*sfnt.Buffer)
		if g, err := f.sf.GlyphIndex(buf, r); err == nil && g != 0 {
			if a, err := f.sf.GlyphAdvance(buf, g, fixedpt.Int26_6(f.upem*64), font.HintingNone); err == nil {
				w = float64(a) / 64 / f.upem
			}
		}
		f.bufs.Put(buf)
	}
	f.adv.Store(r, w)
	return w
}

func (f *face) has(r rune) bool { return f.advance(r) >= 0 }

// ink is the vertical extent of the glyphs of s in em above the baseline
// (top positive, bottom negative), for placing text by its printed edge.
func (f *face) ink(s string) (top, bottom float64) {
	if f.load() != nil {
		return 0.88, -0.12
	}
	buf := f.bufs.Get().(*sfnt.Buffer)
	defer f.bufs.Put(buf)
	first := true
	for _, r := range s {
		g, err := f.sf.GlyphIndex(buf, r)
		if err != nil || g == 0 {
			continue
		}
		b, _, err := f.sf.GlyphBounds(buf, g, fixedpt.Int26_6(f.upem*64), font.HintingNone)
		if err != nil || b.Min.Y == b.Max.Y {
			continue
		}
		// sfnt's y axis points down.
		t, bo := -float64(b.Min.Y)/64/f.upem, -float64(b.Max.Y)/64/f.upem
		if first || t > top {
			top = t
		}
		if first || bo < bottom {
			bottom = bo
		}
		first = false
	}
	if first {
		return 0.88, -0.12
	}
	return top, bottom
}

// bearings are r's side bearings in em: the white space before and after
// its ink within its advance.
func (f *face) bearings(r rune) (left, right float64) {
	if f.load() != nil {
		return 0, 0
	}
	buf := f.bufs.Get().(*sfnt.Buffer)
	defer f.bufs.Put(buf)
	g, err := f.sf.GlyphIndex(buf, r)
	if err != nil || g == 0 {
		return 0, 0
	}
	b, adv, err := f.sf.GlyphBounds(buf, g, fixedpt.Int26_6(f.upem*64), font.HintingNone)
	if err != nil || b.Min.X == b.Max.X {
		return 0, 0
	}
	return float64(b.Min.X) / 64 / f.upem, float64(adv-b.Max.X) / 64 / f.upem
}

// Fonts are the typefaces documents are set in: one per role and an ordered
// list of fallbacks for characters a role's face lacks. A Fonts is cheap to
// copy; its faces are parsed once, on first use, and shared.
type Fonts struct{ set *fontSet }

type fontSet struct {
	roles    [numRoles]*face
	fallback []*face
}

// embedded is the built-in set. Its fallbacks are Noto Serif SC, which has
// the whole URO and Extension A (FandolFang has GB 2312 and a little more,
// the Kai face lacks most of Extension A), then HanaMin B for Extensions
// B–F.
var embedded = sync.OnceValue(func() *fontSet {
	return &fontSet{
		roles: [numRoles]*face{
			newFace("RCTFYA", "NotoSerifSC-Bold", notoSerifBold),
			newFace("RCTFYB", "FandolFang-Regular", fandolFang),
			newFace("RCTFYC", "NotoSansSC-Medium", notoSansMedium),
			newFace("RCTFYD", "LXGWWenKai-Regular", wenkaiRegular),
		},
		fallback: []*face{newFace("RCTFYF", "NotoSerifSC-Regular", notoSerifRegular), newFace("RCTFYE", "HanaMinB", hanaMinB)},
	}
})

// EmbeddedFonts are the typefaces built into the binary.
func EmbeddedFonts() Fonts { return Fonts{embedded()} }

// FontFiles name TrueType files to use instead of the embedded faces, such
// as an office's licensed 方正 fonts. An empty role keeps the embedded face;
// Fallback replaces the embedded fallbacks when given.
type FontFiles struct {
	Title, Body, Heading, Kai string
	Fallback                  []string
}

// FontData is TrueType fonts in memory, by role; see FontFiles.
type FontData struct {
	Title, Body, Heading, Kai []byte
	Fallback                  [][]byte
}

// NewFonts makes a font set from fonts in memory, unchecked: a font that
// does not parse fails the first document that uses it (LoadFonts checks).
func NewFonts(data FontData) Fonts {
	base := embedded()
	set := &fontSet{roles: base.roles, fallback: base.fallback}
	for i, b := range [][]byte{data.Title, data.Body, data.Heading, data.Kai} {
		if b != nil {
			set.roles[i] = newFace("RCTFU"+string(rune('A'+i)), fmt.Sprintf("Office%d", i), b)
		}
	}
	if len(data.Fallback) > 0 {
		set.fallback = nil
		for i, b := range data.Fallback {
			set.fallback = append(set.fallback, newFace("RCTFV"+string(rune('A'+i%26)), fmt.Sprintf("Fallback%d", i), b))
		}
	}
	return Fonts{set}
}

// LoadFonts reads the configured files and checks that each parses.
func LoadFonts(files FontFiles) (Fonts, error) {
	var data FontData
	read := func(path string) ([]byte, error) {
		if path == "" {
			return nil, nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("读取字体文件: %w", err)
		}
		if err := checkTrueType(b); err != nil {
			return nil, fmt.Errorf("字体文件 %s: %w", path, err)
		}
		return b, nil
	}
	var err error
	for _, r := range []struct {
		path string
		to   *[]byte
	}{{files.Title, &data.Title}, {files.Body, &data.Body}, {files.Heading, &data.Heading}, {files.Kai, &data.Kai}} {
		if *r.to, err = read(r.path); err != nil {
			return Fonts{}, err
		}
	}
	for _, p := range files.Fallback {
		b, err := read(p)
		if err != nil {
			return Fonts{}, err
		}
		data.Fallback = append(data.Fallback, b)
	}
	f := NewFonts(data)
	if err := f.Check(); err != nil {
		return Fonts{}, err
	}
	return f, nil
}

func (f Fonts) fonts() *fontSet {
	if f.set == nil {
		return embedded()
	}
	return f.set
}

// pick is the face that prints r in role: the role's own face when it has
// the glyph, else the first fallback that has it, else the role's face
// (which prints a white square).
func (s *fontSet) pick(role Role, r rune) *face {
	if f := s.roles[role]; f.has(r) || r == '\n' {
		return f
	}
	for _, f := range s.fallback {
		if f.has(r) {
			return f
		}
	}
	return s.roles[role]
}

// Unprintable lists, once each and in order, the characters of s that some
// role's face and every fallback lack: text holding them cannot be printed
// in every place a document may put it, so it is refused when entered.
func (f Fonts) Unprintable(s string) []rune {
	set := f.fonts()
	var out []rune
	seen := map[rune]bool{}
	for _, r := range s {
		if r < ' ' || seen[r] {
			continue
		}
		seen[r] = true
		for role := range numRoles {
			if set.pick(role, r).has(r) {
				continue
			}
			out = append(out, r)
			break
		}
	}
	return out
}

// Check parses every face's tables, so that a broken font file fails at
// start-up rather than at the first document.
func (f Fonts) Check() error {
	set := f.fonts()
	var errs []error
	for i, fc := range set.roles {
		if err := fc.load(); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", roleNames[i], err))
		}
	}
	for _, fc := range set.fallback {
		if err := fc.load(); err != nil {
			errs = append(errs, fmt.Errorf("备用字体: %w", err))
		}
	}
	return errors.Join(errs...)
}

// checkTrueType accepts TrueType outlines only (version 0x00010000 or
// 'true'), refusing CFF-based OpenType ('OTTO') and collections ('ttcf').
func checkTrueType(b []byte) error {
	if len(b) < 12 {
		return fmt.Errorf("不是字体文件")
	}
	switch string(b[:4]) {
	case "\x00\x01\x00\x00", "true":
		return nil
	case "OTTO":
		return fmt.Errorf("不支持 CFF/OpenType 轮廓，请使用 TrueType（glyf）字体")
	case "ttcf":
		return fmt.Errorf("不支持 .ttc 字体集，请从中取出一个 TrueType 字体")
	}
	return fmt.Errorf("不是 TrueType 字体")
}
