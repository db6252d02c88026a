package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"rectify/cases"
	"rectify/cases/documents"
)

// formField is one input of an action form.
type formField struct {
	Name, Label, Kind, Value, Hint, Error string
	Required                              bool
	// Options are a select's choices (Kind "select").
	Options []option
}

// actionForm is the form for one action the user may take now.
type actionForm struct {
	Action cases.Action
	Label  string
	Fields []formField
	Open   bool
	// ConfirmPersonal asks to confirm an ID or mobile number in the text.
	ConfirmPersonal bool
	// Combine counts the unit's other problems awaiting orders, which one
	// notice may cover with this one.
	Combine int
}

// actionFields are the inputs each action asks for.
var actionFields = map[cases.Action][]formField{
	cases.ActionStartVerification:  {},
	cases.ActionDismiss:            {{Name: "reason", Label: "不予立案理由", Kind: "textarea", Required: true}},
	cases.ActionOrderRectification: {{Name: "requirements", Label: "整改要求", Kind: "textarea", Required: true}, {Name: "working_days", Label: "整改期限（工作日数）", Kind: "number", Hint: "按法定节假日和调休计算；或填写下方日期"}, {Name: "deadline", Label: "或整改截止日期", Kind: "date"}, {Name: "copies_to", Label: "抄送（用逗号分隔）", Kind: "text"}},
	cases.ActionSubmit:             {{Name: "report", Label: "整改情况报告", Kind: "textarea", Required: true}, {Name: "file", Label: "佐证材料文件（PDF、图片、Word、Excel、OFD，单个不超过 20 MB）", Kind: "file"}, {Name: "evidence", Label: "其他佐证材料说明（每行一项，无文件时必填）", Kind: "textarea"}},
	cases.ActionReturn:             {{Name: "reason", Label: "退回理由", Kind: "textarea", Required: true}},
	cases.ActionConfirm:            {{Name: "note", Label: "核验意见", Kind: "textarea", Required: true}},
	cases.ActionClose:              {{Name: "note", Label: "审批意见", Kind: "textarea"}},
	cases.ActionReopen:             {{Name: "reason", Label: "回头看发现的问题", Kind: "textarea", Required: true}},
	cases.ActionTransfer:           {{Name: "reference", Label: "移交文号", Kind: "text", Required: true}},
	cases.ActionExtend:             {{Name: "reason", Label: "延期理由", Kind: "textarea", Required: true}, {Name: "working_days", Label: "延长工作日数", Kind: "number"}, {Name: "deadline", Label: "或新的截止日期", Kind: "date"}},
	cases.ActionAssign:             {{Name: "assignee", Label: "承办人", Kind: "select", Required: true}},
}

// timelineItem is one event as the case page shows it.
type timelineItem struct {
	Seq       int
	Label, To string
	Who, Hash string
	Lines     []timelineLine
	At        any
}

// timelineLine is one line of an event: a label and a text, or a label
// and the files the event refers to.
type timelineLine struct {
	Label, Text string
	Files       []fileLink
}

// fileLink names a document or evidence file, with where to open it (empty
// when the viewer cannot).
type fileLink struct {
	Name, Href string
}

// caseFiles resolves the file references events carry (document:ID,
// evidence:ID) to what the viewer may see of them: read once per case
// page, not per event.
type caseFiles struct {
	no       string
	docs     map[string]documents.Document
	evidence map[string]documents.Evidence
	// sourceName names a source code (巡察移交 for patrol).
	sourceName func(string) string
}

func newCaseFiles(no string, ds []documents.Document, es []documents.Evidence) caseFiles {
	f := caseFiles{no: no, docs: map[string]documents.Document{}, evidence: map[string]documents.Evidence{}}
	for _, d := range ds {
		f.docs[d.ID] = d
	}
	for _, e := range es {
		f.evidence[e.ID] = e
	}
	return f
}

// document names a document:ID reference, if the viewer may see it.
func (f caseFiles) document(ref string) (fileLink, bool) {
	id, ok := strings.CutPrefix(ref, cases.DocumentRef)
	if !ok {
		return fileLink{}, false
	}
	d, ok := f.docs[id]
	if !ok {
		return fileLink{}, false
	}
	return fileLink{Name: d.Kind.Label() + " " + d.Number, Href: "/documents/" + d.ID}, true
}

// evidence names one evidence item: an uploaded file by its name, linked
// (whoever may read the case may download its evidence), or a line of
// description as typed.
func (f caseFiles) evidenceItem(item string) fileLink {
	id, ok := strings.CutPrefix(item, cases.EvidenceRef)
	if !ok {
		return fileLink{Name: item}
	}
	if e, ok := f.evidence[id]; ok {
		return fileLink{Name: e.Name, Href: "/cases/" + f.no + "/evidence/" + e.ID}
	}
	return fileLink{Name: "佐证材料文件（记录缺失）"}
}

// sourceLine is a channel that reported a case, as the case page lists it.
type sourceLine struct {
	Name, Ref string
	At        time.Time
}

type casePage struct {
	Documents    []documents.Document
	Evidence     []documents.Evidence
	CanCloseForm bool
	// ClosingForm is the approval form already issued for this closing:
	// the page links it instead of offering to issue another.
	ClosingForm          *documents.Document
	Case                 cases.Case
	Light                cases.Light
	SourceName, RefLabel string
	KindName             string
	// MoreSources are the channels merged in after registration.
	MoreSources []sourceLine
	// ChainFault says the case's record does not verify.
	ChainFault *cases.Fault
	Events     []timelineItem
	Actions    []actionForm
	FormError  string
}

var actionLabels = func() map[cases.Action]string {
	m := map[cases.Action]string{cases.ActionRegister: "登记"}
	for _, r := range cases.Rules {
		m[r.Action] = r.Label
	}
	return m
}()

func (s *Server) handleCasePage(c *gin.Context) {
	s.showCase(c, http.StatusOK, "", nil, nil)
}

// showCase renders the case page; after a failed action it keeps what was
// typed (posted) and names the error.
func (s *Server) showCase(c *gin.Context, status int, failed cases.Action, posted map[string]string, ferr *cases.Error) {
	p := who(c)
	k, evs, fault, err := s.readCase(c, p, "read-case")
	if err != nil {
		s.fail(c, err)
		return
	}
	page := casePage{Case: k, Light: s.lighter(c)(k), ChainFault: fault}
	if src, ok := s.cat.Source(k.Source); ok {
		page.SourceName, page.RefLabel = src.Name, src.RefLabel
	}
	if len(k.Sources) > 1 {
		for _, src := range k.Sources[1:] {
			name := src.Source
			if x, ok := s.cat.Source(src.Source); ok {
				name = x.Name
			}
			page.MoreSources = append(page.MoreSources, sourceLine{Name: name, Ref: src.Ref, At: src.At})
		}
	}
	if kind, ok := s.cat.Kind(k.Kind); ok {
		page.KindName = kind.Code + " " + kind.Name
	}
	if page.Documents, err = s.docs.Documents(c, p.scope, k.No); err != nil {
		s.fail(c, err)
		return
	}
	if page.Evidence, err = s.docs.EvidenceOf(c, p.scope, k.No); err != nil {
		s.fail(c, err)
		return
	}
	files := newCaseFiles(k.No, page.Documents, page.Evidence)
	files.sourceName = func(code string) string {
		if x, ok := s.cat.Source(code); ok {
			return x.Name
		}
		return code
	}
	for i := len(evs) - 1; i >= 0; i-- {
		page.Events = append(page.Events, timelineOf(evs[i], files))
	}
	for _, r := range cases.Rules {
		if r.Action == cases.ActionRecordDocument {
			continue // recorded by issuing a document, not by hand
		}
		actor := actingAs(p, r.Action)
		if cases.Allowed(k, r.Action, actor) != nil {
			continue
		}
		f := actionForm{Action: r.Action, Label: r.Label, Open: r.Action == failed,
			ConfirmPersonal: r.Action == failed && ferr != nil && ferr.Rule == "personal-data"}
		for _, fld := range actionFields[r.Action] {
			if r.Action == failed {
				fld.Value = posted[fld.Name]
				fld.Error = fieldMessage(ferr, fld.Name)
			}
			if fld.Name == "assignee" {
				if fld.Options, err = s.assigneeOptions(c, p, fld.Value); err != nil {
					s.fail(c, err)
					return
				}
			}
			f.Fields = append(f.Fields, fld)
		}
		if r.Action == cases.ActionOrderRectification && k.Level == cases.LevelSecret {
			// A secret notice is issued in numbered copies (份号 000001…).
			copies := formField{Name: "copies", Label: "份数", Kind: "number", Value: "1", Hint: "涉密文件逐份编号（份号），每份单独成一个 PDF"}
			if r.Action == failed {
				copies.Value, copies.Error = posted["copies"], fieldMessage(ferr, "copies")
			}
			f.Fields = append(f.Fields, copies)
		}
		comment := formField{Name: "comment", Label: "备注（内部）", Kind: "textarea"}
		if unitOnly(p) {
			comment.Label = "备注"
		}
		if r.Action == failed {
			comment.Value = posted["comment"]
			comment.Error = fieldMessage(ferr, "comment")
		}
		f.Fields = append(f.Fields, comment)
		if r.Action == cases.ActionOrderRectification {
			// Other problems of the unit awaiting orders can share one notice.
			others, err := s.orderable(c, p, k.UnitCode)
			if err != nil {
				s.fail(c, err)
				return
			}
			f.Combine = len(others) - 1
		}
		page.Actions = append(page.Actions, f)
	}
	if ferr != nil {
		page.FormError = actionLabels[failed] + "未成功：" + ferr.Message
	}
	page.CanCloseForm = k.State == cases.StateClosed && cases.Allowed(k, cases.ActionRecordDocument, actingAs(p, cases.ActionRecordDocument)) == nil
	if k.State == cases.StateClosed {
		for i := range page.Documents {
			if d := &page.Documents[i]; d.Kind == documents.KindClosing && !d.IssuedAt.Before(k.ClosedAt) {
				page.ClosingForm = d
			}
		}
	}
	s.render(c, status, "case.html", k.No+" "+k.Title, page)
}

// fieldMessage is what err says of field: every bad field of a form is
// shown at once, next to its input.
func fieldMessage(err *cases.Error, field string) string {
	if err == nil {
		return ""
	}
	for _, f := range err.Fields {
		if f.Field == field {
			return f.Message
		}
	}
	if err.Field == field {
		return err.Message
	}
	return ""
}

// timelineOf is event e as the case page shows it, naming the files it
// refers to as files finds them.
func timelineOf(e cases.Event, files caseFiles) timelineItem {
	t := timelineItem{Seq: e.Seq, Label: actionLabels[e.Action], At: e.At, Hash: e.Hash}
	if e.From != e.To && e.To != "" {
		t.To = e.To.Label()
	}
	t.Who = e.Actor.Name
	if t.Who == "" {
		t.Who = e.Actor.ID
	}
	if e.Actor.Role != "" {
		t.Who += "（" + roleLabels[e.Actor.Role] + "）"
	}
	add := func(label, v string) {
		if v != "" {
			t.Lines = append(t.Lines, timelineLine{Label: label, Text: v})
		}
	}
	// The documents the event records: its input's, and any other
	// document:ID among its attachments.
	var docs []fileLink
	seen := map[string]bool{}
	refs := append([]string{}, e.Attachments...)
	if e.Input != nil {
		refs = append([]string{e.Input.Document}, refs...)
	}
	for _, ref := range refs {
		if d, ok := files.document(ref); ok && !seen[ref] {
			seen[ref] = true
			docs = append(docs, d)
		}
	}
	if in := e.Input; in != nil {
		add("理由", in.Reason)
		add("整改要求", in.Requirements)
		if in.PreviousDeadline != "" {
			add("期限", in.PreviousDeadline+" → "+in.Deadline)
		} else {
			add("整改期限", in.Deadline)
		}
		add("整改情况", in.Report)
		if len(in.Evidence) > 0 {
			l := timelineLine{Label: "佐证材料"}
			for _, item := range in.Evidence {
				l.Files = append(l.Files, files.evidenceItem(item))
			}
			t.Lines = append(t.Lines, l)
		}
		add("意见", in.Note)
		switch {
		case e.Action == cases.ActionTransfer:
			add("移交文号", in.Reference)
		case e.Action == cases.ActionAddSource:
			add("来源", files.sourceName(in.Source))
			add("来源文号", in.Reference)
		case len(docs) == 0:
			// A document the viewer may not open is still named by its
			// number, as the event recorded it.
			add("文号", in.Reference)
		}
		add("承办人", in.Assignee)
		if in.Late {
			t.Lines = append(t.Lines, timelineLine{Text: "逾期报送"})
		}
	}
	if len(docs) > 0 {
		t.Lines = append(t.Lines, timelineLine{Label: "印发文件", Files: docs})
	}
	if r := e.Registered; r != nil {
		// Why a case with closed predecessors is no repeat: the ledger's
		// reader sees the registrar's reason and what it was weighed against.
		if r.NotRepeatReason != "" {
			add("不属于屡查屡犯", r.NotRepeatReason+"（同类已销号问题："+strings.Join(r.NotRepeatOf, "、")+"）")
		}
	}
	add("备注", e.Comment)
	return t
}

func (s *Server) handleCaseAction(c *gin.Context) {
	p := who(c)
	a := cases.Action(c.PostForm("action"))
	posted := posted(c)
	in := cases.Input{Reason: posted["reason"], Requirements: posted["requirements"], Deadline: posted["deadline"],
		Report: posted["report"], Note: posted["note"], Reference: posted["reference"], Assignee: posted["assignee"]}
	var err error
	if v := strings.TrimSpace(posted["working_days"]); v != "" {
		if in.WorkingDays, err = strconv.Atoi(v); err != nil {
			s.showCase(c, http.StatusBadRequest, a, posted, cases.Invalid("working_days", "工作日数须为整数"))
			return
		}
	}
	for _, line := range strings.Split(posted["evidence"], "\n") {
		if line = strings.TrimSpace(line); line != "" {
			in.Evidence = append(in.Evidence, line)
		}
	}
	version, _ := strconv.Atoi(c.PostForm("expected_version"))
	if err := s.checkInput(c, p, c.Param("no"), a, in); err != nil {
		s.actionFailed(c, a, err)
		return
	}
	if c.PostForm("confirm_personal_data") != "on" {
		if err := cases.CheckPersonalInput(in, posted["comment"]); err != nil {
			s.actionFailed(c, a, err)
			return
		}
	}
	switch a {
	case cases.ActionOrderRectification, cases.ActionSubmit:
		k, err := s.svc.Case(c, p.scope, c.Param("no"))
		if err != nil {
			s.fail(c, err)
			return
		}
		if version != 0 && version != k.Version {
			s.actionFailed(c, a, cases.Conflict("案件 %s 已被他人更新，请刷新后重试", k.No))
			return
		}
		if a == cases.ActionOrderRectification {
			s.issueNotice(c, p, k)
		} else {
			s.submitWithEvidence(c, p, k, in, posted["comment"], version)
		}
		return
	}
	k, _, err := s.svc.Transition(c, p.scope, c.Param("no"), actingAs(p, a), a, in, posted["comment"], version)
	if err != nil {
		e, ok := cases.AsError(err)
		if !ok || e.Code == cases.ENOTFOUND || e.Code == cases.EINTERNAL {
			s.fail(c, err)
			return
		}
		s.showCase(c, statusOf[e.Code], a, posted, e)
		return
	}
	redirect(c, "/cases/"+k.No, "acted", actionLabels[a], k.State.Label())
}
