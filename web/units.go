package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"rectify/cases"
	"rectify/cases/unitfile"
)

// MaxImportBody bounds a units file upload.
const MaxImportBody = 20 << 20

// unitBody is a unit as the API returns it, with what it is over (超编,
// 超职数) as the console shows it.
type unitBody struct {
	cases.Unit
	Overages []cases.Overage `json:"overages"`
}

func unitBodyOf(u cases.Unit) unitBody { return unitBody{Unit: u, Overages: u.Overages()} }

// withRoster attaches to each unit what the latest staffing roster
// speaking for it shows (cases.Unit.Roster): a unit's overages and
// standing read the roster's head counts where one exists.
func (s *Server) withRoster(ctx context.Context, us []cases.Unit) error {
	if s.roster == nil {
		return nil
	}
	return s.roster.Attach(ctx, us)
}

// unitWithRoster reads one unit within scope, with its roster counts.
func (s *Server) unitWithRoster(ctx context.Context, scope cases.Scope, code string) (cases.Unit, error) {
	u, err := s.svc.Unit(ctx, scope, code)
	if err != nil {
		return u, err
	}
	us := []cases.Unit{u}
	if err := s.withRoster(ctx, us); err != nil {
		return u, err
	}
	return us[0], nil
}

type listBody[T any] struct {
	Items   []T `json:"items"`
	Total   int `json:"total"`
	Page    int `json:"page"`
	PerPage int `json:"per_page"`
}

func (s *Server) handleUnitList(c *gin.Context) {
	q, err := newQuery(c, "region", "kind", "q", "page", "per_page")
	if err != nil {
		s.writeError(c, err)
		return
	}
	f := cases.UnitFilter{Scope: who(c).scope, Region: q.str("region"), Text: q.str("q")}
	if k := q.str("kind"); k != "" {
		kind, ok := cases.ParseUnitKind(k)
		if !ok {
			s.invalid(c, "kind", "未知的单位类别「%s」", k)
			return
		}
		f.Kind = kind
	}
	if f.Page, err = q.int("page", 1, 1000000); err == nil {
		f.PerPage, err = q.int("per_page", 1, cases.MaxPerPage)
	}
	if err != nil {
		s.writeError(c, err)
		return
	}
	us, total, err := s.svc.Units(c, f)
	if err == nil {
		err = s.withRoster(c, us)
	}
	if err != nil {
		s.writeError(c, err)
		return
	}
	page, per := pageOf(f.Page, f.PerPage)
	items := make([]unitBody, len(us))
	for i, u := range us {
		items[i] = unitBodyOf(u)
	}
	c.JSON(http.StatusOK, listBody[unitBody]{items, total, page, per})
}

func pageOf(page, per int) (int, int) {
	if page < 1 {
		page = 1
	}
	if per < 1 {
		per = 50
	}
	return page, per
}

func (s *Server) handleUnitGet(c *gin.Context) {
	u, err := s.unitWithRoster(c, who(c).scope, c.Param("code"))
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, unitBodyOf(u))
}

func (s *Server) handleUnitStanding(c *gin.Context) {
	u, err := s.unitWithRoster(c, who(c).scope, c.Param("code"))
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, s.svc.StandingsOf([]cases.Unit{u})[u.Code])
}

// handleUnitImport takes a CSV or XLSX file, either as the raw body or as
// the "file" part of a multipart form. Every row is validated before any
// unit is written.
func (s *Server) handleUnitImport(c *gin.Context) {
	data, err := s.readUpload(c)
	if err != nil {
		s.writeError(c, err)
		return
	}
	// Row by row, the caller's region: where a unit is placed, and where
	// the unit it changes stood before (a county office may neither create
	// units elsewhere nor move or change a city's).
	p := who(c)
	units, err := unitfile.ParseChecked(data, func(row int, u cases.Unit) error {
		if !p.scope.AllowsUnit(u) {
			return &cases.Error{Code: cases.EFORBIDDEN, Field: "region", Row: row,
				Message: fmt.Sprintf("第 %d 行：单位 %s 的地区「%s」不在您的管辖范围内", row, u.Code, strings.Join(u.Region, "/"))}
		}
		if old, err := s.svc.Unit(c, cases.GlobalScope, u.Code); err == nil && !p.scope.AllowsUnit(old) {
			return &cases.Error{Code: cases.EFORBIDDEN, Field: "code", Row: row,
				Message: fmt.Sprintf("第 %d 行：单位 %s 已存在且不在您的管辖范围内", row, u.Code)}
		} else if err != nil && cases.ErrorCode(err) != cases.ENOTFOUND {
			return err
		}
		return nil
	})
	if err != nil {
		s.writeError(c, err)
		return
	}
	if err := s.svc.ImportUnits(c, units); err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"imported": len(units)})
}

func (s *Server) readUpload(c *gin.Context) ([]byte, error) {
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, MaxImportBody)
	tooBig := func(err error) error {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return cases.Invalid("file", "文件超过 %d MB", MaxImportBody>>20)
		}
		return cases.Invalid("file", "无法读取上传的文件：%v", err)
	}
	mt, _, _ := mime.ParseMediaType(c.GetHeader("Content-Type"))
	switch mt {
	case "multipart/form-data":
		fh, err := c.FormFile("file")
		if err != nil {
			if errors.Is(err, http.ErrMissingFile) {
				return nil, cases.Invalid("file", "表单中没有名为 file 的文件")
			}
			return nil, tooBig(err)
		}
		f, err := fh.Open()
		if err != nil {
			return nil, tooBig(err)
		}
		defer f.Close()
		b, err := io.ReadAll(f)
		if err != nil {
			return nil, tooBig(err)
		}
		return b, nil
	case "text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/octet-stream":
		b, err := io.ReadAll(c.Request.Body)
		if err != nil {
			return nil, tooBig(err)
		}
		if len(b) == 0 {
			return nil, cases.Invalid("file", "上传的文件是空的")
		}
		return b, nil
	default:
		return nil, cases.Invalid("Content-Type", "请上传 CSV 或 XLSX 文件（text/csv、XLSX，或 multipart/form-data 中名为 file 的部分）")
	}
}
