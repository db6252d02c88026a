package templates

import (
	"math"
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
// ASCII letters and digits, and a number with its decimal point and its
// unit or percent sign, is kept whole when it fits on a line.
func Wrap(text string, width float64, measure func(string) float64) []string {
	var out []string
	for _, para := range strings.Split(text, "\n") {
		out = append(out, wrapLine([]rune(para), width, measure, false)...)
	}
	return out
}

// hangs are the marks that may hang past the right edge (标点悬挂) rather
// than start a line or push a character down.
const hangs = "，。、；：？！）》」』】〕〉”’,.;:?!)"

// WrapHanging is Wrap for body text on the character grid: a line full to
// the edge may take one following closing mark (，。、…) hanging past the
// right edge, as Word's "允许标点溢出边界" does, so that every full line
// keeps its 28 characters. Such a line is wider than width by that mark.
func WrapHanging(text string, width float64, measure func(string) float64) []string {
	var out []string
	for _, para := range strings.Split(text, "\n") {
		out = append(out, wrapLine([]rune(para), width, measure, true)...)
	}
	return out
}

func wrapLine(rs []rune, width float64, measure func(string) float64, hang bool) []string {
	if len(rs) == 0 {
		return []string{""}
	}
	// Widths add up rune by rune (every measure here is a sum over runes),
	// so each rune is measured once: a long line costs linear time.
	ws := make([]float64, len(rs))
	for i, r := range rs {
		ws[i] = measure(string(r))
	}
	var lines []string
	start := 0
	for start < len(rs) {
		end, w := start+1, ws[start]
		for end < len(rs) && w+ws[end] <= width {
			w += ws[end]
			end++
		}
		switch {
		case end < len(rs) && hang && strings.ContainsRune(hangs, rs[end]) && !joined(rs, end) &&
			(end+1 == len(rs) || !strings.ContainsRune(noStart, rs[end+1])):
			// (A decimal point is not a mark to hang: 22.4 would end
			// the line as "22." with "4" below it.)
			end++ // the mark hangs past the edge
		case end < len(rs):
			end = adjustBreak(rs, ws, width, start, end)
		}
		lines = append(lines, string(rs[start:end]))
		start = end
	}
	return lines
}

// adjustBreak moves a break at end (a line is rs[start:end]) back so that
// the next line does not start with closing punctuation, this line does not
// end with an opening bracket, and a Latin word or number is not split —
// but never so far that the line keeps less than half the width (a run of
// closing marks, a word longer than half a line): then the break stays.
func adjustBreak(rs []rune, ws []float64, width float64, start, end int) int {
	e := end
	// Pull the previous character down with closing punctuation.
	for e-1 > start && strings.ContainsRune(noStart, rs[e]) {
		e--
	}
	// Keep opening brackets with what follows.
	for e-1 > start && strings.ContainsRune(noEnd, rs[e-1]) {
		e--
	}
	// Do not split an ASCII word or a number with its unit if it can
	// move whole.
	if joined(rs, e) {
		w := e
		for w > start && joined(rs, w) {
			w--
		}
		if w > start {
			e = w
		}
	}
	kept := 0.0
	for _, w := range ws[start:e] {
		kept += w
	}
	if e <= start || kept < width/2 {
		return end
	}
	return e
}

// units are the marks and measure words that stay with the number before
// them, directly or after one space as the result letter writes scores
// (22.4%, 22.4 分, 第 2 名, 3名, 2026年).
const units = "%％‰分名个项人件条次元倍年月日天"

// joined reports whether a break before rs[i] would split one unbreakable
// token: a Latin word, or a number — its digits, its decimal point and its
// unit or percent sign.
func joined(rs []rune, i int) bool {
	if i <= 0 || i >= len(rs) {
		return false
	}
	switch {
	case wordAt(rs, i) && wordAt(rs, i-1):
		return true
	case strings.ContainsRune(units, rs[i]):
		return isDigit(rs[i-1]) || rs[i-1] == ' ' && i >= 2 && isDigit(rs[i-2])
	case rs[i] == ' ':
		return isDigit(rs[i-1]) && i+1 < len(rs) && strings.ContainsRune(units, rs[i+1])
	}
	return false
}

// isDigit is an ASCII digit.
func isDigit(r rune) bool { return r >= '0' && r <= '9' }

// wordAt reports whether rs[i] belongs to a Latin word or number: a word
// rune, or a decimal point between digits (21.55 stays whole).
func wordAt(rs []rune, i int) bool {
	if isWordRune(rs[i]) {
		return true
	}
	return rs[i] == '.' && i > 0 && i+1 < len(rs) && unicode.IsDigit(rs[i-1]) && unicode.IsDigit(rs[i+1]) && rs[i-1] < unicode.MaxASCII && rs[i+1] < unicode.MaxASCII
}

// isWordRune is a rune of a Latin word or number that should not be split;
// a hyphen counts, so that ledger numbers (2026-0171) stay whole.
func isWordRune(r rune) bool {
	return r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-')
}

// balance sets words (unbreakable parts, in order) on as few lines no wider
// than width as possible, breaking only between words, and among those
// breaks picks the most even lines, the upper ones no longer than the lower
// (a trapezoid, as GB/T 9704 asks of titles). A word longer than a line is
// broken by Wrap first.
func balance(words []string, width float64, measure func(string) float64) []string {
	var parts []string
	for _, w := range words {
		if measure(w) > width {
			parts = append(parts, Wrap(w, width, measure)...)
		} else if w != "" {
			parts = append(parts, w)
		}
	}
	if len(parts) == 0 {
		return []string{""}
	}
	// best[i] is the best way to set parts[i:], as its lines; it compares
	// first by line count, then by the widest line, then by preferring a
	// shorter first line.
	type way struct {
		lines  []string
		widest float64
	}
	best := make([]*way, len(parts)+1)
	best[len(parts)] = &way{}
	for i := len(parts) - 1; i >= 0; i-- {
		line := ""
		for j := i; j < len(parts); j++ {
			line += parts[j]
			lw := measure(line)
			if lw > width {
				break
			}
			rest := best[j+1]
			if rest == nil {
				continue
			}
			cand := &way{lines: append([]string{line}, rest.lines...), widest: max(lw, rest.widest)}
			cur := best[i]
			switch {
			case cur == nil,
				len(cand.lines) < len(cur.lines),
				len(cand.lines) == len(cur.lines) && cand.widest < cur.widest-0.01,
				len(cand.lines) == len(cur.lines) && math.Abs(cand.widest-cur.widest) <= 0.01 && lw < measure(cur.lines[0]):
				best[i] = cand
			}
		}
	}
	if best[0] == nil {
		return parts
	}
	return best[0].lines
}
