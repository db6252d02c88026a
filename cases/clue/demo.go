package clue

import (
	"context"
	"fmt"
	"time"

	"rectify/cases"
)

// demoActor is the demo data set's office user who enters and decides
// the demo referrals.
var demoActor = cases.Actor{ID: "li.ming", Name: "李明", Role: cases.RoleOffice}

// LoadDemo registers two audit referrals on the demo data set's units, so
// that a new user sees the channel populated: one received a month ago
// with a clue confirmed, one rejected and one waiting past its period
// (red), and one received today waiting (green). Loading again changes
// nothing: referrals and decisions are keyed.
func LoadDemo(ctx context.Context, s *Service, today string) error {
	day, err := time.Parse(time.DateOnly, today)
	if err != nil {
		return fmt.Errorf("demo audit referrals: %w", err)
	}
	old := Submission{Office: "云州市审计局", ReportNo: "云审移〔" + day.Format("2006") + "〕61号", Received: day.AddDate(0, 0, -40).Format(time.DateOnly),
		Level: cases.LevelInternal, Clues: []ClueInput{
			{UnitCode: "QH004", Kind: "D01", Title: "清河县农业农村局2人长期不在岗仍领取工资", Facts: "审计发现该局2名在编人员2024年起未到岗工作，工资照常发放。"},
			{UnitCode: "QH006", Kind: "D04", Title: "清河县人民医院政府购买服务人员从事管理岗位", Facts: "审计抽查发现6名购买服务人员在医务科、财务科从事管理工作。"},
			{UnitCode: "YZ021", Kind: "D03", Title: "云州市城市建设档案馆超期借用下属单位人员", Facts: "3名人员借用期满一年以上未归还原单位。"},
		}}
	now := Submission{Office: "江南省审计厅驻云州审计组", ReportNo: "江审云移〔" + day.Format("2006") + "〕2号", Received: today,
		Level: cases.LevelInternal, Clues: []ClueInput{
			{UnitCode: "AP003", Kind: "B01", Title: "安平县教育局超编招录工作人员", Facts: "核定行政编制25名，实有27人，2025年仍新招录2人。"},
			{UnitCode: "MS007", Kind: "B04", Title: "梅山区街道综合执法队混编混岗", Facts: "事业编制人员与行政执法人员混岗使用。"},
		}}
	for _, sub := range []Submission{old, now} {
		if _, _, err := s.Register(ctx, cases.GlobalScope, demoActor, sub); err != nil {
			return fmt.Errorf("demo audit referral %s: %w", sub.ReportNo, err)
		}
	}
	id := ReferralID(old.Office, old.ReportNo)
	for seq, in := range map[int]DecisionInput{
		1: {Outcome: Confirmed},
		2: {Outcome: Rejected, Reason: "经核查，上述人员系医院按规定购买的后勤服务人员，审计抽查时临时协助管理工作，已调整，不属于违规使用。"},
	} {
		if _, _, err := s.Decide(ctx, cases.GlobalScope, demoActor, ClueID(id, seq), in); err != nil {
			return fmt.Errorf("demo decision on %s clue %d: %w", old.ReportNo, seq, err)
		}
	}
	return nil
}
