package assessment

import (
	"context"
	"fmt"
	"sort"
	"time"

	"rectify/cases"
)

// Letter is a result letter (评估结果反馈) issued to a unit for a round. The
// letter itself is a numbered document of cases/documents; the round keeps
// which document it is, one record per issue: Seq 1 is the first letter,
// a re-issue gets the next.
type Letter struct {
	Round    string      `json:"round"`
	Unit     string      `json:"unit"`
	Seq      int         `json:"seq"`
	Document string      `json:"document"` // the document's id
	Number   string      `json:"number"`   // its 发文字号
	IssuedBy cases.Actor `json:"issued_by"`
	IssuedAt time.Time   `json:"issued_at"`
}

// LetterRefused says why a unit's result letter may not be issued yet: the
// results are final only once the round is finalised.
func (st RoundState) LetterRefused(unit string) error {
	if _, ok := st.Unit(unit); !ok {
		return cases.NotFound("%s没有被评估单位 %s", st.Round.Title, unit)
	}
	if !st.Finalised {
		return cases.Refused("finalised", "%s尚未定稿，定稿后才能印发评估结果反馈", st.Round.Title)
	}
	return nil
}

// Letters returns the letters issued in a round, per unit oldest first.
func (s *Service) Letters(ctx context.Context, round string) (map[string][]Letter, error) {
	ls, err := s.store.FindLetters(ctx, round)
	if err != nil {
		return nil, fmt.Errorf("round %s letters: %w", round, err)
	}
	out := map[string][]Letter{}
	for _, l := range ls {
		out[l.Unit] = append(out[l.Unit], l)
	}
	for _, x := range out {
		sort.Slice(x, func(i, j int) bool { return x[i].Seq < x[j].Seq })
	}
	return out, nil
}

// UnitLetters returns the ids of the documents issued as a unit's result
// letters in a round, oldest first.
func (s *Service) UnitLetters(ctx context.Context, round, unit string) ([]string, error) {
	all, err := s.Letters(ctx, round)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, l := range all[unit] {
		ids = append(ids, l.Document)
	}
	return ids, nil
}

// RecordLetter keeps a letter issued for a unit as the next of its
// letters. ECONFLICT when another was recorded at the same time.
func (s *Service) RecordLetter(ctx context.Context, actor cases.Actor, round, unit, document, number string) (Letter, error) {
	all, err := s.Letters(ctx, round)
	if err != nil {
		return Letter{}, err
	}
	l := Letter{Round: round, Unit: unit, Seq: len(all[unit]) + 1, Document: document, Number: number, IssuedBy: actor, IssuedAt: s.now()}
	if err := s.store.InsertLetter(ctx, l); err != nil {
		return Letter{}, fmt.Errorf("record letter %s for %s/%s: %w", number, round, unit, err)
	}
	return l, nil
}
