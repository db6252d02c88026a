package cases

import (
	"testing"
	"time"
)

// legacyChain seals events as the build before 待审批销号 recorded them:
// a confirmation "submitted → submitted", then whatever followed it.
func legacyChain(t *testing.T, steps ...[3]string) []Event {
	t.Helper()
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	reg := Event{CaseNo: "2026-0001", Seq: 1, Action: ActionRegister, To: StateRegistered, At: at,
		Actor:      Actor{ID: "li.ming", Role: RoleOffice},
		Registered: &Registered{Registration: Registration{Source: "patrol", UnitCode: "QH001", Kind: "B01", Title: "超编进人", Level: LevelInternal}, Year: 2026, Ordinal: 1}}
	evs := []Event{Seal(reg, "")}
	for i, s := range steps {
		e := Event{CaseNo: "2026-0001", Seq: i + 2, Action: Action(s[0]), From: State(s[1]), To: State(s[2]),
			At: at.Add(time.Duration(i+1) * time.Hour), Actor: Actor{ID: "li.ming", Role: RoleOffice}, Input: &Input{}}
		evs = append(evs, Seal(e, evs[len(evs)-1].Hash))
	}
	return evs
}

// TestLegacyConfirmationsFoldToAwaitingApproval: events recorded before
// 待审批销号 existed keep their hashes and chains, and fold by today's rules:
// a confirmed case awaits approval, a second confirmation or a document
// recorded after it changes nothing, and a close or return still applies.
func TestLegacyConfirmationsFoldToAwaitingApproval(t *testing.T) {
	upToSubmit := [][3]string{
		{"start_verification", "registered", "verifying"},
		{"order_rectification", "verifying", "rectifying"},
		{"submit", "rectifying", "submitted"},
	}
	for _, tt := range []struct {
		name  string
		after [][3]string
		want  State
	}{
		{"Confirmed", [][3]string{{"confirm", "submitted", "submitted"}}, StateConfirmed},
		{"ConfirmedTwice", [][3]string{{"confirm", "submitted", "submitted"}, {"confirm", "submitted", "submitted"}}, StateConfirmed},
		{"DocumentAfterConfirmation", [][3]string{{"confirm", "submitted", "submitted"}, {"record_document", "submitted", "submitted"}}, StateConfirmed},
		{"AssignedAfterConfirmation", [][3]string{{"confirm", "submitted", "submitted"}, {"assign", "submitted", "submitted"}}, StateConfirmed},
		{"Closed", [][3]string{{"confirm", "submitted", "submitted"}, {"close", "submitted", "closed"}}, StateClosed},
		{"ReturnedAfterConfirmation", [][3]string{{"confirm", "submitted", "submitted"}, {"return", "submitted", "rectifying"}}, StateRectifying},
		{"NotYetConfirmed", nil, StateSubmitted},
	} {
		t.Run(tt.name, func(t *testing.T) {
			evs := legacyChain(t, append(append([][3]string{}, upToSubmit...), tt.after...)...)
			c, fault := CheckChain("2026-0001", evs)
			if fault != nil {
				t.Fatalf("a legacy chain is reported broken: %+v", fault)
			}
			if c.State != tt.want {
				t.Fatalf("folded to %s, want %s", c.State, tt.want)
			}
			// A new event decided on the folded case links on.
			if c.State == StateConfirmed {
				e, err := Decide(c, ActionClose, Actor{ID: "wang.fang", Role: RoleApprover}, Input{Note: "同意"}, "", "2026-03-02", nil)
				if err != nil {
					t.Fatalf("close a legacy-confirmed case: %v", err)
				}
				e.At = evs[len(evs)-1].At.Add(time.Hour)
				next := append(evs, Seal(e, evs[len(evs)-1].Hash))
				if c2, fault := CheckChain("2026-0001", next); fault != nil || c2.State != StateClosed {
					t.Fatalf("after closing: %+v %s", fault, c2.State)
				}
			}
		})
	}
	// A chain whose link is neither the folded nor the recorded state is
	// still broken.
	evs := legacyChain(t, append(append([][3]string{}, upToSubmit...), [3]string{"close", "verifying", "closed"})...)
	if _, fault := CheckChain("2026-0001", evs); fault == nil {
		t.Fatal("a close from the wrong state passed")
	}
}
