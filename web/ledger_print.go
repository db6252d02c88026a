package web

import (
	"bytes"
	"fmt"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/sync/errgroup"

	"rectify/cases"
	"rectify/templates"
)

// printColumn is a column of the printed ledger.
type printColumn struct {
	templates.Column
	// officeOnly columns hold what RedactForUnit blanks: a unit liaison's
	// copy leaves them out rather than print them empty.
	officeOnly bool
	// grow columns share the width that left-out columns free.
	grow  bool
	value func(r ledgerRow, progress string) string
}

// printColumns are the columns of the printed ledger (问题整改台账), 267 mm
// across an A4 landscape page. The long texts get the room.
var printColumns = []printColumn{
	{Column: templates.Column{Header: "台账编号", Width: 16}, value: func(r ledgerRow, _ string) string { return r.No }},
	{Column: templates.Column{Header: "被监督单位", Width: 26}, value: func(r ledgerRow, _ string) string { return r.UnitName }},
	{Column: templates.Column{Header: "来源文号", Width: 32}, officeOnly: true, value: func(r ledgerRow, _ string) string { return r.SourceRef }},
	{Column: templates.Column{Header: "问题类型", Width: 20}, value: func(r ledgerRow, _ string) string { return r.KindName }},
	{Column: templates.Column{Header: "问题", Width: 52}, grow: true, value: func(r ledgerRow, _ string) string { return r.Title }},
	{Column: templates.Column{Header: "整改要求", Width: 43}, grow: true, value: func(r ledgerRow, _ string) string { return r.Requirements }},
	{Column: templates.Column{Header: "整改期限", Width: 17}, value: func(r ledgerRow, _ string) string { return r.Deadline }},
	{Column: templates.Column{Header: "状态", Width: 13}, value: func(r ledgerRow, _ string) string { return r.StateLabel }},
	{Column: templates.Column{Header: "预警", Width: 10}, value: func(r ledgerRow, _ string) string { return lightLabels[r.Light] }},
	{Column: templates.Column{Header: "承办人", Width: 13}, officeOnly: true, value: func(r ledgerRow, _ string) string { return r.Assignee }},
	{Column: templates.Column{Header: "最新进展", Width: 25}, value: func(_ ledgerRow, progress string) string { return progress }},
}

// sheetWidth is the width of the printed ledger's table in millimetres.
const sheetWidth = 267.0

// printLedger answers the printed ledger of rows for p: A4 landscape,
// a dozen or more cases a page, each with its latest progress.
func (s *Server) printLedger(c *gin.Context, p *principal, rows []ledgerRow, desc string, now time.Time, name string) {
	progress, err := s.latestProgress(c, p, rows)
	if err != nil {
		s.fail(c, err)
		return
	}
	var cols []printColumn
	used, grow := 0.0, 0
	for _, col := range printColumns {
		if col.officeOnly && unitOnly(p) {
			continue
		}
		cols = append(cols, col)
		used += col.Width
		if col.grow {
			grow++
		}
	}
	sheet := templates.Sheet{Office: s.cfg.Office, Title: "问题整改台账", Filter: desc, Printed: now, Zone: s.loc}
	for _, col := range cols {
		if col.grow {
			col.Width += (sheetWidth - used) / float64(grow)
		}
		sheet.Columns = append(sheet.Columns, col.Column)
	}
	sheet.Rows = make([][]string, len(rows))
	for i, r := range rows {
		line := make([]string, len(cols))
		for j, col := range cols {
			line[j] = col.value(r, progress[i])
		}
		sheet.Rows[i] = line
	}
	var buf bytes.Buffer
	if err := templates.RenderSheet(&buf, sheet, s.fonts(), time.Now()); err != nil {
		s.fail(c, fmt.Errorf("render ledger: %w", err))
		return
	}
	writePDF(c, name+".pdf", name+".pdf", buf.Bytes(), true)
}

// latestProgress is each row's latest step as p may see it, dated:
// "2026-11-20 下达整改要求", the date on a line of its own in print. A unit liaison's is the latest step its own
// timeline shows (RedactEventsForUnit), never an office-internal one.
func (s *Server) latestProgress(c *gin.Context, p *principal, rows []ledgerRow) ([]string, error) {
	var keep func(cases.Event) bool
	if unitOnly(p) {
		keep = func(e cases.Event) bool { return len(cases.RedactEventsForUnit([]cases.Event{e})) == 1 }
	}
	out := make([]string, len(rows))
	g, ctx := errgroup.WithContext(c)
	g.SetLimit(8)
	for i, r := range rows {
		g.Go(func() error {
			e, err := s.svc.LatestEvent(ctx, p.scope, r.No, keep)
			if err != nil {
				return fmt.Errorf("latest progress of %s: %w", r.No, err)
			}
			out[i] = cases.Day(e.At, s.loc) + "\n" + actionLabels[e.Action]
			return nil
		})
	}
	return out, g.Wait()
}
