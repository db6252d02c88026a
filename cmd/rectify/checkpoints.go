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
		_, err = m.Stdout.Write(b)
		return err
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
	fmt.Fprintf(m.Stdout, "检查点 %s（%s，%d 件案件，根哈希 %s）\n", info.Key, kindLabel[info.Kind], info.Cases, info.Root)
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

// anchorFor reads the latest checkpoint for verify; one that does not
// check is a fault. So is a missing or stale one: the server signs one at
// least every interval while anything changes, so a latest checkpoint much
// older than the newest change means checkpoints were deleted.
func anchorFor(ctx context.Context, a *app, pub *ecdsa.PublicKey, ownKey bool, every time.Duration, rep *cases.VerifyReport) (*cases.Anchor, error) {
	newest := a.svc.NewestChange().In(time.Local)
	if pub == nil {
		keys, err := a.blobs.Keys(ctx, checkpoint.Prefix)
		if err != nil {
			return nil, err
		}
		if len(keys) > 0 {
			return nil, fmt.Errorf("有签名检查点，但没有公钥可以校验：请用 --checkpoint-key 指定公钥文件")
		}
		rep.Warnings = append(rep.Warnings, "尚无签名检查点，也没有公钥：只校验了哈希链本身")
		return nil, nil
	}
	if ownKey {
		rep.Warnings = append(rep.Warnings, "用服务器密钥目录中的公钥校验签名检查点；审计时请用 --checkpoint-key 指定另行保存的公钥")
	}
	anchor, info, err := (&checkpoint.Store{Blobs: a.blobs, Public: pub}).Latest(ctx)
	switch {
	case cases.ErrorCode(err) == cases.ENOTFOUND:
		if f := checkpoint.Stale(newest, time.Time{}, false, every, time.Now()); f != nil {
			rep.Faults = append(rep.Faults, *f)
			return nil, nil
		}
		rep.Warnings = append(rep.Warnings, "尚无签名检查点：只校验了哈希链本身")
		return nil, nil
	case cases.ErrorCode(err) == cases.ECORRUPT:
		rep.Faults = append(rep.Faults, cases.Fault{Kind: "bad-checkpoint", Message: err.(*cases.Error).Message})
		return nil, nil
	case err != nil:
		return nil, err
	}
	if f := checkpoint.Stale(newest, info.At.In(time.Local), true, every, time.Now()); f != nil {
		rep.Faults = append(rep.Faults, *f)
	}
	rep.Warnings = append(rep.Warnings, fmt.Sprintf("对照签名检查点 %s（%s，%d 件案件）校验", info.Key, info.At.In(time.Local).Format("2006-01-02 15:04:05"), info.Cases))
	return anchor, nil
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
