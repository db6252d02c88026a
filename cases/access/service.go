package access

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/emmansun/gmsm/sm3"

	"rectify/cases"
)

// Service manages accounts, sessions and tokens over a Store.
type Service struct {
	store   Store
	now     func() time.Time
	hashKey []byte
	// accounts serialises changes of accounts, so that two administrators
	// demoting each other at once cannot both pass the last-administrator
	// check (within one process; the command line is one operator).
	accounts sync.Mutex
}

// Config configures a Service.
type Config struct {
	// Now is the clock; nil is time.Now.
	Now func() time.Time
	// HashKey keys the HMAC-SM3 under which failed logins are counted, so
	// that what was typed as a user name (sometimes a password) is never
	// stored. Every process sharing a database needs the same key; nil
	// draws a random one, for tools that never check a password.
	HashKey []byte
}

// NewService returns an access service.
func NewService(store Store, cfg Config) *Service {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if len(cfg.HashKey) == 0 {
		cfg.HashKey = make([]byte, 32)
		_, _ = rand.Read(cfg.HashKey)
	}
	return &Service{store: store, now: cfg.Now, hashKey: cfg.HashKey}
}

// failureKey is what a failed login is counted under: a keyed hash of the
// name as typed (people type passwords into the name field), never the
// name itself.
func (s *Service) failureKey(name string) string {
	m := hmac.New(sm3.New, s.hashKey)
	m.Write([]byte(name))
	return "user:" + hex.EncodeToString(m.Sum(nil))
}

// FailureRetention is how long a failed login is kept: as long as it counts
// towards a lockout, and no longer.
var FailureRetention = max(AccountLockout.Window, AddressLockout.Window)

// ExpireFailures deletes failed-login records older than FailureRetention
// (FerretDB has no TTL indexes, so the application does it).
func (s *Service) ExpireFailures(ctx context.Context) (int, error) {
	n, err := s.store.DeleteFailuresBefore(ctx, s.now().Add(-FailureRetention))
	if err != nil {
		return 0, fmt.Errorf("expire login failures: %w", err)
	}
	return n, nil
}

// CreateUser validates u and password and adds the account, with no one
// named as making it: for setting up (tests, fixtures). Accounts a person
// makes go through CreateUserBy.
func (s *Service) CreateUser(ctx context.Context, u User, password string) error {
	return s.createUser(ctx, u, password, false, nil)
}

// CreateUserBy adds an account as CreateUser does, made by by: the
// separation rules apply (CheckChange) and the roles it is given are
// logged (ActionChangeRoles, from none).
// Errors: EINVALID listing every bad field.
func (s *Service) CreateUserBy(ctx context.Context, by Changer, u User, password string) error {
	s.accounts.Lock()
	defer s.accounts.Unlock()
	all, err := s.store.FindUsers(ctx)
	if err != nil {
		return fmt.Errorf("create user %s: %w", u.ID, err)
	}
	if err := s.createUser(ctx, u, password, false, CheckChange(by, User{}, u, all)); err != nil {
		return err
	}
	return s.logRoles(ctx, by, u.ID, nil, u.Roles)
}

// CreatePublishedUser adds an account whose password is published (see
// Publish): the demo's and the benchmark's accounts, and only those. Their
// password is otherwise checked as any other.
func (s *Service) CreatePublishedUser(ctx context.Context, u User, password string) error {
	if !isPublished(password) {
		return cases.Invalid("password", "该密码不是公开的演示密码")
	}
	return s.createUser(ctx, u, password, true, nil)
}

// createUser adds u; rules is the refusal of the separation rules, if
// any, reported with the other bad fields.
func (s *Service) createUser(ctx context.Context, u User, password string, published bool, rules error) error {
	// Every bad field at once, the password's too: a form shows them all.
	var fe cases.FieldErrors
	for _, err := range []error{u.Validate(), rules, checkPolicy(u, password, published)} {
		if !fe.Add(err) {
			return err
		}
	}
	if err := fe.Err(); err != nil {
		return err
	}
	h, err := HashPassword(password)
	if err != nil {
		return err
	}
	u.PasswordHash = h
	u.CreatedAt = cases.TruncateTime(s.now())
	u.UpdatedAt = u.CreatedAt
	if err := s.store.InsertUser(ctx, u); err != nil {
		if cases.ErrorCode(err) == cases.ECONFLICT {
			return cases.Invalid("id", "登录名 %s 已被使用", u.ID)
		}
		return fmt.Errorf("create user %s: %w", u.ID, err)
	}
	return nil
}

// User returns an account.
func (s *Service) User(ctx context.Context, id string) (User, error) {
	return s.store.FindUser(ctx, id)
}

// Users lists every account.
func (s *Service) Users(ctx context.Context) ([]User, error) { return s.store.FindUsers(ctx) }

// SetPassword sets a new password (by an administrator) and ends the
// user's sessions.
func (s *Service) SetPassword(ctx context.Context, id, password string) error {
	u, err := s.store.FindUser(ctx, id)
	if err != nil {
		return err
	}
	if err := s.storePassword(ctx, u, password); err != nil {
		return err
	}
	return s.store.DeleteUserSessions(ctx, id)
}

// storePassword checks password against the policy and saves its hash.
func (s *Service) storePassword(ctx context.Context, u User, password string) error {
	if err := CheckPasswordPolicy(u, password); err != nil {
		return err
	}
	h, err := HashPassword(password)
	if err != nil {
		return err
	}
	u.PasswordHash, u.UpdatedAt = h, cases.TruncateTime(s.now())
	if err := s.store.PutUser(ctx, u); err != nil {
		return fmt.Errorf("save password of %s: %w", u.ID, err)
	}
	return nil
}

// ChangePassword lets a user change their own password, given the old one.
// Their other sessions end; keep is the session they stay logged in with.
func (s *Service) ChangePassword(ctx context.Context, id, old, password, keep string) error {
	u, err := s.store.FindUser(ctx, id)
	if err != nil {
		return err
	}
	if !CheckPassword(u.PasswordHash, old) {
		return cases.Invalid("old_password", "原密码不正确")
	}
	if old == password {
		return cases.Invalid("password", "新密码不能与原密码相同")
	}
	if err := s.storePassword(ctx, u, password); err != nil {
		return err
	}
	sess, err := s.store.FindSession(ctx, keep)
	if err := s.store.DeleteUserSessions(ctx, id); err != nil {
		return err
	}
	if err == nil {
		return s.store.InsertSession(ctx, sess)
	}
	return nil
}

// SetDisabled disables or re-enables an account, by by; disabling ends
// its sessions. The separation rules apply (CheckChange: no one disables
// themself, the last other administrator, or the last administrator) and
// the change is logged.
// Errors: ENOTFOUND, EINVALID (field disabled).
func (s *Service) SetDisabled(ctx context.Context, by Changer, id string, disabled bool) error {
	s.accounts.Lock()
	defer s.accounts.Unlock()
	u, all, err := s.userAndAll(ctx, id)
	if err != nil {
		return err
	}
	if u.Disabled == disabled {
		return nil
	}
	after := u
	after.Disabled = disabled
	if err := CheckChange(by, u, after, all); err != nil {
		return err
	}
	after.UpdatedAt = cases.TruncateTime(s.now())
	if err := s.store.PutUser(ctx, after); err != nil {
		return fmt.Errorf("disable %s: %w", id, err)
	}
	action := ActionEnableUser
	if disabled {
		if err := s.store.DeleteUserSessions(ctx, id); err != nil {
			return err
		}
		action = ActionDisableUser
	}
	return s.RecordAccess(ctx, AccessEntry{UserID: by.logID(), Role: by.logRole(), IP: by.IP, Action: action, Target: id})
}

// userAndAll returns account id and every account.
func (s *Service) userAndAll(ctx context.Context, id string) (User, []User, error) {
	u, err := s.store.FindUser(ctx, id)
	if err != nil {
		return User{}, nil, err
	}
	all, err := s.store.FindUsers(ctx)
	if err != nil {
		return User{}, nil, fmt.Errorf("read accounts: %w", err)
	}
	return u, all, nil
}

// UpdateUser changes an account's name, roles, region and bound unit (by
// an administrator, or at the command line); its password, state and patrol
// assignment stay. The separation rules apply (CheckChange) and a change of
// roles is logged with the roles before and after. The user's sessions
// carry on with the new roles from their next request.
// Errors: ENOTFOUND, EINVALID listing every bad field.
func (s *Service) UpdateUser(ctx context.Context, by Changer, id string, change User) error {
	s.accounts.Lock()
	defer s.accounts.Unlock()
	u, all, err := s.userAndAll(ctx, id)
	if err != nil {
		return err
	}
	after := u
	after.Name, after.Roles, after.Region, after.UnitCode = change.Name, change.Roles, change.Region, change.UnitCode
	var fe cases.FieldErrors
	for _, err := range []error{after.Validate(), CheckChange(by, u, after, all)} {
		if !fe.Add(err) {
			return err
		}
	}
	if err := fe.Err(); err != nil {
		return err
	}
	after.UpdatedAt = cases.TruncateTime(s.now())
	if err := s.store.PutUser(ctx, after); err != nil {
		return fmt.Errorf("update user %s: %w", id, err)
	}
	if slices.Equal(u.Roles, after.Roles) {
		return nil
	}
	return s.logRoles(ctx, by, id, u.Roles, after.Roles)
}

// logRoles records a change of account id's roles in the access log.
func (s *Service) logRoles(ctx context.Context, by Changer, id string, before, after []cases.Role) error {
	str := func(rs []cases.Role) []string {
		out := make([]string, len(rs))
		for i, r := range rs {
			out[i] = string(r)
		}
		return out
	}
	e := AccessEntry{UserID: by.logID(), Role: by.logRole(), IP: by.IP, Action: ActionChangeRoles, Target: id, Before: str(before), After: str(after)}
	if err := s.RecordAccess(ctx, e); err != nil {
		return fmt.Errorf("log the roles of %s: %w", id, err)
	}
	return nil
}

// errLogin is the one answer to every failed login, so that it does not
// tell which of name and password was wrong or that an account is disabled.
var errLogin = &cases.Error{Code: cases.EUNAUTHORIZED, Field: "password", Message: "用户名或密码错误"}

// Login checks a password and opens a session. Repeated failures lock the
// account and the client address out for a growing time. Only a wrong
// password (or an unknown or disabled account) is a failure: an attempt
// refused before its password was checked leaves nothing behind, so that
// people logging in at once are told to retry, never locked out.
func (s *Service) Login(ctx context.Context, id, password, ip, userAgent string) (secret string, sess Session, u User, err error) {
	now := s.now()
	id = strings.ToLower(strings.TrimSpace(id))
	keys := []struct {
		key string
		l   Lockout
	}{{s.failureKey(id), AccountLockout}, {"ip:" + ip, AddressLockout}}
	for _, k := range keys {
		n, last, err := s.store.Failures(ctx, k.key, now.Add(-k.l.Window))
		if err != nil {
			return "", Session{}, User{}, fmt.Errorf("login: %w", err)
		}
		if wait := k.l.Wait(n, last, now); wait > 0 {
			return "", Session{}, User{}, tooMany(wait)
		}
	}
	// Attempts made at once all passed the check above. Each takes one of
	// Threshold slots (a unique-key insert) before its password is
	// checked, and then the slots taken and the failures are counted, in
	// that order: a wrong password records its failure before its slot is
	// given back, so every attempt let through earlier is seen by the
	// later ones, in a slot or as a failure. An attempt that finds no free
	// slot, or whose others would take the count to the threshold, is
	// refused without a password being tried: not a failure. The slots
	// bound how many attempts are in progress at once, so that of a rush
	// of right passwords the first Threshold go through (counting every
	// attempt's record instead refused all 32 of 32, each seeing the
	// others).
	pending := make([]string, 0, len(keys))
	defer func() {
		// The pending records go whatever happens, even when the
		// request was cancelled meanwhile.
		for _, p := range pending {
			if derr := s.store.DeleteFailure(context.WithoutCancel(ctx), p); derr != nil && err == nil {
				secret, sess, u, err = "", Session{}, User{}, fmt.Errorf("login: %w", derr)
			}
		}
	}()
	for _, k := range keys {
		p, err := s.takeSlot(ctx, k.key, k.l.Threshold, now)
		if err != nil {
			return "", Session{}, User{}, err
		}
		pending = append(pending, p)
	}
	for _, k := range keys {
		p, _, err := s.store.Failures(ctx, pendingPrefix+k.key, now.Add(-PendingWindow))
		if err != nil {
			return "", Session{}, User{}, fmt.Errorf("login: %w", err)
		}
		n, last, err := s.store.Failures(ctx, k.key, now.Add(-k.l.Window))
		if err != nil {
			return "", Session{}, User{}, fmt.Errorf("login: %w", err)
		}
		if wait := k.l.Wait(n, last, now); wait > 0 {
			return "", Session{}, User{}, tooMany(wait)
		}
		if others := p - 1; others > 0 && n+others >= k.l.Threshold {
			return "", Session{}, User{}, errBusy
		}
	}
	u, err = s.store.FindUser(ctx, id)
	hash := dummyHash
	if err == nil {
		hash = u.PasswordHash
	} else if cases.ErrorCode(err) != cases.ENOTFOUND {
		return "", Session{}, User{}, fmt.Errorf("login: %w", err)
	}
	if !CheckPassword(hash, password) || err != nil || u.Disabled {
		for _, k := range keys {
			if _, err := s.store.InsertFailure(ctx, k.key, now); err != nil {
				return "", Session{}, User{}, fmt.Errorf("login: %w", err)
			}
		}
		return "", Session{}, User{}, errLogin
	}
	if err := s.store.ClearFailures(ctx, keys[0].key); err != nil {
		return "", Session{}, User{}, fmt.Errorf("login: %w", err)
	}
	secret, hashID := NewSecret("")
	csrf := make([]byte, 32)
	_, _ = rand.Read(csrf)
	t := cases.TruncateTime(now)
	sess = Session{ID: hashID, UserID: u.ID, CSRF: hex.EncodeToString(csrf), CreatedAt: t, LastSeen: t, IP: ip, UserAgent: truncate(userAgent, 200)}
	if err := s.store.InsertSession(ctx, sess); err != nil {
		return "", Session{}, User{}, fmt.Errorf("login: %w", err)
	}
	if err := s.store.SetLastLogin(ctx, u.ID, t); err != nil {
		return "", Session{}, User{}, fmt.Errorf("login: %w", err)
	}
	u.LastLoginAt = t
	return secret, sess, u.Acting(), nil
}

// pendingPrefix keys the record of an attempt whose password is being
// checked, beside the failures of the same account or address.
const pendingPrefix = "try:"

// takeSlot takes the first free one of slots slots of key for an attempt
// in progress and returns its id; errBusy when every slot is taken.
func (s *Service) takeSlot(ctx context.Context, key string, slots int, now time.Time) (string, error) {
	for i := range slots {
		id := fmt.Sprintf("%s%s#%d", pendingPrefix, key, i)
		err := s.store.InsertSlot(ctx, id, pendingPrefix+key, now, now.Add(-PendingWindow))
		switch {
		case err == nil:
			return id, nil
		case cases.ErrorCode(err) != cases.ECONFLICT:
			return "", fmt.Errorf("login: %w", err)
		}
	}
	return "", errBusy
}

// PendingWindow is how long the record of an attempt in progress counts
// against others made at the same time, should the server stop before
// removing it.
const PendingWindow = time.Minute

// errBusy refuses an attempt made while others for the same account or
// address are being checked and would reach the lockout threshold: not a
// failure, nothing is recorded, the person simply tries again.
var errBusy = &cases.Error{Code: cases.ETOOMANY, Field: "password", RetryAfter: 1,
	Message: "同时进行的登录过多，请稍后重新登录"}

// tooMany is the refusal of a login attempt during a lockout.
func tooMany(wait time.Duration) error {
	secs := int(math.Ceil(wait.Seconds()))
	return &cases.Error{Code: cases.ETOOMANY, Field: "password", RetryAfter: secs,
		Message: fmt.Sprintf("登录失败次数过多，请 %d 秒后再试", secs)}
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

var errSession = &cases.Error{Code: cases.EUNAUTHORIZED, Message: "请先登录（会话不存在或已过期）"}

// Authenticate returns the user and session of a session cookie's secret.
func (s *Service) Authenticate(ctx context.Context, secret string) (User, Session, error) {
	if secret == "" {
		return User{}, Session{}, errSession
	}
	sess, err := s.store.FindSession(ctx, HashSecret(secret))
	if cases.ErrorCode(err) == cases.ENOTFOUND {
		return User{}, Session{}, errSession
	} else if err != nil {
		return User{}, Session{}, fmt.Errorf("authenticate: %w", err)
	}
	now := s.now()
	if sess.Expired(now) {
		_ = s.store.DeleteSession(ctx, sess.ID)
		return User{}, Session{}, errSession
	}
	u, err := s.store.FindUser(ctx, sess.UserID)
	if err != nil || u.Disabled {
		_ = s.store.DeleteSession(ctx, sess.ID)
		return User{}, Session{}, errSession
	}
	// Record activity at most once a minute: the idle timeout is coarse.
	if now.Sub(sess.LastSeen) > time.Minute {
		if err := s.store.TouchSession(ctx, sess.ID, cases.TruncateTime(now)); err != nil {
			return User{}, Session{}, fmt.Errorf("authenticate: %w", err)
		}
	}
	return u.Acting(), sess, nil
}

// Logout ends a session.
func (s *Service) Logout(ctx context.Context, sessionID string) error {
	return s.store.DeleteSession(ctx, sessionID)
}

// CleanupSessions deletes expired sessions (FerretDB has no TTL indexes,
// so the application does it).
func (s *Service) CleanupSessions(ctx context.Context) (int, error) {
	now := s.now()
	return s.store.DeleteSessionsBefore(ctx, now.Add(-SessionIdle), now.Add(-SessionAbsolute))
}

// TokenRoles are the roles a system token may hold: read-only ones.
var TokenRoles = []cases.Role{cases.RoleLiaison, cases.RoleReviewer}

// CreateToken makes an API token; the secret is returned once and only its
// hash is kept.
func (s *Service) CreateToken(ctx context.Context, by, name string, roles []cases.Role, region []string) (string, Token, error) {
	name = strings.TrimSpace(name)
	var fe cases.FieldErrors
	if name == "" || len([]rune(name)) > 50 {
		fe.Add(cases.Invalid("name", "请填写令牌名称（使用它的系统，不超过 50 个字）"))
	}
	switch {
	case len(roles) == 0:
		fe.Add(cases.Invalid("roles", "请至少选择一个角色"))
	case slices.ContainsFunc(roles, func(r cases.Role) bool { return !slices.Contains(TokenRoles, r) }):
		fe.Add(cases.Invalid("roles", "接口令牌只能授予只读角色（联动部门、评估人员）"))
	}
	probe := User{ID: "token", Name: "接口", Roles: TokenRoles[:1], Region: region}
	fe.Add(probe.Validate()) // the region's errors: the probe's other fields are good
	if err := fe.Err(); err != nil {
		return "", Token{}, err
	}
	secret, hash := NewSecret(TokenPrefix)
	t := Token{ID: hash, Name: name, Roles: roles, Region: region, CreatedBy: by, CreatedAt: cases.TruncateTime(s.now())}
	if err := s.store.InsertToken(ctx, t); err != nil {
		return "", Token{}, fmt.Errorf("create token: %w", err)
	}
	return secret, t, nil
}

// Tokens lists every token.
func (s *Service) Tokens(ctx context.Context) ([]Token, error) { return s.store.FindTokens(ctx) }

// RevokeToken revokes the token whose id starts with short (at least 8 characters).
func (s *Service) RevokeToken(ctx context.Context, short string) (Token, error) {
	if len(short) < 8 {
		return Token{}, cases.Invalid("id", "请给出令牌编号的至少 8 位")
	}
	ts, err := s.store.FindTokens(ctx)
	if err != nil {
		return Token{}, err
	}
	var match []Token
	for _, t := range ts {
		if strings.HasPrefix(t.ID, short) {
			match = append(match, t)
		}
	}
	switch {
	case len(match) == 0:
		return Token{}, cases.NotFound("没有编号为 %s 的接口令牌", short)
	case len(match) > 1:
		return Token{}, cases.Invalid("id", "%s 对应 %d 个令牌，请多给几位", short, len(match))
	}
	t := match[0]
	if t.RevokedAt.IsZero() {
		t.RevokedAt = cases.TruncateTime(s.now())
		if err := s.store.PutToken(ctx, t); err != nil {
			return Token{}, fmt.Errorf("revoke token: %w", err)
		}
	}
	return t, nil
}

var errToken = &cases.Error{Code: cases.EUNAUTHORIZED, Message: "接口令牌无效或已被吊销"}

// AuthenticateToken returns the principal of an API token.
func (s *Service) AuthenticateToken(ctx context.Context, secret string) (User, error) {
	if !strings.HasPrefix(secret, TokenPrefix) {
		return User{}, errToken
	}
	t, err := s.store.FindToken(ctx, HashSecret(secret))
	if cases.ErrorCode(err) == cases.ENOTFOUND || (err == nil && !t.RevokedAt.IsZero()) {
		return User{}, errToken
	} else if err != nil {
		return User{}, fmt.Errorf("authenticate token: %w", err)
	}
	return t.User(), nil
}

// RecordAccess appends to the access log.
func (s *Service) RecordAccess(ctx context.Context, e AccessEntry) error {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	e.At = cases.TruncateTime(s.now())
	e.ID = e.At.Format("20060102T150405.000Z") + "-" + hex.EncodeToString(b)
	if err := s.store.InsertAccess(ctx, e); err != nil {
		return fmt.Errorf("record access: %w", err)
	}
	return nil
}

// SearchAccess searches the access log.
func (s *Service) SearchAccess(ctx context.Context, f AccessFilter) ([]AccessEntry, int, error) {
	if f.Page < 1 {
		f.Page = 1
	}
	if f.PerPage < 1 || f.PerPage > 500 {
		f.PerPage = 100
	}
	return s.store.FindAccess(ctx, f)
}
