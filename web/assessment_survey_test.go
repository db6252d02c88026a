package web_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// uploadSurvey posts a survey workbook to the round as user.
func (e *testEnv) uploadSurvey(user string, wb []byte) response {
	e.t.Helper()
	_, csrf := e.session(user)
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("csrf_token", csrf)
	fw, _ := w.CreateFormFile("file", "满意度.xlsx")
	_, _ = fw.Write(wb)
	_ = w.Close()
	return e.req("POST", "/assessment/rounds/"+round26+"/survey", user, w.FormDataContentType(), &body)
}

// surveyBook fills the downloaded template's rate column with rates (by
// point code, in order of the rows) and adds extra rows.
func surveyBook(t *testing.T, tmpl string, rates map[string]string, extra ...[]any) []byte {
	t.Helper()
	f, err := excelize.OpenReader(strings.NewReader(tmpl))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows("满意度测评结果")
	for i, r := range rows[1:] {
		if v, ok := rates[r[2]]; ok {
			cell, _ := excelize.CoordinatesToCellName(5, i+2)
			_ = f.SetCellValue("满意度测评结果", cell, v)
		}
	}
	for i, r := range extra {
		cell, _ := excelize.CoordinatesToCellName(1, len(rows)+i+1)
		_ = f.SetSheetRow("满意度测评结果", cell, &r)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// The satisfaction survey: the office downloads the template, a workbook
// with a bad cell is refused row by row with nothing saved, a good one is
// imported, and the reviewer's grid shows (and is filled with) the rates.
func TestAssessmentSurveyImport(t *testing.T) {
	e := newEnv(t)
	assessWorld(t, e)
	tmpl := e.req("GET", "/assessment/rounds/"+round26+"/survey.xlsx", "li.ming", "", nil)
	if tmpl.Status != http.StatusOK {
		t.Fatalf("template: %d", tmpl.Status)
	}
	if r := e.req("GET", "/assessment/rounds/"+round26+"/survey.xlsx", "he.ping", "", nil); r.Status != http.StatusForbidden {
		t.Errorf("template as a reviewer: %d", r.Status)
	}
	bad := surveyBook(t, tmpl.Raw, map[string]string{"F1.1.1": "96", "F1.2.1": "120"}, []any{"QH009", "", "F1.1.1", "", 90})
	r := e.uploadSurvey("li.ming", bad)
	if r.Status != http.StatusBadRequest || !strings.Contains(r.Raw, "满意率「120」须为 0 至 100 之间的数") || !strings.Contains(r.Raw, "A 列：单位「QH009」不在") {
		t.Fatalf("bad workbook: %d %.1500s", r.Status, r.Raw)
	}
	if strings.Contains(e.req("GET", "/assessment/rounds/"+round26+"/units/QH001", "he.ping", "", nil).Raw, "测评结果 96%") {
		t.Fatal("a refused workbook saved a rate")
	}
	if r := e.uploadSurvey("li.ming", []byte("not a workbook")); r.Status != http.StatusBadRequest || !strings.Contains(r.Raw, "不是 XLSX") {
		t.Errorf("not a workbook: %d", r.Status)
	}
	if r := e.uploadSurvey("he.ping", bad); r.Status != http.StatusForbidden {
		t.Errorf("import as a reviewer: %d", r.Status)
	}
	good := surveyBook(t, tmpl.Raw, map[string]string{"F1.1.1": "96", "F1.2.1": "88.5"})
	if r := e.uploadSurvey("li.ming", good); r.Status != http.StatusSeeOther || !strings.Contains(r.Header.Get("Location"), "survey-imported") {
		t.Fatalf("good workbook: %d %.800s", r.Status, r.Raw)
	}
	grid := e.req("GET", "/assessment/rounds/"+round26+"/units/QH001", "he.ping", "", nil).Raw
	if !strings.Contains(grid, "测评结果 96%") || !strings.Contains(grid, `name="rate_F1.1.1" id="rate_F1.1.1" value="96"`) || !strings.Contains(grid, "测评结果 88.5%") {
		t.Errorf("grid lacks the imported rates")
	}
	// The template now carries the imported rates.
	f, _ := excelize.OpenReader(strings.NewReader(e.req("GET", "/assessment/rounds/"+round26+"/survey.xlsx", "li.ming", "", nil).Raw))
	rows, _ := f.GetRows("满意度测评结果")
	if len(rows) < 2 || rows[1][2] != "F1.1.1" || rows[1][4] != "96" {
		t.Errorf("template rows %q", rows)
	}
}
