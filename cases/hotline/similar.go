package hotline

import (
	"time"
	"unicode"
)

// Similarity is how alike two texts are, from 0 to 1: the Dice coefficient
// of their sets of character bigrams, letters and digits only (punctuation,
// spaces and quotation marks do not count). Chinese has no spaces between
// words, and bigrams catch most two-character words (编制, 上班, 工资)
// without a dictionary or an external service.
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
	return 2 * float64(common) / float64(len(x)+len(y))
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
// testdata/pairs.tsv (see TestSimilarityOnLabelledPairs and
// docs/ARCHITECTURE.md for the precision and recall it gives).
const TwinThreshold = 0.25

// TwinWindow is how far back a twin is looked for.
const TwinWindow = 12 * 30 * 24 * time.Hour

// Candidate is an earlier report or case a new report may repeat.
type Candidate struct {
	// Report or CaseNo says which (one of them is set).
	Report, CaseNo string
	UnitCode       string
	Text           string
	At             time.Time
}

// Twin is a candidate judged similar, with its score.
type Twin struct {
	Candidate
	Score float64
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
