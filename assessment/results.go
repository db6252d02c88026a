package assessment

import (
	"fmt"
	"math"
	"sort"
)

// Grade is one grade and the lowest total that earns it.
type Grade struct {
	Name string  `json:"name"`
	Min  float64 `json:"min"`
}

// Rules are the configurable parts of aggregation and grading.
type Rules struct {
	// Divergence is the spread of reviewers' scores on a point (highest
	// less lowest), as a fraction of the point's maximum, beyond which the
	// point needs a consensus before the round can be finalised.
	Divergence float64
	// Grades from the best down; the last one's Min is 0.
	Grades []Grade
}

// DefaultRules: a spread over 30% of a point's maximum diverges; 优秀 from
// 90, 良好 from 80, 一般 from 60, 较差 below.
func DefaultRules() Rules {
	return Rules{Divergence: 0.3, Grades: []Grade{{"优秀", 90}, {"良好", 80}, {"一般", 60}, {"较差", 0}}}
}

// Check reports whether the rules are usable.
func (r Rules) Check() error {
	if r.Divergence <= 0 || r.Divergence > 1 {
		return fmt.Errorf("assessment rules: divergence %g must be in (0, 1]", r.Divergence)
	}
	if len(r.Grades) == 0 || r.Grades[len(r.Grades)-1].Min != 0 {
		return fmt.Errorf("assessment rules: the lowest grade must start at 0")
	}
	for i := 1; i < len(r.Grades); i++ {
		if r.Grades[i].Min >= r.Grades[i-1].Min {
			return fmt.Errorf("assessment rules: grades must be listed from the best down")
		}
	}
	return nil
}

// GradeOf returns the grade of a total.
func (r Rules) GradeOf(total float64) string {
	for _, g := range r.Grades {
		if total >= g.Min {
			return g.Name
		}
	}
	return r.Grades[len(r.Grades)-1].Name
}

// Aggregate combines reviewers' scores on one point. The rule: the point's
// score is the mean of the reviewers' scores, to hundredths; the point
// diverges when the highest less the lowest exceeds rules.Divergence times
// the point's maximum (it then needs a consensus score, which replaces the
// mean). No scores give 0, not diverging.
func (r Rules) Aggregate(max float64, scores []float64) (mean float64, diverges bool) {
	if len(scores) == 0 {
		return 0, false
	}
	lo, hi, sum := math.Inf(1), math.Inf(-1), 0.0
	for _, s := range scores {
		lo, hi, sum = math.Min(lo, s), math.Max(hi, s), sum+s
	}
	return Round2(sum / float64(len(scores))), hi-lo > r.Divergence*max+1e-9
}

// Totals adds a unit's point scores into a total and per-category
// sub-scores. Common points count as they are; the individual points count
// as their mean (each is out of IndividualMax, so the mean is too), in the
// individual category. Points missing from scores count 0.
func Totals(cat *Catalog, individual []string, scores map[string]float64) (total float64, byCategory map[string]float64) {
	byCategory = map[string]float64{}
	for _, p := range cat.CommonPoints() {
		byCategory[p.Category] += scores[p.Code]
	}
	if len(individual) > 0 {
		sum := 0.0
		for _, code := range individual {
			sum += scores[code]
		}
		byCategory[cat.IndividualCategory] += sum / float64(len(individual))
	}
	for k, v := range byCategory {
		byCategory[k] = Round2(v)
		total += Round2(v)
	}
	return Round2(total), byCategory
}

// Standing is a unit's result in a round.
type Standing struct {
	Unit       string             `json:"unit"`
	UnitName   string             `json:"unit_name"`
	Kind       string             `json:"kind"`
	Total      float64            `json:"total"`
	Categories map[string]float64 `json:"categories"`
	Grade      string             `json:"grade"`
	Rank       int                `json:"rank"`    // within Kind; equal totals share a rank
	RankOf     int                `json:"rank_of"` // units of the kind
	// Previous is the unit's total in the previous year's finalised round,
	// when it was assessed; Change is Total less Previous.
	Previous *float64 `json:"previous,omitempty"`
	Change   float64  `json:"change"`
	// Scored and Points count the unit's evaluation points scored so far
	// (by a reviewer, or settled by consensus) and in all. While a round
	// is open some units have none scored: such a unit is not scored (no
	// grade, no rank, no comparison with last year), not 0 分 and 较差.
	Scored int `json:"scored"`
	Points int `json:"points"`
	// ScoredCategories are the categories with at least one point scored:
	// a partly scored unit's chart shows these only.
	ScoredCategories map[string]bool `json:"scored_categories,omitempty"`
}

// NotScored reports a unit none of whose points is scored yet.
func (s Standing) NotScored() bool { return s.Scored == 0 }

// Graded reports a unit every point of which is scored: only such a unit
// has a grade, a rank and a comparison with last year. A partly scored
// unit's total is a sum so far (47.48 of 24 points scored is no 较差), and a
// round is finalised only when every unit is graded.
func (s Standing) Graded() bool { return s.Points > 0 && s.Scored >= s.Points }

// Partial reports a unit some but not all of whose points are scored.
func (s Standing) Partial() bool { return s.Scored > 0 && s.Scored < s.Points }

// RankWithinKind sets Rank and RankOf within each unit kind (competition
// ranking: 1, 1, 3) and sorts by kind, then rank, then unit code. Units not
// wholly scored yet are not ranked (Rank and RankOf 0) and come after the
// graded ones of their kind (partly scored first); RankOf counts the graded
// units only.
func RankWithinKind(ss []Standing) {
	sort.SliceStable(ss, func(i, j int) bool {
		if ss[i].Kind != ss[j].Kind {
			return ss[i].Kind < ss[j].Kind
		}
		if ss[i].Graded() != ss[j].Graded() {
			return ss[i].Graded()
		}
		if ss[i].NotScored() != ss[j].NotScored() {
			return !ss[i].NotScored()
		}
		if ss[i].Total != ss[j].Total {
			return ss[i].Total > ss[j].Total
		}
		return ss[i].Unit < ss[j].Unit
	})
	for i := 0; i < len(ss); {
		j := i
		for j < len(ss) && ss[j].Kind == ss[i].Kind {
			j++
		}
		n := i
		for n < j && ss[n].Graded() {
			n++
		}
		for k := n; k < j; k++ {
			ss[k].Rank, ss[k].RankOf = 0, 0
		}
		j, next := n, j
		for k := i; k < j; k++ {
			ss[k].RankOf = j - i
			if k > i && ss[k].Total == ss[k-1].Total {
				ss[k].Rank = ss[k-1].Rank
			} else {
				ss[k].Rank = k - i + 1
			}
		}
		i = next
	}
}

// WithPrevious sets Previous and Change from last year's totals by unit;
// a unit not wholly scored yet has nothing to compare.
func WithPrevious(ss []Standing, previous map[string]float64) {
	for i := range ss {
		if p, ok := previous[ss[i].Unit]; ok && ss[i].Graded() {
			p := p
			ss[i].Previous = &p
			ss[i].Change = Round2(ss[i].Total - p)
		}
	}
}
