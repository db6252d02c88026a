package roster_test

import (
	"bytes"
	"context"
	"fmt"
	"runtime"
	"syscall"
	"testing"
	"time"

	"rectify/cases"
	"rectify/cases/casetest"
	"rectify/cases/roster"
)

// BenchmarkImport100k imports a 100,000-person XLSX roster of 500 units
// into the real store (the embedded FerretDB unless RECTIFY_MONGO_URI
// names a server). The file is made before the timer starts. It reports
// the peak of the Go runtime's memory from the OS (sys-MB; the process's
// peak RSS is measured with /usr/bin/time -v, see docs/PERFORMANCE.md).
func BenchmarkImport100k(b *testing.B) {
	ctx := context.Background()
	env := casetest.New(b, nil)
	const units, per = 500, 200
	var us []cases.Unit
	for u := range units {
		us = append(us, cases.Unit{Code: fmt.Sprintf("BM%03d", u), Name: fmt.Sprintf("基准单位%03d", u), Kind: "government", Region: []string{"江南省", "云州市", "清河县"},
			Establishment: []cases.Establishment{{Type: "行政编制", Approved: 180, Actual: 190}, {Type: "事业编制", Approved: 20, Actual: 10}}, LeaderPosts: cases.Posts{Approved: 8}})
	}
	if err := env.Service.ImportUnits(ctx, us); err != nil {
		b.Fatal(err)
	}
	svc, err := openRoster(b, env, rosterKey, &auditLog{})
	if err != nil {
		b.Fatal(err)
	}
	rows := make([][]string, 0, units*per)
	for u := range units {
		for i := range per {
			n := u*per + i
			// Births 1968–1999: as in a real roster, a few are past retirement
			// age (about 1 in 100 here: women workers born 1968–1975 are few).
			birth := fmt.Sprintf("%d-%02d-%02d", 1968+n%32, 1+n%12, 1+n%28)
			typ := "行政编制"
			if i%10 == 0 {
				typ = "事业编制"
			}
			st := roster.StatusActive
			if i == 7 {
				st = roster.StatusDeceased
			}
			rows = append(rows, roster.Row(fmt.Sprintf("BM%03d", u), fmt.Sprintf("人员%06d", n), roster.MakeID(fmt.Sprintf("33%04d", n/1000%10000), birth, n%1000), typ, "科员", i < 9, st, "2000-01-01", "", "", ""))
		}
	}
	var file bytes.Buffer
	if err := roster.WriteXLSX(&file, rows); err != nil {
		b.Fatal(err)
	}
	rows = nil
	data := file.Bytes()
	b.Logf("roster: %d persons, %d units, XLSX %.1f MB", units*per, units, float64(len(data))/1e6)
	runtime.GC()
	cpu0 := cpuTime()
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		last := ""
		snap, err := svc.Import(ctx, casetest.Office, roster.ImportInput{Scope: cases.GlobalScope, Date: "2026-06-30", File: "bench.xlsx", Body: bytes.NewReader(data),
			Progress: func(stage string, n int) {
				if stage != last {
					b.Logf("%s from %v", stage, time.Since(start).Round(time.Millisecond))
					last = stage
				}
			}})
		b.Logf("done at %v", time.Since(start).Round(time.Millisecond))
		if err != nil {
			b.Fatal(err)
		}
		if snap.Persons != units*per {
			b.Fatalf("imported %d", snap.Persons)
		}
	}
	b.StopTimer()
	// The process's CPU time (user + system, both the import and the
	// embedded engine, which runs in this process): on a loaded machine
	// the wall time says more about the neighbours than about the import.
	b.ReportMetric((cpuTime()-cpu0).Seconds()/float64(b.N), "cpu-s/op")
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.Sys)/(1<<20), "sys-MB")
	b.ReportMetric(float64(ms.HeapSys)/(1<<20), "heapsys-MB")
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
