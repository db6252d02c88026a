package templates

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// fixed measures CJK as 1 and ASCII as 0.5, like a monospaced Chinese font.
func fixed(s string) float64 {
	w := 0.0
	for _, r := range s {
		if r < 128 {
			w += 0.5
		} else {
			w++
		}
	}
	return w
}

func TestWrap(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		width float64
		want  []string
	}{
		{"OK_Plain", "一二三四五六七八九十", 4, []string{"一二三四", "五六七八", "九十"}},
		{"OK_CommaPullsPreviousDown", "一二三四，五六", 4, []string{"一二三", "四，五六"}},
		{"OK_FullStopAtEnd", "一二三四。", 4, []string{"一二三", "四。"}},
		{"OK_OpenBracketMovesDown", "一二三《四五》", 4, []string{"一二三", "《四五》"}},
		{"OK_NumberKeptWhole", "甲乙丙2026年", 4, []string{"甲乙丙", "2026年"}},
		{"OK_LongNumberSplits", "12345678901234", 4, []string{"12345678", "901234"}},
		{"OK_LedgerNumberKeptWhole", "编号：2026-0171", 5, []string{"编号：", "2026-0171"}},
		{"OK_Newlines", "一二\n三四五六七", 4, []string{"一二", "三四五六", "七"}},
		{"OK_Empty", "", 4, []string{""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Wrap(tt.text, tt.width, fixed)
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// FuzzWrapKeepsEveryCharacter checks the property gofpdf's MultiCell lacks.
func FuzzWrapKeepsEveryCharacter(f *testing.F) {
	f.Add("经巡察发现，该局将3名事业编制人员长期安排在机关科室从事行政管理工作。", 5.0)
	f.Add("（一）按照《机构编制工作条例》规定，限期整改。", 3.0)
	f.Fuzz(func(t *testing.T, s string, width float64) {
		if !utf8.ValidString(s) || width < 1 || width > 100 {
			return
		}
		lines := Wrap(s, width, fixed)
		if got, want := strings.Join(lines, ""), strings.ReplaceAll(s, "\n", ""); got != want {
			t.Fatalf("lost characters: %q → %q", want, got)
		}
		for _, l := range lines[:max(0, len(lines)-1)] {
			if utf8.RuneCountInString(l) > 1 && fixed(l) > width {
				t.Fatalf("line %q wider than %v", l, width)
			}
		}
	})
}

// TestTitlesBreakBetweenWords: titles break only between their parts, in
// a trapezoid (upper lines no longer than lower), never inside a word.
func TestTitlesBreakBetweenWords(t *testing.T) {
	w := newDoc(EmbeddedFonts(), false, info{})
	w.font(RoleTitle, titlePt)
	width := areaW - 2*pitch
	for _, tc := range []struct {
		d    Official
		want []string
	}{
		{Notice{UnitName: "清河县教育局"}.Official(), []string{"关于清河县教育局", "机构编制问题限期整改的通知"}},
		{Notice{UnitName: "中共云州市委机构编制委员会办公室"}.Official(), []string{"关于中共云州市委机构编制委员会办公室", "机构编制问题限期整改的通知"}},
		{Notice{UnitName: "云州市人力资源和社会保障局"}.Official(), []string{"关于云州市人力资源和社会保障局", "机构编制问题限期整改的通知"}},
		{Feedback{Reference: "云巡办移〔2026〕21号"}.Official(), []string{"关于云巡办移〔2026〕21号", "移交问题办理情况的函"}},
		{Notice{UnitName: "清河县"}.Official(), []string{"关于清河县机构编制问题限期整改的通知"}},
	} {
		got := balance(tc.d.TitleParts, width, w.measure)
		if strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("%s: %q, want %q", tc.d.Title, got, tc.want)
		}
		for _, l := range got {
			if w.measure(l) > width {
				t.Errorf("%s: line %q is wider than the title's width", tc.d.Title, l)
			}
		}
	}
}
