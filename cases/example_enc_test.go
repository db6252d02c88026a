package cases_test

import (
	"os"
	"strings"
	"testing"
	"time"

	"rectify/cases"
)

// exampleEvent is the worked example of docs/LEDGER-ENCODING.md.
func exampleEvent() cases.Event {
	return cases.Event{CaseNo: "2026-0001", Seq: 1, Action: cases.ActionRegister, To: cases.StateRegistered,
		Actor: cases.Actor{ID: "sun.li", Name: "孙丽", Role: cases.RoleHotline},
		At:    time.Date(2026, 3, 2, 9, 30, 0, 123456789, time.FixedZone("CST", 8*3600)),
		Registered: &cases.Registered{Registration: cases.Registration{Source: "hotline", SourceRef: "12310-2026-0001",
			UnitCode: "QH001", Kind: "D01", Title: "吃空饷<疑似>", Facts: "长期不上班 & 照领工资。", Level: "internal"},
			UnitName: "清河县教育局", Region: []string{"江南省", "云州市", "清河县"}, Year: 2026, Ordinal: 1}}
}

// The worked example in the specification is the product's own encoding
// and hash, so the document cannot drift from the code.
func TestLedgerEncodingExampleIsTrue(t *testing.T) {
	doc, err := os.ReadFile("../docs/LEDGER-ENCODING.md")
	if err != nil {
		t.Fatal(err)
	}
	e := cases.Seal(exampleEvent(), "")
	for _, want := range []string{cases.CanonicalEncoding(e), e.Hash} {
		if !strings.Contains(string(doc), want) {
			t.Errorf("docs/LEDGER-ENCODING.md does not show:\n%s", want)
		}
	}
}
