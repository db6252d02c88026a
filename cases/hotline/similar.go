package hotline

import (
	"strings"
	"time"
	"unicode"
)

// Similarity is how alike two texts are, from 0 to 1: the Dice coefficient of their sets of character bigrams, letters
// and digits only (punctuation, spaces and quotation marks do not count),
// adjusted by whether the two agree on who and how many.
//
// Chinese has no spaces between words, and bigrams catch most two-character
// words (编制, 上班, 工资) without a dictionary or an external service. But
// two reports about one unit share its name and the words of the kind of
// violation even when they are about different matters; what tells them
// apart is the person (张某某 or 李某某) and the numbers (8 名 or 10 名).
// So when both texts name persons, sharing one adds NameBonus and sharing
// none multiplies by NamePenalty; the same for numbers (NumberBonus,
// NumberPenalty). When only one text names a person or gives a number
// nothing changes: a reworded report often leaves them out.
func Similarity(a, b string) float64 {
	x, y := bigrams(a), bigrams(b)
	if len(x) == 0 || len(y) == 0 {
		return 0
	}
	common := 0
	for g := range x {
		if y[g] {
			common++
		}
	}
	s := 2 * float64(common) / float64(len(x)+len(y))
	an, anum := identifiers(a)
	bn, bnum := identifiers(b)
	s = agree(s, an, bn, NameBonus, NamePenalty)
	return min(agree(s, anum, bnum, NumberBonus, NumberPenalty), 1)
}

// The adjustments of Similarity, chosen on the labelled pairs with the
// threshold (round values; see TestSimilarityOnLabelledPairs).
const (
	NameBonus     = 0.15
	NamePenalty   = 0.5
	NumberBonus   = 0.1
	NumberPenalty = 0.7
)

// agree adjusts s by whether the identifiers x and y share one, when both
// texts have some.
func agree(s float64, x, y map[string]bool, bonus, penalty float64) float64 {
	if len(x) == 0 || len(y) == 0 {
		return s
	}
	for k := range x {
		if y[k] {
			return s + bonus
		}
	}
	return s * penalty
}

// notSurname are characters that come before 某 as "a certain" (某镇, 县某局,
// 市某区) rather than as a surname (张某某).
const notSurname = "省市县区镇乡村街局委办所站院校有在的和及与是对向给将把被一个等"

// identifiers returns the persons a text names the way reports do (the
// surname of 张某某 or 张某) and the numbers it gives (runs of digits).
func identifiers(s string) (names, numbers map[string]bool) {
	names, numbers = map[string]bool{}, map[string]bool{}
	rs := []rune(s)
	for i := 1; i < len(rs); i++ {
		if rs[i] == '某' && rs[i-1] != '某' && unicode.Is(unicode.Han, rs[i-1]) && !strings.ContainsRune(notSurname, rs[i-1]) {
			names[string(rs[i-1])] = true
		}
	}
	for i := 0; i < len(rs); {
		if rs[i] < '0' || rs[i] > '9' {
			i++
			continue
		}
		j := i
		for j < len(rs) && rs[j] >= '0' && rs[j] <= '9' {
			j++
		}
		numbers[string(rs[i:j])] = true
		i = j
	}
	return names, numbers
}

// bigrams returns the set of adjacent pairs of letters and digits of s,
// with runs of digits and Latin letters folded to lower case.
func bigrams(s string) map[[2]rune]bool {
	var rs []rune
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			rs = append(rs, unicode.ToLower(r))
		}
	}
	out := make(map[[2]rune]bool, len(rs))
	for i := 0; i+1 < len(rs); i++ {
		out[[2]rune{rs[i], rs[i+1]}] = true
	}
	return out
}

// TwinThreshold is the similarity from which two reports about the same
// unit are shown as likely twins. It was chosen on the labelled pairs in
// testdata/hotline/pairs.tsv at the top of the repository (see
// TestSimilarityOnLabelledPairs and docs/ARCHITECTURE.md for the precision
// and recall it gives): the highest threshold that still finds every
// labelled twin.
const TwinThreshold = 0.29

// TwinWindow is how far back a twin is looked for.
const TwinWindow = 12 * 30 * 24 * time.Hour

// Candidate is an earlier report or case a new report may repeat.
type Candidate struct {
	// Report or CaseNo says which (one of them is set).
	Report, CaseNo string
	UnitCode       string
	Text           string
	At             time.Time
	// Open says the report or case is still being handled (a case not
	// closed, dismissed or transferred): registering another case of the
	// same problem would duplicate it.
	Open bool
}

// Twin is a candidate judged similar, with its score.
type Twin struct {
	Candidate
	Score float64
}

// OpenCases returns the twins that are open cases about unit: what
// registering the report as a case of unit would duplicate, and so must be
// acknowledged first (TwinsAck). A twin about no known unit is kept too.
func OpenCases(twins []Twin, unit string) []Twin {
	var out []Twin
	for _, tw := range twins {
		if tw.CaseNo != "" && tw.Open && (tw.UnitCode == "" || tw.UnitCode == unit) {
			out = append(out, tw)
		}
	}
	return out
}

// TwinsAck is what acknowledging twins confirms: their case numbers, so
// that an acknowledgement given before a new twin appeared (or for another
// unit) does not count.
func TwinsAck(twins []Twin) string {
	nos := make([]string, len(twins))
	for i, tw := range twins {
		nos[i] = tw.CaseNo
	}
	return strings.Join(nos, ",")
}

// Twins returns the candidates about r's unit, from the last TwinWindow,
// whose text is at least TwinThreshold similar to r's allegation, most
// similar first. A report naming its unit only in free text is compared
// with every candidate, since the unit may be any.
func Twins(r Report, now time.Time, cands []Candidate) []Twin {
	var out []Twin
	text := r.Allegation
	for _, a := range r.Additions {
		text += " " + a.Text
	}
	for _, c := range cands {
		if c.Report == r.ID || c.At.Before(now.Add(-TwinWindow)) {
			continue
		}
		if r.UnitCode != "" && c.UnitCode != "" && c.UnitCode != r.UnitCode {
			continue
		}
		if s := Similarity(text, c.Text); s >= TwinThreshold {
			out = append(out, Twin{c, s})
		}
	}
	// Few twins: an insertion sort keeps the order stable and simple.
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].Score > out[j-1].Score; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}
