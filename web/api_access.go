package web

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"rectify/cases"
	"rectify/cases/access"
)

// accessFilter reads an access-log search from the query string.
// The console's form adds its own parameters (extra), which the caller
// reads.
func accessFilter(c *gin.Context, extra ...string) (access.AccessFilter, error) {
	q, err := newQuery(c, append([]string{"user", "action", "level", "target", "from", "to", "page", "per_page"}, extra...)...)
	if err != nil {
		return access.AccessFilter{}, err
	}
	f := access.AccessFilter{UserID: q.str("user"), Action: q.str("action"), Level: q.str("level"), Target: q.str("target")}
	if _, ok := accessActions[f.Action]; f.Action != "" && !ok {
		return f, cases.Invalid("action", "未知的操作「%s」", f.Action)
	}
	if f.Level != "" && !cases.Level(f.Level).Valid() {
		return f, cases.Invalid("level", "未知的密级「%s」", f.Level)
	}
	for _, d := range []struct {
		k  string
		to *time.Time
		n  int
	}{{"from", &f.From, 0}, {"to", &f.To, 1}} {
		if v := q.str(d.k); v != "" {
			t, err := time.ParseInLocation(time.DateOnly, v, time.FixedZone("CST", 8*3600))
			if err != nil {
				return f, cases.Invalid(d.k, "%s须为日期（年-月-日，如 2026-03-01）", paramLabel(d.k))
			}
			*d.to = t.AddDate(0, 0, d.n) // "to" includes that whole day
		}
	}
	if f.Page, err = q.int("page", 1, 1000000); err == nil {
		f.PerPage, err = q.int("per_page", 1, 500)
	}
	return f, err
}

func (s *Server) handleAccessLogAPI(c *gin.Context) {
	f, err := accessFilter(c)
	if err != nil {
		s.writeError(c, err)
		return
	}
	es, total, err := s.access.SearchAccess(c, f)
	if err != nil {
		s.writeError(c, err)
		return
	}
	page, per := pageOf(f.Page, f.PerPage)
	c.JSON(http.StatusOK, listBody[access.AccessEntry]{es, total, page, per})
}
