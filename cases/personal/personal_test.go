package personal

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// Valid numbers used below (check characters computed by GB 11643-1999):
// 330106199001011248, 11010519491231002X, 440304200002295528 (29 February
// of a leap year). 440304200102295517 has the right check digit but
// 29 February 2001 never happened.

func TestFind(t *testing.T) {
	type want struct {
		kind   Kind
		number string // the matched text
	}
	for _, tc := range []struct {
		name, text string
		want       []want
	}{
		{"ID", "举报人身份证号330106199001011248，", []want{{IDNumber, "330106199001011248"}}},
		{"IDWithX", "身份证11010519491231002X", []want{{IDNumber, "11010519491231002X"}}},
		{"IDWithLowerX", "身份证11010519491231002x。", []want{{IDNumber, "11010519491231002x"}}},
		{"IDLeapDay", "440304200002295528", []want{{IDNumber, "440304200002295528"}}},
		{"IDGrouped", "证件号 330106 19900101 1248 。", []want{{IDNumber, "330106 19900101 1248"}}},
		{"IDFullWidth", "身份证号３３０１０６１９９００１０１１２４８", []want{{IDNumber, "３３０１０６１９９００１０１１２４８"}}},
		{"IDFullWidthX", "１１０１０５１９４９１２３１００２Ｘ", []want{{IDNumber, "１１０１０５１９４９１２３１００２Ｘ"}}},
		{"IDWrongCheckDigit", "330106199001011249", nil},
		{"IDNotADate", "440304200102295517", nil},
		{"IDBefore1900", "440524188001010014", nil}, // the standard's own example: right check digit, born 1880
		{"IDInLongerRun", "账号6330106199001011248", nil},
		{"IDFollowedByDigit", "3301061990010112480", nil},
		{"IDFollowedByX", "330106199001011248X", nil},
		{"IDAfterLetters", "ZJ330106199001011248", nil},
		{"FifteenDigitOldID", "330106900101123", nil}, // not looked for, see the package comment
		{"Mobile", "电话13812345678。", []want{{Mobile, "13812345678"}}},
		{"MobileSpaces", "联系电话 138 1234 5678", []want{{Mobile, "138 1234 5678"}}},
		{"MobileHyphens", "手机：138-1234-5678", []want{{Mobile, "138-1234-5678"}}},
		{"MobileMixedSeparators", "139 1234-5678", []want{{Mobile, "139 1234-5678"}}},
		{"MobilePlus86", "+86 13812345678", []want{{Mobile, "+86 13812345678"}}},
		{"MobilePlus86NoSpace", "+8615912345678", []want{{Mobile, "+8615912345678"}}},
		{"Mobile86", "8618612345678", []want{{Mobile, "8618612345678"}}},
		{"Mobile86Hyphen", "86-186-1234-5678", []want{{Mobile, "86-186-1234-5678"}}},
		{"MobilePlusWithout86", "+13812345678", []want{{Mobile, "13812345678"}}},
		{"MobileFullWidth", "手机１３８１２３４５６７８", []want{{Mobile, "１３８１２３４５６７８"}}},
		{"MobileFullWidthGrouped", "＋８６　１３８－１２３４－５６７８", []want{{Mobile, "＋８６　１３８－１２３４－５６７８"}}},
		{"MobileLowestAndHighestPrefix", "13012345678 19912345678", []want{{Mobile, "13012345678"}, {Mobile, "19912345678"}}},
		{"MobileSecondDigitTooLow", "12312345678", nil},
		{"MobileTooShort", "1381234567", nil},
		{"MobileInDocumentNumber", "文号2026138123456780", nil},
		{"MobileIn20DigitAccount", "账号62220213812345678901", nil},
		{"MobileInHexID", "evidence:a13812345678b0", nil},
		{"MobileWrongGrouping", "1381 2345 678", nil},
		{"MobileTwoSeparators", "138  1234 5678", nil},
		{"Landline", "0571-88881234", nil},
		{"HotlineTicket", "12310-2026-0042", nil},
		{"LedgerNumberAndDate", "2026-0042 于2026-03-15", nil},
		{"Two", "张三，身份证330106199001011248，手机13812345678", []want{{IDNumber, "330106199001011248"}, {Mobile, "13812345678"}}},
		{"SpaceBetweenIDAndMobile", "330106199001011248 13812345678", []want{{IDNumber, "330106199001011248"}, {Mobile, "13812345678"}}},
		{"NoDigits", "核定行政编制二十名，实有二十二人。", nil},
		{"Empty", "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Find(tc.text)
			if len(got) != len(tc.want) {
				t.Fatalf("Find(%q) = %+v, want %d matches", tc.text, got, len(tc.want))
			}
			for i, m := range got {
				if m.Kind != tc.want[i].kind || tc.text[m.Start:m.End] != tc.want[i].number {
					t.Errorf("match %d: %s %q, want %s %q", i, m.Kind, tc.text[m.Start:m.End], tc.want[i].kind, tc.want[i].number)
				}
				if rs := utf8.RuneCountInString(tc.text[:m.Start]); m.RuneStart != rs {
					t.Errorf("match %d: RuneStart %d, want %d", i, m.RuneStart, rs)
				}
				if re := utf8.RuneCountInString(tc.text[:m.End]); m.RuneEnd != re {
					t.Errorf("match %d: RuneEnd %d, want %d", i, m.RuneEnd, re)
				}
			}
			if Contains(tc.text) != (len(tc.want) > 0) {
				t.Errorf("Contains(%q) disagrees with Find", tc.text)
			}
		})
	}
}

func TestMask(t *testing.T) {
	for _, tc := range []struct{ name, text, want string }{
		{"ID", "身份证号330602198511203028。", "身份证号3306**********3028。"},
		{"IDWithX", "11010519491231002X", "1101**********002X"},
		{"IDGrouped", "330106 19900101 1248", "3301** ******** 1248"},
		{"Mobile", "电话13812345678", "电话138****5678"},
		{"MobileGrouped", "138 1234 5678", "138 **** 5678"},
		{"MobileHyphens", "138-1234-5678", "138-****-5678"},
		{"MobilePlus86", "+86 13812345678", "+86 138****5678"},
		{"Mobile86", "8613812345678", "86138****5678"},
		{"FullWidth", "手机１３８１２３４５６７８", "手机１３８****５６７８"},
		{"Both", "张三330106199001011248，13812345678。", "张三3301**********1248，138****5678。"},
		{"Nothing", "文号云编督〔2026〕12号，2026-0042", "文号云编督〔2026〕12号，2026-0042"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Mask(tc.text)
			if got != tc.want {
				t.Fatalf("Mask(%q) = %q, want %q", tc.text, got, tc.want)
			}
			if Contains(got) {
				t.Errorf("the masked text %q still holds a number", got)
			}
			if Mask(got) != got {
				t.Errorf("masking twice changes %q", got)
			}
		})
	}
}

// Half-width text keeps its length when masked: the ledger's search text
// relies on it to keep the offset of the source reference.
func TestMaskKeepsHalfWidthLength(t *testing.T) {
	s := "2026-0001\n举报人330106199001011248\n138 1234 5678\n12310-2026-0042"
	if got := Mask(s); len(got) != len(s) || !strings.HasSuffix(got, "12310-2026-0042") {
		t.Fatalf("Mask(%q) = %q", s, got)
	}
}

func TestValidID(t *testing.T) {
	digits := func(s string) []byte {
		out := make([]byte, len(s))
		for i := range s {
			if s[i] == 'X' {
				out[i] = 10
			} else {
				out[i] = s[i] - '0'
			}
		}
		return out
	}
	for _, tc := range []struct {
		id string
		ok bool
	}{
		{"11010519491231002X", true},
		{"330106199001011248", true},
		{"330106199001011249", false}, // wrong check digit
		{"330106199013011245", false}, // month 13, right check digit
		{"330106199001321246", false}, // day 32, right check digit
		{"330106189912311242", false}, // born 1899
		{"330106210001011242", false}, // born 2100
		{"33010619900101124", false},  // 17 characters
		{"3301061990010112X8", false}, // X not last
	} {
		if got := ValidID(digits(tc.id)); got != tc.ok {
			t.Errorf("ValidID(%s) = %v, want %v", tc.id, got, tc.ok)
		}
	}
}

func BenchmarkFind(b *testing.B) {
	text := strings.Repeat("核定行政编制20名，实有22人，仍新进人员2名。群众反映有人长期不上班，编号2026-0042。", 20)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		Find(text)
	}
}
