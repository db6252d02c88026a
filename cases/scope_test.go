package cases

import "testing"

func TestScopeAllows(t *testing.T) {
	qh := Case{UnitCode: "QH001", Region: []string{"江南省", "云州市", "清河县"}}
	city := Case{UnitCode: "YZ001", Region: []string{"江南省", "云州市"}}
	tests := []struct {
		name  string
		s     Scope
		c     Case
		allow bool
	}{
		{"CitySeesCounty", Scope{Region: "江南省/云州市"}, qh, true},
		{"CountySeesItself", Scope{Region: "江南省/云州市/清河县"}, qh, true},
		{"CountyNotCity", Scope{Region: "江南省/云州市/清河县"}, city, false},
		{"NeighbourCounty", Scope{Region: "江南省/云州市/安平县"}, qh, false},
		{"PrefixIsNotParent", Scope{Region: "江南省/云州"}, qh, false},
		{"UnitOwn", Scope{Region: "江南省/云州市/清河县", Units: []string{"QH001"}}, qh, true},
		{"UnitOther", Scope{Region: "江南省/云州市", Units: []string{"QH002"}}, qh, false},
		{"NoUnits", Scope{Region: "江南省", Units: []string{}}, qh, false},
		{"EmptyScopeSeesNothing", Scope{}, qh, false},
		{"Global", GlobalScope, qh, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.s.AllowsCase(tt.c); got != tt.allow {
				t.Errorf("got %v", got)
			}
		})
	}
}

func TestRedactForUnit(t *testing.T) {
	c := RedactForUnit(Case{No: "2026-0001", SourceRef: "12310-2026-0001", RegisteredBy: "sun.li", VerifiedBy: "li.ming",
		Assignee: "李明", Outcome: "纪移〔2026〕1号", Title: "t", Requirements: "r", Deadline: "2026-12-01"})
	if c.SourceRef != "" || c.RegisteredBy != "" || c.VerifiedBy != "" || c.Assignee != "" || c.Outcome != "" {
		t.Fatalf("not redacted: %+v", c)
	}
	if c.Title != "t" || c.Requirements != "r" || c.Deadline != "2026-12-01" {
		t.Fatalf("too much redacted: %+v", c)
	}
	evs := RedactEventsForUnit([]Event{
		{Seq: 1, Action: ActionRegister, Actor: Actor{ID: "sun.li", Name: "孙丽", Role: RoleHotline}, Comment: "举报人：张某",
			Registered: &Registered{Registration: Registration{SourceRef: "12310-2026-0001", Title: "t"}}},
		{Seq: 2, Action: ActionStartVerification, Actor: Actor{ID: "li.ming", Role: RoleOffice}},
		{Seq: 3, Action: ActionOrderRectification, Actor: Actor{ID: "li.ming", Role: RoleOffice}, Input: &Input{Requirements: "r", Deadline: "2026-12-01"}, Comment: "内部"},
		{Seq: 4, Action: ActionSubmit, Actor: Actor{ID: "unit.a", Role: RoleUnit}, Input: &Input{Report: "done", Evidence: []string{"e.pdf"}}, Attachments: []string{"e.pdf"}},
		{Seq: 5, Action: ActionConfirm, Actor: Actor{ID: "li.ming", Role: RoleOffice}, Input: &Input{Note: "核验意见"}},
		{Seq: 6, Action: ActionReturn, Actor: Actor{ID: "li.ming", Role: RoleOffice}, Input: &Input{Reason: "材料不全"}},
	})
	if len(evs) != 4 {
		t.Fatalf("%d events, want register, order, submit, return", len(evs))
	}
	if evs[0].Comment != "" || evs[0].Registered.SourceRef != "" || evs[0].Actor.ID != "" || evs[1].Comment != "" {
		t.Fatalf("internal material kept: %+v", evs[:2])
	}
	if evs[1].Input.Requirements != "r" || evs[2].Actor.ID != "unit.a" || evs[3].Input.Reason != "材料不全" {
		t.Fatalf("unit material lost: %+v", evs)
	}
}
