package access

import (
	"context"
	"sync"
	"time"

	"rectify/cases"
)

// Signals carries cache invalidations between the processes that share a
// database. cases.Service implements it through the journal (a server);
// cases.Notifier sends without receiving (a command-line tool).
type Signals interface {
	Signal(ctx context.Context, sig cases.Signal) error
	OnSignal(func(cases.Signal))
}

// Signal topics.
const (
	TopicSession = "session" // Key: the session id
	TopicUser    = "user"    // Key: the login name; its sessions go too
	TopicToken   = "token"   // Key: the token id
)

// cacheFor bounds how long a cached entry is trusted without a signal: the
// backstop should a signal be lost.
const cacheFor = time.Minute

// Shared wraps a store for a process that shares its database with others.
// With cache, sessions, accounts and tokens are kept in memory once read,
// so that authenticating a request reads nothing; every change this process
// makes updates the cache at once and is signalled to the others, which
// drop what they cached. A session that looks expired is read again before
// it is believed, since another process may have seen activity on it.
func Shared(store Store, signals Signals, cache bool) Store {
	s := &shared{Store: store, signals: signals, cache: cache,
		sessions: map[string]entry[Session]{}, users: map[string]entry[User]{}, tokens: map[string]entry[Token]{}}
	if cache {
		signals.OnSignal(s.forget)
	}
	return s
}

type entry[T any] struct {
	v  T
	at time.Time
}

type shared struct {
	Store
	signals Signals
	cache   bool

	mu       sync.Mutex
	sessions map[string]entry[Session]
	users    map[string]entry[User]
	tokens   map[string]entry[Token]
}

func fresh[T any](m map[string]entry[T], k string) (T, bool) {
	e, ok := m[k]
	if !ok || time.Since(e.at) > cacheFor {
		var zero T
		return zero, false
	}
	return e.v, true
}

// forget drops what a signal names.
func (s *shared) forget(sig cases.Signal) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch sig.Topic {
	case TopicSession:
		delete(s.sessions, sig.Key)
	case TopicUser:
		delete(s.users, sig.Key)
		for id, e := range s.sessions {
			if e.v.UserID == sig.Key {
				delete(s.sessions, id)
			}
		}
	case TopicToken:
		delete(s.tokens, sig.Key)
	}
}

// signal forgets locally at once and tells the others. A signal that
// cannot be sent is not an error of the change itself, which is stored:
// the others' entries expire within cacheFor.
func (s *shared) signal(ctx context.Context, topic, key string) {
	sig := cases.Signal{Topic: topic, Key: key}
	s.forget(sig)
	_ = s.signals.Signal(ctx, sig)
}

func (s *shared) FindSession(ctx context.Context, id string) (Session, error) {
	if s.cache {
		s.mu.Lock()
		sess, ok := fresh(s.sessions, id)
		s.mu.Unlock()
		if ok && !sess.Expired(time.Now()) {
			return sess, nil
		}
	}
	sess, err := s.Store.FindSession(ctx, id)
	if err == nil && s.cache {
		s.mu.Lock()
		s.sessions[id] = entry[Session]{sess, time.Now()}
		s.mu.Unlock()
	}
	return sess, err
}

func (s *shared) TouchSession(ctx context.Context, id string, at time.Time) error {
	if err := s.Store.TouchSession(ctx, id, at); err != nil {
		return err
	}
	s.mu.Lock()
	if e, ok := s.sessions[id]; ok {
		e.v.LastSeen = at
		s.sessions[id] = e
	}
	s.mu.Unlock()
	return nil
}

func (s *shared) DeleteSession(ctx context.Context, id string) error {
	if err := s.Store.DeleteSession(ctx, id); err != nil {
		return err
	}
	s.signal(ctx, TopicSession, id)
	return nil
}

func (s *shared) DeleteUserSessions(ctx context.Context, userID string) error {
	if err := s.Store.DeleteUserSessions(ctx, userID); err != nil {
		return err
	}
	s.signal(ctx, TopicUser, userID)
	return nil
}

func (s *shared) FindUser(ctx context.Context, id string) (User, error) {
	if s.cache {
		s.mu.Lock()
		u, ok := fresh(s.users, id)
		s.mu.Unlock()
		if ok {
			return u, nil
		}
	}
	u, err := s.Store.FindUser(ctx, id)
	if err == nil && s.cache {
		s.mu.Lock()
		s.users[id] = entry[User]{u, time.Now()}
		s.mu.Unlock()
	}
	return u, err
}

func (s *shared) PutUser(ctx context.Context, u User) error {
	if err := s.Store.PutUser(ctx, u); err != nil {
		return err
	}
	s.signal(ctx, TopicUser, u.ID)
	return nil
}

// SetLastLogin is not signalled: other processes may show a login a
// minute late, and PutUser never writes it back.
func (s *shared) SetLastLogin(ctx context.Context, id string, at time.Time) error {
	if err := s.Store.SetLastLogin(ctx, id, at); err != nil {
		return err
	}
	s.mu.Lock()
	if e, ok := s.users[id]; ok {
		e.v.LastLoginAt = at
		s.users[id] = e
	}
	s.mu.Unlock()
	return nil
}

func (s *shared) FindToken(ctx context.Context, id string) (Token, error) {
	if s.cache {
		s.mu.Lock()
		t, ok := fresh(s.tokens, id)
		s.mu.Unlock()
		if ok {
			return t, nil
		}
	}
	t, err := s.Store.FindToken(ctx, id)
	if err == nil && s.cache {
		s.mu.Lock()
		s.tokens[id] = entry[Token]{t, time.Now()}
		s.mu.Unlock()
	}
	return t, err
}

func (s *shared) PutToken(ctx context.Context, t Token) error {
	if err := s.Store.PutToken(ctx, t); err != nil {
		return err
	}
	s.signal(ctx, TopicToken, t.ID)
	return nil
}
