// Package personal finds personal numbers in free text — resident identity
// card numbers and mainland mobile numbers — and masks them. It is what
// keeps a reporter's ID or phone number, typed into a case by a hotline
// operator, from reaching the unit the report is about.
//
// It errs on the side of finding: a false find costs the person one
// confirmation, a missed one puts a reporter's number in front of the unit
// reported on. So it reads numbers as a person reads them:
//
//   - Digits in any script and form: ASCII, full-width (１３８), other
//     decimal digits (١٣٨, 𝟏𝟑𝟖), compatibility forms such as ①, and
//     Chinese numerals read digit by digit: 〇零一二三四五六七八九, the
//     financial forms 壹贰叁肆伍陆柒捌玖 (and their traditional forms),
//     两 for 2 and 幺 for 1 as phone numbers are spoken (一三九八七六五四三二一).
//   - Groups of digits joined by any run of characters that are neither
//     letters nor digits — spaces of any kind, hyphens and dashes, dots,
//     slashes, underscores, middle dots, full-width punctuation, tabs, line
//     breaks, invisible format characters — and at most one letter (a
//     Latin, Greek… letter, not a Chinese character), in any grouping
//     (138 1234 5678, 139----8765----4321, 139a8765b4321, 110105 1949 1231
//     002X). A second letter, a Chinese character other than a numeral, or a
//   - ends a number. Positional numerals are not digits: 第三十二条 is
//     three, 十 and 二, and 十 ends the 三.
//   - A resident identity card number (GB 11643-1999): 17 digits and a
//     check character (0–9 or X) that the ISO 7064 MOD 11-2 sum confirms,
//     whose birth date (digits 7–14) is a real date from 1900 on. The
//     15-digit numbers of the first-generation cards, withdrawn in 2013,
//     carry no check digit and are not looked for.
//   - A mainland mobile number: 11 digits beginning 13–19, optionally after
//     86 or +86.
//
// A run of digits longer than a number (an account, a document number) is
// no match: numbers are made of whole groups, never part of one.
// Invisible format characters (U+200B and the like) are refused in text
// before it gets here (cases.checkText); should one get through, it joins
// the groups it stands between like any separator.
package personal

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Kind is what sort of personal number a match is.
type Kind string

// The kinds of personal number.
const (
	IDNumber Kind = "id_number" // 居民身份证号码
	Mobile   Kind = "mobile"    // 手机号码
)

// Label is the kind's name in messages.
func (k Kind) Label() string {
	switch k {
	case IDNumber:
		return "身份证号码"
	case Mobile:
		return "手机号码"
	}
	return string(k)
}

// Match is one personal number found in a text. Start and End are byte
// offsets (text[Start:End] is the number as typed, any +86 included);
// RuneStart counts characters before it, for telling a person where.
type Match struct {
	Kind       Kind
	Start, End int
	RuneStart  int
}

// group is a run of digits with no break.
type group struct {
	digits     []byte // ASCII digits
	start, end int    // byte span
	// xEnd, when not 0, is the end of an X right after the digits: an ID
	// number's check character if the number ends here.
	xEnd   int
	joined bool // joined to the group before by a short separator
}

// hanDigits are the Chinese numerals read as digits in a number written
// out digit by digit. The positional ones (十百千万) are not among them.
var hanDigits = map[rune]byte{
	'〇': '0', '零': '0', '一': '1', '二': '2', '三': '3', '四': '4', '五': '5', '六': '6', '七': '7', '八': '8', '九': '9',
	'壹': '1', '贰': '2', '叁': '3', '肆': '4', '伍': '5', '陆': '6', '柒': '7', '捌': '8', '玖': '9',
	'貳': '2', '參': '3', '陸': '6', '两': '2', '兩': '2', '幺': '1',
}

// digitOf is the value of a digit in any form, as an ASCII digit, or 0.
func digitOf(r rune) byte {
	switch {
	case r >= '0' && r <= '9':
		return byte(r)
	case r < 0x80:
		return 0
	case r == '〇' || r >= 0x4e00 && r <= 0x9fff: // the CJK ideographs: one look-up
		return hanDigits[r]
	case unicode.IsDigit(r):
		// Decimal digits come in runs of ten, zero first.
		v := byte(0)
		for k := r - 1; v < 9 && unicode.IsDigit(k); k-- {
			v++
		}
		return '0' + v
	case unicode.Is(unicode.No, r):
		if n := norm.NFKC.String(string(r)); len(n) == 1 && n[0] >= '0' && n[0] <= '9' {
			return n[0]
		}
	}
	return 0
}

func isX(r rune) bool { return r == 'X' || r == 'x' || r == 'Ｘ' || r == 'ｘ' }

// separator reports whether any number of r may stand between the groups
// of a number.
func separator(r rune) bool {
	return !unicode.IsLetter(r) && digitOf(r) == 0 && r != '+' && r != '＋'
}

// letter reports whether r is a letter one of which may stand between the
// groups of a number (139a8765b4321). A Chinese character is a word, not a
// letter: it ends a number.
func letter(r rune) bool {
	return unicode.IsLetter(r) && !unicode.Is(unicode.Han, r) && digitOf(r) == 0
}

// MayHold reports whether s has a character Mask could change: a digit of
// any form, or a mask's *. A search for text without one matches masked
// text exactly where it matches the text itself.
func MayHold(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return r == '*' || digitOf(r) != 0 })
}

// groups splits s into its runs of digits, marking those joined to the one
// before: by separators only, or by separators and one letter.
func groups(s string) []group {
	var out []group
	var cur *group // the group being read; nil between groups
	link := false  // the gap since the last group still joins
	letters := 0   // letters in that gap
	for i, r := range s {
		if d := digitOf(r); d != 0 {
			if cur == nil {
				out = append(out, group{start: i, joined: len(out) > 0 && link})
				cur = &out[len(out)-1]
			}
			cur.digits = append(cur.digits, d)
			cur.end = i + utf8.RuneLen(r)
			continue
		}
		if cur != nil {
			if isX(r) {
				// An ID number's check character, if the number ends here;
				// else the one letter of the gap.
				cur.xEnd = i + utf8.RuneLen(r)
			}
			cur, link, letters = nil, true, 0
		}
		switch {
		case !link, separator(r):
		case letter(r) && letters == 0:
			letters++
		default:
			link = false
		}
	}
	return out
}

// Find returns the personal numbers in s, in order, not overlapping.
func Find(s string) []Match {
	gs := groups(s)
	var out []Match
	for i := 0; i < len(gs); i++ {
		var ds []byte
		best, bestKind, bestEnd := -1, Kind(""), 0
		for j := i; j < len(gs) && (j == i || gs[j].joined); j++ {
			ds = append(ds, gs[j].digits...)
			if len(ds) > 18 {
				break
			}
			if k := kindOf(ds); k != "" {
				best, bestKind, bestEnd = j, k, gs[j].end
			}
			if gs[j].xEnd != 0 && len(ds) == 17 && ValidID(append(append([]byte(nil), ds...), 'X')) {
				best, bestKind, bestEnd = j, IDNumber, gs[j].xEnd
			}
		}
		if best < 0 {
			continue
		}
		m := Match{Kind: bestKind, Start: gs[i].start, End: bestEnd}
		if r, n := utf8.DecodeLastRuneInString(s[:m.Start]); r == '+' || r == '＋' {
			m.Start -= n
		}
		m.RuneStart = utf8.RuneCountInString(s[:m.Start])
		out = append(out, m)
		i = best
	}
	return out
}

// kindOf says what a number's digits make, if anything.
func kindOf(ds []byte) Kind {
	switch {
	case len(ds) == 18 && ValidID(ds):
		return IDNumber
	case len(ds) == 11 && mobile(ds):
		return Mobile
	case len(ds) == 13 && ds[0] == '8' && ds[1] == '6' && mobile(ds[2:]):
		return Mobile
	}
	return ""
}

func mobile(ds []byte) bool {
	return ds[0] == '1' && ds[1] >= '3' && ds[1] <= '9'
}

// Contains reports whether s holds a personal number.
func Contains(s string) bool { return len(Find(s)) > 0 }

var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// ValidID reports whether ds (ASCII digits, X last) is a resident identity
// number: a real birth date from 1900 on, and the MOD 11-2 check character.
func ValidID(ds []byte) bool {
	if len(ds) != 18 {
		return false
	}
	sum := 0
	for i := 0; i < 17; i++ {
		if ds[i] < '0' || ds[i] > '9' {
			return false
		}
		sum += int(ds[i]-'0') * idWeights[i]
	}
	if "10X98765432"[sum%11] != ds[17] {
		return false
	}
	born, err := time.Parse("20060102", string(ds[6:14]))
	return err == nil && born.Year() >= 1900 && !born.After(time.Now())
}

// kept reports whether the idx-th digit of a number of kind k stays shown.
func kept(k Kind, idx, n int) bool {
	if k == IDNumber {
		return idx < 4 || idx >= n-4
	}
	return idx < 3 || idx >= n-4
}

// Mask returns s with the hidden digits of every personal number replaced
// by *: an ID number keeps its first four and last four characters
// (3306**********1234), a mobile number its first three and last four
// (138****5678). A +86, the separators and the forms typed stay as they
// were. Text without personal numbers is returned as it is.
func Mask(s string) string {
	ms := Find(s)
	if len(ms) == 0 {
		return s
	}
	var b strings.Builder
	last := 0
	for _, m := range ms {
		b.WriteString(s[last:m.Start])
		span := s[m.Start:m.End]
		var pos []int // byte offsets of the number's digits in span
		for i, r := range span {
			if numberChar(span, i, r, m.Kind) {
				pos = append(pos, i)
			}
		}
		if m.Kind == Mobile && len(pos) == 13 {
			pos = pos[2:] // the 86 stays
		}
		hide := map[int]bool{}
		for idx, p := range pos {
			if !kept(m.Kind, idx, len(pos)) {
				hide[p] = true
			}
		}
		for i, r := range span {
			if hide[i] {
				b.WriteByte('*')
			} else {
				b.WriteRune(r)
			}
		}
		last = m.End
	}
	b.WriteString(s[last:])
	return b.String()
}

// numberChar reports whether r, at byte i of span (a number of kind k as
// typed), is one of the number's characters: a digit, or an ID number's
// final X (an X between groups is a separator).
func numberChar(span string, i int, r rune, k Kind) bool {
	return digitOf(r) != 0 || (k == IDNumber && isX(r) && i+utf8.RuneLen(r) == len(span))
}
