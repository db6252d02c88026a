package mongodb

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"rectify/cases"
	"rectify/cases/access"
)

// Collections of the access store.
const (
	colUsers    = "users"
	colSessions = "sessions"
	colTokens   = "api_tokens"
	colFailures = "login_failures"
	colAccess   = "access_log"
)

type userDoc struct {
	ID       string   `bson:"_id"`
	Name     string   `bson:"name"`
	Roles    []string `bson:"roles"`
	Region   []string `bson:"region"`
	UnitCode string   `bson:"unitCode"`
	// Records written before patrol rounds carry team and patrolUnits;
	// they are ignored on reading (access comes from the rounds now).
	PasswordHash string    `bson:"passwordHash"`
	Disabled     bool      `bson:"disabled"`
	CreatedAt    time.Time `bson:"createdAt"`
	UpdatedAt    time.Time `bson:"updatedAt"`
	LastLoginAt  time.Time `bson:"lastLoginAt,omitzero"`
}

func roleStrings(rs []cases.Role) []string {
	out := make([]string, 0, len(rs))
	for _, r := range rs {
		out = append(out, string(r))
	}
	return out
}

func roles(ss []string) []cases.Role {
	out := make([]cases.Role, 0, len(ss))
	for _, s := range ss {
		out = append(out, cases.Role(s))
	}
	return out
}

func toUserDoc(u access.User) userDoc {
	return userDoc{ID: u.ID, Name: u.Name, Roles: roleStrings(u.Roles), Region: u.Region, UnitCode: u.UnitCode,
		PasswordHash: u.PasswordHash, Disabled: u.Disabled, CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt,
		LastLoginAt: u.LastLoginAt}
}

func (d userDoc) user() access.User {
	u := access.User{ID: d.ID, Name: d.Name, Roles: roles(d.Roles), Region: d.Region, UnitCode: d.UnitCode,
		PasswordHash: d.PasswordHash, Disabled: d.Disabled, CreatedAt: d.CreatedAt.UTC(), UpdatedAt: d.UpdatedAt.UTC()}
	if !d.LastLoginAt.IsZero() {
		u.LastLoginAt = d.LastLoginAt.UTC()
	}
	return u
}

// InsertUser adds a user.
func (d *DB) InsertUser(ctx context.Context, u access.User) error {
	_, err := d.db.Collection(colUsers).InsertOne(ctx, toUserDoc(u))
	return translate(err, "user "+u.ID)
}

// PutUser replaces a user's fields but the time of the last login, which
// an edit made from an older read must not undo.
func (d *DB) PutUser(ctx context.Context, u access.User) error {
	raw, err := bson.Marshal(toUserDoc(u))
	if err != nil {
		return fmt.Errorf("encode user %s: %w", u.ID, err)
	}
	var set bson.D
	if err := bson.Unmarshal(raw, &set); err != nil {
		return fmt.Errorf("encode user %s: %w", u.ID, err)
	}
	set = slices.DeleteFunc(set, func(e bson.E) bool { return e.Key == "_id" || e.Key == "lastLoginAt" })
	_, err = d.db.Collection(colUsers).UpdateOne(ctx, bson.M{"_id": u.ID}, bson.M{"$set": set})
	return translate(err, "user "+u.ID)
}

// SetLastLogin records a successful login.
func (d *DB) SetLastLogin(ctx context.Context, id string, at time.Time) error {
	_, err := d.db.Collection(colUsers).UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$set": bson.M{"lastLoginAt": at}})
	return translate(err, "user "+id)
}

// FindUser returns a user.
func (d *DB) FindUser(ctx context.Context, id string) (access.User, error) {
	var doc userDoc
	if err := d.db.Collection(colUsers).FindOne(ctx, bson.M{"_id": id}).Decode(&doc); err != nil {
		return access.User{}, translate(err, "user "+id)
	}
	return doc.user(), nil
}

// FindUsers returns every user.
func (d *DB) FindUsers(ctx context.Context) ([]access.User, error) {
	return findAll(ctx, d.db.Collection(colUsers), bson.M{}, bson.D{{Key: "_id", Value: 1}}, userDoc.user, "users")
}

type sessionDoc struct {
	ID        string    `bson:"_id"`
	UserID    string    `bson:"userId"`
	CSRF      string    `bson:"csrf"`
	CreatedAt time.Time `bson:"createdAt"`
	LastSeen  time.Time `bson:"lastSeen"`
	IP        string    `bson:"ip"`
	UserAgent string    `bson:"userAgent"`
}

// InsertSession records a session.
func (d *DB) InsertSession(ctx context.Context, s access.Session) error {
	_, err := d.db.Collection(colSessions).InsertOne(ctx, sessionDoc(s))
	return translate(err, "session")
}

// FindSession returns a session.
func (d *DB) FindSession(ctx context.Context, id string) (access.Session, error) {
	var doc sessionDoc
	if err := d.db.Collection(colSessions).FindOne(ctx, bson.M{"_id": id}).Decode(&doc); err != nil {
		return access.Session{}, translate(err, "session")
	}
	s := access.Session(doc)
	s.CreatedAt, s.LastSeen = s.CreatedAt.UTC(), s.LastSeen.UTC()
	return s, nil
}

// TouchSession records activity.
func (d *DB) TouchSession(ctx context.Context, id string, at time.Time) error {
	_, err := d.db.Collection(colSessions).UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$set": bson.M{"lastSeen": at}})
	return translate(err, "session")
}

// DeleteSession ends a session.
func (d *DB) DeleteSession(ctx context.Context, id string) error {
	_, err := d.db.Collection(colSessions).DeleteOne(ctx, bson.M{"_id": id})
	return translate(err, "session")
}

// DeleteUserSessions ends a user's sessions.
func (d *DB) DeleteUserSessions(ctx context.Context, userID string) error {
	_, err := d.db.Collection(colSessions).DeleteMany(ctx, bson.M{"userId": userID})
	return translate(err, "sessions of "+userID)
}

// DeleteSessionsBefore removes expired sessions.
func (d *DB) DeleteSessionsBefore(ctx context.Context, idle, created time.Time) (int, error) {
	res, err := d.db.Collection(colSessions).DeleteMany(ctx, bson.M{"$or": bson.A{
		bson.M{"lastSeen": bson.M{"$lt": idle}}, bson.M{"createdAt": bson.M{"$lt": created}}}})
	if err != nil {
		return 0, fmt.Errorf("delete expired sessions: %w", err)
	}
	return int(res.DeletedCount), nil
}

type tokenDoc struct {
	ID        string    `bson:"_id"`
	Name      string    `bson:"name"`
	Roles     []string  `bson:"roles"`
	Region    []string  `bson:"region"`
	CreatedBy string    `bson:"createdBy"`
	CreatedAt time.Time `bson:"createdAt"`
	RevokedAt time.Time `bson:"revokedAt,omitzero"`
}

func toTokenDoc(t access.Token) tokenDoc {
	return tokenDoc{ID: t.ID, Name: t.Name, Roles: roleStrings(t.Roles), Region: t.Region, CreatedBy: t.CreatedBy, CreatedAt: t.CreatedAt, RevokedAt: t.RevokedAt}
}

func (d tokenDoc) token() access.Token {
	t := access.Token{ID: d.ID, Name: d.Name, Roles: roles(d.Roles), Region: d.Region, CreatedBy: d.CreatedBy, CreatedAt: d.CreatedAt.UTC()}
	if !d.RevokedAt.IsZero() {
		t.RevokedAt = d.RevokedAt.UTC()
	}
	return t
}

// InsertToken records a token.
func (d *DB) InsertToken(ctx context.Context, t access.Token) error {
	_, err := d.db.Collection(colTokens).InsertOne(ctx, toTokenDoc(t))
	return translate(err, "token")
}

// PutToken replaces a token.
func (d *DB) PutToken(ctx context.Context, t access.Token) error {
	_, err := d.db.Collection(colTokens).ReplaceOne(ctx, bson.M{"_id": t.ID}, toTokenDoc(t))
	return translate(err, "token")
}

// FindToken returns a token by its hash.
func (d *DB) FindToken(ctx context.Context, id string) (access.Token, error) {
	var doc tokenDoc
	if err := d.db.Collection(colTokens).FindOne(ctx, bson.M{"_id": id}).Decode(&doc); err != nil {
		return access.Token{}, translate(err, "token")
	}
	return doc.token(), nil
}

// FindTokens returns every token.
func (d *DB) FindTokens(ctx context.Context) ([]access.Token, error) {
	return findAll(ctx, d.db.Collection(colTokens), bson.M{}, bson.D{{Key: "createdAt", Value: 1}}, tokenDoc.token, "tokens")
}

// InsertFailure records a failed login: each failure is its own document,
// inserted, so concurrent failures are all counted.
func (d *DB) InsertFailure(ctx context.Context, key string, at time.Time) (string, error) {
	id := bson.NewObjectID()
	_, err := d.db.Collection(colFailures).InsertOne(ctx, bson.M{"_id": id, "key": key, "at": at})
	return id.Hex(), translate(err, "login failure")
}

// DeleteFailure deletes one failure record by its id.
func (d *DB) DeleteFailure(ctx context.Context, id string) error {
	var key any = id // a slot (InsertSlot)
	if oid, err := bson.ObjectIDFromHex(id); err == nil {
		key = oid // a failure (InsertFailure)
	}
	_, err := d.db.Collection(colFailures).DeleteOne(ctx, bson.M{"_id": key})
	return translate(err, "login failure")
}

// InsertSlot records an attempt in progress under its slot id; a stale
// record under that id goes first.
func (d *DB) InsertSlot(ctx context.Context, id, key string, at, staleBefore time.Time) error {
	col := d.db.Collection(colFailures)
	if _, err := col.DeleteOne(ctx, bson.M{"_id": id, "at": bson.M{"$lt": staleBefore}}); err != nil {
		return translate(err, "login failure")
	}
	_, err := col.InsertOne(ctx, bson.M{"_id": id, "key": key, "at": at})
	return translate(err, "login failure")
}

// Failures counts recent failures for key and returns the last one's time.
func (d *DB) Failures(ctx context.Context, key string, since time.Time) (int, time.Time, error) {
	col := d.db.Collection(colFailures)
	q := bson.M{"key": key, "at": bson.M{"$gte": since}}
	n, err := col.CountDocuments(ctx, q)
	if err != nil || n == 0 {
		return 0, time.Time{}, translate(err, "login failures")
	}
	var doc struct {
		At time.Time `bson:"at"`
	}
	if err := col.FindOne(ctx, q, options.FindOne().SetSort(bson.D{{Key: "at", Value: -1}})).Decode(&doc); err != nil {
		return 0, time.Time{}, translate(err, "login failures")
	}
	return int(n), doc.At, nil
}

// DeleteFailuresBefore deletes the failures recorded before t.
func (d *DB) DeleteFailuresBefore(ctx context.Context, t time.Time) (int, error) {
	r, err := d.db.Collection(colFailures).DeleteMany(ctx, bson.M{"at": bson.M{"$lt": t}})
	if err != nil {
		return 0, translate(err, "login failures")
	}
	return int(r.DeletedCount), nil
}

// ClearFailures forgets a key's failures.
func (d *DB) ClearFailures(ctx context.Context, key string) error {
	_, err := d.db.Collection(colFailures).DeleteMany(ctx, bson.M{"key": key})
	return translate(err, "login failures")
}

type accessDoc struct {
	ID     string    `bson:"_id"`
	At     time.Time `bson:"at"`
	UserID string    `bson:"userId"`
	Role   string    `bson:"role"`
	IP     string    `bson:"ip"`
	Action string    `bson:"action"`
	Target string    `bson:"target"`
	Level  string    `bson:"level,omitempty"`
	Before []string  `bson:"before,omitempty"`
	After  []string  `bson:"after,omitempty"`
}

// InsertAccess appends to the access log.
func (d *DB) InsertAccess(ctx context.Context, e access.AccessEntry) error {
	_, err := d.db.Collection(colAccess).InsertOne(ctx, accessDoc(e))
	return translate(err, "access log entry")
}

// FindAccess searches the access log.
func (d *DB) FindAccess(ctx context.Context, f access.AccessFilter) ([]access.AccessEntry, int, error) {
	q := bson.M{}
	if f.UserID != "" {
		q["userId"] = f.UserID
	}
	if f.Action != "" {
		q["action"] = f.Action
	}
	if f.Level != "" {
		q["level"] = f.Level
	}
	if f.Target != "" {
		q["target"] = bson.M{"$regex": "^" + regexp.QuoteMeta(f.Target)}
	}
	at := bson.M{}
	if !f.From.IsZero() {
		at["$gte"] = f.From
	}
	if !f.To.IsZero() {
		at["$lt"] = f.To
	}
	if len(at) > 0 {
		q["at"] = at
	}
	col := d.db.Collection(colAccess)
	var total int64
	var err error
	if len(q) == 0 {
		// The whole log's size from the collection's metadata, not by
		// counting every entry.
		total, err = col.EstimatedDocumentCount(ctx)
	} else {
		total, err = col.CountDocuments(ctx, q)
	}
	if err != nil {
		return nil, 0, fmt.Errorf("count access log: %w", err)
	}
	skip, limit := pageOpts(f.Page, f.PerPage)
	cur, err := col.Find(ctx, q, options.Find().SetSort(bson.D{{Key: "at", Value: -1}, {Key: "_id", Value: -1}}).SetSkip(skip).SetLimit(limit))
	if err != nil {
		return nil, 0, fmt.Errorf("find access log: %w", err)
	}
	var docs []accessDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, 0, fmt.Errorf("read access log: %w", err)
	}
	out := make([]access.AccessEntry, 0, len(docs))
	for _, doc := range docs {
		e := access.AccessEntry(doc)
		e.At = e.At.UTC()
		out = append(out, e)
	}
	return out, int(total), nil
}

var _ access.Store = (*DB)(nil)
