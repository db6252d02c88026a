// Package demo loads the demo data set (data/, built into the binary so that
// `rectify serve --demo` works from any directory): units from a CSV file
// and cases replayed step by step through the real ledger service, each
// step at the time the data gives, so that numbering, hashes, deadlines and
// lights are exactly what the product would have produced. Loading is
// idempotent: each case carries an idempotency key, and a case's steps are
// replayed only past the version it has already reached.
package demo

import (
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
	"time"

	"rectify/cases"
	"rectify/cases/documents"
	"rectify/cases/unitfile"
)

// File is the cases file of the demo data set.
type File struct {
	Version int    `json:"version"`
	Cases   []Case `json:"cases"`
}

// Case is one demo case and the steps it went through.
type Case struct {
	Key          string             `json:"key"`
	RegisteredAt time.Time          `json:"registered_at"`
	Actor        cases.Actor        `json:"actor"`
	Registration cases.Registration `json:"registration"`
	Steps        []Step             `json:"steps"`
}

// Step is one transition of a demo case.
type Step struct {
	Action  cases.Action `json:"action"`
	At      time.Time    `json:"at"`
	Actor   cases.Actor  `json:"actor"`
	Input   cases.Input  `json:"input"`
	Comment string       `json:"comment"`
}

// Summary says what Load did.
type Summary struct {
	Units, Registered, Steps int
}

//go:embed data
var builtin embed.FS

// Builtin is the demo data set built into the binary.
func Builtin() fs.FS {
	sub, _ := fs.Sub(builtin, "data")
	return sub
}

// Load imports the units and replays the cases of data set dir (units.csv,
// cases.json) through the ledger, on a clock of its own set to each step's
// time. Each order to rectify is issued as the office issues it: a
// numbered rectification notice (整改通知书), rendered, stored and recorded
// through docs, which moves the case. Only tests of other packages, which
// need the ledger alone, pass a nil docs: their orders then carry no
// notice.
func Load(ctx context.Context, ledger *cases.Service, docs *documents.Service, dir fs.FS) (Summary, error) {
	var sum Summary
	data, err := fs.ReadFile(dir, "units.csv")
	if err != nil {
		return sum, fmt.Errorf("demo data: %w", err)
	}
	units, err := unitfile.Parse(data)
	if err != nil {
		return sum, fmt.Errorf("demo units: %w", err)
	}
	var clock time.Time
	now := func() time.Time { return clock }
	svc := ledger.WithClock(now)
	if docs != nil {
		docs = docs.WithClock(now)
	}
	clock = time.Now()
	if err := svc.ImportUnits(ctx, units); err != nil {
		return sum, fmt.Errorf("demo units: %w", err)
	}
	sum.Units = len(units)

	raw, err := fs.ReadFile(dir, "cases.json")
	if err != nil {
		return sum, fmt.Errorf("demo data: %w", err)
	}
	var f File
	if err := json.Unmarshal(raw, &f); err != nil {
		return sum, fmt.Errorf("demo cases: %w", err)
	}
	// Registration order decides ledger numbers.
	sort.SliceStable(f.Cases, func(i, j int) bool { return f.Cases[i].RegisteredAt.Before(f.Cases[j].RegisteredAt) })
	for _, dc := range f.Cases {
		clock = dc.RegisteredAt
		c, replayed, err := svc.Register(ctx, cases.GlobalScope, dc.Actor, dc.Registration, dc.Key)
		if err != nil {
			return sum, fmt.Errorf("demo case %s: %w", dc.Key, err)
		}
		if !replayed {
			sum.Registered++
		}
		for i, st := range dc.Steps {
			if i+2 <= c.Version {
				continue // already replayed on an earlier start
			}
			clock = st.At
			if st.Action == cases.ActionOrderRectification && docs != nil {
				c, err = orderByNotice(ctx, docs, c, st)
			} else {
				c, _, err = svc.Transition(ctx, cases.GlobalScope, c.No, st.Actor, st.Action, st.Input, st.Comment, c.Version)
			}
			if err != nil {
				return sum, fmt.Errorf("demo case %s step %d (%s): %w", dc.Key, i+1, st.Action, err)
			}
			sum.Steps++
		}
	}
	return sum, nil
}

// orderByNotice orders case c to rectify as step st says, by issuing the
// unit a notice for it, and returns the case as the notice left it.
func orderByNotice(ctx context.Context, docs *documents.Service, c cases.Case, st Step) (cases.Case, error) {
	req := documents.NoticeRequest{UnitCode: c.UnitCode, Items: []documents.NoticeItem{{No: c.No, Requirements: st.Input.Requirements}},
		Deadline: st.Input.Deadline, WorkingDays: st.Input.WorkingDays}
	out, _, err := docs.Notice(ctx, cases.GlobalScope, st.Actor, req, false)
	if err != nil {
		return c, fmt.Errorf("issue notice: %w", err)
	}
	if len(out.Cases) != 1 {
		return c, fmt.Errorf("notice %s issued, but case %s was not ordered", out.Document.Number, c.No)
	}
	return out.Cases[0], nil
}
