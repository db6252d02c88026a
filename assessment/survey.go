package assessment

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"rectify/cases"
)

// SurveyResult is the satisfaction survey's rate (满意率, 0–100) for one
// satisfaction point of one unit, imported by the office. Reviewers see it
// at the point, their form filled in with it; their score stays theirs.
// One record per (round, unit, point), replaced by a later import.
type SurveyResult struct {
	Round string      `json:"round"`
	Unit  string      `json:"unit"`
	Point string      `json:"point"`
	Rate  float64     `json:"rate"`
	By    cases.Actor `json:"by"`
	At    time.Time   `json:"at"`
}

// SurveyHead is the head row of the survey workbook, in column order.
var SurveyHead = []string{"单位代码", "单位名称", "评估要点编号", "评估要点", "满意率（%）"}

// SurveyRowError is what is wrong with one cell of the workbook.
type SurveyRowError struct {
	Row    int    // 1-based, as the spreadsheet numbers rows
	Column string // A, B, …
	Msg    string
}

// String is the error as the page lists it.
func (e SurveyRowError) String() string {
	return fmt.Sprintf("第 %d 行 %s 列：%s", e.Row, e.Column, e.Msg)
}

// ParseSurvey reads the survey workbook's rows (head first) against a
// round: each row a unit of the round, one of its satisfaction points and
// a rate from 0 to 100, no (unit, point) twice. It returns the results, or
// every bad cell — nothing is to be written unless all are good. A row
// with an empty rate is skipped (not surveyed yet).
func ParseSurvey(st RoundState, rows [][]string) ([]SurveyResult, []SurveyRowError) {
	var bad []SurveyRowError
	if len(rows) == 0 || !sameHead(rows[0]) {
		return nil, []SurveyRowError{{Row: 1, Column: "A", Msg: "表头须为「" + strings.Join(SurveyHead, "、") + "」，请使用下载的模板"}}
	}
	seen := map[string]int{}
	var out []SurveyResult
	for i, r := range rows[1:] {
		n := i + 2
		cell := func(j int) string {
			if j < len(r) {
				return strings.TrimSpace(r[j])
			}
			return ""
		}
		if strings.Join(r, "") == "" {
			continue
		}
		unit, point, rate := cell(0), cell(2), cell(4)
		if rate == "" {
			continue
		}
		u, ok := st.Unit(unit)
		if !ok {
			bad = append(bad, SurveyRowError{n, "A", fmt.Sprintf("单位「%s」不在%s中", unit, st.Round.Title)})
		}
		var pt Point
		if ok {
			found := false
			for _, p := range st.Catalog.PointsFor(u.Individual) {
				if p.Code == point && p.Method == MethodSurvey {
					pt, found = p, true
				}
			}
			if !found {
				bad = append(bad, SurveyRowError{n, "C", fmt.Sprintf("「%s」不是该单位的满意度测评要点", point)})
			}
		}
		x, err := strconv.ParseFloat(strings.TrimSuffix(rate, "%"), 64)
		if err != nil || x < 0 || x > 100 || x != x {
			bad = append(bad, SurveyRowError{n, "E", fmt.Sprintf("满意率「%s」须为 0 至 100 之间的数", rate)})
		}
		if first, dup := seen[unit+"/"+point]; dup {
			bad = append(bad, SurveyRowError{n, "C", fmt.Sprintf("与第 %d 行重复", first)})
		}
		seen[unit+"/"+point] = n
		if pt.Code != "" && err == nil {
			out = append(out, SurveyResult{Round: st.Round.ID, Unit: unit, Point: point, Rate: x})
		}
	}
	if len(bad) > 0 {
		return nil, bad
	}
	return out, nil
}

func sameHead(r []string) bool {
	if len(r) < len(SurveyHead) {
		return false
	}
	for i, h := range SurveyHead {
		if strings.TrimSpace(r[i]) != h {
			return false
		}
	}
	return true
}

// ImportSurvey saves survey results of a round that is not finalised (the
// office). The results are checked by ParseSurvey first; each is saved by
// its natural key, so a retried import after a failure completes it.
func (s *Service) ImportSurvey(ctx context.Context, actor cases.Actor, round string, rs []SurveyResult) error {
	if !hasRole(actor, cases.RoleOffice, cases.RoleAdmin) {
		return cases.Refused("role", "满意度测评结果须由监督检查处室导入")
	}
	st, err := s.Round(ctx, round)
	if err != nil {
		return err
	}
	if err := refuseFinalised(st); err != nil {
		return err
	}
	if len(rs) == 0 {
		return cases.Invalid("file", "表格中没有填写满意率的行")
	}
	now := cases.TruncateTime(s.now())
	for _, r := range rs {
		r.Round, r.By, r.At = round, actor, now
		if err := s.store.PutSurvey(ctx, r); err != nil {
			return fmt.Errorf("survey %s/%s/%s: %w", round, r.Unit, r.Point, err)
		}
	}
	return nil
}

// Surveys returns a unit's survey results in a round, by point.
func (s *Service) Surveys(ctx context.Context, round, unit string) (map[string]SurveyResult, error) {
	all, err := s.store.FindSurveys(ctx, round)
	if err != nil {
		return nil, fmt.Errorf("round %s surveys: %w", round, err)
	}
	out := map[string]SurveyResult{}
	for _, x := range all {
		if x.Unit == unit {
			out[x.Point] = x
		}
	}
	return out, nil
}
