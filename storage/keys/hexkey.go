package keys

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// dataKey describes a 32-byte key sealing one kind of personal data: its
// default file in the key directory, the environment variable that may hold
// it instead, the flag that names another file, and what it seals (in
// Chinese, for messages).
type dataKey struct {
	file, env, flag, what string
}

// load returns the key: from fromEnv (the value of k.env) when it is set,
// from file when one is named (it must exist: a named key that is missing is
// an error, never a new key), and otherwise from k.file in dir, made (mode
// 0600) on first use; created says a new key was made.
func (k dataKey) load(dir, file, fromEnv string) (key []byte, created bool, err error) {
	if fromEnv != "" {
		key, err := hex.DecodeString(strings.TrimSpace(fromEnv))
		if err != nil || len(key) != 32 {
			return nil, false, fmt.Errorf("环境变量 %s 须为 64 位十六进制数字（32 字节的%s密钥）", k.env, k.what)
		}
		return key, false, nil
	}
	if file != "" {
		key, err := k.read(file)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, false, fmt.Errorf("%s密钥文件 %s 不存在：请恢复该文件，或不指定 --%s 而使用密钥目录中的默认密钥", k.what, file, k.flag)
		}
		return key, false, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, false, fmt.Errorf("key directory: %w", err)
	}
	path := filepath.Join(dir, k.file)
	key, err = k.read(path)
	if !errors.Is(err, fs.ErrNotExist) {
		if err == nil {
			err = os.Chmod(path, 0o600) // restored from a backup, it may be open to others
		}
		return key, false, err
	}
	key = make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, false, fmt.Errorf("generate %s: %w", k.file, err)
	}
	if err := create(path, []byte(hex.EncodeToString(key)+"\n"), 0o600); err != nil {
		if errors.Is(err, fs.ErrExist) {
			key, err := k.read(path) // another process made it first
			return key, false, err
		}
		return nil, false, fmt.Errorf("%s: %w", k.file, err)
	}
	return key, true, nil
}

func (k dataKey) read(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		return nil, fmt.Errorf("%s密钥文件 %s 无法读取: %w", k.what, path, err)
	}
	key, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(key) != 32 {
		return nil, fmt.Errorf("%s密钥文件 %s 已损坏：须为 64 位十六进制数字", k.what, path)
	}
	return key, nil
}
