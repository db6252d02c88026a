package hotline

import (
	"testing"

	"rectify/cases"
)

func TestAddBoundedPerReport(t *testing.T) {
	files := func(n int, size int64) []Attachment {
		out := make([]Attachment, n)
		for i := range out {
			out[i].Size = size
		}
		return out
	}
	r := Report{State: StateVerifying, Attachments: files(3, 10<<20)}
	r.Additions = []Addition{{Attachments: files(10, 1<<20)}}
	tests := []struct {
		name string
		add  []Attachment
		ok   bool
	}{
		{"OK", files(1, 1<<20), true},
		{"OKUpToTheBytes", files(1, MaxReportBytes-40<<20), true},
		{"OKUpToTheFiles", files(7, 1), true},
		{"ErrTooManyFiles", files(8, 1), false},
		{"ErrTooManyBytes", files(1, 10<<20+1), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Decide(r, Event{Kind: KindAdd, Attachments: tt.add})
			if (err == nil) != tt.ok {
				t.Fatalf("Decide: %v, want ok %v", err, tt.ok)
			}
			if err != nil && cases.ErrorCode(err) != cases.EINVALID {
				t.Fatalf("error %v: want invalid", err)
			}
		})
	}
}
