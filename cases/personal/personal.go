// Package personal finds personal numbers in free text — resident identity
// card numbers and mainland mobile numbers — and masks them. It is what
// keeps a reporter's ID or phone number, typed into a case by a hotline
// operator, from reaching the unit the report is about.
//
// What it finds:
//
//   - Resident identity card numbers of GB 11643-1999: 17 digits and a check
//     character (0–9 or X) that the ISO 7064 MOD 11-2 sum confirms, whose
//     birth date (digits 7–14) is a real date from 1900 to 2099. People
//     sometimes type them in groups of 6, 8 and 4 (330106 19900101 1234).
//     The 15-digit numbers of the first-generation cards are not looked
//     for: they carry no check digit, so they cannot be told from the
//     15-digit business registration numbers (工商注册号) and other
//     references that case text legitimately holds, and those cards ceased
//     to be valid on 1 January 2013.
//   - Mainland mobile numbers: 11 digits beginning 13–19, optionally after
//     +86 or 86, typed whole or in groups of 3, 4 and 4 separated by a
//     space or a hyphen (138 1234 5678, 138-1234-5678, +86 13812345678).
//
// Digits, X, +, spaces and hyphens are recognised in their full-width forms
// too (１３８－１２３４－５６７８), as Chinese input methods type them. A number
// is found only where it stands alone: one adjacent to another digit or to
// a Latin letter is part of a longer code (a document number, a 20-digit
// account, a hexadecimal id, an express waybill number) and is left alone.
package personal

import "time"

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
// RuneStart and RuneEnd count characters, for telling a person where.
type Match struct {
	Kind               Kind
	Start, End         int
	RuneStart, RuneEnd int
	// body is the byte offset at which the number itself begins, after a
	// +86 prefix: masking counts digits from there.
	body int
}

// char is one rune of the text as the scanner sees it.
type char struct {
	at    int  // byte offset
	class byte // digit, x, sep, plus, letter or other
	digit byte // the digit's value, for class digit
}

const (
	other byte = iota
	digit
	letterX // X or x: an ID number's check character, otherwise a letter
	letter
	sep  // a space or a hyphen between groups
	plus // the + of +86
)

func classify(r rune) (class, value byte) {
	if r >= 0xFF01 && r <= 0xFF5E { // full-width ASCII
		r -= 0xFEE0
	}
	switch {
	case r >= '0' && r <= '9':
		return digit, byte(r - '0')
	case r == 'X' || r == 'x':
		return letterX, 0
	case r >= 'A' && r <= 'Z', r >= 'a' && r <= 'z':
		return letter, 0
	case r == ' ', r == '-', r == 0x3000: // U+3000 ideographic space
		return sep, 0
	case r == '+':
		return plus, 0
	}
	return other, 0
}

// scan turns s into chars, with a sentinel at the end so that lookahead
// needs no bounds checks. It returns nil when s cannot hold a number.
func scan(s string) []char {
	if !mayHold(s) {
		return nil
	}
	cs := make([]char, 0, len(s))
	for i, r := range s {
		cl, v := classify(r)
		cs = append(cs, char{at: i, class: cl, digit: v})
	}
	return append(cs, char{at: len(s), class: other})
}

// mayHold reports whether s has a run of at least 11 digits, counting
// across separators: the shortest a number can be. Most text has none, and
// this look at its bytes costs a fraction of scanning its runes.
func mayHold(s string) bool {
	run := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			run++
		case c == ' ' || c == '-':
		case c == 0xEF && i+2 < len(s) && s[i+1] == 0xBC && s[i+2] >= 0x90 && s[i+2] <= 0x99: // ０–９
			run++
			i += 2
		case c == 0xEF && i+2 < len(s) && s[i+1] == 0xBC && s[i+2] == 0x8D: // －
			i += 2
		case c == 0xE3 && i+2 < len(s) && s[i+1] == 0x80 && s[i+2] == 0x80: // U+3000
			i += 2
		default:
			run = 0
		}
		if run >= 11 {
			return true
		}
	}
	return false
}

// wordy reports whether a char would make a number next to it part of a
// longer code.
func wordy(c char) bool { return c.class == digit || c.class == letter || c.class == letterX }

// Find returns the personal numbers in s, in order, not overlapping.
func Find(s string) []Match {
	cs := scan(s)
	if cs == nil {
		return nil
	}
	var out []Match
	n := len(cs) - 1 // without the sentinel
	for i := 0; i < n; i++ {
		if cs[i].class != digit && cs[i].class != plus {
			continue
		}
		if i > 0 && wordy(cs[i-1]) {
			continue
		}
		kind, body, end, ok := IDNumber, i, 0, false
		if cs[i].class == digit {
			end, ok = idAt(cs, i)
		}
		if !ok {
			kind = Mobile
			body, end, ok = mobileAt(cs, i)
		}
		if !ok {
			continue
		}
		out = append(out, Match{Kind: kind, Start: cs[i].at, End: cs[end].at, RuneStart: i, RuneEnd: end, body: cs[body].at})
		i = end - 1
	}
	return out
}

// Contains reports whether s holds a personal number.
func Contains(s string) bool { return len(Find(s)) > 0 }

// groups reads digits at i in groups of the given sizes, with at most one
// separator between groups. It returns the digits and the index after
// them. With lastX the final character may be X.
func groups(cs []char, i int, lastX bool, sizes ...int) (ds []byte, end int, ok bool) {
	for g, size := range sizes {
		if g > 0 && cs[i].class == sep {
			i++
		}
		for k := 0; k < size; k++ {
			c := cs[i]
			switch {
			case c.class == digit:
				ds = append(ds, c.digit)
			case c.class == letterX && lastX && g == len(sizes)-1 && k == size-1:
				ds = append(ds, 10)
			default:
				return nil, 0, false
			}
			i++
		}
	}
	return ds, i, true
}

// idWeights are the weights of GB 11643-1999 for the first 17 digits, and
// idCheck the check character for each remainder of their sum mod 11
// (10 stands for X).
var (
	idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	idCheck   = [11]byte{1, 0, 10, 9, 8, 7, 6, 5, 4, 3, 2}
)

// idAt reads an ID number at i, typed whole or as 6-8-4.
func idAt(cs []char, i int) (end int, ok bool) {
	ds, end, ok := groups(cs, i, true, 6, 8, 4)
	if !ok || wordy(cs[end]) || !ValidID(ds) {
		return 0, false
	}
	return end, true
}

// ValidID reports whether 18 digit values (the last may be 10 for X) form
// a resident ID number: a real birth date from 1900 to 2099 and the right
// check character.
func ValidID(ds []byte) bool {
	if len(ds) != 18 {
		return false
	}
	sum := 0
	for k, w := range idWeights {
		if ds[k] > 9 {
			return false
		}
		sum += int(ds[k]) * w
	}
	if ds[17] != idCheck[sum%11] {
		return false
	}
	num := func(from, to int) int {
		n := 0
		for _, d := range ds[from:to] {
			n = n*10 + int(d)
		}
		return n
	}
	y, m, d := num(6, 10), num(10, 12), num(12, 14)
	if y < 1900 || y > 2099 || m < 1 || m > 12 || d < 1 {
		return false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	return t.Day() == d // 0229 of a common year, 0431… roll over
}

// mobileAt reads a mobile number at i, with an optional +86 or 86 prefix.
// It returns where the number itself begins and the index after it.
func mobileAt(cs []char, i int) (body, end int, ok bool) {
	j := i
	if cs[j].class == plus {
		j++
	}
	if cs[j].class == digit && cs[j].digit == 8 && cs[j+1].class == digit && cs[j+1].digit == 6 {
		k := j + 2
		if cs[k].class == sep {
			k++
		}
		if body, end, ok := mobileBody(cs, k); ok {
			return body, end, true
		}
	}
	if j != i {
		return 0, 0, false // a + leads only to 86
	}
	return mobileBody(cs, i)
}

func mobileBody(cs []char, i int) (body, end int, ok bool) {
	ds, end, ok := groups(cs, i, false, 3, 4, 4)
	if !ok || wordy(cs[end]) || ds[0] != 1 || ds[1] < 3 {
		return 0, 0, false
	}
	return i, end, true
}

// kept says which digits of a number masking keeps: an ID number's first
// four (the province and city) and last four, a mobile number's first
// three (the carrier's prefix) and last four — the usual forms
// 3306**********1234 and 138****5678.
func kept(k Kind, idx int) bool {
	if k == IDNumber {
		return idx < 4 || idx >= 14
	}
	return idx < 3 || idx >= 7
}

// Mask returns s with the hidden digits of every personal number replaced
// by *. What surrounds them — a +86, the spaces or hyphens between groups,
// full-width forms — stays as typed. Text without personal numbers is
// returned as it is.
func Mask(s string) string {
	ms := Find(s)
	if len(ms) == 0 {
		return s
	}
	b := make([]byte, 0, len(s))
	last := 0
	for _, m := range ms {
		b = append(b, s[last:m.body]...)
		idx := 0
		for _, r := range s[m.body:m.End] {
			cl, _ := classify(r)
			if cl == digit || cl == letterX {
				if !kept(m.Kind, idx) {
					r = '*'
				}
				idx++
			}
			b = append(b, string(r)...)
		}
		last = m.End
	}
	return string(append(b, s[last:]...))
}
