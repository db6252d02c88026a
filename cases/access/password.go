package access

import (
	"bufio"
	"crypto/rand"
	"crypto/subtle"
	_ "embed"
	"encoding/base64"
	"fmt"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/crypto/argon2"

	"rectify/cases"
)

// Argon2id parameters: OWASP's minimum recommendation (19 MiB, 2 passes,
// 1 lane), sized for a 2-core server that must not be starved by logins.
const (
	argonTime    = 2
	argonMemory  = 19 * 1024
	argonThreads = 1
	argonKeyLen  = 32
	saltLen      = 16
)

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 10

//go:embed common-passwords.txt
var commonList string

var common = func() map[string]bool {
	m := map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(commonList))
	for sc.Scan() {
		if w := strings.TrimSpace(sc.Text()); w != "" && !strings.HasPrefix(w, "#") {
			m[strings.ToLower(w)] = true
		}
	}
	return m
}()

// published are passwords printed where anyone can read them — the demo
// accounts', the benchmark's — and so never accepted for an account of
// one's own. Packages that print one register it with Publish.
var published sync.Map

// Publish adds a password to those refused because they are public.
func Publish(pw string) { published.Store(strings.ToLower(pw), true) }

// isPublished reports whether pw is a published password.
func isPublished(pw string) bool {
	_, ok := published.Load(strings.ToLower(pw))
	return ok
}

// CheckPasswordPolicy refuses passwords that are short, common, published,
// or built from the user's own login or name.
func CheckPasswordPolicy(u User, pw string) error { return checkPolicy(u, pw, false) }

// checkPolicy is CheckPasswordPolicy, letting a published password through
// when allowPublished (the demo's and the benchmark's own accounts).
func checkPolicy(u User, pw string, allowPublished bool) error {
	low := strings.ToLower(pw)
	switch {
	case len([]rune(pw)) < MinPasswordLength:
		return cases.Invalid("password", "密码至少 %d 位", MinPasswordLength)
	case len(pw) > 256:
		return cases.Invalid("password", "密码过长")
	case isPublished(pw) && !allowPublished:
		return cases.Invalid("password", "该密码已公开（演示或测试账号使用），请换一个")
	case common[low] || common[strings.TrimRightFunc(low, unicode.IsDigit)]:
		return cases.Invalid("password", "密码过于常见，请换一个")
	case containsLogin(low, u.ID):
		return cases.Invalid("password", "密码不能包含登录名")
	case u.Name != "" && strings.Contains(low, strings.ToLower(u.Name)):
		return cases.Invalid("password", "密码不能包含姓名")
	}
	classes := 0
	for _, f := range []func(rune) bool{unicode.IsLower, unicode.IsUpper, unicode.IsDigit, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }} {
		if strings.IndexFunc(pw, f) >= 0 {
			classes++
		}
	}
	if classes < 2 {
		return cases.Invalid("password", "密码须包含至少两类字符（字母、数字、符号）")
	}
	return nil
}

// HashPassword returns an argon2id hash in PHC string form.
func HashPassword(pw string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// CheckPassword reports whether pw matches a PHC argon2id hash, in time
// independent of where they differ.
func CheckPassword(hash, pw string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false
	}
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[4])
	want, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is checked against when the user does not exist, so that a
// login for an unknown name costs the same as one for a known name.
var dummyHash, _ = HashPassword("dummy password for timing")

// containsLogin reports whether pw contains the login name, with or
// without its punctuation (li.ming, liming).
func containsLogin(pw, id string) bool {
	id = strings.ToLower(id)
	bare := strings.NewReplacer(".", "", "_", "", "-", "").Replace(id)
	return len(bare) >= 3 && (strings.Contains(pw, id) || strings.Contains(pw, bare))
}
