package clue_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"rectify/cases"
	"rectify/cases/casetest"
	"rectify/cases/clue"
)

// memStore is a clue.Store in memory: the index is what lists read, so
// the benchmark measures it, not a database.
type memStore struct {
	refs    []clue.Referral
	decided []clue.Decision
}

func (m *memStore) InsertReferral(context.Context, clue.Referral) error { return nil }
func (m *memStore) FindReferral(context.Context, string) (clue.Referral, error) {
	return clue.Referral{}, cases.NotFound("no")
}
func (m *memStore) Referrals(context.Context) ([]clue.Referral, error)  { return m.refs, nil }
func (m *memStore) InsertDecision(context.Context, clue.Decision) error { return nil }
func (m *memStore) FindDecision(context.Context, string) (clue.Decision, error) {
	return clue.Decision{}, cases.NotFound("no")
}
func (m *memStore) SetDecisionCase(context.Context, string, string) error { return nil }
func (m *memStore) DeleteDecision(context.Context, string) error          { return nil }
func (m *memStore) Decisions(context.Context) ([]clue.Decision, error)    { return m.decided, nil }
func (m *memStore) InsertLetter(context.Context, clue.Letter) error       { return nil }
func (m *memStore) Letters(context.Context) ([]clue.Letter, error)        { return nil, nil }

// benchIndex opens a service over n clues, five to a referral, received
// over the last 60 days, a third of them decided, in two counties.
func benchIndex(b *testing.B, n int) (*clue.Service, cases.Scope) {
	b.Helper()
	env := casetest.New(b, nil)
	m := &memStore{}
	day, _ := time.Parse(time.DateOnly, env.Service.Today())
	for i := 0; i < n/5; i++ {
		region := []string{"江南省", "云州市", []string{"清河县", "安平县"}[i%2]}
		r := clue.Referral{Office: "云州市审计局", ReportNo: fmt.Sprintf("云审移〔2026〕%d号", i+1), Received: day.AddDate(0, 0, -(i % 60)).Format(time.DateOnly),
			Level: cases.LevelInternal, Region: region}
		r.ID = clue.ReferralID(r.Office, r.ReportNo)
		for j := 1; j <= 5; j++ {
			r.Clues = append(r.Clues, clue.Clue{ID: clue.ClueID(r.ID, j), Seq: j, UnitCode: "QH001", Kind: "B01", Title: "超编进人", Facts: "事实"})
			if (i*5+j)%3 == 0 {
				m.decided = append(m.decided, clue.Decision{ClueID: clue.ClueID(r.ID, j), Outcome: clue.Rejected, Reason: "查无实据"})
			}
		}
		m.refs = append(m.refs, r)
	}
	cal := mustCal(b)
	s, err := clue.Open(context.Background(), clue.Config{Cases: env.Service, Store: m, Calendar: cal, Catalog: env.Catalog})
	if err != nil {
		b.Fatal(err)
	}
	return s, cases.Scope{Region: "江南省/云州市"}
}

// BenchmarkList10000Clues lists the first page of referrals with a red
// light among 10,000 clues, as the console's list does.
func BenchmarkList10000Clues(b *testing.B) {
	s, scope := benchIndex(b, 10000)
	ctx := context.Background()
	b.ResetTimer()
	for range b.N {
		rows, total, err := s.List(ctx, clue.Filter{Scope: scope, Light: cases.LightRed, PerPage: 30})
		if err != nil || total == 0 || len(rows) == 0 {
			b.Fatalf("%d rows of %d: %v", len(rows), total, err)
		}
	}
}

// BenchmarkPending10000Clues counts the 待认定线索 queue, as every page's
// header does.
func BenchmarkPending10000Clues(b *testing.B) {
	s, scope := benchIndex(b, 10000)
	b.ResetTimer()
	for range b.N {
		if s.Pending(scope) == 0 {
			b.Fatal("nothing pending")
		}
	}
}
