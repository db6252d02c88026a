package web

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"rectify/cases"
	"rectify/cases/access"
)

type caseNewPage struct {
	R                     cases.Registration
	Key                   string
	Sources, Kinds, Units []option
	Levels                []option
	// Assignees are the office users 承办人 is chosen from.
	Assignees []option
	Error     *cases.Error
	// Repeats are the unit's closed cases of the same kind from the last
	// three years (屡查屡犯), named before registering; RepeatAck is what
	// the confirm button acknowledges (their numbers).
	Repeats   []cases.Case
	RepeatAck string
	// RepeatError is the refusal of a "not a repeat" answer without a
	// reason.
	RepeatError *cases.Error
	// ConfirmPersonal carries a personal-data confirmation already given
	// through the repeat step.
	ConfirmPersonal bool
}

func (s *Server) caseNewPage(c *gin.Context, r cases.Registration, key string) (caseNewPage, error) {
	p := who(c)
	page := caseNewPage{R: r, Key: key}
	for _, src := range s.cat.Sources {
		page.Sources = append(page.Sources, option{src.Code, src.Name, r.Source == src.Code})
	}
	for _, k := range s.cat.Kinds {
		page.Kinds = append(page.Kinds, option{k.Code, k.Code + " " + k.Name, r.Kind == k.Code})
	}
	for _, l := range []cases.Level{cases.LevelInternal, cases.LevelPublic, cases.LevelSecret} {
		page.Levels = append(page.Levels, option{string(l), map[cases.Level]string{"public": "公开", "internal": "内部", "secret": "秘密"}[l], r.Level == l})
	}
	var err error
	if page.Assignees, err = s.assigneeOptions(c, p, r.Assignee); err != nil {
		return page, err
	}
	f := cases.UnitFilter{Scope: p.scope, PerPage: cases.MaxPerPage}
	for f.Page = 1; ; f.Page++ {
		us, total, err := s.svc.Units(c, f)
		if err != nil {
			return page, err
		}
		for _, u := range us {
			page.Units = append(page.Units, option{u.Code, u.Name + "（" + u.Code + "）", r.UnitCode == u.Code})
		}
		if len(us) == 0 || f.Page*f.PerPage >= total {
			break
		}
	}
	return page, nil
}

func (s *Server) handleCaseNewPage(c *gin.Context) {
	secret, _ := access.NewSecret("form-")
	page, err := s.caseNewPage(c, cases.Registration{Level: cases.LevelInternal}, secret[:24])
	if err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "case_new.html", "登记问题", page)
}

func (s *Server) handleCaseNew(c *gin.Context) {
	p := who(c)
	r := cases.Registration{Source: c.PostForm("source"), SourceRef: c.PostForm("source_ref"), UnitCode: c.PostForm("unit_code"),
		Kind: c.PostForm("violation_kind"), Title: c.PostForm("title"), Facts: c.PostForm("facts"),
		Level: cases.Level(c.PostForm("level")), Assignee: c.PostForm("assignee")}
	key := c.PostForm("idempotency_key")
	if len(key) > cases.MaxIdempotencyKey {
		key = ""
	}
	// The form's key makes a double-submitted form register one case.
	var err error
	if c.PostForm("confirm_personal_data") != "on" {
		err = cases.CheckPersonalData(r)
	}
	var k cases.Case
	if err == nil {
		err = s.checkAssignee(c, p, r.Assignee)
	}
	// 屡查屡犯: a unit with a closed case of the same kind in the last three
	// years is named on the form first; registering then needs the
	// acknowledgement of exactly those cases. Nothing is written (no key
	// claimed, no number used) until it is given.
	if err == nil {
		err = s.svc.CheckRegistration(p.scope, r)
	}
	if err == nil {
		repeats, rerr := s.svc.Repeats(c, p.scope, r.UnitCode, r.Kind)
		if rerr != nil {
			s.fail(c, rerr)
			return
		}
		// The prompt offers two answers: a repeat, or not one, and then
		// why (the reason goes into the registration event).
		ack := repeatAck(repeats)
		var reasonErr error
		if ack != "" && c.PostForm("repeat_ack") == ack && c.PostForm("repeat") == "no" {
			r.NotRepeatReason = strings.TrimSpace(c.PostForm("not_repeat_reason"))
			if r.NotRepeatReason == "" {
				reasonErr = cases.Invalid("not_repeat_reason", "请填写不属于屡查屡犯的理由")
			}
		}
		if ack != "" && (c.PostForm("repeat_ack") != ack || reasonErr != nil) {
			page, perr := s.caseNewPage(c, r, key)
			if perr != nil {
				s.fail(c, perr)
				return
			}
			page.Repeats, page.RepeatAck, page.ConfirmPersonal = repeats, ack, c.PostForm("confirm_personal_data") == "on"
			status := http.StatusOK
			if reasonErr != nil {
				page.RepeatError, _ = cases.AsError(reasonErr)
				status = http.StatusBadRequest
			}
			s.render(c, status, "case_new.html", "登记问题", page)
			return
		}
	}
	if err == nil {
		k, _, err = s.svc.Register(c, p.scope, p.user.Actor(p.user.ActingRole(registrars)), r, key)
	}
	if err != nil {
		e, ok := cases.AsError(err)
		if !ok || e.Code == cases.EINTERNAL {
			s.fail(c, err)
			return
		}
		page, perr := s.caseNewPage(c, r, key)
		if perr != nil {
			s.fail(c, perr)
			return
		}
		page.Error = e
		s.render(c, statusOf[e.Code], "case_new.html", "登记问题", page)
		return
	}
	if len(k.RepeatOf) > 0 {
		// 屡查屡犯: the earlier cases are named at once, not left to be found.
		redirect(c, "/cases/"+k.No, "registered-repeat", k.No, strings.Join(k.RepeatOf, "、"))
		return
	}
	if r.NotRepeatReason != "" {
		redirect(c, "/cases/"+k.No, "registered-not-repeat", k.No)
		return
	}
	redirect(c, "/cases/"+k.No, "registered", k.No)
}

// repeatAck is what confirming the earlier cases acknowledges: their
// numbers, so that an acknowledgement given for another unit or kind (the
// form changed after the warning) does not count.
func repeatAck(repeats []cases.Case) string {
	nos := make([]string, len(repeats))
	for i, k := range repeats {
		nos[i] = k.No
	}
	return strings.Join(nos, ",")
}
