package cases

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// normText folds what a person may type differently for the same text:
// ASCII letters to lower case, full-width ASCII (Ａ１－) to half-width, and
// the brackets of a document number — 〔〕 in print, but typed as [], (),
// 【】 or their full-width forms — to [ and ], so that a search for "yz001"
// finds "YZ001", "１２号" finds "12号" and "云巡办移[2026]21号" finds
// "云巡办移〔2026〕21号".
func normText(s string) string {
	clean := true
	for i := 0; i < len(s) && clean; i++ {
		switch c := s[i]; {
		case c >= 'A' && c <= 'Z', c == '(', c == ')', c == 0xEF: // 0xEF leads U+FF01–U+FF5E
			clean = false
		case c == 0xE3 && i+2 < len(s) && s[i+1] == 0x80 && s[i+2] >= 0x90 && s[i+2] <= 0x97: // 【】〔〕〖〗
			clean = false
		}
	}
	if clean {
		return s
	}
	return strings.Map(foldRune, s)
}

func foldRune(r rune) rune {
	switch {
	case r >= 'A' && r <= 'Z':
		return r + ('a' - 'A')
	case r >= 0xFF01 && r <= 0xFF5E:
		return foldRune(r - 0xFEE0)
	case r == '(' || r == '【' || r == '〔' || r == '〖':
		return '['
	case r == ')' || r == '】' || r == '〕' || r == '〗':
		return ']'
	}
	return r
}

// searchText is what a text search looks in: the ledger number, title,
// facts and source reference, folded, one per line so that no match spans
// two of them. refAt is where the source reference begins, for searches by
// those who may not see it (a hotline reference can name the reporter).
func searchText(c Case) (text string, refAt int) {
	head := normText(c.No + "\n" + c.Title + "\n" + c.Facts + "\n")
	return head + normText(c.SourceRef), len(head)
}

// bigram packs two runes into a map key.
func bigram(a, b rune) uint64 { return uint64(a)<<32 | uint64(uint32(b)) }

// textIndex maps every pair of adjacent characters (bigram) to the slots of
// the cases whose search text contains it, in ascending slot order. A search
// for a string of two or more characters intersects the lists of its
// bigrams, which for Chinese text — no spaces, short words — narrows to the
// matches or close to them; candidates are then checked with a substring
// test. Search texts never change after registration, and slots only grow,
// so the lists grow at their end, but for the numbers of documents issued
// later on a case (addLate), which are few.
type textIndex struct {
	bi map[uint64][]int32
}

func newTextIndex() textIndex { return textIndex{bi: map[uint64][]int32{}} }

// addLate indexes more text of a slot indexed before (a document number
// issued on its case), keeping every list in slot order.
func (x *textIndex) addLate(slot int32, text string) {
	prev := rune(-1)
	for _, r := range text {
		if prev >= 0 && prev != '\n' && r != '\n' {
			k := bigram(prev, r)
			l := x.bi[k]
			if i, found := slices.BinarySearch(l, slot); !found {
				x.bi[k] = slices.Insert(l, i, slot)
			}
		}
		prev = r
	}
}

// add indexes the search text of slot, which must be above every slot
// added before.
func (x *textIndex) add(slot int32, text string) {
	seen := make(map[uint64]struct{}, len(text)/2)
	prev := rune(-1)
	for _, r := range text {
		if prev >= 0 && prev != '\n' && r != '\n' {
			k := bigram(prev, r)
			if _, ok := seen[k]; !ok {
				seen[k] = struct{}{}
				x.bi[k] = append(x.bi[k], slot)
			}
		}
		prev = r
	}
}

// candidates returns the slots that may contain q (already folded) and
// whether each of them certainly does. ok is false when q is too short to
// use the index (one character): the caller then tests every case.
func (x *textIndex) candidates(q string) (slots []int32, exact, ok bool) {
	if utf8.RuneCountInString(q) < 2 {
		return nil, false, false
	}
	var lists [][]int32
	seen := map[uint64]bool{}
	prev := rune(-1)
	for _, r := range q {
		if prev >= 0 {
			k := bigram(prev, r)
			if !seen[k] {
				seen[k] = true
				l := x.bi[k]
				if len(l) == 0 {
					return nil, true, true
				}
				lists = append(lists, l)
			}
		}
		prev = r
	}
	slices.SortFunc(lists, func(a, b []int32) int { return len(a) - len(b) })
	out := slices.Clone(lists[0])
	for _, l := range lists[1:] {
		out = intersect(out, l)
		if len(out) == 0 {
			break
		}
	}
	// One bigram is the whole query: its list is exactly the matches.
	return out, len(lists) == 1 && utf8.RuneCountInString(q) == 2, true
}

// intersect keeps the elements of a (sorted, short) that are in b (sorted),
// in place. It gallops through b, so a short a against a long b costs
// len(a)·log(len(b)).
func intersect(a, b []int32) []int32 {
	out := a[:0]
	j := 0
	for _, v := range a {
		// Gallop to the first element of b that is >= v.
		step := 1
		for j+step < len(b) && b[j+step] < v {
			j += step
			step *= 2
		}
		j += sortSearch(b[j:min(j+step+1, len(b))], v)
		if j >= len(b) {
			break
		}
		if b[j] == v {
			out = append(out, v)
		}
	}
	return out
}

// sortSearch returns the first index of s whose value is >= v.
func sortSearch(s []int32, v int32) int {
	i, _ := slices.BinarySearch(s, v)
	return i
}

// bitset marks slots.
type bitset []uint64

func newBitset(n int, slots []int32) bitset {
	b := make(bitset, (n+63)/64)
	for _, s := range slots {
		b[s>>6] |= 1 << (uint(s) & 63)
	}
	return b
}

func (b bitset) has(s int32) bool {
	i := int(s >> 6)
	return i < len(b) && b[i]&(1<<(uint(s)&63)) != 0
}
