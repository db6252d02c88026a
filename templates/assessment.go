package templates

import (
	"fmt"
	"strings"
	"time"
)

// AssessmentProblem is one problem the assessment found, with the ledger
// number it was registered under (empty while not registered).
type AssessmentProblem struct {
	Point, PointName, Title, CaseNo string
}

// AssessmentDeduction is a ledger case that cost the unit marks on a
// point (a 规定执行 point deducting for cases of the unit's ledger).
type AssessmentDeduction struct {
	CaseNo, Title, Category, Point, PointName string
	Deduct                                    float64
}

// AssessmentCategory is one first-level category's sub-score.
type AssessmentCategory struct {
	Name       string
	Score, Max float64
}

// AssessmentResult is a unit's result letter (评估结果反馈) of the annual
// three-in-one assessment.
type AssessmentResult struct {
	Letterhead Letterhead
	Number     string
	UnitName   string
	Year       int
	Total      float64
	Grade      string
	Rank       string // e.g. "第 2 名（共 5 个同类单位）"
	Change     string // against last year, empty when not assessed then
	Categories []AssessmentCategory
	Problems   []AssessmentProblem
	// Deductions are the ledger cases that cost marks, listed in the
	// problem list after the problems the assessment found.
	Deductions []AssessmentDeduction
	// Chart is the categories' bar chart as PNG (CategoryChart.PNG),
	// placed below the sub-scores; none when empty.
	Chart      []byte
	Date       time.Time
	Preview    bool
	VerifyCode string
	VerifyURL  string
	// Classification and CopyNo mark a letter listing a secret case.
	Classification, CopyNo string
}

func mark(x float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.2f", x), "0"), ".")
}

// Official lays the letter out in the letter format (信函格式).
func (r AssessmentResult) Official() Official {
	year := fmt.Sprint(r.Year)
	d := Official{Letterhead: r.Letterhead, Letter: true, Number: r.Number, Addressee: r.UnitName, Date: r.Date, PrintedOn: r.Date,
		Preview: r.Preview, VerifyCode: r.VerifyCode, VerifyURL: r.VerifyURL,
		Classification: r.Classification, CopyNo: r.CopyNo,
		Title:      "关于" + year + "年度“三评合一”评估结果的反馈",
		TitleParts: []string{"关于", year + "年度", "“三评合一”", "评估结果的反馈"}}
	d.Body = append(d.Body, Block{Text: fmt.Sprintf("根据%s年度机构编制执行情况和使用效益、部门职能履行情况和权力清单“三评合一”评估工作安排，我办组织对你单位进行了评估。现将评估结果反馈如下：", year)})
	d.Body = append(d.Body, Block{Text: "一、评估得分和等次", Level: 1})
	line := fmt.Sprintf("你单位评估总分 %s 分，评估等次为“%s”", mark(r.Total), r.Grade)
	if r.Rank != "" {
		line += "，在同类单位中排" + r.Rank
	}
	if r.Change != "" {
		line += "，" + r.Change
	}
	d.Body = append(d.Body, Block{Text: line + "。"})
	var parts []string
	for _, c := range r.Categories {
		parts = append(parts, fmt.Sprintf("%s %s 分（满分 %s 分）", c.Name, mark(c.Score), mark(c.Max)))
	}
	d.Body = append(d.Body, Block{Text: "分项得分：" + strings.Join(parts, "；") + "。"})
	if len(r.Chart) > 0 {
		d.Body = append(d.Body, Block{Figure: r.Chart, FigureLines: 7})
	}
	d.Body = append(d.Body, Block{Text: "二、问题清单", Level: 1})
	if len(r.Problems) == 0 && len(r.Deductions) == 0 {
		d.Body = append(d.Body, Block{Text: "评估中未发现需要整改的问题。"})
	}
	for i, p := range r.Problems {
		t := fmt.Sprintf("（%s）%s（评估要点 %s %s", numeralCN(i+1), p.Title, p.Point, p.PointName)
		if p.CaseNo != "" {
			t += "；台账编号：" + p.CaseNo
		}
		d.Body = append(d.Body, Block{Text: t + "）"})
	}
	// Then the ledger's cases that cost marks, each with what it cost.
	for i, c := range r.Deductions {
		t := fmt.Sprintf("（%s）%s（台账编号：%s；%s 评估要点 %s %s，扣 %s 分）", numeralCN(len(r.Problems)+i+1), c.Title, c.CaseNo,
			c.Category, c.Point, c.PointName, mark(c.Deduct))
		d.Body = append(d.Body, Block{Text: t})
	}
	if len(r.Problems) > 0 || len(r.Deductions) > 0 {
		d.Body = append(d.Body, Block{Text: "三、整改要求", Level: 1},
			Block{Text: "请你单位对照问题清单，按照“挂号建账、对号结账、销号下账”的要求逐项整改，并通过督改通系统按台账编号报送整改情况和佐证材料。"})
	}
	d.Body = append(d.Body, Block{Text: "特此反馈。"})
	return d
}
