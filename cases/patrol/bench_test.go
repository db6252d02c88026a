package patrol_test

import (
	"fmt"
	"testing"

	"rectify/cases/patrol"
)

// BenchmarkUnitsOf is the per-request cost of a patrol user's scope:
// ten years of rounds (4 a year, 20 teams of 5 members, 10 units each).
func BenchmarkUnitsOf(b *testing.B) {
	var rounds []patrol.Round
	for y := range 10 {
		for q := range 4 {
			r := patrol.Round{Name: fmt.Sprintf("%d-%d", y, q), Start: fmt.Sprintf("%d-0%d-01", 2017+y, 2*q+1), End: fmt.Sprintf("%d-0%d-28", 2017+y, 2*q+2)}
			for t := range 20 {
				tm := patrol.Team{Name: fmt.Sprint(t)}
				for m := range 5 {
					tm.Members = append(tm.Members, fmt.Sprintf("u%d", (t*5+m+q)%120))
				}
				for u := range 10 {
					tm.Units = append(tm.Units, fmt.Sprintf("U%03d", t*10+u))
				}
				r.Teams = append(r.Teams, tm)
			}
			rounds = append(rounds, r)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if len(patrol.UnitsOf(rounds, "u7", "2026-05-10")) == 0 {
			b.Fatal("no units")
		}
	}
}
