package templates

import (
	"fmt"
	"strings"
	"time"
)

// NoticeItem is one problem on a rectification notice.
type NoticeItem struct {
	No, Title, Kind, Facts, Requirements string
}

// Notice is a rectification notice (整改通知书) to one unit.
type Notice struct {
	Letterhead  Letterhead
	Number      string
	UnitName    string
	Items       []NoticeItem
	Deadline    time.Time
	WorkingDays int
	Contact     string // how to report back
	// ContactName and ContactPhone are the office's contact (联系人、电话).
	ContactName, ContactPhone string
	Replaces                  string // the number of the notice this one replaces
	// Classification and CopyNo mark a secret notice (密级和保密期限, 份号).
	Classification, CopyNo string
	Date                   time.Time
	CopiesTo               []string
	VerifyCode             string
	VerifyURL              string
	Preview                bool
}

// Official lays the notice out as an official document.
func (n Notice) Official() Official {
	d := Official{Letterhead: n.Letterhead, Number: n.Number, Addressee: n.UnitName, Date: n.Date, PrintedOn: n.Date,
		CopiesTo: n.CopiesTo, VerifyCode: n.VerifyCode, VerifyURL: n.VerifyURL, Preview: n.Preview,
		Classification: n.Classification, CopyNo: n.CopyNo,
		Title:      "关于" + n.UnitName + "机构编制问题限期整改的通知",
		TitleParts: append(append([]string{"关于"}, UnitWords(n.UnitName)...), "机构编制问题", "限期整改的通知")}
	if n.Replaces != "" {
		d.Body = append(d.Body, Block{Text: "本通知替代" + n.Replaces + "，原通知同时作废，整改期限不变。"})
	}
	d.Body = append(d.Body, Block{Text: fmt.Sprintf("经核实，你单位存在下列%s机构编制问题。根据《机构编制工作条例》和机构编制监督检查有关规定，现将问题和整改要求通知如下，请高度重视，认真组织整改。", countCN(len(n.Items)))})
	for i, it := range n.Items {
		d.Body = append(d.Body,
			Block{Text: fmt.Sprintf("%s、%s（台账编号：%s）", numeralCN(i+1), it.Title, it.No), Level: 1},
			Block{Text: "问题类型：" + it.Kind + "。"},
			Block{Text: "问题情况：" + it.Facts},
			Block{Text: "整改要求：" + it.Requirements})
	}
	next := len(n.Items) + 1
	limit := fmt.Sprintf("请于%s前完成整改", DateCN(n.Deadline))
	if n.WorkingDays > 0 {
		limit += fmt.Sprintf("（自本通知印发之日起%d个工作日内）", n.WorkingDays)
	}
	d.Body = append(d.Body,
		Block{Text: numeralCN(next) + "、整改期限", Level: 1},
		Block{Text: limit + "。确有特殊情况不能按期完成的，应在期限届满前书面申请延期，经批准后方可延期。"},
		Block{Text: numeralCN(next+1) + "、反馈方式", Level: 1},
		Block{Text: n.Contact + contactLine(n.ContactName, n.ContactPhone)},
		Block{Text: "逾期未整改或整改不到位的，将按照有关规定暂停受理你单位机构编制申请事项，并视情予以通报。"})
	return d
}

// FeedbackItem is one referred problem and how it was handled.
type FeedbackItem struct {
	No, Title, UnitName, Outcome string
	// NoticeNo is the rectification notice issued for the case, if any.
	NoticeNo string
	// Finding is, on a letter answering clues, how the clue was decided
	// (认定情况); an item without No is a clue that has no case.
	Finding string
}

// Feedback is a letter (反馈函) answering a referral.
type Feedback struct {
	Letterhead Letterhead
	Number     string
	Addressee  string // the referring office
	Reference  string // their letter's number
	Items      []FeedbackItem
	Date       time.Time
	CopiesTo   []string
	VerifyCode string
	VerifyURL  string
	Preview    bool
	// Classification and CopyNo mark a secret letter (密级和保密期限, 份号).
	Classification, CopyNo string
	// Clues makes the letter answer clues (审计移送的问题线索), each
	// decided by the office, rather than problems referred as cases;
	// Interim says some are still being decided (clues) or handled
	// (problems: the letter lists those settled so far, 阶段性反馈).
	Clues, Interim bool
	// Total is how many problems the referral listed, when the letter
	// lists fewer (an interim letter); 0 means the items are all of them.
	Total int
	// Verb is how the problems came from the addressee, as its source
	// says it: 移交 (a patrol's referral, the default) or 移送 (an audit's).
	Verb string
}

// verb is the letter's word for the referral: 移交 unless told.
func (f Feedback) verb() string {
	if f.Verb == "" {
		return "移交"
	}
	return f.Verb
}

// FeedbackTitle is the title of a letter answering referral reference,
// whose problems came by verb (移交, 移送; "" is 移交): an interim
// letter's differs from the final one's.
func FeedbackTitle(reference, verb string, interim bool) string {
	if verb == "" {
		verb = "移交"
	}
	if interim {
		return "关于" + reference + verb + "问题阶段性办理情况的函"
	}
	return "关于" + reference + verb + "问题办理情况的函"
}

// Official lays the letter out in the letter format (信函格式).
func (f Feedback) Official() Official {
	if f.Clues {
		return f.clueLetter()
	}
	d := Official{Letterhead: f.Letterhead, Letter: true, Number: f.Number, Addressee: f.Addressee, Date: f.Date,
		PrintedOn: f.Date, CopiesTo: f.CopiesTo, VerifyCode: f.VerifyCode, VerifyURL: f.VerifyURL, Preview: f.Preview,
		Classification: f.Classification, CopyNo: f.CopyNo,
		Title:      FeedbackTitle(f.Reference, f.Verb, f.Interim),
		TitleParts: []string{"关于", f.Reference, f.verb() + "问题", "办理情况的函"}}
	total := max(f.Total, len(f.Items))
	if f.Interim {
		// The referral's problems are counted whole; the letter then
		// reports those settled so far.
		d.TitleParts = []string{"关于", f.Reference, f.verb() + "问题", "阶段性办理情况的函"}
		d.Body = append(d.Body, Block{Text: fmt.Sprintf("你单位（%s）"+f.verb()+"的%s问题已收悉。我办按照“挂号建账、对号结账、销号下账”的要求逐件登记建账、核实办理，截至目前已办结%s，其余%s正在办理。现将已办结问题的办理情况函告如下：",
			f.Reference, countCN(total), countCN(len(f.Items)), countCN(total-len(f.Items)))})
	} else {
		d.Body = append(d.Body, Block{Text: fmt.Sprintf("你单位（%s）"+f.verb()+"的%s问题已收悉。我办按照“挂号建账、对号结账、销号下账”的要求逐件登记建账、核实办理。现将办理情况函告如下：", f.Reference, countCN(total))})
	}
	for i, it := range f.Items {
		d.Body = append(d.Body,
			Block{Text: fmt.Sprintf("%s、%s（台账编号：%s，涉及单位：%s）", numeralCN(i+1), it.Title, it.No, it.UnitName), Level: 1})
		if it.NoticeNo != "" {
			d.Body = append(d.Body, Block{Text: "整改通知：" + it.NoticeNo + "。"})
		}
		d.Body = append(d.Body, Block{Text: "办理情况：" + it.Outcome})
	}
	if f.Interim {
		d.Body = append(d.Body, Block{Text: "其余问题办结后，我办将一并函告最终办理情况。"})
	}
	d.Body = append(d.Body, Block{Text: "特此函告。"})
	return d
}

// clueLetter is the letter answering referred clues: each clue with how
// it was decided and, when confirmed, its ledger number and progress.
func (f Feedback) clueLetter() Official {
	d := Official{Letterhead: f.Letterhead, Letter: true, Number: f.Number, Addressee: f.Addressee, Date: f.Date,
		PrintedOn: f.Date, CopiesTo: f.CopiesTo, VerifyCode: f.VerifyCode, VerifyURL: f.VerifyURL, Preview: f.Preview,
		Classification: f.Classification, CopyNo: f.CopyNo,
		Title:      "关于" + f.Reference + "移送问题线索认定情况的函",
		TitleParts: []string{"关于", f.Reference, "移送问题线索", "认定情况的函"}}
	now := "认定及办理情况"
	if f.Interim {
		now = "目前的认定及办理情况"
	}
	d.Body = append(d.Body, Block{Text: fmt.Sprintf("你单位（%s）移送的%d条问题线索已收悉。我办逐条核实认定，认定属实的登记建账、督促整改。现将%s函告如下：", f.Reference, len(f.Items), now)})
	for i, it := range f.Items {
		head := fmt.Sprintf("%s、%s（涉及单位：%s）", numeralCN(i+1), it.Title, it.UnitName)
		if it.No != "" {
			head = fmt.Sprintf("%s、%s（台账编号：%s，涉及单位：%s）", numeralCN(i+1), it.Title, it.No, it.UnitName)
		}
		d.Body = append(d.Body, Block{Text: head, Level: 1})
		if it.Finding != "" {
			d.Body = append(d.Body, Block{Text: "认定情况：" + it.Finding})
		}
		if it.NoticeNo != "" {
			d.Body = append(d.Body, Block{Text: "整改通知：" + it.NoticeNo + "。"})
		}
		if it.Outcome != "" {
			d.Body = append(d.Body, Block{Text: "办理情况：" + it.Outcome})
		}
	}
	d.Body = append(d.Body, Block{Text: "特此函告。"})
	return d
}

// contactLine is "联系人：…，电话：…。" for whichever is set.
func contactLine(name, phone string) string {
	var parts []string
	if name != "" {
		parts = append(parts, "联系人："+name)
	}
	if phone != "" {
		parts = append(parts, "联系电话："+phone)
	}
	if len(parts) == 0 {
		return ""
	}
	return strings.Join(parts, "，") + "。"
}

// UnitWords splits a unit's name after its administrative division (清河县
// | 教育局), so that a title may break there rather than inside a word.
func UnitWords(name string) []string {
	rs := []rune(name)
	for i := 1; i < len(rs)-2; i++ {
		if !strings.ContainsRune("省市州县区旗盟", rs[i]) {
			continue
		}
		// 市委, 县委…: the break comes after the party committee.
		j := i + 1
		if rs[j] == '委' {
			j++
		}
		if j < len(rs)-1 {
			return []string{string(rs[:j]), string(rs[j:])}
		}
	}
	return []string{name}
}

var digitsCN = []string{"〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"}

// numeralCN writes 1–99 as Chinese numerals, for headings (一、二、……十一、).
func numeralCN(n int) string {
	switch {
	case n < 10:
		return digitsCN[n]
	case n < 20:
		return "十" + map[bool]string{true: "", false: digitsCN[n%10]}[n%10 == 0]
	case n < 100:
		s := digitsCN[n/10] + "十"
		if n%10 != 0 {
			s += digitsCN[n%10]
		}
		return s
	}
	return fmt.Sprint(n)
}

// countCN is "N项" with a Chinese numeral below 100.
func countCN(n int) string {
	if n == 1 {
		return "1项"
	}
	return fmt.Sprintf("%d项", n)
}
