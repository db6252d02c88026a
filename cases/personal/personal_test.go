package personal

import (
	"testing"
)

// Valid numbers below (check characters by GB 11643-1999): 330106199001011248,
// 11010519491231002X, 440304200002295528 (29 February of a leap year).
// 440304200102295517 has the right check digit, but 29 February 2001 never
// happened; 440524188001010014 is the standard's own example, born 1880.

func TestValidID(t *testing.T) {
	for _, tc := range []struct {
		id   string
		want bool
	}{
		{"330106199001011248", true},
		{"11010519491231002X", true},
		{"440304200002295528", true},
		{"330106199001011249", false},
		{"440304200102295517", false},
		{"440524188001010014", false},
		{"33010619900101124", false},
	} {
		if got := ValidID([]byte(tc.id)); got != tc.want {
			t.Errorf("ValidID(%s) = %v, want %v", tc.id, got, tc.want)
		}
	}
}

// Every way a person writes a number is found, and masked as typed; a run
// of digits that is more than a number is not.
func TestFindAndMask(t *testing.T) {
	for _, tc := range []struct {
		name, text, masked string
		kinds              []Kind
	}{
		{"ID", "举报人身份证号330106199001011248，", "举报人身份证号3301**********1248，", []Kind{IDNumber}},
		{"IDWithX", "身份证11010519491231002X", "身份证1101**********002X", []Kind{IDNumber}},
		{"IDWithLowerX", "身份证11010519491231002x。", "身份证1101**********002x。", []Kind{IDNumber}},
		{"IDGrouped", "证件号 330106 19900101 1248 。", "证件号 3301** ******** 1248 。", []Kind{IDNumber}},
		{"IDOtherGrouping", "身份证110105 1949 1231 002X", "身份证1101** **** **** 002X", []Kind{IDNumber}},
		{"IDAfterLetters", "身份证ID11010519491231002X", "身份证ID1101**********002X", []Kind{IDNumber}},
		{"IDFullWidth", "３３０１０６１９９００１０１１２４８", "３３０１**********１２４８", []Kind{IDNumber}},
		{"Mobile", "电话13812345678。", "电话138****5678。", []Kind{Mobile}},
		{"MobileAfterLetters", "TEL13812345678", "TEL138****5678", []Kind{Mobile}},
		{"MobileSpaces", "联系电话 138 1234 5678", "联系电话 138 **** 5678", []Kind{Mobile}},
		{"MobileTwoSpaces", "138  1234  5678", "138  ****  5678", []Kind{Mobile}},
		{"MobileDots", "138.1234.5678", "138.****.5678", []Kind{Mobile}},
		{"MobileSlashes", "138/1234/5678", "138/****/5678", []Kind{Mobile}},
		{"MobileUnderscores", "138_1234_5678", "138_****_5678", []Kind{Mobile}},
		{"MobileMiddleDots", "138·1234·5678", "138·****·5678", []Kind{Mobile}},
		{"MobileTabAndNewline", "138\t1234\n5678", "138\t****\n5678", []Kind{Mobile}},
		{"MobileNoBreakSpace", "138\u00a01234\u20095678", "138\u00a0****\u20095678", []Kind{Mobile}},
		{"MobileEnDash", "138–1234–5678", "138–****–5678", []Kind{Mobile}},
		{"MobileOddGrouping", "1381 234 5678", "138* *** 5678", []Kind{Mobile}},
		{"MobileThenX", "TEL13812345678x", "TEL138****5678x", []Kind{Mobile}},
		{"MobileFullWidthDots", "１３８．１２３４．５６７８", "１３８．****．５６７８", []Kind{Mobile}},
		{"MobileMathBold", "𝟏𝟑𝟖𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖", "𝟏𝟑𝟖****𝟓𝟔𝟕𝟖", []Kind{Mobile}},
		{"MobileArabicIndic", "١٣٨١٢٣٤٥٦٧٨", "١٣٨****٥٦٧٨", []Kind{Mobile}},
		{"MobileCircled", "①③⑧①②③④⑤⑥⑦⑧", "①③⑧****⑤⑥⑦⑧", []Kind{Mobile}},
		{"MobilePlus86", "+86 13812345678", "+86 138****5678", []Kind{Mobile}},
		{"Mobile86Hyphen", "86-186-1234-5678", "86-186-****-5678", []Kind{Mobile}},
		{"AfterADate", "2026-03-02 13812345678", "2026-03-02 138****5678", []Kind{Mobile}},
		{"Two", "张三，身份证330106199001011248，手机13812345678", "张三，身份证3301**********1248，手机138****5678", []Kind{IDNumber, Mobile}},
		{"IDWrongCheckDigit", "330106199001011249", "330106199001011249", nil},
		{"IDNotADate", "440304200102295517", "440304200102295517", nil},
		{"IDInLongerRun", "账号6330106199001011248", "账号6330106199001011248", nil},
		{"MobileInLongerRun", "账号62220213812345678901", "账号62220213812345678901", nil},
		{"MobileTooShort", "1381234567", "1381234567", nil},
		{"MobileSecondDigitTooLow", "12312345678", "12312345678", nil},
		{"Landline", "0571-88881234", "0571-88881234", nil},
		{"HotlineTicket", "12310-2026-0042", "12310-2026-0042", nil},
		{"LedgerNumberAndDate", "2026-0042 于2026-03-15", "2026-0042 于2026-03-15", nil},
		{"DocumentNumber", "云编督〔2026〕12号", "云编督〔2026〕12号", nil},
		// Issue 21: any run of separators, a single letter between groups,
		// and Chinese numerals read digit by digit.
		{"MobileLongSpaces", "138    1234    5678", "138    ****    5678", []Kind{Mobile}},
		{"MobileFourDashes", "139----8765----4321", "139----****----4321", []Kind{Mobile}},
		{"MobileManyDots", "139.........8765.........4321", "139.........****.........4321", []Kind{Mobile}},
		{"MobileSingleLetters", "139a8765b4321", "139a****b4321", []Kind{Mobile}},
		{"MobileLetterWithSpaces", "139 a 8765 b 4321", "139 a **** b 4321", []Kind{Mobile}},
		{"MobileXBetween", "1398765x4321", "139****x4321", []Kind{Mobile}},
		{"MobileFullWidthPunctuation", "139，8765。4321", "139，****。4321", []Kind{Mobile}},
		{"MobileZeroWidth", "139\u200b8765\u200b4321", "139\u200b****\u200b4321", []Kind{Mobile}},
		{"MobileChinese", "电话一三九八七六五四三二一。", "电话一三九****四三二一。", []Kind{Mobile}},
		{"MobileChineseZero", "一三九〇〇〇〇四三二一", "一三九****四三二一", []Kind{Mobile}},
		{"MobileChineseYaoLiang", "幺三九两八七六五四三二", "幺三九****五四三二", []Kind{Mobile}},
		{"MobileFinancial", "壹叁玖捌柒陆伍肆叁贰壹", "壹叁玖****肆叁贰壹", []Kind{Mobile}},
		{"MobileChineseSpaced", "一三九 八七六五 四三二一", "一三九 **** 四三二一", []Kind{Mobile}},
		{"MobileMixedScripts", "139八七六五4321", "139****4321", []Kind{Mobile}},
		{"IDChinese", "身份证三三〇一〇六一九九〇〇一〇一一二四八", "身份证三三〇一**********一二四八", []Kind{IDNumber}},
		{"IDChineseWithX", "一一〇一〇五一九四九一二三一〇〇二X", "一一〇一**********〇〇二X", []Kind{IDNumber}},
		{"IDLettersBetween", "330106a19900101b1248", "3301**a********b1248", []Kind{IDNumber}},
		{"TwoLettersBreak", "139ab8765cd4321", "139ab8765cd4321", nil},
		{"ChineseWordBreaks", "139号8765号4321", "139号8765号4321", nil},
		{"ArticleNumber", "依据第三十二条第一款", "依据第三十二条第一款", nil},
		{"ChineseDate", "二〇二六年三月十五日", "二〇二六年三月十五日", nil},
		{"ChineseYearRun", "二〇二六 二〇二七", "二〇二六 二〇二七", nil},
		{"ChineseProse", "一是统一思想，二是三三两两地走访", "一是统一思想，二是三三两两地走访", nil},
		{"CountingToNine", "一二三四五六七八九十", "一二三四五六七八九十", nil},
		{"FifteenDigitOldID", "330106900101123", "330106900101123", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ms := Find(tc.text)
			if len(ms) != len(tc.kinds) {
				t.Fatalf("Find(%q) = %+v, want kinds %v", tc.text, ms, tc.kinds)
			}
			for i, m := range ms {
				if m.Kind != tc.kinds[i] {
					t.Errorf("match %d: %s, want %s", i, m.Kind, tc.kinds[i])
				}
			}
			if got := Mask(tc.text); got != tc.masked {
				t.Errorf("Mask(%q) = %q, want %q", tc.text, got, tc.masked)
			}
		})
	}
}

// Masking hides what it found: in every number Find sees, Mask leaves no
// more digits than it keeps (4 and 4 of an ID number; 3 and 4 of a mobile
// number, and an 86 before it), character for character in place. (Masked
// text may still hold digits that, with a neighbour's, look like another
// number: "17000000 170****0000". That is over-finding, not a leak.)
func FuzzMaskLeavesNoNumber(f *testing.F) {
	for _, s := range []string{"13812345678", "身份证110105 1949 1231 002X", "+86 138-1234-5678", "１３８．１２３４．５６７８", "17000000 17000000000",
		"139----8765----4321", "139a8765b4321", "一三九八七六五四三二一", "壹叁玖捌柒陆伍肆叁贰壹", "幺三九两八七六五四三二", "三三〇一〇六一九九〇〇一〇一一二四八",
		"330106a19900101b1248", "1381234x5678 11010519491231002X 1", "第三十二条 二〇二六年"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		masked := []rune(Mask(s))
		orig := []rune(s)
		if len(masked) != len(orig) {
			t.Fatalf("Mask(%q) = %q changes the length", s, string(masked))
		}
		for _, m := range Find(s) {
			shown, all := 0, 0
			span := s[m.Start:m.End]
			i := 0
			for off, o := range span {
				if numberChar(span, off, o, m.Kind) {
					all++
					if r := masked[m.RuneStart+i]; r != '*' {
						shown++
					}
				}
				i++
			}
			limit := 8 // an ID number's first and last four
			if m.Kind == Mobile {
				limit = 7 + (all - 11) // the first three and last four, and an 86
			}
			if shown > limit {
				t.Fatalf("Mask(%q) = %q shows %d digits of the %s at %d", s, string(masked), shown, m.Kind, m.RuneStart)
			}
		}
	})
}
