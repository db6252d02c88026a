package documents

import (
	"fmt"

	"rectify/cases"
)

// feedbackSources says, per source of a case (the catalogue's codes), how
// a feedback letter answers it: a body outside the office that handed the
// problems over gets a letter whose opening names how they came; a source
// the office found itself, or a reporter, gets none, since there is no
// referrer to write to (事事有着落 is then kept by the ledger, the
// inspection report, the assessment's result letter or the receipt code).
var feedbackSources = map[string]struct {
	verb, none string
}{
	"patrol":     {verb: "移交"},
	"audit":      {verb: "移送"},
	"hotline":    {none: "12310 举报的办理结果凭举报受理编号答复举报人，不印发反馈函"},
	"special":    {none: "专项督查是本办自行开展的，没有移交问题的单位，不印发反馈函；督查结果写入专项督查报告"},
	"warning":    {none: "数据预警是本办日常监控发现的问题，没有移交问题的单位，不印发反馈函"},
	"assessment": {none: "评估发现是本办在三评合一评估中发现的问题，没有移交问题的单位，不印发反馈函；评估结果以结果反馈函告知被评估单位"},
}

// FeedbackVerb is the word a feedback letter's opening uses for how the
// problems of source came to the office (你单位……移交/移送的…问题已收悉).
// A source the office found itself, or a hotline report, has no referrer
// to answer: EREFUSED with the reason. A source not in the table (a
// catalogue of one's own) is taken as a referral (移交).
func FeedbackVerb(source string) (string, error) {
	fs, ok := feedbackSources[source]
	switch {
	case !ok:
		return "移交", nil
	case fs.none != "":
		return "", cases.Refused("feedback-source", "%s", fs.none)
	}
	return fs.verb, nil
}

// feedbackSource is the source of c that reference answers: the merged
// source with that reference if there is one, else the case's own.
func feedbackSource(c cases.Case, reference string) string {
	for _, s := range c.Sources {
		if s.Ref == reference {
			return s.Source
		}
	}
	return c.Source
}

// feedbackVerb is the verb of a letter answering reference on cs, or why
// no letter answers it, naming the first case whose source has none.
func feedbackVerb(cs []cases.Case, reference string) (string, error) {
	verb := ""
	for i, c := range cs {
		v, err := FeedbackVerb(feedbackSource(c, reference))
		if e, ok := cases.AsError(err); ok {
			return "", &cases.Error{Code: e.Code, Rule: e.Rule, Field: fmt.Sprintf("cases[%d]", i), Message: "问题 " + c.No + "：" + e.Message}
		}
		if verb == "" {
			verb = v
		}
	}
	return verb, nil
}
