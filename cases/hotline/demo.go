package hotline

import (
	"context"

	"rectify/cases"
)

// demoReports are the hotline's part of the demo: reports in each stage of
// triage, so that a new user sees the queue, a twin, a question awaiting
// the reporter and an overdue report. No identity in them is real.
var demoReports = []struct {
	daysAgo int
	in      Intake
	ask     string
}{
	{2, Intake{Channel: ChannelWeb, UnitCode: "AP004", Allegation: "安平县农业农村局有一名职工常年不来上班，在县城开店做生意，工资一直照发，吃空饷，请编办查一查。",
		Reporter: Reporter{Phone: "13800000000"}}, ""},
	{6, Intake{Channel: ChannelPhone, UnitCode: "YZ020", Allegation: "云州市第一中学事业编制早就满了，今年暑假又以事业编名义招了6名老师，超编进人。",
		Reporter: Reporter{Name: "演示举报人", Phone: "13900000000", Address: "云州市某小区"}}, "请问招聘是哪个月进行的？是否有公开招聘公告？"},
	{30, Intake{Channel: ChannelLetter, UnitText: "安平县某镇综合服务中心", Allegation: "某镇擅自设立“综合服务中心”并挂牌对外办公，没有经过机构编制部门批准，违规设立机构。"}, ""},
}

// LoadDemo files the demo reports once: a database that has any report is
// left as it is.
func (s *Service) LoadDemo(ctx context.Context) (int, error) {
	all, err := s.cfg.Store.AllReports(ctx)
	if err != nil || len(all) > 0 {
		return 0, err
	}
	actor := cases.Actor{ID: "sun.li", Name: "孙丽", Role: cases.RoleHotline}
	for _, d := range demoReports {
		in := d.in
		in.ReceivedAt = s.cfg.Now().AddDate(0, 0, -d.daysAgo)
		creator := actor.ID
		if in.Channel == ChannelWeb {
			creator = Public
		}
		sub, err := s.Submit(ctx, cases.GlobalScope, creator, in, nil)
		if err != nil {
			return 0, err
		}
		if d.ask != "" {
			if _, err := s.Act(ctx, cases.GlobalScope, actor, sub.Report.ID, Event{Kind: KindAsk, Text: d.ask}, 0); err != nil {
				return 0, err
			}
		}
	}
	return len(demoReports), nil
}
