package referral_test

import (
	"testing"

	"rectify/cases"
	"rectify/cases/referral"
)

func sample() referral.Batch {
	return referral.Batch{Office: " 市委巡察办 ", LetterNo: "云巡办移〔2026〕12号", Round: "第三轮", Team: "市委第一巡察组", Received: "2026-03-02",
		Level: cases.LevelInternal, Items: []referral.Item{{UnitCode: "QH001", Kind: "V01", Title: " 超编进人 ", Facts: "事实"}}}
}

func TestIdentity(t *testing.T) {
	a := referral.Normalize(sample())
	b := sample()
	b.Office = "市委巡察办"
	if got := referral.Normalize(b); got.ID != a.ID || got.Hash != a.Hash {
		t.Fatalf("spacing changed the identity: %s %s / %s %s", got.ID, got.Hash, a.ID, a.Hash)
	}
	tests := []struct {
		name       string
		edit       func(*referral.Batch)
		sameID     bool
		sameDigest bool
	}{
		{"OtherTitle", func(b *referral.Batch) { b.Items[0].Title = "另一个" }, true, false},
		{"OtherLevel", func(b *referral.Batch) { b.Level = cases.LevelSecret }, true, false},
		{"OtherRegistrant", func(b *referral.Batch) { b.RegisteredBy = cases.Actor{ID: "zhao.lei"} }, true, true},
		{"OtherLetter", func(b *referral.Batch) { b.LetterNo = "云巡办移〔2026〕13号" }, false, false},
		{"OtherOffice", func(b *referral.Batch) { b.Office = "县委巡察办" }, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := sample()
			b.Items = append([]referral.Item{}, b.Items...)
			tt.edit(&b)
			got := referral.Normalize(b)
			if (got.ID == a.ID) != tt.sameID || (got.Hash == a.Hash) != tt.sameDigest {
				t.Fatalf("same id %v, same digest %v", got.ID == a.ID, got.Hash == a.Hash)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		edit   func(*referral.Batch)
		fields []string
	}{
		{"OK", func(*referral.Batch) {}, nil},
		{"ErrEverythingAtOnce", func(b *referral.Batch) {
			b.Office, b.LetterNo, b.Received, b.Level, b.Items = "", "", "2026-13-01", "top", nil
		}, []string{"office", "letter_no", "received", "level", "items"}},
		{"ErrReceivedMissing", func(b *referral.Batch) { b.Received = "" }, []string{"received"}},
		{"ErrTooMany", func(b *referral.Batch) { b.Items = make([]referral.Item, referral.MaxItems+1) }, []string{"items"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := sample()
			tt.edit(&b)
			err := referral.Validate(referral.Normalize(b))
			e, _ := cases.AsError(err)
			var got []string
			if e != nil {
				for _, f := range e.Fields {
					got = append(got, f.Field)
				}
			}
			if len(got) != len(tt.fields) {
				t.Fatalf("fields %v, want %v", got, tt.fields)
			}
			for i := range got {
				if got[i] != tt.fields[i] {
					t.Fatalf("fields %v, want %v", got, tt.fields)
				}
			}
		})
	}
}

func TestLetterCases(t *testing.T) {
	items := []referral.Item{{CaseNo: "2026-0001"}, {CaseNo: "2026-0002"}, {CaseNo: "2026-0003"}}
	tests := []struct {
		name   string
		states []cases.State
		nos    int
		final  bool
		rule   string
	}{
		{"Final", []cases.State{cases.StateClosed, cases.StateDismissed, cases.StateTransferred}, 3, true, ""},
		{"Interim", []cases.State{cases.StateClosed, cases.StateRectifying, cases.StateDismissed}, 2, false, ""},
		{"ErrNoneSettled", []cases.State{cases.StateRegistered, cases.StateConfirmed, cases.StateReopened}, 0, false, "none-settled"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := map[string]cases.State{}
			for i, s := range tt.states {
				st[items[i].CaseNo] = s
			}
			nos, final, err := referral.LetterCases(items, st)
			e, _ := cases.AsError(err)
			if len(nos) != tt.nos || final != tt.final || (tt.rule == "") != (err == nil) || (e != nil && e.Rule != tt.rule) {
				t.Fatalf("nos %v final %v err %v", nos, final, err)
			}
		})
	}
	t.Run("ErrIncomplete", func(t *testing.T) {
		_, _, err := referral.LetterCases([]referral.Item{{CaseNo: "2026-0001"}, {}}, map[string]cases.State{"2026-0001": cases.StateClosed})
		if e, _ := cases.AsError(err); e == nil || e.Rule != "batch-incomplete" {
			t.Fatalf("err %v", err)
		}
	})
}

func TestVisible(t *testing.T) {
	b := referral.Normalize(sample())
	b.Items[0].CaseNo, b.Items[0].Region = "2026-0001", []string{"江南省", "云州市", "清河县"}
	city := cases.Scope{Region: "江南省/云州市"}
	tests := []struct {
		name string
		v    referral.Viewer
		want bool
	}{
		{"Office", referral.Viewer{Roles: []cases.Role{cases.RoleOffice}, Scope: city}, true},
		{"OfficeOtherCounty", referral.Viewer{Roles: []cases.Role{cases.RoleOffice}, Scope: cases.Scope{Region: "江南省/云州市/安平县"}}, false},
		{"Approver", referral.Viewer{Roles: []cases.Role{cases.RoleApprover}, Scope: city}, true},
		{"PatrolOwnTeam", referral.Viewer{Roles: []cases.Role{cases.RolePatrol}, Scope: cases.Scope{Region: "江南省/云州市", Units: []string{}}, Teams: []referral.TeamRef{{Round: "第三轮", Team: "市委第一巡察组"}}}, true},
		{"PatrolSameTeamNameOtherRound", referral.Viewer{Roles: []cases.Role{cases.RolePatrol}, Scope: city, Teams: []referral.TeamRef{{Round: "第四轮", Team: "市委第一巡察组"}}}, false},
		{"PatrolOtherTeam", referral.Viewer{Roles: []cases.Role{cases.RolePatrol}, Scope: city, Teams: []referral.TeamRef{{Round: "第三轮", Team: "市委第二巡察组"}}}, false},
		{"PatrolNoTeam", referral.Viewer{Roles: []cases.Role{cases.RolePatrol}, Scope: city}, false},
		{"Unit", referral.Viewer{Roles: []cases.Role{cases.RoleUnit}, Scope: cases.Scope{Region: "江南省/云州市/清河县", Units: []string{"QH001"}}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := referral.Visible(b, tt.v); got != tt.want {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestTeamMayRefer(t *testing.T) {
	teams := []referral.TeamRef{{Round: "五轮", Team: "一组"}, {Round: "六轮", Team: "二组"}}
	for _, tc := range []struct {
		round, team, field string
	}{
		{"五轮", "一组", ""},
		{"六轮", "二组", ""},
		{"五轮", "二组", "team"}, // a team of another round
		{"", "一组", "round"},
		{"五轮", "", "team"},
	} {
		err := referral.TeamMayRefer(teams, referral.Batch{Round: tc.round, Team: tc.team})
		if tc.field == "" && err != nil || tc.field != "" && !hasField(err, tc.field) {
			t.Errorf("%s/%s: %v, want field %q", tc.round, tc.team, err, tc.field)
		}
	}
	if err := referral.TeamMayRefer(nil, referral.Batch{Round: "五轮", Team: "一组"}); err == nil {
		t.Error("no teams: allowed")
	}
}

func hasField(err error, field string) bool {
	e, ok := cases.AsError(err)
	if !ok {
		return false
	}
	if e.Field == field {
		return true
	}
	for _, f := range e.Fields {
		if f.Field == field {
			return true
		}
	}
	return false
}
