package main

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"time"

	"rectify/cases"
	"rectify/cases/checkpoint"
	"rectify/storage/keys"
)

// checkpointCmd writes a signed checkpoint now (rectify checkpoint), or
// prints the public key an auditor needs (rectify checkpoint --public-key).
func (m *Main) checkpointCmd(ctx context.Context, args []string) error {
	fs, c := m.flags("checkpoint")
	public := fs.Bool("public-key", false, "输出核验检查点的公钥（交给审计人员）后退出")
	if err := parseArgs(fs, args); err != nil {
		return exitCode(2)
	}
	k, err := keys.Load(c.keyDir())
	if err != nil {
		return err
	}
	if *public {
		b, err := keys.PublicPEM(k.Public())
		if err != nil {
			return err
		}
		if _, err = m.Stdout.Write(b); err != nil {
			return err
		}
		// The auditor takes the latest head with the key: kept apart from
		// the machine, it is what --expect-head checks against. A line
		// after the PEM block is ignored by PEM readers.
		blobs, err := m.openBlobs(ctx, *c)
		if err != nil {
			fmt.Fprintf(m.Stderr, "无法读取检查点存储，未输出最新检查点头：%v\n", err)
			return nil
		}
		_, info, err := (&checkpoint.Store{Blobs: blobs, Public: k.Public()}).Latest(ctx)
		switch {
		case cases.ErrorCode(err) == cases.ENOTFOUND:
			return nil
		case err != nil:
			return err
		}
		fmt.Fprintf(m.Stdout, "最新检查点头（第 %d 个，%s；核验时用 rectify verify --expect-head）：%s\n", info.N, info.At.UTC().Format("2006-01-02 15:04 UTC"), checkpoint.Head(info))
		return nil
	}
	a, err := m.open(ctx, *c)
	if err != nil {
		return err
	}
	defer a.close()
	st := &checkpoint.Store{Blobs: a.blobs, Signer: k.Signer, Public: k.Public()}
	info, _, err := checkpoint.Sign(ctx, a.svc, st)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "检查点 %s（第 %d 个，%s，%d 件案件，根哈希 %s）\n", info.Key, info.N, kindLabel[info.Kind], info.Cases, info.Root)
	fmt.Fprintf(m.Stdout, "检查点头（请另行保存，核验时用 rectify verify --expect-head）：%s\n", checkpoint.Head(info))
	return nil
}

var kindLabel = map[string]string{"full": "完整", "delta": "增量"}

// publicKey is the key verify checks checkpoints with: --checkpoint-key,
// or the server's own in the key directory. nil when there is none.
func publicKey(c config, path string) (*ecdsa.PublicKey, error) {
	if path != "" {
		return keys.ReadPublic(path)
	}
	pub, err := keys.ReadPublic(filepath.Join(c.keyDir(), keys.PublicKeyFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return pub, err
}

// anchorFor reads the latest checkpoint for verify, and the one whose head
// the auditor kept (expect, "" for none). Whatever does not check is a
// named fault, never an error: a checkpoint that does not verify, one the
// ledger records but the store lacks, a chain shorter than the ledger
// records, or none or a stale one where the ledger's age says the server
// must have signed one (it signs at least every interval while anything
// changes).
func anchorFor(ctx context.Context, a *app, pub *ecdsa.PublicKey, ownKey bool, every time.Duration, expect string, rep *cases.VerifyReport) (latest *cases.Anchor, also []*cases.Anchor, err error) {
	newest := a.svc.NewestChange().In(time.Local)
	oldest := a.svc.OldestChange().In(time.Local)
	if oldest.IsZero() {
		oldest = newest
	}
	mark := a.svc.Checkpointed()
	fault := func(kind, msg string) { rep.Faults = append(rep.Faults, cases.Fault{Kind: kind, Message: msg}) }
	if pub == nil {
		keys, err := a.blobs.Keys(ctx, checkpoint.Prefix)
		if err != nil {
			return nil, nil, err
		}
		if len(keys) > 0 || expect != "" {
			return nil, nil, fmt.Errorf("有签名检查点，但没有公钥可以校验：请用 --checkpoint-key 指定公钥文件")
		}
		// No checkpoint and no key: deleted together, if the ledger says
		// it was checkpointed or is older than the interval.
		if f := checkpoint.Missing(mark, checkpoint.Info{}, false); f != nil {
			rep.Faults = append(rep.Faults, *f)
			return nil, nil, nil
		}
		if f := checkpoint.Stale(oldest, newest, time.Time{}, false, every, time.Now()); f != nil {
			rep.Faults = append(rep.Faults, *f)
			return nil, nil, nil
		}
		rep.Warnings = append(rep.Warnings, "尚无签名检查点，也没有公钥：只校验了哈希链本身")
		return nil, nil, nil
	}
	if ownKey {
		rep.Warnings = append(rep.Warnings, "用服务器密钥目录中的公钥校验签名检查点；审计时请用 --checkpoint-key 指定另行保存的公钥")
	}
	if expect == "" {
		rep.Warnings = append(rep.Warnings, "未给出 --expect-head：能改写整个数据目录（含签名私钥）的人可以重写检查点链而不被发现；审计时请用另行保存的检查点头核验")
	}
	st := &checkpoint.Store{Blobs: a.blobs, Public: pub}
	anchor, info, err := st.Latest(ctx)
	found := err == nil
	switch e, _ := cases.AsError(err); {
	case err == nil:
	case e != nil && e.Code == cases.ENOTFOUND:
		if f := checkpoint.Missing(mark, info, false); f != nil {
			rep.Faults = append(rep.Faults, *f)
		} else if f := checkpoint.Stale(oldest, newest, time.Time{}, false, every, time.Now()); f != nil {
			rep.Faults = append(rep.Faults, *f)
		} else if expect == "" {
			rep.Warnings = append(rep.Warnings, "尚无签名检查点：只校验了哈希链本身")
		}
	case e != nil && e.Code == cases.ECORRUPT:
		fault("bad-checkpoint", e.Message)
	default:
		return nil, nil, err
	}
	if found {
		if f := checkpoint.Missing(mark, info, true); f != nil {
			rep.Faults = append(rep.Faults, *f)
		}
		if f := checkpoint.Stale(oldest, newest, info.At.In(time.Local), true, every, time.Now()); f != nil {
			rep.Faults = append(rep.Faults, *f)
		}
		rep.Warnings = append(rep.Warnings, fmt.Sprintf("对照签名检查点 %s（第 %d 个，%s，%d 件案件）校验", info.Key, info.N, info.At.In(time.Local).Format("2006-01-02 15:04:05"), info.Cases))
	}
	// The checkpoint the ledger records must still be there, unchanged
	// (the latest may have been replaced by a forgery after it).
	if mark != nil && found && mark.Key != info.Key {
		if f, err := checkHead(ctx, st, mark.Key, mark.Root, "台账记录的"); err != nil {
			return nil, nil, err
		} else if f != nil {
			rep.Faults = append(rep.Faults, *f)
		}
	}
	if expect != "" {
		key, root, err := checkpoint.ParseHead(expect)
		if err != nil {
			return nil, nil, err
		}
		exp, expInfo, err := st.At(ctx, key)
		switch e, _ := cases.AsError(err); {
		case err == nil && expInfo.Root != root:
			fault("bad-checkpoint", fmt.Sprintf("审计人员保存的检查点头 %s 与存储中该检查点的根哈希 %s 不符：检查点已被替换", expect, expInfo.Root))
		case err == nil:
			if found && info.N < expInfo.N {
				fault("missing-checkpoint", fmt.Sprintf("最新的签名检查点是第 %d 个，审计人员保存的检查点头已是第 %d 个：较新的检查点已被删除", info.N, expInfo.N))
			}
			also = append(also, exp)
			rep.Warnings = append(rep.Warnings, fmt.Sprintf("并对照审计人员保存的检查点头 %s（第 %d 个）校验", key, expInfo.N))
		case e != nil && e.Code == cases.ENOTFOUND:
			fault("missing-checkpoint", fmt.Sprintf("审计人员保存的检查点头所指的检查点 %s 已不存在：检查点已被删除", key))
		case e != nil && e.Code == cases.ECORRUPT:
			fault("bad-checkpoint", e.Message)
		default:
			return nil, nil, err
		}
	}
	return anchor, also, nil
}

// checkHead checks that the checkpoint at key is there with root, reading
// that one object (what: whose record named it). It returns the fault, or
// nil; an error only when the store could not be read.
func checkHead(ctx context.Context, st *checkpoint.Store, key, root, what string) (*cases.Fault, error) {
	info, err := st.One(ctx, key)
	switch e, _ := cases.AsError(err); {
	case err == nil && info.Root != root:
		return &cases.Fault{Kind: "bad-checkpoint", Message: fmt.Sprintf("%s检查点 %s 的根哈希已不是 %s：检查点已被替换", what, key, root)}, nil
	case err == nil:
		return nil, nil
	case e != nil && e.Code == cases.ENOTFOUND:
		return &cases.Fault{Kind: "missing-checkpoint", Message: fmt.Sprintf("%s检查点 %s 已不存在：检查点已被删除", what, key)}, nil
	case e != nil && e.Code == cases.ECORRUPT:
		return &cases.Fault{Kind: "bad-checkpoint", Message: e.Message}, nil
	}
	return nil, err
}

// checkpoints anchors the ledger while the server runs: it checks the view
// against the latest checkpoint on start, then writes one every interval
// (when anything changed) and once more on the way out.
func (m *Main) checkpoints(ctx context.Context, a *app, st *checkpoint.Store, every time.Duration) {
	write := func(ctx context.Context) {
		info, _, err := checkpoint.Sign(ctx, a.svc, st)
		if err != nil {
			a.log.Error("签名检查点未写入", "err", err)
			return
		}
		a.log.Info("签名检查点", "key", info.Key, "kind", info.Kind, "cases", info.Cases)
	}
	write(ctx)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			sctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			write(sctx)
			cancel()
			return
		case <-t.C:
			write(ctx)
		}
	}
}
