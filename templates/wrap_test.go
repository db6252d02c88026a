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
		{"OK_DecimalKeptWhole", "分数为21.55分", 5, []string{"分数为", "21.55分"}},
		{"OK_Newlines", "一二\n三四五六七", 4, []string{"一二", "三四五六", "七"}},
		{"OK_Empty", "", 4, []string{""}},
		// A run of closing marks is not set one to a line.
		{"OK_RunOfMarksDoesNotCollapse", "一二。。。。。。。。", 4, []string{"一二。。", "。。。。", "。。"}},
		// A word moves whole only while the line keeps half its width.
		{"OK_WordMovesWhenTheLineStaysHalfFull", "要求：abcdefghijklmnopqrstuvwx", 5, []string{"要求：", "abcdefghij", "klmnopqrst", "uvwx"}},
		{"OK_LongWordSplitsAfterAShortLabel", "要：abcdefghijklmnopqrstuvwx", 5, []string{"要：abcdef", "ghijklmnop", "qrstuvwx"}},
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

// TestWrapKeepsNumbersWhole: a number with its decimal point and digits,
// and its unit or percent sign, is one token, on body text (which lets a
// closing mark hang past the edge) as on any other: 22.4 was set as
// "22." / "4" because the decimal point hung as a full stop would.
func TestWrapKeepsNumbersWhole(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		width float64
		want  []string
	}{
		{"OK_DecimalPointDoesNotHang", "分数为22.4分", 4, []string{"分数为", "22.4分"}},
		{"OK_SpacedScore", "总分为 22.4 分", 4.5, []string{"总分为 ", "22.4 分"}},
		{"OK_UnitAfterSpaceStays", "总分为 22.4 分", 5.5, []string{"总分为 ", "22.4 分"}},
		{"OK_Percent", "得分率为85.5%", 5, []string{"得分率为", "85.5%"}},
		{"OK_FullWidthPercent", "得分率为85.5％", 5.5, []string{"得分率为", "85.5％"}},
		{"OK_UnitAfterInteger", "超编人员共3名", 6, []string{"超编人员共", "3名"}},
		{"OK_RankWithSpaces", "在同类中排第 2 名", 7, []string{"在同类中排第 ", "2 名"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for name, wrap := range map[string]func(string, float64, func(string) float64) []string{"Wrap": Wrap, "WrapHanging": WrapHanging} {
				got := wrap(tt.text, tt.width, fixed)
				if strings.Join(got, "|") != strings.Join(tt.want, "|") {
					t.Errorf("%s: got %q, want %q", name, got, tt.want)
				}
			}
		})
	}
	// A full stop after a number still hangs.
	if got := WrapHanging("扣分为12。其余", 4, fixed); strings.Join(got, "|") != "扣分为12。|其余" {
		t.Errorf("full stop after a number: got %q", got)
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
		if got, want := strings.Join(WrapHanging(s, width, fixed), ""), strings.ReplaceAll(s, "\n", ""); got != want {
			t.Fatalf("hanging lost characters: %q → %q", want, got)
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

// TestParagraphsWithinAField: a line break typed in a field (整改要求 as
// "一、…\n二、…") starts a paragraph: indented two characters, its last
// line not stretched.
func TestParagraphsWithinAField(t *testing.T) {
	w := newDoc(EmbeddedFonts(), false, info{})
	text := "整改要求：一、对违规调入的人员逐一核查，对不符合条件人员的调入手续进行全面清理，提出处理意见。\n二、完善进人审核制度。\r\n　　三、按期报送整改情况。"
	lines := paragraph(w, text, RoleBody, 2)
	var starts []string
	for i, l := range lines {
		if strings.HasPrefix(l.text, "\u3000\u3000") {
			starts = append(starts, strings.TrimLeft(l.text, "\u3000")[:3])
			if i > 0 && lines[i-1].justify {
				t.Errorf("the line before paragraph %q is stretched: %q", l.text, lines[i-1].text)
			}
		}
	}
	if strings.Join(starts, "|") != "整|二|三" {
		t.Errorf("paragraphs start %q, want 整|二|三: %v", starts, lines)
	}
	if lines[len(lines)-1].justify {
		t.Error("the last line is stretched")
	}
}

// TestWrapMeasuresEachRuneOnce: breaking a long paragraph costs time in
// proportion to its length (it was quadratic: a run of zero-width marks or
// closing marks made one field take seconds to render).
func TestWrapMeasuresEachRuneOnce(t *testing.T) {
	calls := 0
	count := func(s string) float64 { calls++; return fixed(s) }
	text := strings.Repeat("。", 10000) + strings.Repeat("测", 10000)
	lines := Wrap(text, 28, count)
	if calls > 20000+len(lines) {
		t.Errorf("%d calls to measure for 20,000 characters", calls)
	}
	if len(lines) > 20000/28+2 {
		t.Errorf("%d lines for 20,000 characters of 28 a line", len(lines))
	}
}

// TestWrapListBreaksBetweenNames: the organs copied are broken between
// names ("市审计" / "局" was printed), and a name longer than a line is
// wrapped as text; every character is kept.
func TestWrapListBreaksBetweenNames(t *testing.T) {
	runes := func(s string) float64 { return float64(len([]rune(s))) }
	tests := []struct {
		name  string
		items []string
		width float64
		want  []string
	}{
		{"OneLine", []string{"市委组织部", "市财政局"}, 20, []string{"市委组织部，市财政局。"}},
		{"BreaksBetween", []string{"市委组织部", "市人力资源社会保障局", "市财政局", "市审计局", "市纪委监委", "市委巡察办"}, 20,
			[]string{"市委组织部，市人力资源社会保障局，", "市财政局，市审计局，市纪委监委，", "市委巡察办。"}},
		{"LongNameWrapped", []string{"甲", "一个比一行还要长得多的机关名称啊"}, 8, []string{"甲，一个比一行还", "要长得多的机关名", "称啊。"}},
		{"Empty", nil, 10, []string{""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := wrapList(tt.items, "，", "。", tt.width, runes)
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
			for _, l := range got {
				if runes(l) > tt.width {
					t.Errorf("line %q is wider than %v", l, tt.width)
				}
			}
		})
	}
}
