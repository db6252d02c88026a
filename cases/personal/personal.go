// Package personal finds personal identifiers typed into free text: resident
// identity card numbers (GB 11643-1999, with their check character) and
// mainland mobile numbers. A hotline operator may type a reporter's number
// into a case's facts, where the reported unit would read it and the hash
// chain would keep it for ever; the product warns before it is recorded,
// and masks what was recorded anyway wherever a unit reads it.
package personal

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Kind names what was found.
type Kind string

// Kinds of identifier.
const (
	IDNumber Kind = "id_number" // 居民身份证号码
	Mobile   Kind = "mobile"    // 手机号码
)

// Label is the kind in Chinese.
func (k Kind) Label() string {
	if k == IDNumber {
		return "身份证号码"
	}
	return "手机号码"
}

// Match is one identifier found in a text: its kind and its byte span.
type Match struct {
	Kind       Kind
	Start, End int
	// Rune is the 1-based position of its first character, for messages.
	Rune int
}

// group is a run of digits (ASCII or full-width) with no break, an ID's
// closing X included, and its byte span in the text.
type group struct {
	digits     []byte // ASCII digits, and 'X'
	start, end int
}

// Find returns the identifiers in s, in order. An 18-character ID number
// counts only with a valid check character and a real birth date; a mobile
// number is 11 digits starting 13–19, optionally after +86 or 86, written
// whole or in groups split by single spaces or hyphens (138 1234 5678).
// Digits that run on into a longer number (an account, a document number)
// are no match.
func Find(s string) []Match {
	gs := groups(s)
	var out []Match
	for i := 0; i < len(gs); i++ {
		g := gs[i]
		if len(g.digits) == 18 && ValidID(string(g.digits)) {
			out = append(out, Match{Kind: IDNumber, Start: g.start, End: g.end})
			continue
		}
		// This group alone, or with the groups that follow it across one
		// separator each, makes a mobile number.
		d := append([]byte(nil), g.digits...)
		for j := i; ; j++ {
			if isMobile(string(d)) && (j+1 == len(gs) || !joined(s, gs[j], gs[j+1])) {
				out = append(out, Match{Kind: Mobile, Start: g.start, End: gs[j].end})
				i = j
				break
			}
			if len(d) >= 13 || j+1 == len(gs) || !joined(s, gs[j], gs[j+1]) {
				break
			}
			d = append(d, gs[j+1].digits...)
		}
	}
	for i := range out {
		if out[i].Start > 0 && (s[out[i].Start-1] == '+') {
			out[i].Start--
		}
		out[i].Rune = utf8.RuneCountInString(s[:out[i].Start]) + 1
	}
	return out
}

// joined reports whether b follows a across one space or hyphen.
func joined(s string, a, b group) bool {
	r, n := utf8.DecodeRuneInString(s[a.end:])
	return a.end+n == b.start && (r == ' ' || r == '-' || r == '－' || r == '\u3000')
}

func isMobile(d string) bool {
	switch {
	case len(d) == 13 && strings.HasPrefix(d, "86"):
		d = d[2:]
	case len(d) != 11:
		return false
	}
	return d[0] == '1' && d[1] >= '3' && d[1] <= '9' && !strings.ContainsRune(d, 'X')
}

// digit returns the ASCII digit of r (ASCII or full-width), or 0.
func digit(r rune) byte {
	switch {
	case r >= '0' && r <= '9':
		return byte(r)
	case r >= '０' && r <= '９':
		return byte(r-'０') + '0'
	}
	return 0
}

// groups splits s into its runs of digits. A run that starts or ends next
// to a Latin letter is part of a code (a document or account number) and
// still a group: its length keeps it from matching.
func groups(s string) []group {
	var out []group
	var cur *group
	for i, r := range s {
		d := digit(r)
		if d == 0 && cur != nil && len(cur.digits) == 17 && (r == 'X' || r == 'x' || r == 'Ｘ' || r == 'ｘ') {
			d = 'X'
		}
		if d == 0 {
			cur = nil
			continue
		}
		if cur == nil || cur.digits[len(cur.digits)-1] == 'X' {
			out = append(out, group{start: i})
			cur = &out[len(out)-1]
		}
		cur.digits = append(cur.digits, d)
		cur.end = i + utf8.RuneLen(r)
	}
	return out
}

var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

const idCheck = "10X98765432"

// ValidID reports whether s is an 18-character resident identity number
// with a real birth date and the right GB 11643 check character (MOD 11-2).
func ValidID(s string) bool {
	if len(s) != 18 {
		return false
	}
	sum := 0
	for i := 0; i < 17; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
		sum += int(s[i]-'0') * idWeights[i]
	}
	if strings.ToUpper(s[17:]) != string(idCheck[sum%11]) {
		return false
	}
	born, err := time.Parse("20060102", s[6:14])
	return err == nil && born.Year() >= 1900 && born.Before(time.Now().AddDate(0, 0, 1))
}

// Mask replaces every identifier in s: an ID number keeps its first four
// and last four characters (3306**********1234), a mobile number its first
// three and last four (138****5678); separators typed inside go.
func Mask(s string) string {
	ms := Find(s)
	if len(ms) == 0 {
		return s
	}
	var b strings.Builder
	last := 0
	for _, m := range ms {
		b.WriteString(s[last:m.Start])
		var d []byte
		for _, g := range groups(s[m.Start:m.End]) {
			d = append(d, g.digits...)
		}
		if m.Kind == Mobile && len(d) == 13 {
			d = d[2:]
		}
		keep := 3
		if m.Kind == IDNumber {
			keep = 4
		}
		b.WriteString(string(d[:keep]) + strings.Repeat("*", len(d)-keep-4) + string(d[len(d)-4:]))
		last = m.End
	}
	b.WriteString(s[last:])
	return b.String()
}
