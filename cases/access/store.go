package access

import (
	"context"
	"time"
)

// Store persists accounts, sessions, tokens, login failures and the access
// log. Errors follow cases.Store: ENOTFOUND, ECONFLICT on an existing key.
type Store interface {
	// InsertUser adds a user (ECONFLICT if the login name is taken).
	InsertUser(ctx context.Context, u User) error
	// PutUser replaces a user, except for LastLoginAt, which only
	// SetLastLogin writes (so that an edit never undoes a login).
	PutUser(ctx context.Context, u User) error
	// SetLastLogin records a user's successful login at at.
	SetLastLogin(ctx context.Context, id string, at time.Time) error
	// FindUser returns a user (ENOTFOUND).
	FindUser(ctx context.Context, id string) (User, error)
	// FindUsers returns every user, ordered by login name.
	FindUsers(ctx context.Context) ([]User, error)

	// InsertSession records a new session.
	InsertSession(ctx context.Context, s Session) error
	// FindSession returns a session by id (ENOTFOUND).
	FindSession(ctx context.Context, id string) (Session, error)
	// TouchSession records activity on a session.
	TouchSession(ctx context.Context, id string, at time.Time) error
	// DeleteSession ends a session.
	DeleteSession(ctx context.Context, id string) error
	// DeleteUserSessions ends every session of a user.
	DeleteUserSessions(ctx context.Context, userID string) error
	// DeleteSessionsBefore removes sessions idle since before idle or
	// created before created; it returns how many.
	DeleteSessionsBefore(ctx context.Context, idle, created time.Time) (int, error)

	// InsertToken records a token.
	InsertToken(ctx context.Context, t Token) error
	// FindToken returns a token by its hash (ENOTFOUND).
	FindToken(ctx context.Context, id string) (Token, error)
	// FindTokens returns every token.
	FindTokens(ctx context.Context) ([]Token, error)
	// PutToken replaces a token.
	PutToken(ctx context.Context, t Token) error

	// InsertFailure records one failed login for key (an account or an
	// address); an insert, so concurrent failures are all counted.
	InsertFailure(ctx context.Context, key string, at time.Time) (id string, err error)
	// DeleteFailure forgets one record by its id: an attempt's slot
	// (InsertSlot), given back once its password was checked.
	DeleteFailure(ctx context.Context, id string) error
	// InsertSlot records an attempt in progress for key under the unique
	// id: of attempts made at once only one takes each id (ECONFLICT for
	// the others). A record under id made before staleBefore (by a server
	// that stopped before giving it back) is replaced.
	InsertSlot(ctx context.Context, id, key string, at, staleBefore time.Time) error
	// Failures counts failures for key since since and returns the last.
	Failures(ctx context.Context, key string, since time.Time) (int, time.Time, error)
	// ClearFailures forgets key's failures after a successful login.
	ClearFailures(ctx context.Context, key string) error
	// DeleteFailuresBefore deletes every failure recorded before t and
	// returns how many.
	DeleteFailuresBefore(ctx context.Context, t time.Time) (int, error)

	// InsertAccess appends to the access log (never updated or deleted).
	InsertAccess(ctx context.Context, e AccessEntry) error
	// FindAccess searches the access log, newest first, with the total.
	FindAccess(ctx context.Context, f AccessFilter) ([]AccessEntry, int, error)
}
