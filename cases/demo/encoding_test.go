package demo_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emmansun/gmsm/sm2"

	"rectify/cases"
	"rectify/cases/casetest"
	"rectify/cases/checkpoint"
	"rectify/cases/demo"
	"rectify/storage/blob/localblob"
)

// auditor runs the independent implementation of docs/LEDGER-ENCODING.md
// (scripts/ledger_hash.py, Python's standard library only) and returns its
// output and exit status. Python 3 is required: make test installs it.
func auditor(t *testing.T, args ...string) (string, int) {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Fatal("python3 is required for the independent check of the ledger encoding (make test installs it)")
	}
	cmd := exec.Command(py, append([]string{filepath.Join("..", "..", "scripts", "ledger_hash.py")}, args...)...)
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); ok {
		return string(out), ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return string(out), 0
}

func writeLines(t *testing.T, evs []cases.Event) string {
	t.Helper()
	var buf bytes.Buffer
	for _, e := range evs {
		b, err := json.Marshal(e) // as the events API lists them
		if err != nil {
			t.Fatal(err)
		}
		buf.Write(b)
		buf.WriteByte('\n')
	}
	path := filepath.Join(t.TempDir(), "events.jsonl")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// An outside auditor can recompute every hash from the specification: a
// second implementation in another language agrees with the product on
// every chain of the demo ledger and on a full checkpoint of it (issue 8,
// item 15).
func TestAnIndependentImplementationRecomputesTheDemoLedger(t *testing.T) {
	env := casetest.New(t, nil)
	ctx := context.Background()
	if _, err := demo.Load(ctx, env.Service, nil, demo.Builtin()); err != nil {
		t.Fatal(err)
	}
	var evs []cases.Event
	if err := env.DB.ScanEvents(ctx, func(e cases.Event) error { evs = append(evs, e); return nil }); err != nil {
		t.Fatal(err)
	}
	events := writeLines(t, evs)

	blobs, err := localblob.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	key, err := sm2.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	st := &checkpoint.Store{Blobs: blobs, Signer: key, Public: &key.PublicKey}
	info, _, err := st.Write(ctx, env.Service.Heads())
	if err != nil {
		t.Fatal(err)
	}
	body, _, err := blobs.Get(ctx, info.Key)
	if err != nil {
		t.Fatal(err)
	}
	cp := filepath.Join(t.TempDir(), "cp.json.gz")
	os.WriteFile(cp, body, 0o600)

	out, code := auditor(t, events, "--checkpoint", cp)
	cs := env.Service.Heads()
	want := regexp.MustCompile(`OK: (\d+) cases, (\d+) events, checked against the checkpoint`)
	m := want.FindStringSubmatch(out)
	if code != 0 || m == nil || m[1] != itoa(len(cs)) || m[2] != itoa(len(evs)) {
		t.Fatalf("the auditor's script on the demo ledger (%d cases, %d events): exit %d\n%s", len(cs), len(evs), code, out)
	}

	// One character of one case changed, nothing recomputed: named.
	tampered := append([]cases.Event(nil), evs...)
	for i, e := range tampered {
		if e.Seq == 1 && e.CaseNo == cs[3].No {
			r := *e.Registered
			r.Title += "。"
			tampered[i].Registered = &r
		}
	}
	if out, code := auditor(t, writeLines(t, tampered), "--checkpoint", cp); code != 1 || !strings.Contains(out, "MISMATCH "+cs[3].No+" step 1: recomputed hash") {
		t.Fatalf("a changed title: exit %d\n%s", code, out)
	}
	// A case deleted: the checkpoint names it.
	var without []cases.Event
	for _, e := range evs {
		if e.CaseNo != cs[5].No {
			without = append(without, e)
		}
	}
	if out, code := auditor(t, writeLines(t, without), "--checkpoint", cp); code != 1 || !strings.Contains(out, cs[5].No+": in the checkpoint") {
		t.Fatalf("a deleted case: exit %d\n%s", code, out)
	}
}

// The escaping rules are where implementations differ: strings with every
// character the specification singles out, and every optional field both
// present and absent, hash the same in both implementations.
func TestAnIndependentImplementationAgreesOnHardStrings(t *testing.T) {
	hard := "引号\"反斜杠\\ <b>&amp; 行分隔\u2028段分隔\u2029 制表\t换行\n回车\r 退格\b 换页\f \x01 é 𠮷𬍤 DEL\x7f end"
	at := time.Date(2026, 11, 23, 8, 9, 10, 123456789, time.FixedZone("CST", 8*3600))
	reg := &cases.Registered{Registration: cases.Registration{Source: "hotline", SourceRef: hard, UnitCode: "QH001", Kind: "D01",
		Title: hard, Facts: hard, Level: "internal", Assignee: "李明"}, UnitName: "清河县教育局", Region: nil, Year: 2099, Ordinal: 1}
	evs := []cases.Event{
		{CaseNo: "2099-0001", Seq: 1, Action: cases.ActionRegister, To: cases.StateRegistered,
			Actor: cases.Actor{ID: "sun.li", Role: cases.RoleHotline}, At: at, Registered: reg},
		{CaseNo: "2099-0001", Seq: 2, Action: cases.ActionStartVerification, From: cases.StateRegistered, To: cases.StateVerifying,
			Actor: cases.Actor{ID: "li.ming", Name: "李明", Role: cases.RoleOffice}, At: at.Add(time.Hour), Comment: hard, Input: &cases.Input{}},
		{CaseNo: "2099-0001", Seq: 3, Action: cases.ActionOrderRectification, From: cases.StateVerifying, To: cases.StateRectifying,
			Actor: cases.Actor{ID: "li.ming", Name: "李明", Role: cases.RoleOffice}, At: at.Add(2 * time.Hour), Attachments: []string{"evidence:ab", hard},
			Input: &cases.Input{Requirements: hard, Deadline: "2099-12-31", WorkingDays: 15, Evidence: []string{"e1", "e2"}, Late: true, Document: "d<1>"}},
	}
	prev := ""
	for i := range evs {
		evs[i] = cases.Seal(evs[i], prev)
		prev = evs[i].Hash
	}
	if out, code := auditor(t, writeLines(t, evs)); code != 0 || !strings.Contains(out, "OK: 1 cases, 3 events") {
		t.Fatalf("hard strings: the two implementations disagree: exit %d\n%s", code, out)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// A registration judged no repeat carries the reason and the cases it was
// weighed against: the independent implementation hashes them alike.
func TestAnIndependentImplementationAgreesOnNotRepeat(t *testing.T) {
	at := time.Date(2026, 11, 23, 8, 9, 10, 0, time.UTC)
	reg := &cases.Registered{Registration: cases.Registration{Source: "patrol", SourceRef: "云巡办移〔2026〕1号", UnitCode: "QH001", Kind: "D01",
		Title: "超编进人", Facts: "超编 2 人", Level: "internal", NotRepeatReason: "前案为借调人员，与本案不同"},
		UnitName: "清河县教育局", Region: []string{"江南省"}, Year: 2099, Ordinal: 1, NotRepeatOf: []string{"2098-0007"}}
	e := cases.Seal(cases.Event{CaseNo: "2099-0001", Seq: 1, Action: cases.ActionRegister, To: cases.StateRegistered,
		Actor: cases.Actor{ID: "li.ming", Role: cases.RoleOffice}, At: at, Registered: reg}, "")
	if out, code := auditor(t, writeLines(t, []cases.Event{e})); code != 0 || !strings.Contains(out, "OK: 1 cases, 1 events") {
		t.Fatalf("the two implementations disagree: exit %d\n%s", code, out)
	}
}
