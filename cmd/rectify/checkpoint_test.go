package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"rectify/cases"
	"rectify/storage/mongodb"
)

// The ledger is anchored outside the database: a server signs checkpoints
// into the blob store; a consistent rewrite of a case and the deletion of
// the last case — which the hash chains alone cannot show — fail verify,
// naming each case; the case page and the events API mark the rewritten
// case; a checkpoint that does not check against the auditor's key is a
// fault (issue 8, item 14).
func TestCheckpointsAnchorTheLedger(t *testing.T) {
	env, db, _ := ledgerEnv(t)
	addUser(t, env, "sun.li", "hotline")
	addUser(t, env, "admin.wu", "admin")
	addUser(t, env, "li.ming", "office")
	srv := start(t, env, "serve", "--addr", "127.0.0.1:0")
	hotline := login(t, srv.url(), "sun.li", testPassword)
	var nos []string
	for i := 0; i < 3; i++ {
		status, body := post(t, srv.url()+"/api/v1/cases", hotline, map[string]any{"source": "hotline", "source_ref": fmt.Sprint("12310-2026-100", i),
			"unit_code": "AP001", "violation_kind": "D01", "title": "吃空饷", "facts": "有人长期不上班。", "level": "internal"})
		if status != 201 {
			t.Fatalf("register: %d %v", status, body)
		}
		nos = append(nos, body["no"].(string))
	}
	// On demand, by an administrator only.
	if status, _ := post(t, srv.url()+"/api/v1/checkpoints", hotline, nil); status != 403 {
		t.Fatalf("a hotline operator asks for a checkpoint: %d", status)
	}
	admin := login(t, srv.url(), "admin.wu", testPassword)
	status, cp := post(t, srv.url()+"/api/v1/checkpoints", admin, nil)
	if status != 200 || cp["written"] != true || cp["cases"] != float64(3) || !strings.HasPrefix(cp["key"].(string), "checkpoints/") {
		t.Fatalf("checkpoint on demand: %d %v", status, cp)
	}
	srv.stop(t)
	if out, code := run(t, env, "verify"); code != 0 || !strings.Contains(out, "对照签名检查点 "+cp["key"].(string)) {
		t.Fatalf("clean ledger: %d\n%s", code, out)
	}

	// Rewrite the first case consistently and delete the last one.
	ctx := context.Background()
	var evs []cases.Event
	for seq := 1; ; seq++ {
		e, err := db.FindEvent(ctx, nos[0], seq)
		if err != nil {
			break
		}
		evs = append(evs, e)
	}
	prev := ""
	for i := range evs {
		if i == 0 {
			r := *evs[0].Registered
			r.Facts = "经查无此事。"
			evs[0].Registered = &r
		}
		evs[i] = cases.Seal(evs[i], prev)
		prev = evs[i].Hash
		if err := db.RawDelete(ctx, "events", mongodb.EventID(nos[0], evs[i].Seq)); err != nil {
			t.Fatal(err)
		}
	}
	if errs := db.InsertEvents(ctx, evs, false); errs[0] != nil {
		t.Fatal(errs[0])
	}
	if err := db.RawDelete(ctx, "events", mongodb.EventID(nos[2], 1)); err != nil {
		t.Fatal(err)
	}
	out, code := run(t, env, "verify", "--repair") // the repair cannot launder it
	if code != 1 || !strings.Contains(out, "故障 "+nos[0]+" 第 1 步 [rewritten-history]") || !strings.Contains(out, "故障 "+nos[2]+" [missing-case]") {
		t.Fatalf("rewritten and deleted: exit %d\n%s", code, out)
	}

	// A running server marks the rewritten case where people read it,
	// and will not sign over it.
	srv = start(t, env, "serve", "--addr", "127.0.0.1:0")
	defer srv.stop(t)
	office := login(t, srv.url(), "li.ming", testPassword)
	admin = login(t, srv.url(), "admin.wu", testPassword)
	_, page := get(t, srv.url()+"/api/v1/cases/"+nos[0]+"/events", &office)
	if !strings.Contains(page, `"chain_verified":false`) || !strings.Contains(page, "rewritten-history") {
		t.Fatalf("events of the rewritten case: %.400s", page)
	}
	if _, page = get(t, srv.url()+"/cases/"+nos[0], &office); !strings.Contains(page, "本案件记录未通过完整性校验") {
		t.Fatalf("case page of the rewritten case does not warn: %.400s", page)
	}
	if _, page = get(t, srv.url()+"/cases/"+nos[1], &office); strings.Contains(page, "未通过完整性校验") {
		t.Fatal("case page of a sound case warns")
	}
	if _, page = get(t, srv.url()+"/api/v1/cases/"+nos[1]+"/events", &office); !strings.Contains(page, `"chain_verified":true`) {
		t.Fatalf("events of a sound case: %.400s", page)
	}
	if status, body := post(t, srv.url()+"/api/v1/checkpoints", admin, nil); status != 409 {
		t.Fatalf("checkpoint over a rewritten ledger: %d %v", status, body)
	}

	// An auditor's key that did not sign the checkpoints: a fault.
	other := t.TempDir()
	if out, code := run(t, []string{"RECTIFY_DATA=" + other}, "checkpoint", "--public-key"); code != 0 || !strings.Contains(out, "BEGIN PUBLIC KEY") {
		t.Fatalf("public key: %d %s", code, out)
	}
	pub := filepath.Join(other, "keys", "checkpoint.pub.pem")
	srv.stop(t)
	if out, code := run(t, env, "verify", "--checkpoint-key", pub); code != 1 || !strings.Contains(out, "[bad-checkpoint]") || !strings.Contains(out, "签名与公钥不符") {
		t.Fatalf("a checkpoint against another key: %d\n%s", code, out)
	}
}
