// Package synth makes synthetic ledgers for benchmarks: a province of units
// and the cases of several years, each taken through the real state machine
// (Decide, Seal, Apply) so that every chain, deadline and light is what the
// product would have recorded. The same seed gives the same ledger.
package synth

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"rectify/cases"
)

// Config says what to make.
type Config struct {
	Cases int
	// Units defaults to one per hundred cases, at least 60 and at most 3000.
	Units int
	Seed  uint64
	// Now is the moment the ledger ends: no event is later.
	Now      time.Time
	Calendar cases.Calendar
	// Location is the office's time zone (default UTC+8).
	Location *time.Location
}

// Ledger is what Generate made.
type Ledger struct {
	Units  []cases.Unit
	Events []cases.Event
	Cases  []cases.Case
}

var (
	cities   = []string{"云州市", "江州市", "临川市", "东阳市", "南屏市", "北岭市", "西湖市", "青山市", "白沙市", "安和市"}
	counties = []string{"清河县", "安平县", "东湖区", "西城区", "南山县", "北桥县", "长宁县", "永丰县", "和平区"}
	bodies   = []struct{ name, kind string }{
		{"教育局", "government"}, {"卫生健康局", "government"}, {"财政局", "government"}, {"人力资源和社会保障局", "government"},
		{"农业农村局", "government"}, {"市场监督管理局", "government"}, {"人民医院", "institution"}, {"中学", "institution"},
		{"党委办公室", "party"}, {"人大常委会办公室", "npc"}, {"政协办公室", "cppcc"}, {"人民法院", "court"},
		{"人民检察院", "procuratorate"}, {"总工会", "mass"}, {"疾病预防控制中心", "institution"}, {"自然资源局", "government"},
	}
	kinds   = []string{"A01", "A02", "B01", "B02", "B03", "B04", "B05", "C01", "C02", "D01", "D02", "D03", "D04", "D05", "E01", "E02"}
	sources = []string{"patrol", "audit", "hotline", "special", "warning", "assessment"}
	facts   = map[byte][]string{
		'A': {"%s未经批准自行设立内设机构%d个，并对外挂牌办公。", "%s以加挂牌子名义变相增设机构，涉及人员%d名。"},
		'B': {"%s核定编制%d名，实有%d人，仍于年内新进人员。", "%s存在%d名人员重复占用编制、混岗使用的情况。", "经比对实名制数据，%s超出核定编制%d名。"},
		'C': {"%s核定领导职数%d名，实际配备%d名，超职数配备。", "%s超规格配备领导干部%d名。"},
		'D': {"群众反映%s有%d名人员长期不上班但照常领取工资。", "%s有%d名在编人员长期借调在外，在编不在岗。", "%s机关借用下属单位人员%d名，借用期限超过一年。"},
		'E': {"%s未按程序报批即调整内设机构职责，涉及编制%d名。", "%s实名制信息与实际不符，%d名人员信息未及时更新。"},
	}
	office   = cases.Actor{ID: "li.ming", Name: "李明", Role: cases.RoleOffice}
	office2  = cases.Actor{ID: "zhao.lei", Name: "赵磊", Role: cases.RoleOffice}
	approver = cases.Actor{ID: "wang.fang", Name: "王芳", Role: cases.RoleApprover}
)

// Generate makes a ledger of cfg.Cases cases, about two events per case:
// most cases are recent and still early in their course, as a ledger
// that grows by a few thousand a year is.
func Generate(cfg Config) (Ledger, error) {
	if cfg.Location == nil {
		cfg.Location = time.FixedZone("CST", 8*3600)
	}
	if cfg.Units == 0 {
		cfg.Units = min(max(cfg.Cases/100, 60), 3000)
	}
	r := rand.New(rand.NewPCG(cfg.Seed, 0x5eed))
	var out Ledger
	for i := 0; i < cfg.Units; i++ {
		city := cities[i%len(cities)]
		region := []string{"江南省", city}
		place := city
		if i%len(bodies) >= 4 { // most bodies sit in a county
			county := counties[(i/len(cities))%len(counties)]
			region = append(region, county)
			place = city + county
		}
		b := bodies[(i/len(cities)/len(counties)+i)%len(bodies)]
		approved := 20 + r.IntN(300)
		out.Units = append(out.Units, cases.Unit{Code: fmt.Sprintf("U%05d", i+1), Name: fmt.Sprintf("%s%s", place, b.name),
			Kind: cases.UnitKind(b.kind), Region: region,
			Establishment: []cases.Establishment{{Type: "行政编制", Approved: approved, Actual: approved - 5 + r.IntN(12)}},
			LeaderPosts:   cases.Posts{Approved: 5, Actual: 4 + r.IntN(3)}, KeyManaged: r.IntN(40) == 0, UpdatedAt: cfg.Now.UTC().Truncate(time.Millisecond)})
	}
	// Registration times: spread over three years, denser recently.
	start := cfg.Now.AddDate(-3, 0, 0)
	span := cfg.Now.Sub(start)
	times := make([]time.Time, cfg.Cases)
	for i := range times {
		f := 1 - r.Float64()*r.Float64() // skewed towards 1
		times[i] = start.Add(time.Duration(f * float64(span) * 0.98))
	}
	slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
	ordinal := map[int]int{}
	for _, at := range times {
		year := at.In(cfg.Location).Year()
		ordinal[year]++
		evs, c, err := generateCase(r, cfg, out.Units[r.IntN(len(out.Units))], year, ordinal[year], at)
		if err != nil {
			return Ledger{}, err
		}
		out.Events = append(out.Events, evs...)
		out.Cases = append(out.Cases, c)
	}
	return out, nil
}

// generateCase takes one case from registration as far as a draw says.
func generateCase(r *rand.Rand, cfg Config, u cases.Unit, year, ord int, at time.Time) ([]cases.Event, cases.Case, error) {
	kind := kinds[r.IntN(len(kinds))]
	src := sources[r.IntN(len(sources))]
	tmpl := facts[kind[0]][r.IntN(len(facts[kind[0]]))]
	n := 1 + r.IntN(30)
	var fact string
	if countVerbs(tmpl) == 2 {
		fact = fmt.Sprintf(tmpl, u.Name, n, n+1+r.IntN(5))
	} else {
		fact = fmt.Sprintf(tmpl, u.Name, n)
	}
	reg := cases.Registered{
		Registration: cases.Registration{Source: src, SourceRef: fmt.Sprintf("%s-%d-%04d", refPrefix[src], year, 1+r.IntN(300)),
			UnitCode: u.Code, Kind: kind, Title: u.Name + titleOf[kind], Facts: fact, Level: []cases.Level{cases.LevelPublic, cases.LevelInternal, cases.LevelInternal, cases.LevelSecret}[r.IntN(4)],
			Assignee: []string{"李明", "赵磊", ""}[r.IntN(3)]},
		UnitName: u.Name, Region: append([]string{}, u.Region...), Year: year, Ordinal: ord,
	}
	first := cases.Seal(cases.Event{CaseNo: cases.FormatNo(year, ord), Seq: 1, Action: cases.ActionRegister, To: cases.StateRegistered,
		Actor: office, At: at, Registered: &reg}, "")
	c := cases.Apply(cases.Case{}, first)
	evs := []cases.Event{first}
	// How far the case went: about two events per case on average.
	var path []cases.Action
	switch d := r.IntN(100); {
	case d < 41:
	case d < 66:
		path = []cases.Action{cases.ActionStartVerification}
	case d < 71:
		path = []cases.Action{cases.ActionStartVerification, cases.ActionDismiss}
	case d < 89:
		path = []cases.Action{cases.ActionStartVerification, cases.ActionOrderRectification}
	case d < 94:
		path = []cases.Action{cases.ActionStartVerification, cases.ActionOrderRectification, cases.ActionSubmit}
	case d < 98:
		path = []cases.Action{cases.ActionStartVerification, cases.ActionOrderRectification, cases.ActionSubmit, cases.ActionConfirm, cases.ActionClose}
	default:
		path = []cases.Action{cases.ActionStartVerification, cases.ActionTransfer}
	}
	t := at
	for _, a := range path {
		t = t.Add(time.Duration(1+r.IntN(20*24)) * time.Hour)
		if t.After(cfg.Now) {
			break
		}
		actor, in := office, cases.Input{}
		switch a {
		case cases.ActionDismiss:
			in.Reason = "经核实，反映问题查无实据。"
		case cases.ActionOrderRectification:
			// A date rather than working days: the holiday calendar covers
			// only the years around now.
			in.Requirements = "限期清理整改，按程序报送整改情况及佐证材料。"
			in.Deadline = t.In(cfg.Location).AddDate(0, 0, 14+r.IntN(60)).Format(time.DateOnly)
		case cases.ActionSubmit:
			actor = cases.Actor{ID: "unit." + u.Code, Role: cases.RoleUnit}
			in.Report, in.Evidence = "已按要求完成整改。", []string{"整改情况报告.pdf"}
		case cases.ActionConfirm:
			actor, in.Note = office2, "经核验，整改到位。"
		case cases.ActionClose:
			actor = approver
		case cases.ActionTransfer:
			in.Reference = fmt.Sprintf("云纪移〔%d〕%d号", t.Year(), 1+r.IntN(50))
		}
		today := t.In(cfg.Location).Format(time.DateOnly)
		e, err := cases.Decide(c, a, actor, in, "", today, cfg.Calendar)
		if err != nil {
			return nil, cases.Case{}, fmt.Errorf("synthetic case %s, %s: %w", c.No, a, err)
		}
		e.At = t
		e = cases.Seal(e, c.HeadHash)
		c = cases.Apply(c, e)
		evs = append(evs, e)
	}
	return evs, c, nil
}

var refPrefix = map[string]string{"patrol": "云巡办移", "audit": "云审移", "hotline": "12310", "special": "云编督查", "warning": "预警", "assessment": "三评合一"}

var titleOf = map[string]string{
	"A01": "擅自设立机构问题", "A02": "违规加挂牌子问题", "B01": "超编进人问题", "B02": "自定编制问题", "B03": "超总量分配编制问题",
	"B04": "混编混岗问题", "B05": "重复占编问题", "C01": "超职数配备干部问题", "C02": "超规格配备干部问题", "D01": "吃空饷问题",
	"D02": "在编不在岗问题", "D03": "超期借用人员问题", "D04": "购买服务用工不规范问题", "D05": "死亡占编未核减问题",
	"E01": "违反管理权限和程序问题", "E02": "实名制信息不实问题",
}

func countVerbs(tmpl string) int {
	n := 0
	for i := 0; i+1 < len(tmpl); i++ {
		if tmpl[i] == '%' && tmpl[i+1] == 'd' {
			n++
		}
	}
	return n
}
