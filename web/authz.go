package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"rectify/cases"
)

// Role sets used in the route table.
var (
	everyone = cases.Roles
	// readers see cases; an administrator manages accounts, not cases.
	readers    = []cases.Role{cases.RoleOffice, cases.RoleApprover, cases.RolePatrol, cases.RoleHotline, cases.RoleUnit, cases.RoleReviewer, cases.RoleLiaison}
	registrars = cases.DirectRegisterRoles // a patrol team refers by its batch (batchReferrers)
	actors     = []cases.Role{cases.RoleOffice, cases.RoleApprover, cases.RoleUnit}
	importers  = []cases.Role{cases.RoleAdmin, cases.RoleOffice}
	admins     = []cases.Role{cases.RoleAdmin}
	officeOnly = []cases.Role{cases.RoleOffice}
	issuers    = []cases.Role{cases.RoleOffice, cases.RoleApprover}
	// hotlineOnly: reports carry the reporter's identity, which only the
	// hotline's operators may read.
	hotlineOnly = []cases.Role{cases.RoleHotline}
	// rosterReaders see rosters (names, masked ID numbers) and warnings;
	// importing, revealing a number and making a case are the office's.
	rosterReaders = []cases.Role{cases.RoleOffice, cases.RoleApprover}
)

// DeniedMessage is the answer when a role may not use a route.
const DeniedMessage = "您的角色无权访问此功能"

// public marks routes that need no login.
var public = []cases.Role{}

// routeRoles is the one place that decides who may call what: (method,
// route) → roles. What each may then see is limited by their scope inside
// the store queries. A route missing here is refused with 500 and caught by
// TestEveryRouteHasAnAccessRule.
var routeRoles = map[string][]cases.Role{
	// Staffing rosters and red-light warnings (实名制花名册、红灯预警).
	"GET /roster":                                      rosterReaders,
	"GET /roster/import":                               officeOnly,
	"POST /roster/import":                              officeOnly,
	"GET /roster/template.xlsx":                        rosterReaders,
	"GET /roster/jobs/:id":                             officeOnly,
	"GET /roster/snapshots/:id":                        rosterReaders,
	"GET /roster/snapshots/:id/units/:code":            rosterReaders,
	"POST /roster/snapshots/:id/units/:code/reveal":    officeOnly,
	"GET /warnings":                                    rosterReaders,
	"GET /warnings/:id":                                rosterReaders,
	"POST /warnings/:id/case":                          officeOnly,
	"GET /api/v1/roster/snapshots":                     rosterReaders,
	"POST /api/v1/roster/snapshots":                    officeOnly,
	"GET /api/v1/roster/snapshots/:id":                 rosterReaders,
	"GET /api/v1/warnings":                             rosterReaders,
	"GET /api/v1/warnings/:id":                         rosterReaders,
	"POST /api/v1/warnings/:id/case":                   officeOnly,
	"GET /healthz":                                     public,
	"GET /static/*filepath":                            public,
	"GET /login":                                       public,
	"POST /login":                                      public,
	"POST /logout":                                     everyone,
	"GET /password":                                    everyone,
	"POST /password":                                   everyone,
	"GET /":                                            everyone,
	"GET /todo":                                        everyone,
	"GET /ledger":                                      readers,
	"GET /ledger/export":                               readers,
	"GET /cases/new":                                   registrars,
	"POST /cases/new":                                  registrars,
	"GET /cases/:no":                                   readers,
	"POST /cases/:no/actions":                          actors,
	"GET /units":                                       everyone,
	"GET /units/:code":                                 everyone,
	"GET /admin/access-log":                            admins,
	"GET /admin/users":                                 admins,
	"POST /admin/users":                                admins,
	"GET /admin/users/:id":                             admins,
	"POST /admin/users/:id":                            admins,
	"POST /admin/users/:id/password":                   admins,
	"POST /admin/users/:id/disabled":                   admins,
	"GET /admin/tokens":                                admins,
	"POST /admin/tokens":                               admins,
	"GET /admin/tokens/:id/revoke":                     admins,
	"POST /admin/tokens/:id/revoke":                    admins,
	"POST /cases/:no/notice-preview":                   officeOnly,
	"POST /cases/:no/closing-form":                     issuers,
	"GET /cases/:no/evidence/:id":                      readers,
	"GET /documents/:id":                               readers,
	"GET /notices/new":                                 officeOnly,
	"POST /notices/new":                                officeOnly,
	"GET /feedback/new":                                officeOnly,
	"POST /feedback/new":                               officeOnly,
	"GET /verify":                                      public,
	"GET /verify/:code":                                public,
	"POST /api/v1/notices":                             officeOnly,
	"POST /api/v1/feedback-letters":                    officeOnly,
	"POST /api/v1/cases/:no/closing-form":              issuers,
	"GET /api/v1/cases/:no/documents":                  readers,
	"GET /api/v1/cases/:no/evidence":                   readers,
	"POST /api/v1/cases/:no/evidence":                  {cases.RoleUnit, cases.RoleOffice},
	"GET /api/v1/documents/:id":                        readers,
	"GET /api/v1/documents/:id/pdf":                    readers,
	"GET /api/v1/catalog":                              everyone,
	"GET /api/v1/units":                                everyone,
	"POST /api/v1/units:import":                        importers,
	"GET /api/v1/units/:code":                          everyone,
	"GET /api/v1/units/:code/standing":                 everyone,
	"POST /api/v1/cases":                               registrars,
	"GET /api/v1/cases":                                readers,
	"GET /api/v1/cases/:no":                            readers,
	"GET /api/v1/cases/:no/events":                     readers,
	"POST /api/v1/cases/:no/transitions":               actors,
	"GET /api/v1/access-log":                           admins,
	"POST /api/v1/checkpoints":                         admins,
	"GET /batches":                                     batchReaders,
	"GET /batches/new":                                 batchReferrers,
	"POST /batches/new":                                batchReferrers,
	"GET /batches/template.xlsx":                       batchReferrers,
	"GET /batches/:id":                                 batchReaders,
	"POST /batches/:id/feedback":                       batchRegistrars,
	"POST /api/v1/referral-batches":                    batchReferrers,
	"GET /api/v1/referral-batches/:id":                 batchReaders,
	"GET /audit-referrals":                             issuers,
	"GET /audit-referrals/new":                         officeOnly,
	"POST /audit-referrals/new":                        officeOnly,
	"GET /audit-referrals/:id":                         issuers,
	"POST /audit-referrals/:id/letter":                 officeOnly,
	"POST /audit-clues/:id/decision":                   officeOnly,
	"GET /api/v1/audit-referrals":                      issuers,
	"POST /api/v1/audit-referrals":                     officeOnly,
	"GET /api/v1/audit-referrals/:id":                  issuers,
	"POST /api/v1/audit-referrals/:id/feedback-letter": officeOnly,
	"POST /api/v1/audit-clues/:id/decision":            officeOnly,
	// The 12310 hotline: public report pages, and the operators' console.
	"GET /report":                                       public,
	"POST /report":                                      public,
	"GET /report/captcha/:id":                           public,
	"GET /report/captcha/:id/audio":                     public,
	"GET /report/status":                                public,
	"POST /report/status":                               public,
	"POST /report/answer":                               public,
	"POST /report/add":                                  public,
	"GET /hotline":                                      hotlineOnly,
	"GET /hotline/new":                                  hotlineOnly,
	"POST /hotline/new":                                 hotlineOnly,
	"GET /hotline/received/:token":                      hotlineOnly,
	"GET /hotline/reports/:id":                          hotlineOnly,
	"POST /hotline/reports/:id/actions":                 hotlineOnly,
	"POST /hotline/reports/:id/reporter":                hotlineOnly,
	"GET /hotline/reports/:id/files/:fid":               hotlineOnly,
	"POST /api/v1/hotline-reports/:id/registration":     hotlineOnly,
	"POST /api/v1/hotline-reports/:id/merge":            hotlineOnly,
	"GET /assessment":                                   assessReaders,
	"POST /assessment/rounds":                           assessOrganiser,
	"GET /assessment/rounds/:id":                        assessReaders,
	"POST /assessment/rounds/:id/units":                 assessOrganiser,
	"POST /assessment/rounds/:id/finalise":              assessApprover,
	"POST /assessment/rounds/:id/reopen":                assessApprover,
	"POST /assessment/rounds/:id/cases":                 officeOnly,
	"GET /assessment/rounds/:id/results":                assessResults,
	"GET /assessment/rounds/:id/summary.xlsx":           issuers,
	"GET /assessment/rounds/:id/units/:code":            assessReaders,
	"POST /assessment/rounds/:id/units/:code/scores":    {cases.RoleReviewer},
	"GET /assessment/rounds/:id/units/:code/letter.pdf": issuers,
	"GET /assessment/rounds/:id/units/:code/chart.svg":  assessResults,
	"POST /assessment/rounds/:id/units/:code/letter":    issuers,
	// The unit's self-assessment: its users write it, the assessment's
	// readers read it (handlers narrow both to the unit and the assigned).
	"GET /assessment/rounds/:id/survey.xlsx":                          assessOrganiser,
	"POST /assessment/rounds/:id/survey":                              assessOrganiser,
	"GET /assessment/self":                                            {cases.RoleUnit},
	"GET /assessment/rounds/:id/units/:code/self":                     selfReaders,
	"POST /assessment/rounds/:id/units/:code/self":                    {cases.RoleUnit},
	"GET /assessment/rounds/:id/units/:code/self/:point/files/:file":  selfReaders,
	"POST /assessment/rounds/:id/units/:code/points/:point/consensus": officeOnly,
	"POST /assessment/rounds/:id/units/:code/points/:point/finding":   assessScorers,
	"POST /assessment/rounds/:id/units/:code/points/:point/case":      officeOnly,
	"GET /api/v1/assessment/catalog/:version":                         assessReaders,
	"GET /api/v1/assessment/rounds/:id/standings":                     assessResults,
	"GET /assessment/catalog/:version/export.xlsx":                    assessReaders,
	"GET /assessment/catalog/:version":                                assessReaders,
	// Patrol rounds and briefings: the office sets up rounds and sends
	// briefings; a patrol user reads their own teams' (404 otherwise).
	"GET /patrol":                      patrolReaders,
	"GET /patrol/rounds/new":           officeOnly,
	"POST /patrol/rounds/new":          officeOnly,
	"GET /patrol/rounds/:id":           patrolReaders,
	"POST /patrol/rounds/:id":          officeOnly,
	"GET /patrol/briefings/:id":        patrolReaders,
	"GET /units/:code/briefing":        patrolReaders,
	"GET /units/:code/briefing/pdf":    patrolReaders,
	"POST /units/:code/briefing/send":  officeOnly,
	"GET /api/v1/patrol-rounds":        patrolReaders,
	"POST /api/v1/patrol-rounds":       officeOnly,
	"GET /api/v1/patrol-rounds/:id":    patrolReaders,
	"POST /api/v1/patrol-rounds/:id":   officeOnly,
	"GET /api/v1/units/:code/briefing": patrolReaders,
}

// RouteRoles returns the roles allowed on a route ("METHOD path" in gin
// syntax), whether the route is public, and whether it has a rule at all.
func RouteRoles(key string) (roles []cases.Role, isPublic, known bool) {
	r, ok := routeRoles[key]
	return r, ok && len(r) == 0, ok
}

func isAPI(c *gin.Context) bool { return strings.HasPrefix(c.Request.URL.Path, "/api/") }

// authorize enforces routeRoles after authentication.
func (s *Server) authorize(c *gin.Context) {
	path := c.FullPath()
	if path == "" {
		c.Next() // no route: NoRoute answers
		return
	}
	roles, ok := routeRoles[c.Request.Method+" "+path]
	if !ok {
		s.log.Error("route without an access rule", "route", c.Request.Method+" "+path)
		s.fail(c, &cases.Error{Code: cases.EINTERNAL})
		return
	}
	if len(roles) == 0 {
		c.Next()
		return
	}
	p, ok := principalOf(c)
	if !ok {
		if !isAPI(c) && c.Request.Method == http.MethodGet {
			c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(c.Request.URL.RequestURI()))
			c.Abort()
			return
		}
		s.fail(c, &cases.Error{Code: cases.EUNAUTHORIZED, Message: "请先登录"})
		return
	}
	if !p.user.HasAny(roles) {
		s.fail(c, &cases.Error{Code: cases.EFORBIDDEN, Rule: "route-roles", Message: DeniedMessage})
		return
	}
	if !s.roundGate(c, p) {
		return
	}
	c.Next()
}
