package checkpoint_test

import (
	"context"
	"testing"
	"time"

	"rectify/cases"
)

// BenchmarkWriteFull100k signs a full checkpoint of 100,000 cases and
// reads it back, as a server does once a day at a city's scale.
func BenchmarkWriteFull100k(b *testing.B) {
	benchWrite(b, 100_000, 0)
}

// BenchmarkWriteDelta100k writes a delta of 1,000 changed cases over
// 100,000 (an hour of a busy office) and reads the chain back.
func BenchmarkWriteDelta100k(b *testing.B) {
	benchWrite(b, 100_000, 1000)
}

func benchWrite(b *testing.B, n, changed int) {
	ctx := context.Background()
	s, now := newStore(b)
	hs := heads(n, func(int) int { return 1 })
	if changed > 0 {
		if _, _, err := s.Write(ctx, hs); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		*now = now.Add(time.Minute)
		next := make([]cases.Head, len(hs))
		copy(next, hs)
		if changed == 0 {
			for j := range next {
				next[j].Seq = i + 2
			}
		} else {
			for j := 0; j < changed; j++ {
				next[(i*changed+j)%n].Seq += 1
			}
		}
		hs = next
		if _, _, err := s.Write(ctx, hs); err != nil {
			b.Fatal(err)
		}
		if _, _, err := s.Latest(ctx); err != nil {
			b.Fatal(err)
		}
	}
}
