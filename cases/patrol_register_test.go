package cases

import "testing"

func TestPatrolMayRegister(t *testing.T) {
	for _, tt := range []struct {
		name, source, origin string
		ok                   bool
	}{
		{"OKTeamBatch", "patrol", "batch:云巡办移〔2026〕12号", true},
		{"ErrDirect", "patrol", "", false},
		{"ErrAuditSource", "audit", "", false},
		{"ErrHotlineSource", "hotline", "", false},
		{"ErrBatchOfAnotherSource", "audit", "batch:云巡办移〔2026〕12号", false},
		{"ErrHotlineReport", "hotline", "report:R1", false},
		{"ErrAuditClue", "patrol", "clue:A1", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := PatrolMayRegister(tt.source, tt.origin)
			if (err == nil) != tt.ok {
				t.Fatalf("got %v, want ok=%v", err, tt.ok)
			}
			if err != nil && (ErrorCode(err) != EREFUSED || err.(*Error).Rule != "patrol-referral") {
				t.Fatalf("got %v, want EREFUSED by rule patrol-referral", err)
			}
		})
	}
}
