package templates

import (
	"fmt"
	"strings"
	"time"
)

// BriefingFigure is one line of establishment figures.
type BriefingFigure struct {
	Type                     string
	Approved, Actual, Roster int // Roster −1: no roster snapshot
	Vacant, Over             int
}

// BriefingCase is one ledger case in a briefing.
type BriefingCase struct {
	No, Kind, Title, State, Deadline string
	Overdue, Repeat                  bool
	Closed                           string
}

// BriefingFocus is one item of the suggested focus list.
type BriefingFocus struct {
	Area, Text, Reason string
}

// Briefing is the office's briefing of a patrol team on a unit before the
// patrol (巡察前通报情况), in the letter format, marked with its
// classification and addressed to the team.
type Briefing struct {
	Letterhead Letterhead
	Team       string // the recipient team (主送)
	Round      string
	UnitName   string
	UnitCode   string
	// Classification is the 密级 mark, e.g. 内部 or 秘密★10年.
	Classification string
	Figures        []BriefingFigure
	SnapshotDate   string
	LeaderApproved int
	LeaderActual   int
	LeaderRoster   int // −1: no snapshot
	Warnings       []string
	Open           []BriefingCase
	Settled        []BriefingCase
	Clues          []string // e.g. "12310举报 2件（机关超期借用人员）"
	Assessment     string   // a sentence; "" when never assessed
	Focus          []BriefingFocus
	Date           time.Time
	Preview        bool

	// CopyNo is the 份号 of this copy, which a secret briefing carries.
	CopyNo string
}

// Official lays the briefing out in the letter format (信函格式).
func (b Briefing) Official() Official {
	d := Official{Letterhead: b.Letterhead, Letter: true, Addressee: b.Team, Date: b.Date, PrintedOn: b.Date, Preview: b.Preview,
		Classification: b.Classification,
		CopyNo:         b.CopyNo,
		Title:          "关于" + b.UnitName + "机构编制有关情况的通报",
		TitleParts:     append(append([]string{"关于"}, UnitWords(b.UnitName)...), "机构编制", "有关情况的通报")}
	intro := "根据巡察工作安排，现将被巡察单位" + b.UnitName + "（单位代码 " + b.UnitCode + "）机构编制有关情况和发现的问题线索通报如下，请在巡察中重点关注。"
	if b.Round != "" {
		intro = "根据" + b.Round + "工作安排，现将被巡察单位" + b.UnitName + "（单位代码 " + b.UnitCode + "）机构编制有关情况和发现的问题线索通报如下，请在巡察中重点关注。"
	}
	d.Body = append(d.Body, Block{Text: intro})

	d.Body = append(d.Body, Block{Text: "一、机构编制基本情况", Level: 1})
	if len(b.Figures) == 0 {
		d.Body = append(d.Body, Block{Text: "该单位未登记核定编制。"})
	}
	for _, f := range b.Figures {
		line := fmt.Sprintf("%s：核定%d名，实有%d名", f.Type, f.Approved, f.Actual)
		if f.Roster >= 0 {
			line += fmt.Sprintf("（实名制数据%d名）", f.Roster)
		}
		switch {
		case f.Over > 0:
			line += fmt.Sprintf("，超编%d名。", f.Over)
		case f.Vacant > 0:
			line += fmt.Sprintf("，空编%d名。", f.Vacant)
		default:
			line += "，满编。"
		}
		d.Body = append(d.Body, Block{Text: line})
	}
	posts := fmt.Sprintf("领导职数：核定%d名，实配%d名", b.LeaderApproved, b.LeaderActual)
	if b.LeaderRoster >= 0 {
		posts += fmt.Sprintf("（实名制数据%d名）", b.LeaderRoster)
	}
	d.Body = append(d.Body, Block{Text: posts + "。"})
	if b.SnapshotDate != "" {
		d.Body = append(d.Body, Block{Text: "实名制数据截至" + b.SnapshotDate + "。"})
	} else {
		d.Body = append(d.Body, Block{Text: "暂无实名制数据快照，以上实有数为单位基础信息所载。"})
	}

	d.Body = append(d.Body, Block{Text: "二、预警情况", Level: 1})
	if len(b.Warnings) == 0 {
		d.Body = append(d.Body, Block{Text: "当前无红灯预警。"})
	}
	for i, w := range b.Warnings {
		d.Body = append(d.Body, Block{Text: fmt.Sprintf("%d．%s", i+1, w)})
	}

	d.Body = append(d.Body, Block{Text: "三、问题台账情况", Level: 1})
	d.Body = append(d.Body, Block{Text: fmt.Sprintf("（一）在办问题%d件", len(b.Open)), Level: 2})
	for _, c := range b.Open {
		line := fmt.Sprintf("台账编号%s：%s（%s），%s", c.No, c.Title, c.Kind, c.State)
		if c.Deadline != "" {
			line += "，整改期限" + c.Deadline
		}
		if c.Overdue {
			line += "，已逾期"
		}
		if c.Repeat {
			line += "，屡查屡犯"
		}
		d.Body = append(d.Body, Block{Text: line + "。"})
	}
	d.Body = append(d.Body, Block{Text: fmt.Sprintf("（二）近三年办结问题%d件", len(b.Settled)), Level: 2})
	for _, c := range b.Settled {
		d.Body = append(d.Body, Block{Text: fmt.Sprintf("台账编号%s：%s（%s），%s，%s。", c.No, c.Title, c.Kind, c.State, c.Closed)})
	}

	d.Body = append(d.Body, Block{Text: "四、正在核实的问题线索", Level: 1})
	if len(b.Clues) == 0 {
		d.Body = append(d.Body, Block{Text: "暂无正在核实的举报和移送线索。"})
	} else {
		d.Body = append(d.Body, Block{Text: strings.Join(b.Clues, "；") + "。举报人信息依法保密，不在本通报中提供。"})
	}

	d.Body = append(d.Body, Block{Text: "五、评估情况", Level: 1})
	if b.Assessment == "" {
		d.Body = append(d.Body, Block{Text: "该单位尚无评估结果。"})
	} else {
		d.Body = append(d.Body, Block{Text: b.Assessment})
	}

	d.Body = append(d.Body, Block{Text: "六、建议重点关注的问题", Level: 1})
	for i, f := range b.Focus {
		line := fmt.Sprintf("%d．%s（%s）", i+1, f.Text, f.Area)
		if f.Reason != "" {
			line += "。依据：" + f.Reason
		}
		d.Body = append(d.Body, Block{Text: line + "。"})
	}
	d.Body = append(d.Body, Block{Text: "以上情况仅供巡察工作参考，请按相应密级管理。"})
	return d
}
