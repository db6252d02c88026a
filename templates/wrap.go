package templates

import (
	"strings"
	"unicode"
)

// noStart may not begin a line; noEnd may not end one (避头尾).
const (
	noStart = "，。、；：？！）》」』】〕〉”’…—．,.;:?!)]}%％·"
	noEnd   = "（《「『【〔〈“‘([{"
)

// Wrap breaks text into lines no wider than width, as measured by measure,
// rune by rune. Explicit newlines are kept. No character is ever dropped:
// joining the lines gives back the text without its newlines. A run of
// ASCII letters and digits is kept whole when it fits on a line.
func Wrap(text string, width float64, measure func(string) float64) []string {
	var out []string
	for _, para := range strings.Split(text, "\n") {
		out = append(out, wrapLine([]rune(para), width, measure)...)
	}
	return out
}

func wrapLine(rs []rune, width float64, measure func(string) float64) []string {
	if len(rs) == 0 {
		return []string{""}
	}
	var lines []string
	start := 0
	for start < len(rs) {
		end := start + 1
		for end < len(rs) && measure(string(rs[start:end+1])) <= width {
			end++
		}
		if end < len(rs) {
			end = adjustBreak(rs, start, end)
		}
		lines = append(lines, string(rs[start:end]))
		start = end
	}
	return lines
}

// adjustBreak moves a break at end (a line is rs[start:end]) back so that
// the next line does not start with closing punctuation, this line does not
// end with an opening bracket, and a Latin word or number is not split. It
// never returns a line shorter than one rune.
func adjustBreak(rs []rune, start, end int) int {
	e := end
	// Pull the previous character down with closing punctuation.
	for e-1 > start && strings.ContainsRune(noStart, rs[e]) {
		e--
	}
	// Keep opening brackets with what follows.
	for e-1 > start && strings.ContainsRune(noEnd, rs[e-1]) {
		e--
	}
	// Do not split an ASCII word or number if it can move whole.
	if isWordRune(rs[e]) && isWordRune(rs[e-1]) {
		w := e
		for w > start && isWordRune(rs[w-1]) {
			w--
		}
		if w > start {
			e = w
		}
	}
	if e <= start {
		return end
	}
	return e
}

// isWordRune is a rune of a Latin word or number that should not be split;
// a hyphen counts, so that ledger numbers (2026-0171) stay whole.
func isWordRune(r rune) bool {
	return r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-')
}
