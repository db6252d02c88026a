package documents

import "testing"

func TestLatest(t *testing.T) {
	n1 := Document{ID: "notice-2026-0001", Kind: KindNotice}
	n2 := Document{ID: "notice-2026-0002", Kind: KindNotice, Replaces: "notice-2026-0001"}
	n3 := Document{ID: "notice-2026-0003", Kind: KindNotice}
	f1 := Document{ID: "feedback-2026-0001", Kind: KindFeedback}
	tests := []struct {
		name string
		ds   []Document
		want string
	}{
		{"OK", []Document{n1, f1}, n1.ID},
		{"Reissued", []Document{n1, n2, f1}, n2.ID},
		{"ReissueListedFirst", []Document{n2, n1}, n2.ID},
		{"NoticeAfterReopening", []Document{n1, n2, f1, n3}, n3.ID},
		{"NoNotice", []Document{f1}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := latest(tt.ds, KindNotice)
			if got.ID != tt.want || ok != (tt.want != "") {
				t.Fatalf("got %q %v, want %q", got.ID, ok, tt.want)
			}
		})
	}
}
