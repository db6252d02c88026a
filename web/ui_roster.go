package web

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/gin-gonic/gin"

	"rectify/cases"
	"rectify/cases/roster"
)

// MaxRosterBody bounds a roster upload: a 100,000-person CSV is about
// 12 MB, its XLSX about 6 MB.
const MaxRosterBody = 64 << 20

// rosterRoutes adds the staffing roster and red-light warning pages and
// their API.
func (s *Server) rosterRoutes(e *gin.Engine, api *gin.RouterGroup) {
	on := s.rosterEnabled
	e.GET("/roster", on, s.handleRosterList)
	e.GET("/roster/import", on, s.handleRosterImportPage)
	e.POST("/roster/import", on, s.handleRosterImport)
	e.GET("/roster/template.xlsx", on, s.handleRosterTemplate)
	e.GET("/roster/jobs/:id", on, s.handleRosterJob)
	e.GET("/roster/snapshots/:id", on, s.handleRosterSnapshot)
	e.GET("/roster/snapshots/:id/units/:code", on, s.handleRosterUnit)
	e.POST("/roster/snapshots/:id/units/:code/reveal", on, s.handleRosterReveal)
	e.GET("/warnings", on, s.handleWarningList)
	e.GET("/warnings/:id", on, s.handleWarning)
	e.POST("/warnings/:id/case", on, s.handleWarningCase)
	api.GET("/roster/snapshots", on, s.handleRosterSnapshotsAPI)
	api.POST("/roster/snapshots", on, s.handleRosterImportAPI)
	api.GET("/roster/snapshots/:id", on, s.handleRosterSnapshotAPI)
	api.GET("/warnings", on, s.handleWarningsAPI)
	api.GET("/warnings/:id", on, s.handleWarningAPI)
	api.POST("/warnings/:id/case", on, s.handleWarningCaseAPI)
}

func (s *Server) rosterEnabled(c *gin.Context) {
	if s.roster == nil {
		s.fail(c, &cases.Error{Code: cases.EUNAVAILABLE, Message: "本系统未启用实名制花名册"})
		return
	}
	c.Next()
}

// rosterJob is an import running in the background: the console shows its
// progress on a page that refreshes itself.
type rosterJob struct {
	ID, User      string
	Stage         string
	N             int
	Done          bool
	Snapshot      string
	Err           string
	Rows          *roster.RowErrors
	Started, Took time.Time
}

type rosterJobs struct {
	mu sync.Mutex
	m  map[string]*rosterJob
}

func (j *rosterJobs) get(id string) (rosterJob, bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	x, ok := j.m[id]
	if !ok {
		return rosterJob{}, false
	}
	return *x, true
}

func (j *rosterJobs) update(id string, f func(*rosterJob)) {
	j.mu.Lock()
	defer j.mu.Unlock()
	f(j.m[id])
}

func (j *rosterJobs) start(user string) string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	id := hex.EncodeToString(b)
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.m == nil {
		j.m = map[string]*rosterJob{}
	}
	// Finished jobs older than a day are forgotten.
	for k, x := range j.m {
		if x.Done && time.Since(x.Started) > 24*time.Hour {
			delete(j.m, k)
		}
	}
	j.m[id] = &rosterJob{ID: id, User: user, Stage: roster.StageRead, Started: time.Now()}
	return id
}

type rosterListPage struct {
	CanImport bool
	Snapshots []rosterListRow
	Rules     []roster.RuleInfo
}

// scopedSnapshots lists the snapshots as the viewer may see them: another
// region's units, head counts and warnings are left out.
func (s *Server) scopedSnapshots(c *gin.Context, p *principal) ([]roster.Snapshot, error) {
	all, err := s.roster.Snapshots(c)
	if err != nil {
		return nil, err
	}
	snaps := make([]roster.Snapshot, 0, len(all))
	for _, x := range all {
		x, ok, err := s.roster.Scoped(c, p.scope, x)
		if err != nil {
			return nil, err
		}
		if ok {
			snaps = append(snaps, x)
		}
	}
	return snaps, nil
}

// rosterListRow is one snapshot with its warning counts by change, taken
// out of the tally's map here: a template cannot index a map keyed by
// roster.Change with a string literal.
type rosterListRow struct {
	roster.Snapshot
	New, Kept, Resolved int
}

func (s *Server) handleRosterList(c *gin.Context) {
	snaps, err := s.scopedSnapshots(c, who(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	page := rosterListPage{CanImport: who(c).user.Has(cases.RoleOffice), Rules: roster.Rules}
	for _, sn := range snaps {
		bc := sn.Tally.ByChange
		page.Snapshots = append(page.Snapshots, rosterListRow{Snapshot: sn, New: bc[roster.New], Kept: bc[roster.Persisting], Resolved: bc[roster.Resolved]})
	}
	s.render(c, http.StatusOK, "roster.html", "实名制花名册", page)
}

type rosterImportPage struct {
	Date   string
	Header []string
	Error  *cases.Error
	// Coverage and Units are what the form says the file covers; Region
	// is the importer's region (what "本辖区全部单位" means).
	Coverage string
	Units    string
	Region   string
}

func (s *Server) handleRosterImportPage(c *gin.Context) {
	s.render(c, http.StatusOK, "roster_import.html", "导入花名册", rosterImportPage{Date: s.svc.Today(), Header: roster.Header(),
		Coverage: string(roster.CoverUnits), Region: scopeLabel(who(c).scope)})
}

// scopeLabel is a scope's region in words.
func scopeLabel(sc cases.Scope) string {
	if sc.Global {
		return "全部地区"
	}
	return sc.Region
}

// rosterCoverage reads what an upload says it covers: the coverage field
// (units or region) and the declared units (codes separated by commas,
// 、 or spaces).
func rosterCoverage(c *gin.Context) (roster.Coverage, []string) {
	units := strings.FieldsFunc(c.PostForm("units"), func(r rune) bool {
		return r == ',' || r == '，' || r == '、' || r == ';' || r == '；' || unicode.IsSpace(r)
	})
	return roster.Coverage(c.PostForm("coverage")), units
}

// handleRosterTemplate offers the template with the units of the user's
// region in its drop-down (those an import of theirs may name).
func (s *Server) handleRosterTemplate(c *gin.Context) {
	us, _, err := s.svc.Units(c, cases.UnitFilter{Scope: who(c).scope, PerPage: math.MaxInt32})
	if err != nil {
		s.fail(c, err)
		return
	}
	var buf bytes.Buffer
	if err := roster.WriteTemplate(&buf, us); err != nil {
		s.fail(c, fmt.Errorf("roster template: %w", err))
		return
	}
	c.Header("Content-Disposition", disposition(false, "roster-template.xlsx", "花名册模板.xlsx"))
	c.Data(http.StatusOK, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buf.Bytes())
}

// rosterUpload reads the uploaded file into memory: the import runs after
// the request has ended, when the form's temporary files are gone.
func rosterUpload(c *gin.Context) (name string, data []byte, err error) {
	fh, err := c.FormFile("file")
	if err != nil {
		return "", nil, cases.Invalid("file", "请选择花名册文件（XLSX 或 CSV）")
	}
	f, err := fh.Open()
	if err != nil {
		return "", nil, err
	}
	defer f.Close()
	data, err = io.ReadAll(f)
	return fh.Filename, data, err
}

func (s *Server) handleRosterImport(c *gin.Context) {
	p := who(c)
	name, data, err := rosterUpload(c)
	if err != nil {
		e, ok := cases.AsError(err)
		if !ok {
			s.fail(c, err)
			return
		}
		s.render(c, statusOf[e.Code], "roster_import.html", "导入花名册", rosterImportPage{Date: c.PostForm("date"), Header: roster.Header(), Error: e,
			Coverage: c.PostForm("coverage"), Units: c.PostForm("units"), Region: scopeLabel(p.scope)})
		return
	}
	actor := p.user.Actor(cases.RoleOffice)
	id := s.rosterJobs.start(p.user.ID)
	day := c.PostForm("date")
	cov, units := rosterCoverage(c)
	scope := p.scope
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
		defer cancel()
		snap, err := s.roster.Import(ctx, actor, roster.ImportInput{Date: day, File: name, Body: bytes.NewReader(data), Scope: scope, Coverage: cov, Units: units,
			Progress: func(stage string, n int) { s.rosterJobs.update(id, func(j *rosterJob) { j.Stage, j.N = stage, n }) }})
		s.rosterJobs.update(id, func(j *rosterJob) {
			j.Done, j.Took = true, time.Now()
			var re *roster.RowErrors
			switch {
			case errors.As(err, &re):
				j.Rows = re
			case err != nil:
				if e, ok := cases.AsError(err); ok && e.Code != cases.EINTERNAL {
					j.Err = e.Message
				} else {
					s.log.Error("roster import", "err", err)
					j.Err = "导入失败：服务器内部错误，请稍后重试"
				}
			default:
				j.Snapshot = snap.ID
			}
		})
	}()
	c.Redirect(http.StatusSeeOther, "/roster/jobs/"+id)
}

type rosterJobPage struct {
	Job     rosterJob
	More    int // errors not listed
	Stage   string
	Seconds int
}

func (s *Server) handleRosterJob(c *gin.Context) {
	p := who(c)
	j, ok := s.rosterJobs.get(c.Param("id"))
	if !ok || j.User != p.user.ID {
		s.fail(c, cases.NotFound("没有这项导入任务（任务只保留一天）"))
		return
	}
	if j.Done && j.Snapshot != "" {
		redirect(c, "/roster/snapshots/"+j.Snapshot, "roster-imported", j.Snapshot)
		return
	}
	stage := map[string]string{roster.StageRead: "正在读取和校验", roster.StageCheck: "正在比对预警规则", roster.StageWrite: "正在保存"}[j.Stage]
	if !j.Done {
		c.Header("Refresh", "1")
	}
	status := http.StatusOK
	if j.Rows != nil || j.Err != "" {
		status = http.StatusUnprocessableEntity
	}
	page := rosterJobPage{Job: j, Stage: stage, Seconds: int(time.Since(j.Started).Seconds())}
	if j.Rows != nil {
		page.More = j.Rows.Total - len(j.Rows.Errors)
	}
	s.render(c, status, "roster_job.html", "花名册导入", page)
}

type rosterSnapshotPage struct {
	Snap      roster.Snapshot
	Units     []roster.UnitCount
	Rules     []ruleCount
	New, Kept int
	Resolved  int
	Carried   int
}

type ruleCount struct {
	Rule  roster.RuleInfo
	N     int
	Query string
}

func (s *Server) handleRosterSnapshot(c *gin.Context) {
	p := who(c)
	snap, err := s.roster.Snapshot(c, c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	// The snapshot as the viewer's region shows it: head counts, units and
	// coverage of other regions are left out, and a snapshot with nothing
	// in the region is not found, as on the list and in the API.
	snap, ok, err := s.roster.Scoped(c, p.scope, snap)
	if err == nil && !ok {
		err = cases.NotFound("没有编号为 %s 的花名册", c.Param("id"))
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	// Counts within the user's scope, from the warnings themselves.
	ws, _, _, err := s.roster.Warnings(c, roster.Filter{Scope: p.scope, Snapshot: snap.ID, All: true, PerPage: 1 << 30})
	if err != nil {
		s.fail(c, err)
		return
	}
	page := rosterSnapshotPage{Snap: snap, Units: snap.Units}
	t := roster.Count(ws)
	for _, r := range roster.Rules {
		page.Rules = append(page.Rules, ruleCount{Rule: r, N: t.ByRule[r.Rule], Query: url.Values{"snapshot": {snap.ID}, "rule": {string(r.Rule)}}.Encode()})
	}
	page.New, page.Kept, page.Resolved, page.Carried = t.ByChange[roster.New], t.ByChange[roster.Persisting], t.ByChange[roster.Resolved], t.Carried
	s.render(c, http.StatusOK, "roster_snapshot.html", "花名册 "+snap.Date, page)
}

type rosterUnitPage struct {
	Snap     roster.Snapshot
	Unit     cases.Unit
	Persons  []roster.Person
	Revealed map[int]string
	Office   bool
}

func (s *Server) rosterUnitPage(c *gin.Context, revealed map[int]string) {
	p := who(c)
	snap, err := s.roster.Snapshot(c, c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	u, err := s.svc.Unit(c, p.scope, c.Param("code"))
	if err != nil {
		s.fail(c, err)
		return
	}
	ps, err := s.roster.UnitPersons(c, p.scope, snap.ID, u.Code)
	if err != nil {
		s.fail(c, err)
		return
	}
	if revealed != nil {
		c.Header("Cache-Control", "no-store")
	}
	s.render(c, http.StatusOK, "roster_unit.html", u.Name+" 花名册", rosterUnitPage{Snap: snap, Unit: u, Persons: ps, Revealed: revealed, Office: p.user.Has(cases.RoleOffice)})
}

func (s *Server) handleRosterUnit(c *gin.Context) { s.rosterUnitPage(c, nil) }

// handleRosterReveal shows one person's ID number: a POST, so that no
// prefetch or reload opens it unasked, and each showing is logged.
func (s *Server) handleRosterReveal(c *gin.Context) {
	p := who(c)
	if _, err := s.svc.Unit(c, p.scope, c.Param("code")); err != nil {
		s.fail(c, err)
		return
	}
	row, _ := strconv.Atoi(c.PostForm("row"))
	id, err := s.roster.Reveal(c, p.user.Actor(cases.RoleOffice), clientIP(c), c.Param("id"), c.Param("code"), row)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.rosterUnitPage(c, map[int]string{row: id})
}

type warningListPage struct {
	Rows        []roster.Warning
	Snap        roster.Snapshot
	Snapshots   []roster.Snapshot
	Rules       []roster.RuleInfo
	Changes     []roster.Change
	Rule        string
	Change      string
	Unit        string
	All         bool
	Total, Page int
	Pre, Next   string
}

func warningFilter(c *gin.Context, p *principal) roster.Filter {
	page, _ := strconv.Atoi(c.Query("page"))
	return roster.Filter{Scope: p.scope, Snapshot: c.Query("snapshot"), Rule: roster.Rule(c.Query("rule")), Change: roster.Change(c.Query("change")),
		All: c.Query("all") == "1", Unit: c.Query("unit"), Page: max(page, 1), PerPage: 50}
}

func (s *Server) handleWarningList(c *gin.Context) {
	p := who(c)
	f := warningFilter(c, p)
	ws, total, snap, err := s.roster.Warnings(c, f)
	if err != nil {
		s.fail(c, err)
		return
	}
	snaps, err := s.roster.Snapshots(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	page := warningListPage{Rows: ws, Snap: snap, Snapshots: snaps, Rules: roster.Rules, Changes: []roster.Change{roster.New, roster.Persisting, roster.Resolved},
		Rule: string(f.Rule), Change: string(f.Change), Unit: f.Unit, All: f.All, Total: total, Page: f.Page}
	q := c.Request.URL.Query()
	if f.Page > 1 {
		q.Set("page", strconv.Itoa(f.Page-1))
		page.Pre = q.Encode()
	}
	if f.Page*f.PerPage < total {
		q.Set("page", strconv.Itoa(f.Page+1))
		page.Next = q.Encode()
	}
	s.render(c, http.StatusOK, "warnings.html", "红灯预警", page)
}

type warningPage struct {
	W      roster.Warning
	Info   roster.RuleInfo
	Kind   string
	Office bool
}

func (s *Server) handleWarning(c *gin.Context) {
	p := who(c)
	w, err := s.roster.Warning(c, p.scope, c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	info, _ := w.Rule.Info()
	kind := info.Kind
	if k, ok := s.cat.Kind(info.Kind); ok {
		kind = k.Code + " " + k.Name
	}
	s.render(c, http.StatusOK, "warning.html", "预警 "+info.Label, warningPage{W: w, Info: info, Kind: kind, Office: p.user.Has(cases.RoleOffice)})
}

func (s *Server) handleWarningCase(c *gin.Context) {
	p := who(c)
	k, replayed, err := s.roster.ToCase(c, p.scope, p.user.Actor(cases.RoleOffice), c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	if replayed {
		redirect(c, "/cases/"+k.No, "warning-existing", k.No)
		return
	}
	redirect(c, "/cases/"+k.No, "warning-registered", k.No)
}

// The API.

func (s *Server) handleRosterSnapshotsAPI(c *gin.Context) {
	snaps, err := s.scopedSnapshots(c, who(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"snapshots": snaps})
}

func (s *Server) handleRosterSnapshotAPI(c *gin.Context) {
	snap, err := s.roster.Snapshot(c, c.Param("id"))
	ok := false
	if err == nil {
		snap, ok, err = s.roster.Scoped(c, who(c).scope, snap)
	}
	if err == nil && !ok {
		err = cases.NotFound("没有编号为 %s 的花名册", c.Param("id"))
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, snap)
}

// handleRosterImportAPI imports synchronously: a client waits for the
// snapshot, or gets every bad cell (400, errors[]).
func (s *Server) handleRosterImportAPI(c *gin.Context) {
	p := who(c)
	name, data, err := rosterUpload(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	cov, units := rosterCoverage(c)
	snap, err := s.roster.Import(c, p.user.Actor(cases.RoleOffice), roster.ImportInput{Date: c.PostForm("date"), File: name, Body: bytes.NewReader(data),
		Scope: p.scope, Coverage: cov, Units: units})
	var re *roster.RowErrors
	if errors.As(err, &re) {
		c.JSON(http.StatusBadRequest, gin.H{"error": gin.H{"code": cases.EINVALID, "field": "file", "message": re.Error()}, "errors": re.Errors, "total": re.Total})
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, snap)
}

func (s *Server) handleWarningsAPI(c *gin.Context) {
	p := who(c)
	f := warningFilter(c, p)
	ws, total, snap, err := s.roster.Warnings(c, f)
	if err != nil {
		s.fail(c, err)
		return
	}
	if ws == nil {
		ws = []roster.Warning{}
	}
	c.JSON(http.StatusOK, gin.H{"snapshot": snap.ID, "date": snap.Date, "warnings": ws, "total": total, "page": f.Page})
}

func (s *Server) handleWarningAPI(c *gin.Context) {
	p := who(c)
	w, err := s.roster.Warning(c, p.scope, c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, w)
}

func (s *Server) handleWarningCaseAPI(c *gin.Context) {
	p := who(c)
	k, replayed, err := s.roster.ToCase(c, p.scope, p.user.Actor(cases.RoleOffice), c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	status := http.StatusCreated
	if replayed {
		status = http.StatusOK
	}
	c.JSON(status, gin.H{"case_no": k.No, "replayed": replayed})
}

// countWarnings counts the header's 新预警 queue: the latest snapshot's new
// warnings not yet made into cases.
func (s *Server) countWarnings(c *gin.Context, p *principal) (int, error) {
	if s.roster == nil {
		return 0, nil
	}
	return s.roster.OpenCount(c, p.scope)
}
