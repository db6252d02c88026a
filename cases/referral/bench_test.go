package referral_test

import (
	"context"
	"fmt"
	"testing"

	"rectify/cases/casetest"
)

// BenchmarkRegisterBatch100 registers letters of 100 problems each on the
// embedded engine: the validation pass, the batch insert, 100 registrations
// and the batch's update.
func BenchmarkRegisterBatch100(b *testing.B) {
	e := newEnvTB(b)
	ctx := context.Background()
	b.ResetTimer()
	for i := range b.N {
		bt := batchOf(100)
		bt.LetterNo = fmt.Sprintf("云巡办移〔2026〕%d号", 1000+i)
		if _, _, err := e.Referral.Register(ctx, city, casetest.Office, bt); err != nil {
			b.Fatal(err)
		}
	}
}
