package demo

import (
	"context"
	"fmt"
	"time"

	"rectify/cases"
	"rectify/cases/patrol"
)

// PatrolRound is the demo's current patrol round: the team that referred
// the demo batch (市委第一巡察组, zhou.qiang) inspects the units of that
// batch. Its dates are set around the day the demo is loaded, so that the
// round is current whenever the demo runs.
func PatrolRound(today string) patrol.Round {
	t, _ := time.Parse(time.DateOnly, today)
	return patrol.Round{Name: Batches[0].Round, Start: t.AddDate(0, 0, -30).Format(time.DateOnly), End: t.AddDate(0, 0, 30).Format(time.DateOnly),
		Teams: []patrol.Team{{Name: Batches[0].Team, Members: []string{"zhou.qiang"}, Units: []string{"QH001", "YZ006", "YZ007"}}}}
}

// LoadPatrol creates the demo round unless it exists, and returns it.
func LoadPatrol(ctx context.Context, svc *patrol.Service, today string) (patrol.Round, error) {
	r := PatrolRound(today)
	if got, err := svc.Round(patrol.RoundID(r.Name)); err == nil {
		return got, nil
	}
	office := cases.Actor{ID: "li.ming", Name: "李明", Role: cases.RoleOffice}
	all := func(string) bool { return true } // the demo's own users and units
	got, err := svc.Create(ctx, office, r, patrol.Known{Patrol: all, Unit: all})
	if err != nil {
		return patrol.Round{}, fmt.Errorf("demo patrol round: %w", err)
	}
	return got, nil
}
