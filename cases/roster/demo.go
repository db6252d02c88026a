package roster

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"rectify/cases"
)

// The demo's rosters: two snapshots, half a year apart, of five demo units,
// their head counts as the office has them on file, with problems planted
// so that the warnings cover every rule and the second snapshot has new,
// persisting and resolved ones:
//
//	rule       unit   first  second
//	超编       QH003  new    persisting (one extra 行政编制)
//	人数不符   QH003, QH006, QH007  (the extra persons are not on file)
//	超职数     QH007  new    resolved
//	重复占编   QH006/QH007   —  new
//	应减未减   YZ012  new    persisting
//	死亡占编   QH001  new    persisting
//	超期借用   QH003  new    persisting
//	混编混岗   QH001  new    resolved;  QH006  —  new
var demoUnits = []string{"QH001", "QH003", "QH006", "QH007", "YZ012"}

var demoSurnames = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢")

// DemoGivenNames are the given names the demo rosters use, by sex (the sex
// the ID number gives): names read as a man's or as a woman's, none that
// could be either, so that no 女 row carries a man's name.
var DemoGivenNames = map[string][]string{
	Male:   {"伟", "强", "磊", "军", "洋", "勇", "杰", "涛", "明", "超", "刚", "建华", "志强", "晓东", "建国", "浩", "鹏", "斌"},
	Female: {"芳", "娜", "敏", "静", "丽", "艳", "娟", "秀英", "霞", "桂英", "海燕", "丹", "婷", "玉兰", "慧", "雪"},
}

// demoName is the name of the demo person whose ID number MakeID makes
// from seq: its 17th digit is seq's last, odd for a man.
func demoName(seq int) string {
	given := DemoGivenNames[Female]
	if seq%2 == 1 {
		given = DemoGivenNames[Male]
	}
	return string(demoSurnames[seq%len(demoSurnames)]) + given[(seq*7)%len(given)]
}

// LoadDemo imports the demo rosters once: a database with any snapshot is
// left as it is. today is the second snapshot's date.
func (s *Service) LoadDemo(ctx context.Context, actor cases.Actor, today string) (int, error) {
	snaps, err := s.Snapshots(ctx)
	if err != nil || len(snaps) > 0 {
		return 0, err
	}
	t, err := time.Parse(time.DateOnly, today)
	if err != nil {
		return 0, err
	}
	first := t.AddDate(0, -6, 0).Format(time.DateOnly)
	for i, day := range []string{first, today} {
		rows, err := s.demoRows(ctx, day, i == 1)
		if err != nil {
			return i, err
		}
		var b bytes.Buffer
		if err := WriteCSV(&b, rows); err != nil {
			return i, err
		}
		if _, err := s.Import(ctx, actor, ImportInput{Scope: cases.GlobalScope, Date: day, File: fmt.Sprintf("演示花名册-%s.csv", day), Body: &b}); err != nil {
			return i, fmt.Errorf("demo roster %s: %w", day, err)
		}
	}
	return 2, nil
}

func (s *Service) demoRows(ctx context.Context, day string, second bool) ([][]string, error) {
	var rows [][]string
	seq := 0
	person := func(unit, typ string, leader bool) []string {
		seq++
		name := demoName(seq)
		birth := fmt.Sprintf("%d-%02d-%02d", 1972+seq%22, 1+seq%12, 1+seq%28)
		post := "科员"
		if leader {
			post = "副局长"
		}
		if typ == "事业编制" {
			post = "专业技术岗"
		}
		if typ == "工勤编制" {
			post = "工勤岗"
		}
		return Row(unit, name, MakeID("330683", birth, seq), typ, post, leader, StatusActive, fmt.Sprintf("%d-09-01", 1995+seq%25), "", "", "")
	}
	byUnit := map[string][][]string{}
	for _, code := range demoUnits {
		u, err := s.cfg.Cases.Unit(ctx, cases.GlobalScope, code)
		if err != nil {
			return nil, fmt.Errorf("demo unit %s: %w", code, err)
		}
		leaders := u.LeaderPosts.Actual
		for _, e := range u.Establishment {
			for range e.Actual {
				lead := leaders > 0 && (e.Type == "行政编制" || u.Kind == "institution" && e.Type == "事业编制")
				if lead {
					leaders--
				}
				byUnit[code] = append(byUnit[code], person(code, e.Type, lead))
			}
		}
	}
	t, _ := time.Parse(time.DateOnly, day)
	set := func(r []string, col string, v string) {
		for i, h := range Header() {
			if h == col {
				r[i] = v
			}
		}
	}
	// 超编 and 人数不符 at QH003: one 行政编制 more than approved (28).
	byUnit["QH003"] = append(byUnit["QH003"], person("QH003", "行政编制", false))
	// 超期借用 at QH003: seconded to the county party office, ended 40 days
	// before the first snapshot.
	sec := byUnit["QH003"][1]
	set(sec, "人员状态", string(StatusSeconded))
	set(sec, "借调单位", "中共清河县委办公室")
	first := t
	if second {
		first = t.AddDate(0, -6, 0)
	}
	set(sec, "借调截止日期", first.AddDate(0, 0, -40).Format(time.DateOnly))
	// 死亡占编 at QH001.
	set(byUnit["QH001"][2], "人员状态", string(StatusDeceased))
	// 应减未减 at YZ012: a man born 1963, past 60.
	old := byUnit["YZ012"][3]
	set(old, "姓名", demoName(1))
	set(old, "身份证号", MakeID("330683", "1963-04-12", 1))
	set(old, "性别", Male)
	if !second {
		// 超职数 at QH007 (approved 4, on file 3): two more leaders.
		byUnit["QH007"][10][7], byUnit["QH007"][11][7] = "是", "是"
		// 混编混岗 at QH001: a 事业编制 person in a leader post of the 机关.
		for _, r := range byUnit["QH001"] {
			if r[5] == "事业编制" {
				r[6], r[7] = "副主任", "是"
				break
			}
		}
	} else {
		// 重复占编: QH006's first doctor also on QH007's 行政编制.
		twin := append([]string(nil), byUnit["QH006"][0]...)
		twin[0], twin[5], twin[6] = "QH007", "行政编制", "科员"
		byUnit["QH007"] = append(byUnit["QH007"], twin)
		// 混编混岗 at QH006: a 行政编制 person in a hospital.
		byUnit["QH006"][5][5] = "行政编制"
	}
	for _, code := range demoUnits {
		rows = append(rows, byUnit[code]...)
	}
	return rows, nil
}
