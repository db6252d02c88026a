package web

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/xuri/excelize/v2"

	"rectify/assessment"
	"rectify/cases"
)

// surveySheet is the sheet of the survey workbook.
const surveySheet = "满意度测评结果"

// handleAssessmentSurveyTemplate is the survey workbook to fill in: one row
// per unit of the round and satisfaction point, the rate left empty (or
// the one imported before).
func (s *Server) handleAssessmentSurveyTemplate(c *gin.Context) {
	if !s.assessAvailable(c) {
		return
	}
	round := c.Param("id")
	st, err := s.assess.Round(c, round)
	if err != nil {
		s.fail(c, err)
		return
	}
	x := excelize.NewFile()
	defer x.Close()
	if err := x.SetSheetName("Sheet1", surveySheet); err != nil {
		s.fail(c, err)
		return
	}
	head := make([]any, len(assessment.SurveyHead))
	for i, h := range assessment.SurveyHead {
		head[i] = h
	}
	rows := [][]any{head}
	for _, u := range st.Units {
		have, err := s.assess.Surveys(c, round, u.Unit)
		if err != nil {
			s.fail(c, err)
			return
		}
		for _, p := range st.Catalog.PointsFor(u.Individual) {
			if p.Method != assessment.MethodSurvey {
				continue
			}
			var rate any = ""
			if r, ok := have[p.Code]; ok {
				rate = r.Rate
			}
			rows = append(rows, []any{u.Unit, u.UnitName, p.Code, p.Name, rate})
		}
	}
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := x.SetSheetRow(surveySheet, cell, &row); err != nil {
			s.fail(c, fmt.Errorf("survey template row %d: %w", i, err))
			return
		}
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		s.fail(c, fmt.Errorf("write survey template: %w", err))
		return
	}
	c.Header("Content-Disposition", contentDisposition(st.Round.Title+"满意度测评结果.xlsx"))
	c.Data(http.StatusOK, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buf.Bytes())
}

// handleAssessmentSurveyImport imports the filled-in survey workbook: every
// bad cell is listed by row and column and nothing is saved unless every
// row is good.
func (s *Server) handleAssessmentSurveyImport(c *gin.Context) {
	if !s.assessAvailable(c) {
		return
	}
	p, round := who(c), c.Param("id")
	st, err := s.assess.Round(c, round)
	if err != nil {
		s.fail(c, err)
		return
	}
	rows, err := surveyRows(c)
	if err != nil {
		s.roundError(c, p, round, err)
		return
	}
	rs, bad := assessment.ParseSurvey(st, rows)
	if len(bad) > 0 {
		msgs := make([]string, 0, len(bad))
		for _, b := range bad {
			msgs = append(msgs, b.String())
		}
		s.roundError(c, p, round, cases.Invalid("file", "满意度测评结果未导入：%s", strings.Join(msgs, "；")))
		return
	}
	if err := s.assess.ImportSurvey(c, assessActor(p, assessOrganiser), round, rs); err != nil {
		s.roundError(c, p, round, err)
		return
	}
	redirect(c, roundPath(round), "survey-imported", strconv.Itoa(len(rs)))
}

// surveyRows reads the uploaded workbook's survey sheet.
func surveyRows(c *gin.Context) ([][]string, error) {
	fh, err := c.FormFile("file")
	if err != nil {
		return nil, cases.Invalid("file", "请选择填好的满意度测评结果表格（XLSX）")
	}
	b, err := readPart(fh)
	if err != nil {
		return nil, cases.Invalid("file", "无法读取文件")
	}
	x, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		return nil, cases.Invalid("file", "文件不是 XLSX 表格")
	}
	defer x.Close()
	rows, err := x.GetRows(surveySheet)
	if err != nil {
		return nil, cases.Invalid("file", "表格中没有「%s」工作表，请使用下载的模板", surveySheet)
	}
	return rows, nil
}
