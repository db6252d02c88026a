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

// ReporterKeyFile is the default file of the key that seals the identity
// of 12310 reporters (32 random bytes, hex), in the key directory.
const ReporterKeyFile = "reporter.key"

// ReporterKeyEnv names the environment variable that may hold the reporter
// key (64 hex digits) instead of a file, for deployments that keep secrets
// in their orchestrator.
const ReporterKeyEnv = "RECTIFY_REPORTER_KEY"

// ReporterKey returns the key that seals reporters' identities: from
// fromEnv (the value of ReporterKeyEnv) when it is set, from file when one is named (it must
// exist: a named key that is missing is an error, never a new key), and
// otherwise from ReporterKeyFile in dir, made (mode 0600) on first use.
// created says a new key was made; a database that already holds
// identities then refuses it (hotline.Open checks its check value).
func ReporterKey(dir, file, fromEnv string) (key []byte, created bool, err error) {
	if fromEnv != "" {
		key, err := hex.DecodeString(strings.TrimSpace(fromEnv))
		if err != nil || len(key) != 32 {
			return nil, false, fmt.Errorf("环境变量 %s 须为 64 位十六进制数字（32 字节的举报人信息密钥）", ReporterKeyEnv)
		}
		return key, false, nil
	}
	if file != "" {
		key, err := readReporterKey(file)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, false, fmt.Errorf("举报人信息密钥文件 %s 不存在：请恢复该文件，或不指定 --reporter-key-file 而使用密钥目录中的默认密钥", file)
		}
		return key, false, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, false, fmt.Errorf("key directory: %w", err)
	}
	path := filepath.Join(dir, ReporterKeyFile)
	key, err = readReporterKey(path)
	if !errors.Is(err, fs.ErrNotExist) {
		if err == nil {
			err = os.Chmod(path, 0o600) // restored from a backup, it may be open to others
		}
		return key, false, err
	}
	key = make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, false, fmt.Errorf("generate the reporter key: %w", err)
	}
	if err := create(path, []byte(hex.EncodeToString(key)+"\n"), 0o600); err != nil {
		if errors.Is(err, fs.ErrExist) {
			key, err := readReporterKey(path) // another process made it first
			return key, false, err
		}
		return nil, false, fmt.Errorf("reporter key: %w", err)
	}
	return key, true, nil
}

func readReporterKey(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		return nil, fmt.Errorf("举报人信息密钥文件 %s 无法读取: %w", path, err)
	}
	key, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(key) != 32 {
		return nil, fmt.Errorf("举报人信息密钥文件 %s 已损坏：须为 64 位十六进制数字", path)
	}
	return key, nil
}
