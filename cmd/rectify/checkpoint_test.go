package main

import (
	"context"
	"fmt"
	"os"
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
	if status != 200 || cp["written"] != true || cp["cases"] != float64(3) || !strings.HasPrefix(cp["key"].(string), "checkpoints/") ||
		cp["head"] != cp["key"].(string)+"#"+cp["root"].(string) {
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

// Deleting every checkpoint object (and the blob store's record of it)
// no longer passes for a ledger never checkpointed: the ledger records how
// far its checkpoint chain reaches, so verify names the deletion
// (missing-checkpoint) and exits 1 even minutes after the last change,
// with the ledger rewritten and its newest case gone. A tampered
// checkpoint object is a named fault, not a panic; and the head an
// auditor kept outside the machine is checked too (issue 21).
func TestVerifyFaultsWhenCheckpointsAreTamperedOrDeleted(t *testing.T) {
	env, db, data := ledgerEnv(t)
	addUser(t, env, "sun.li", "hotline")
	srv := start(t, env, "serve", "--addr", "127.0.0.1:0")
	hotline := login(t, srv.url(), "sun.li", testPassword)
	var nos []string
	for i := 0; i < 3; i++ {
		status, body := post(t, srv.url()+"/api/v1/cases", hotline, map[string]any{"source": "hotline", "source_ref": fmt.Sprint("12310-2026-200", i),
			"unit_code": "AP001", "violation_kind": "D01", "title": "吃空饷", "facts": "有人长期不上班。", "level": "internal"})
		if status != 201 {
			t.Fatalf("register: %d %v", status, body)
		}
		nos = append(nos, body["no"].(string))
	}
	srv.stop(t) // signs a last checkpoint on the way out

	// The auditor takes the key and the latest head off the machine.
	out, code := run(t, env, "checkpoint", "--public-key")
	i := strings.Index(out, "--expect-head）：")
	if code != 0 || !strings.Contains(out, "BEGIN PUBLIC KEY") || i < 0 {
		t.Fatalf("public key and head: %d\n%s", code, out)
	}
	head := strings.TrimSpace(out[i+len("--expect-head）："):])
	auditorKey := filepath.Join(t.TempDir(), "checkpoint.pub.pem")
	if err := os.WriteFile(auditorKey, []byte(out), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, code := run(t, env, "verify", "--checkpoint-key", auditorKey, "--expect-head", head); code != 0 || !strings.Contains(out, "并对照审计人员保存的检查点头") {
		t.Fatalf("clean ledger against the auditor's head: %d\n%s", code, out)
	}
	if out, code := run(t, env, "verify", "--expect-head", "checkpoints/x"); code != 2 || !strings.Contains(out, "检查点头") {
		t.Fatalf("a malformed head: %d\n%s", code, out)
	}

	// A tampered checkpoint object: a named fault and exit 1.
	key, _, _ := strings.Cut(head, "#")
	obj := filepath.Join(data, "blobs", filepath.FromSlash(key))
	orig, err := os.ReadFile(obj)
	if err != nil {
		t.Fatal(err)
	}
	tampered := append([]byte(nil), orig...)
	tampered[len(tampered)/2] ^= 0xff
	if err := os.WriteFile(obj, tampered, 0o600); err != nil {
		t.Fatal(err)
	}
	out, code = run(t, env, "verify")
	if code != 1 || !strings.Contains(out, "[bad-checkpoint]") || !strings.Contains(out, key) || strings.Contains(out, "panic") {
		t.Fatalf("a tampered checkpoint: %d\n%s", code, out)
	}
	if err := os.WriteFile(obj, orig, 0o600); err != nil {
		t.Fatal(err)
	}

	// Rewrite the first case consistently, delete the newest, and delete
	// every checkpoint object with the blob store's metadata.
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
	for _, dir := range []string{filepath.Join(data, "blobs", "checkpoints"), filepath.Join(data, "blobs", ".meta", "checkpoints")} {
		if err := os.RemoveAll(dir); err != nil {
			t.Fatal(err)
		}
	}
	// A repair rebuilds the view (and writes a snapshot) but keeps the
	// ledger's record of its checkpoints: it cannot launder the deletion.
	for range 2 {
		out, code = run(t, env, "verify", "--repair")
		if code != 1 || !strings.Contains(out, "[missing-checkpoint] 台账记录已签署至第") {
			t.Fatalf("every checkpoint deleted: %d\n%s", code, out)
		}
	}
	out, code = run(t, env, "verify", "--checkpoint-key", auditorKey, "--expect-head", head)
	if code != 1 || !strings.Contains(out, "审计人员保存的检查点头所指的检查点 "+key+" 已不存在") {
		t.Fatalf("every checkpoint deleted, against the auditor's head: %d\n%s", code, out)
	}
	// Nor will the server sign a fresh chain over the deletion.
	if out, code := run(t, env, "checkpoint"); code == 0 || !strings.Contains(out, "检查点已被删除") {
		t.Fatalf("a new checkpoint over deleted ones: %d\n%s", code, out)
	}
}
