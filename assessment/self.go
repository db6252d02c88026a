package assessment

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"rectify/cases"
)

// SelfAssessment is the assessed unit's own account of one point (自评):
// the score it gives itself, a statement of what it did, and the evidence
// files it uploaded (kept by cases/documents, listed here). One record per
// (round, unit, point), replaced when the unit saves again; evidence
// accumulates.
type SelfAssessment struct {
	Round     string         `json:"round"`
	Unit      string         `json:"unit"`
	Point     string         `json:"point"`
	Score     float64        `json:"score"`
	Statement string         `json:"statement"`
	Evidence  []SelfEvidence `json:"evidence,omitempty"`
	By        cases.Actor    `json:"by"`
	At        time.Time      `json:"at"`
}

// SelfEvidence is one evidence file of a self-assessment.
type SelfEvidence struct {
	ID     string `json:"id"` // the evidence record's id in cases/documents
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// SelfInput is what the unit enters for one point.
type SelfInput struct {
	Score     string // as typed: a number from 0 to the point's maximum
	Statement string
}

// MaxStatement bounds a self-assessment statement, in characters.
const MaxStatement = 2000

// MaxSelfEvidence bounds the evidence files of one point.
const MaxSelfEvidence = 10

// CheckSelf validates a self-assessment of point pt: a score within the
// point's range, a statement, and a round still open on a point no
// reviewer has scored yet (the unit assesses itself first; once reviewers
// score, the self-assessment they read stays as it was). Every field error
// at once; refusals before field errors.
func CheckSelf(pt Point, finalised, scored bool, files int, in SelfInput) (float64, error) {
	if finalised {
		return 0, cases.Refused("finalised", "评估已定稿，不能再修改自评")
	}
	if scored {
		return 0, cases.Refused("scored", "评估人员已对要点 %s 评分，自评不能再修改", pt.Code)
	}
	var fe cases.FieldErrors
	score, err := parseScore(in.Score)
	switch {
	case strings.TrimSpace(in.Score) == "":
		fe = append(fe, cases.FieldError{Field: "score", Message: fmt.Sprintf("请填写要点 %s 的自评得分", pt.Code)})
	case err != nil || score < 0 || score > pt.Max:
		fe = append(fe, cases.FieldError{Field: "score", Message: fmt.Sprintf("要点 %s 的自评得分须在 0 至 %g 之间", pt.Code, pt.Max)})
	}
	st := strings.TrimSpace(in.Statement)
	switch {
	case st == "":
		fe = append(fe, cases.FieldError{Field: "statement", Message: fmt.Sprintf("请填写要点 %s 的自评说明", pt.Code)})
	case utf8.RuneCountInString(st) > MaxStatement:
		fe = append(fe, cases.FieldError{Field: "statement", Message: fmt.Sprintf("自评说明不能超过 %d 字", MaxStatement)})
	}
	if files > MaxSelfEvidence {
		fe = append(fe, cases.FieldError{Field: "file", Message: fmt.Sprintf("每个要点的佐证材料不能超过 %d 个", MaxSelfEvidence)})
	}
	if len(fe) > 0 {
		return 0, fe.Err()
	}
	return score, nil
}

func parseScore(s string) (float64, error) {
	var x float64
	_, err := fmt.Sscan(strings.TrimSpace(s), &x)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		return 0, fmt.Errorf("not a number: %q", s)
	}
	// Two decimals at most, as scores are kept.
	return math.Round(x*100) / 100, nil
}

// SelfAuthor says whether who may write the self-assessment of unit: a
// user of the unit role bound to that unit.
func SelfAuthor(who Account, unit string) error {
	if who.Disabled || who.UnitCode != unit || !containsRole(who.Roles, cases.RoleUnit) {
		return &cases.Error{Code: cases.EFORBIDDEN, Message: "只有被评估单位的用户可以填写自评"}
	}
	return nil
}

// SelfOf returns a unit's self-assessments in a round, by point.
func (s *Service) SelfOf(ctx context.Context, round, unit string) (map[string]SelfAssessment, error) {
	all, err := s.store.FindSelf(ctx, round)
	if err != nil {
		return nil, fmt.Errorf("round %s self-assessments: %w", round, err)
	}
	out := map[string]SelfAssessment{}
	for _, x := range all {
		if x.Unit == unit {
			out[x.Point] = x
		}
	}
	return out, nil
}

// CheckSelfSave checks a self-assessment of one point before anything of
// it is stored (its evidence files included): the author, the unit and
// point in the round, the round open, no reviewer's score yet, and the
// input with nfiles new files. It returns the point's record saved so far
// and the score entered.
func (s *Service) CheckSelfSave(ctx context.Context, who Account, round, unit, point string, in SelfInput, nfiles int) (SelfAssessment, float64, error) {
	if err := SelfAuthor(who, unit); err != nil {
		return SelfAssessment{}, 0, err
	}
	sh, err := s.Sheet(ctx, round, unit)
	if err != nil {
		return SelfAssessment{}, 0, err
	}
	for _, r := range sh.Rows {
		if r.Point.Code != point {
			continue
		}
		mine, err := s.SelfOf(ctx, round, unit)
		if err != nil {
			return SelfAssessment{}, 0, err
		}
		prev := mine[point]
		score, err := CheckSelf(r.Point, sh.State.Finalised, len(r.Scores) > 0, len(prev.Evidence)+nfiles, in)
		return prev, score, err
	}
	return SelfAssessment{}, 0, cases.NotFound("%s的评估要点中没有 %s", sh.Unit.UnitName, point)
}

// SaveSelf saves a unit's self-assessment of one point with the evidence
// files already stored for it (added to those saved before).
func (s *Service) SaveSelf(ctx context.Context, who Account, round, unit, point string, in SelfInput, files []SelfEvidence) (SelfAssessment, error) {
	prev, score, err := s.CheckSelfSave(ctx, who, round, unit, point, in, len(files))
	if err != nil {
		return SelfAssessment{}, err
	}
	x := SelfAssessment{Round: round, Unit: unit, Point: point, Score: score, Statement: strings.TrimSpace(in.Statement),
		Evidence: append(append([]SelfEvidence{}, prev.Evidence...), files...),
		By:       cases.Actor{ID: who.ID, Name: who.Name, Role: cases.RoleUnit}, At: s.now()}
	if err := s.store.PutSelf(ctx, x); err != nil {
		return SelfAssessment{}, fmt.Errorf("save self-assessment %s/%s/%s: %w", round, unit, point, err)
	}
	return x, nil
}
