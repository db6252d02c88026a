package access

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"time"

	"rectify/cases"
)

// Session is a browser session. Only the hash of its secret is stored: the
// secret lives in the user's cookie.
type Session struct {
	ID        string // SHA-256 of the cookie secret
	UserID    string
	CSRF      string // synchroniser token for the session's forms
	CreatedAt time.Time
	LastSeen  time.Time
	IP        string
	UserAgent string
}

// Expired reports whether the session has been idle or alive too long.
func (s Session) Expired(now time.Time) bool {
	return now.Sub(s.LastSeen) > SessionIdle || now.Sub(s.CreatedAt) > SessionAbsolute
}

// Token is an API token for another system (a linkage department's
// system, the unit-standing query). Only its hash is stored.
type Token struct {
	ID        string       `json:"id"` // SHA-256 of the secret, hex
	Name      string       `json:"name"`
	Roles     []cases.Role `json:"roles"`
	Region    []string     `json:"region"`
	CreatedBy string       `json:"created_by"`
	CreatedAt time.Time    `json:"created_at"`
	RevokedAt time.Time    `json:"revoked_at,omitzero"`
}

// Short is the part of a token's id shown in lists and used to revoke it.
func (t Token) Short() string { return t.ID[:12] }

// User is the principal a token acts as. Tokens are never unit liaisons or
// patrol members: systems query, they do not rectify.
func (t Token) User() User {
	return User{ID: "token." + t.Short(), Name: "接口：" + t.Name, Roles: t.Roles, Region: t.Region}
}

// TokenPrefix marks Rectify API tokens, so that leaked ones are recognisable.
const TokenPrefix = "rct_"

// NewSecret returns a random secret (for a cookie or a token) and the hash
// under which it is stored.
func NewSecret(prefix string) (secret, hash string) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	secret = prefix + base64.RawURLEncoding.EncodeToString(b)
	return secret, HashSecret(secret)
}

// HashSecret is the stored form of a secret.
func HashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// AccessEntry is one line of the access log: who read what, when, from where.
type AccessEntry struct {
	ID     string    `json:"id"`
	At     time.Time `json:"at"`
	UserID string    `json:"user_id"`
	Role   string    `json:"role"`
	IP     string    `json:"ip"`
	Action string    `json:"action"` // read-case, read-events, export-ledger, …
	Target string    `json:"target"` // a case number, or the filter of an export
	Level  string    `json:"level,omitempty"`
	// Before and After are, for a change of an account's roles
	// (ActionChangeRoles), its roles before and after.
	Before []string `json:"before,omitempty"`
	After  []string `json:"after,omitempty"`
}

// Actions the access service itself records in the access log: the
// changes of accounts, with the account's login name as the target.
const (
	ActionChangeRoles = "change-roles" // Before and After hold the roles
	ActionDisableUser = "disable-user"
	ActionEnableUser  = "enable-user"
)

// AccessFilter selects access-log entries. Every field set must match;
// each combination of UserID, Action and Level is served by an index.
type AccessFilter struct {
	UserID  string
	Action  string // exactly, e.g. read-case
	Level   string // exactly, e.g. secret
	Target  string // a prefix
	From    time.Time
	To      time.Time
	Page    int
	PerPage int
}
