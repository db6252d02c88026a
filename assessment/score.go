package assessment

import (
	"math"

	"rectify/cases"
)

// Mark is what a reviewer enters for one point; which fields count depends
// on the point's method.
type Mark struct {
	Level     string  `json:"level,omitempty"`     // levels: the chosen level's label
	Instances int     `json:"instances,omitempty"` // deduction: problems found by the reviewer
	Ledger    float64 `json:"ledger,omitempty"`    // deduction: marks deducted for ledger cases (accepted or overridden)
	Yes       bool    `json:"yes,omitempty"`       // yesno
	Rate      float64 `json:"rate,omitempty"`      // survey: satisfaction rate in percent, 0–100
}

// Round2 rounds to hundredths of a mark, the precision scores are kept and
// shown in, so that sums and comparisons do not depend on float noise.
func Round2(x float64) float64 { return math.Round(x*100) / 100 }

// ScorePoint computes a point's score from a mark by the point's method:
//   - levels: the level's fraction of the maximum;
//   - deduction: the maximum less Per for each instance and less the ledger
//     deduction, never below the floor;
//   - yesno: the maximum or nothing;
//   - survey: the maximum times the satisfaction rate.
//
// A mark that does not fit the method is EINVALID naming the field.
func ScorePoint(p Point, m Mark) (float64, error) {
	switch p.Method {
	case MethodLevels:
		for _, l := range p.Levels {
			if l.Label == m.Level {
				return Round2(p.Max * l.Fraction), nil
			}
		}
		return 0, cases.Invalid("level", "评估要点 %s 须选择评分档次", p.Code)
	case MethodDeduction:
		if m.Instances < 0 || m.Instances > 1000 {
			return 0, cases.Invalid("instances", "评估要点 %s 的问题个数须在 0 至 1000 之间", p.Code)
		}
		if m.Ledger < 0 || math.IsNaN(m.Ledger) || m.Ledger > 1000 {
			return 0, cases.Invalid("ledger", "评估要点 %s 的台账扣分须为不小于 0 的数", p.Code)
		}
		return Round2(math.Max(p.Max-float64(m.Instances)*p.Per-m.Ledger, p.Floor)), nil
	case MethodYesNo:
		if m.Yes {
			return p.Max, nil
		}
		return 0, nil
	case MethodSurvey:
		if m.Rate < 0 || m.Rate > 100 || math.IsNaN(m.Rate) {
			return 0, cases.Invalid("rate", "评估要点 %s 的满意率须在 0 至 100 之间", p.Code)
		}
		return Round2(p.Max * m.Rate / 100), nil
	}
	return 0, cases.Invalid("method", "评估要点 %s 的评分方法未知", p.Code)
}
