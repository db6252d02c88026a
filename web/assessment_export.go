package web

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/xuri/excelize/v2"

	"rectify/assessment"
	"rectify/cases"
	"rectify/templates"
)

// unitResult is a unit's result in a round as the result letter shows it
// (without number, date or chart), and its sheet.
func (s *Server) unitResult(c *gin.Context, round, unit string) (templates.AssessmentResult, assessment.Sheet, error) {
	page, err := s.results(c, round)
	if err != nil {
		return templates.AssessmentResult{}, assessment.Sheet{}, err
	}
	sh, err := s.assess.Sheet(c, round, unit)
	if err != nil {
		return templates.AssessmentResult{}, assessment.Sheet{}, err
	}
	office := s.cfg.Office
	if office == "" {
		office = "机构编制委员会办公室"
	}
	r := templates.AssessmentResult{Letterhead: templates.Letterhead{Office: office, Zone: s.loc}, UnitName: sh.Unit.UnitName,
		Year: page.State.Round.Year, Preview: !page.State.Finalised}
	for _, st := range page.Standings {
		if st.Unit != unit {
			continue
		}
		r.Total, r.Grade = st.Total, st.Grade
		switch {
		case st.NotScored():
			r.Grade = notScored
		case !st.Graded():
			r.Grade = scoring
		default:
			r.Rank = fmt.Sprintf("第 %d 名（共 %d 个同类单位）", st.Rank, st.RankOf)
		}
		if st.Previous != nil {
			r.Change = fmt.Sprintf("较上年度%s %g 分", map[bool]string{true: "提高", false: "降低"}[st.Change >= 0], abs(st.Change))
		}
		for _, cat := range page.Categories {
			r.Categories = append(r.Categories, templates.AssessmentCategory{Name: cat.Name, Score: st.Categories[cat.Code], Max: page.CatMax[cat.Code]})
		}
	}
	for _, row := range sh.Rows {
		if f := row.Finding; f != nil {
			r.Problems = append(r.Problems, templates.AssessmentProblem{Point: f.Point, PointName: row.Point.Name, Title: f.Title, CaseNo: f.CaseNo})
		}
	}
	for _, l := range sh.LedgerLosses() {
		r.Deductions = append(r.Deductions, templates.AssessmentDeduction{CaseNo: l.CaseNo, Title: l.Title, Category: l.Category,
			Point: l.Point, PointName: l.PointName, Deduct: l.Deduct})
	}
	return r, sh, nil
}

// chartTitle is the title of a unit's category chart.
const chartTitle = "各类指标得分率"

// notScored stands for the score, grade and rank of a unit none of whose
// points is scored yet.
const notScored = "未评分"

// scoring is the grade of a unit partly scored: its total is a sum so far.
const scoring = "评分中"

// chartCategories are the categories of r with a point scored: while a
// round is open, a partly scored unit's chart shows what is scored, not
// bars of nothing for the rest; none for a unit not scored at all.
func chartCategories(r templates.AssessmentResult, sh assessment.Sheet) []templates.AssessmentCategory {
	scored := sh.Standing(assessment.DefaultRules()).ScoredCategories
	var out []templates.AssessmentCategory
	for i, cat := range sh.State.Catalog.Categories {
		if i < len(r.Categories) && scored[cat.Code] {
			out = append(out, r.Categories[i])
		}
	}
	return out
}

// handleAssessmentLetter previews a unit's result letter (评估结果反馈) of a
// round: score, grade, rank, sub-scores with their chart and the problems
// found with their ledger numbers, marked as a preview throughout.
func (s *Server) handleAssessmentLetter(c *gin.Context) {
	if !s.assessAvailable(c) {
		return
	}
	round, unit := c.Param("id"), c.Param("code")
	r, sh, err := s.unitResult(c, round, unit)
	if err != nil {
		s.fail(c, err)
		return
	}
	// The letter issued is a numbered document (handleAssessmentLetterIssue);
	// what this renders is always the unnumbered preview.
	r.Date, r.Preview, r.Number = time.Now(), true, "云编评〔"+strconv.Itoa(r.Year)+"〕　号"
	if cats := chartCategories(r, sh); len(cats) > 0 {
		if r.Chart, err = (templates.CategoryChart{Title: chartTitle, Categories: cats}).PNG(); err != nil {
			s.fail(c, fmt.Errorf("result letter chart %s/%s: %w", round, unit, err))
			return
		}
	}
	var buf bytes.Buffer
	if err := templates.RenderOfficial(&buf, r.Official(), s.fonts(), time.Now()); err != nil {
		s.fail(c, fmt.Errorf("render result letter %s/%s: %w", round, unit, err))
		return
	}
	writePDF(c, fmt.Sprintf("result-%d-%s-preview.pdf", r.Year, unit),
		fmt.Sprintf("%d年度三评合一评估结果反馈-%s（预览）.pdf", r.Year, sh.Unit.UnitName), buf.Bytes(), true)
}

// chartCSP is the policy of a chart's SVG: go-chart styles its elements
// with style attributes, which the console's policy forbids. The SVG is
// shown through <img>, where it runs no script and loads nothing; its own
// policy allows inline styles and nothing else.
const chartCSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'"

// handleAssessmentChart is a unit's category chart as SVG. Whoever reads
// the round's results reads it (it shows what the results table shows).
func (s *Server) handleAssessmentChart(c *gin.Context) {
	if !s.assessAvailable(c) {
		return
	}
	round, unit := c.Param("id"), c.Param("code")
	r, sh, err := s.unitResult(c, round, unit)
	if err != nil {
		s.fail(c, err)
		return
	}
	cats := chartCategories(r, sh)
	if len(cats) == 0 {
		s.fail(c, cases.NotFound("%s尚未评分，没有得分率图", r.UnitName))
		return
	}
	var buf bytes.Buffer
	if err := (templates.CategoryChart{Title: r.UnitName + " " + chartTitle, Categories: cats}).SVG(&buf); err != nil {
		s.fail(c, fmt.Errorf("chart %s/%s: %w", round, unit, err))
		return
	}
	c.Header("Content-Security-Policy", chartCSP)
	c.Data(http.StatusOK, "image/svg+xml", buf.Bytes())
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// handleAssessmentSummary is the round's summary as XLSX: units ×
// categories, total, grade, rank within kind, change against last year.
func (s *Server) handleAssessmentSummary(c *gin.Context) {
	if !s.assessAvailable(c) {
		return
	}
	page, err := s.results(c, c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	x := excelize.NewFile()
	defer x.Close()
	sheet := "评估结果"
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		s.fail(c, err)
		return
	}
	head := []any{"单位代码", "单位名称", "单位类别"}
	for _, cat := range page.Categories {
		head = append(head, fmt.Sprintf("%s（%g）", cat.Name, page.CatMax[cat.Code]))
	}
	head = append(head, "总分", "等次", "同类排名", "较上年")
	rows := [][]any{{page.State.Round.Title + "结果汇总"}, head}
	for _, st := range page.Standings {
		row := []any{st.Unit, st.UnitName, st.KindLabel}
		for _, cat := range page.Categories {
			row = append(row, st.Categories[cat.Code])
		}
		var change any = "" // a number, so that the sheet sums and sorts it
		if st.Previous != nil {
			change = st.Change
		}
		switch {
		case st.NotScored():
			row = append(row, "", notScored, "", change)
		case !st.Graded():
			row = append(row, st.Total, scoring, "", change)
		default:
			row = append(row, st.Total, st.Grade, fmt.Sprintf("%d/%d", st.Rank, st.RankOf), change)
		}
		rows = append(rows, row)
	}
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := x.SetSheetRow(sheet, cell, &row); err != nil {
			s.fail(c, fmt.Errorf("summary row %d: %w", i, err))
			return
		}
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		s.fail(c, fmt.Errorf("write summary: %w", err))
		return
	}
	name := page.State.Round.Title + "结果汇总.xlsx"
	c.Header("Content-Disposition", disposition(false, fmt.Sprintf("assessment-%d-summary.xlsx", page.State.Round.Year), name))
	c.Data(http.StatusOK, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buf.Bytes())
}

// handleAssessmentCatalogExport is a catalogue as XLSX: one row per
// evaluation point with its category, indicators, maximum, method, what is
// checked, evidence and the ledger's violation kinds that deduct from it.
func (s *Server) handleAssessmentCatalogExport(c *gin.Context) {
	if !s.assessAvailable(c) {
		return
	}
	cat, kindName, ok := s.catalogAndKinds(c)
	if !ok {
		return
	}
	rows := [][]any{{cat.Title}, {"一级指标", "二级指标", "三级指标", "评估要点编号", "评估要点", "分值", "评分方法", "评估内容", "佐证材料", "台账违规情形扣分"}}
	point := func(first, second, third string, p assessment.Point) []any {
		var ks []string
		for _, k := range p.Kinds {
			ks = append(ks, fmt.Sprintf("%s %s 每件扣 %g 分（已整改 %g 分）", k.Kind, kindName[k.Kind], k.PerCase, k.PerCaseRectified))
		}
		return []any{first, second, third, p.Code, p.Name, p.Max, methodNames[p.Method], p.Checks, p.Evidence, strings.Join(ks, "；")}
	}
	for _, c1 := range cat.Categories {
		for _, c2 := range c1.Indicators {
			for _, c3 := range c2.Indicators {
				for _, p := range c3.Points {
					rows = append(rows, point(c1.Name, c2.Name, c3.Name, p))
				}
			}
		}
	}
	for _, p := range cat.Individual {
		rows = append(rows, point("个性指标", "", "", p))
	}
	x := excelize.NewFile()
	defer x.Close()
	sheet := "评估指标体系"
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		s.fail(c, err)
		return
	}
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := x.SetSheetRow(sheet, cell, &row); err != nil {
			s.fail(c, fmt.Errorf("catalogue row %d: %w", i, err))
			return
		}
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		s.fail(c, fmt.Errorf("write catalogue: %w", err))
		return
	}
	c.Header("Content-Disposition", contentDisposition(cat.Title+".xlsx"))
	c.Data(http.StatusOK, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buf.Bytes())
}
