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

// RosterKeyFile is the default file of the key that seals and matches the
// ID numbers of staffing rosters (32 random bytes, hex), in the key
// directory. It is a key of its own, not the reporter key: the two kinds of
// personal data are read by different people and may be rotated apart.
const RosterKeyFile = "roster.key"

// RosterKeyEnv names the environment variable that may hold the roster key
// (64 hex digits) instead of a file.
const RosterKeyEnv = "RECTIFY_ROSTER_KEY"

// RosterKey returns the roster key as ReporterKey returns the reporter's:
// from fromEnv when set, from file when named (a named file that is missing
// is an error, never a new key), otherwise from RosterKeyFile in dir, made
// (mode 0600) on first use; created says a new key was made.
func RosterKey(dir, file, fromEnv string) (key []byte, created bool, err error) {
	if fromEnv != "" {
		key, err := hex.DecodeString(strings.TrimSpace(fromEnv))
		if err != nil || len(key) != 32 {
			return nil, false, fmt.Errorf("环境变量 %s 须为 64 位十六进制数字（32 字节的花名册身份证号密钥）", RosterKeyEnv)
		}
		return key, false, nil
	}
	if file != "" {
		key, err := readHexKey(file)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, false, fmt.Errorf("花名册身份证号密钥文件 %s 不存在：请恢复该文件，或不指定 --roster-key-file 而使用密钥目录中的默认密钥", file)
		}
		return key, false, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, false, fmt.Errorf("key directory: %w", err)
	}
	path := filepath.Join(dir, RosterKeyFile)
	key, err = readHexKey(path)
	if !errors.Is(err, fs.ErrNotExist) {
		if err == nil {
			err = os.Chmod(path, 0o600)
		}
		return key, false, err
	}
	key = make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, false, fmt.Errorf("generate the roster key: %w", err)
	}
	if err := create(path, []byte(hex.EncodeToString(key)+"\n"), 0o600); err != nil {
		if errors.Is(err, fs.ErrExist) {
			key, err := readHexKey(path)
			return key, false, err
		}
		return nil, false, fmt.Errorf("roster key: %w", err)
	}
	return key, true, nil
}

func readHexKey(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		return nil, fmt.Errorf("密钥文件 %s 无法读取: %w", path, err)
	}
	key, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(key) != 32 {
		return nil, fmt.Errorf("密钥文件 %s 已损坏：须为 64 位十六进制数字", path)
	}
	return key, nil
}
