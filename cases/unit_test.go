package cases

import (
	"reflect"
	"testing"
)

func TestUnitOverages(t *testing.T) {
	tests := []struct {
		name     string
		u        Unit
		want     []Overage
		words    []string
		est, ldr bool
	}{
		{"OK_WithinEverything", Unit{Establishment: []Establishment{{Type: "行政编制", Approved: 10, Actual: 10}, {Type: "事业编制", Approved: 5, Actual: 3}},
			LeaderPosts: Posts{Approved: 4, Actual: 4}}, []Overage{}, nil, false, false},
		{"OK_NoFigures", Unit{}, []Overage{}, nil, false, false},
		{"OverEstablishment", Unit{Establishment: []Establishment{{Type: "行政编制", Approved: 20, Actual: 22}, {Type: "工勤编制", Approved: 3, Actual: 1}}},
			[]Overage{{Type: "行政编制", Approved: 20, Actual: 22, Over: 2}}, []string{"行政编制超编 2 名"}, true, false},
		{"OverQuota", Unit{Establishment: []Establishment{{Type: "行政编制", Approved: 20, Actual: 20}}, LeaderPosts: Posts{Approved: 5, Actual: 6}},
			[]Overage{{Type: LeaderPostsType, Approved: 5, Actual: 6, Over: 1}}, []string{"超职数 1 名"}, false, true},
		{"OverBothInUnitOrder", Unit{Establishment: []Establishment{{Type: "事业编制", Approved: 300, Actual: 310}, {Type: "行政编制", Approved: 0, Actual: 1}},
			LeaderPosts: Posts{Approved: 0, Actual: 2}},
			[]Overage{{Type: "事业编制", Approved: 300, Actual: 310, Over: 10}, {Type: "行政编制", Approved: 0, Actual: 1, Over: 1}, {Type: LeaderPostsType, Approved: 0, Actual: 2, Over: 2}},
			[]string{"事业编制超编 10 名", "行政编制超编 1 名", "超职数 2 名"}, true, true},
		// The roster's head counts stand for the counts on file: 6
		// leaders on the roster against 4 posts, though 4 are on file.
		{"RosterOverQuota", Unit{Establishment: []Establishment{{Type: "行政编制", Approved: 20, Actual: 19}}, LeaderPosts: Posts{Approved: 4, Actual: 4},
			Roster: &RosterCount{Date: "2026-06-30", ByType: map[string]int{"行政编制": 19}, Leaders: 6}},
			[]Overage{{Type: LeaderPostsType, Approved: 4, Actual: 6, Over: 2}}, []string{"超职数 2 名"}, false, true},
		{"RosterOverEstablishment", Unit{Establishment: []Establishment{{Type: "行政编制", Approved: 20, Actual: 19}},
			Roster: &RosterCount{ByType: map[string]int{"行政编制": 21, "工勤编制": 1}}},
			[]Overage{{Type: "行政编制", Approved: 20, Actual: 21, Over: 1}, {Type: "工勤编制", Actual: 1, Over: 1}},
			[]string{"行政编制超编 1 名", "工勤编制超编 1 名"}, true, false},
		// A roster below the counts on file clears an overage on file.
		{"OK_RosterWithin", Unit{Establishment: []Establishment{{Type: "事业编制", Approved: 300, Actual: 310}}, LeaderPosts: Posts{Approved: 2, Actual: 3},
			Roster: &RosterCount{ByType: map[string]int{"事业编制": 298}, Leaders: 2}}, []Overage{}, nil, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.u.Overages()
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
			var words []string
			for _, o := range got {
				words = append(words, o.String())
			}
			if !reflect.DeepEqual(words, tt.words) {
				t.Errorf("in words %q, want %q", words, tt.words)
			}
			if tt.u.OverEstablished() != tt.est || tt.u.OverQuota() != tt.ldr {
				t.Errorf("over-established %v, over quota %v; want %v, %v", tt.u.OverEstablished(), tt.u.OverQuota(), tt.est, tt.ldr)
			}
			// The unit page's table has a row for every overage of an
			// establishment type, showing the same excess (a roster type
			// the unit has no establishment of had no row).
			rows := map[string]EstablishmentRow{}
			for _, r := range tt.u.EstablishmentRows() {
				rows[r.Type] = r
			}
			for _, o := range got {
				if o.LeaderPosts() {
					continue
				}
				if r, ok := rows[o.Type]; !ok || r.Actual-r.Approved != o.Over {
					t.Errorf("overage %+v: the page's row is %+v (found %v)", o, r, ok)
				}
			}
		})
	}
}

func TestOverageShort(t *testing.T) {
	for _, tt := range []struct {
		o    Overage
		want string
	}{
		{Overage{Type: "行政编制", Over: 2}, "超编 2"},
		{Overage{Type: LeaderPostsType, Over: 1}, "超职数 1"},
	} {
		if got := tt.o.Short(); got != tt.want {
			t.Errorf("%+v.Short() = %q, want %q", tt.o, got, tt.want)
		}
	}
}
