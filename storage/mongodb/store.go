// Package mongodb implements cases.Store (and the stores of access and
// documents) on MongoDB, or any server speaking its wire protocol such as
// FerretDB. It uses only what MongoDB and FerretDB v1 both support:
// inserts (one or many), single-document updates and deletes by _id, finds,
// and unique indexes. Correctness under concurrency rests on unique-key
// inserts, never on conditional updates. The ledger reads by exact _id
// while serving; whole collections are read only to rebuild or verify.
package mongodb

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"rectify/cases"
)

// Collection names.
const (
	colUnits     = "units"
	colEvents    = "events"
	colKeys      = "idempotency_keys"
	colJournal   = "journal"
	colSnapshots = "snapshots"
	colChunks    = "snapshot_chunks"
)

// collections lists every collection the store writes. They are created
// when the store opens, so that an engine that indexes tables as it finds
// them (the embedded one) sees them all at once.
var collections = []string{colUnits, colEvents, colKeys, colJournal, colSnapshots, colChunks,
	colUsers, colSessions, colTokens, colFailures, colAccess, colDocuments, colDocNumber, colDocCodes, colEvidence,
	colReferrals, colDecisions, colLetters,
	colReports, colReportEvents, colReceipts, colReporterKeyChk,
	colRosterSnapshots, colRosterUnits, colRosterWarnings, colRosterCases, colRosterKeyChk}

// DB is a connection to one database.
type DB struct {
	client *mongo.Client
	db     *mongo.Database
}

// Open connects to uri, uses database name and creates the collections and
// indexes the store needs (idempotent).
func Open(ctx context.Context, uri, name string) (*DB, error) {
	return OpenWith(ctx, uri, name, Options{})
}

// Options adjust a store.
type Options struct {
	// Commands, if set, counts every command the store sends.
	Commands *Commands
}

// OpenWith is Open with options.
func OpenWith(ctx context.Context, uri, name string, o Options) (*DB, error) {
	co := options.Client().ApplyURI(uri).SetTimeout(30 * time.Second)
	if o.Commands != nil {
		co.SetMonitor(o.Commands.monitor())
	}
	client, err := mongo.Connect(co)
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", Redact(uri), err)
	}
	pctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if err := client.Ping(pctx, nil); err != nil {
		_ = client.Disconnect(ctx)
		return nil, fmt.Errorf("无法连接数据库 %s: %w", Redact(uri), err)
	}
	d := &DB{client: client, db: client.Database(name)}
	if err := d.ensureIndexes(ctx); err != nil {
		_ = client.Disconnect(ctx)
		return nil, err
	}
	if err := d.backfillCodes(ctx); err != nil {
		_ = client.Disconnect(ctx)
		return nil, err
	}
	return d, nil
}

// Redact returns a database URI fit for messages and diagnostics: the
// password and the options (which can hold key passwords) left out.
func Redact(uri string) string {
	// Cut by hand rather than url.Parse, which refuses what MongoDB
	// accepts: several hosts, and a Unix socket path escaped as the host
	// (mongodb://%2Ftmp%2Fx.sock), as the embedded engine listens.
	scheme, rest, ok := strings.Cut(uri, "://")
	if !ok {
		return "the configured database URI"
	}
	rest, _, _ = strings.Cut(rest, "#")
	rest, _, _ = strings.Cut(rest, "?")
	hosts, path, slash := strings.Cut(rest, "/")
	if at := strings.LastIndex(hosts, "@"); at >= 0 {
		user, _, _ := strings.Cut(hosts[:at], ":")
		hosts = user + "@" + hosts[at+1:]
	}
	if slash {
		hosts += "/" + path
	}
	return scheme + "://" + hosts
}

// Close disconnects.
func (d *DB) Close(ctx context.Context) error { return d.client.Disconnect(ctx) }

// Drop deletes the whole database (tests only).
func (d *DB) Drop(ctx context.Context) error { return d.db.Drop(ctx) }

// Name is the database's name.
func (d *DB) Name() string { return d.db.Name() }

// ensureIndexes creates every index a list filter or lookup uses. On
// FerretDB v1 only _id lookups use an index, but the unique indexes still
// arbitrate, and on MongoDB all of them serve their queries.
func (d *DB) ensureIndexes(ctx context.Context) error {
	type index struct {
		col, name string
		keys      bson.D
		unique    bool
	}
	asc := func(ks ...string) bson.D {
		d := bson.D{}
		for _, k := range ks {
			if k[0] == '-' {
				d = append(d, bson.E{Key: k[1:], Value: -1})
			} else {
				d = append(d, bson.E{Key: k, Value: 1})
			}
		}
		return d
	}
	specs := []index{
		{colEvents, "case_seq", asc("caseNo", "seq"), true},
		{colEvents, "idempotency_key", asc("idempotencyKey"), false},
		{colSessions, "user", asc("userId"), false},
		// Expiry deletes with $or: each branch needs its own index.
		{colSessions, "last_seen", asc("lastSeen"), false},
		{colSessions, "created_at", asc("createdAt"), false},
		{colTokens, "created_at", asc("createdAt"), false},
		{colFailures, "key_at", asc("key", "-at"), false},
		{colFailures, "at", asc("at"), false}, // expiry
		// The access log pages newest first with _id breaking ties: the
		// sort is part of every index, so that no search sorts in memory.
		{colAccess, "at_id", asc("-at", "-_id"), false},
		{colAccess, "user_at_id", asc("userId", "-at", "-_id"), false},
		{colAccess, "target_at_id", asc("target", "-at", "-_id"), false},
		// Searches by user, action and level in any combination: one
		// index per combination, each with the equalities first.
		{colAccess, "action_at_id", asc("action", "-at", "-_id"), false},
		{colAccess, "level_at_id", asc("level", "-at", "-_id"), false},
		{colAccess, "user_action_at_id", asc("userId", "action", "-at", "-_id"), false},
		{colAccess, "user_level_at_id", asc("userId", "level", "-at", "-_id"), false},
		{colAccess, "action_level_at_id", asc("action", "level", "-at", "-_id"), false},
		{colAccess, "user_action_level_at_id", asc("userId", "action", "level", "-at", "-_id"), false},
		{colDocuments, "verify_code", asc("verifyCode"), true},
		{colReportEvents, "report_seq", asc("report", "seq"), true},
		// The annual assessment reads every record of a round.
		{colAssessUnits, "round", asc("round", "_id"), false},
		{colAssessScores, "round", asc("round", "_id"), false},
		{colAssessConsensus, "round", asc("round", "_id"), false},
		{colAssessFindings, "round", asc("round", "_id"), false},
		{colAssessEvents, "round_seq", asc("round", "seq"), true},
		// A roster snapshot's warnings are read together.
		{colRosterWarnings, "snapshot_id", asc("snapshot", "_id"), false},
		{colAssessLetters, "round", asc("round", "_id"), false},
		{colAssessSelf, "round", asc("round", "_id"), false},
		{colAssessSurvey, "round", asc("round", "_id"), false},
	}
	// Indexes replaced by the ones above, dropped where a database has them.
	obsolete := map[string][]string{colAccess: {"at", "user_at", "target_at"}}
	names, err := d.db.ListCollectionNames(ctx, bson.M{})
	if err != nil {
		return fmt.Errorf("list collections: %w", err)
	}
	for _, col := range collections {
		if slices.Contains(names, col) {
			continue
		}
		err := d.db.CreateCollection(ctx, col)
		var ce mongo.CommandError
		if errors.As(err, &ce) && ce.Code == 48 { // NamespaceExists: created meanwhile
			err = nil
		}
		if err != nil {
			return fmt.Errorf("create collection %s: %w", col, err)
		}
	}
	have := map[string]bool{}
	for _, col := range collections {
		existing, err := d.db.Collection(col).Indexes().ListSpecifications(ctx)
		if err != nil {
			return fmt.Errorf("list indexes on %s: %w", col, err)
		}
		for _, spec := range existing {
			have[col+"."+spec.Name] = true
		}
	}
	for col, names := range obsolete {
		for _, name := range names {
			if !have[col+"."+name] {
				continue
			}
			if err := d.db.Collection(col).Indexes().DropOne(ctx, name); err != nil {
				return fmt.Errorf("drop index %s on %s: %w", name, col, err)
			}
		}
	}
	// Create only the missing ones: FerretDB v1 fails when asked to
	// re-create an existing compound index.
	for _, ix := range specs {
		if have[ix.col+"."+ix.name] {
			continue
		}
		m := mongo.IndexModel{Keys: ix.keys, Options: options.Index().SetName(ix.name).SetUnique(ix.unique)}
		if _, err := d.db.Collection(ix.col).Indexes().CreateOne(ctx, m); err != nil {
			return fmt.Errorf("create index %s on %s: %w", ix.name, ix.col, err)
		}
	}
	return nil
}

// translate maps driver errors to domain error codes.
func translate(err error, what string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, mongo.ErrNoDocuments):
		return cases.NotFound("%s不存在", recordName(what))
	case mongo.IsDuplicateKeyError(err):
		return &cases.Error{Code: cases.ECONFLICT, Message: recordName(what) + "已存在"}
	default:
		return fmt.Errorf("%s: %w", what, err)
	}
}

// recordNames name in Chinese the records translate reports on: its
// messages reach users, while what stays English for the logs.
var recordNames = []struct{ prefix, name string }{
	{"user ", "用户 "}, {"sessions of ", "会话（用户 "}, {"session", "会话"}, {"token", "接口令牌"},
	{"login failure", "登录失败记录"}, {"access log entry", "访问日志记录"}, {"document number", "发文字号"},
	{"verification code of ", "核验码（文件 "}, {"document ", "文件 "}, {"document", "文件"}, {"evidence ", "佐证材料 "},
	{"evidence", "佐证材料"}, {"event ", "事件 "}, {"registration with that idempotency key", "同一幂等键的登记"},
	{"journal entry ", "日志条目 "}, {"receipt", "回执码"}, {"report event ", "举报处理记录 "},
	{"report ", "举报 "}, {"reporter key check", "举报人信息密钥校验值"},
}

// recordName is what in Chinese: the known prefix replaced, the rest (an
// ID or number) kept.
func recordName(what string) string {
	for _, r := range recordNames {
		if rest, ok := strings.CutPrefix(what, r.prefix); ok {
			if strings.HasSuffix(r.name, "（用户 ") || strings.HasSuffix(r.name, "（文件 ") {
				return r.name + rest + "）"
			}
			if r.prefix == "login failure" {
				return r.name
			}
			return r.name + rest
		}
	}
	return "记录"
}

// regionKeys turns a region path into the keys a region filter matches:
// every ancestor path, so that 江南省/云州市 matches its counties too.
func regionKeys(path []string) []string {
	keys := make([]string, 0, len(path))
	for i := range path {
		keys = append(keys, cases.RegionKey(path[:i+1]))
	}
	return keys
}

func pageOpts(page, per int) (skip, limit int64) {
	return int64((page - 1) * per), int64(per)
}

// findAll runs a find and converts every document: the shape of every list
// read of this store.
func findAll[D any, T any](ctx context.Context, col *mongo.Collection, q any, sort bson.D, conv func(D) T, what string) ([]T, error) {
	cur, err := col.Find(ctx, q, options.Find().SetSort(sort))
	if err != nil {
		return nil, fmt.Errorf("find %s: %w", what, err)
	}
	var docs []D
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("read %s: %w", what, err)
	}
	out := make([]T, 0, len(docs))
	for _, d := range docs {
		out = append(out, conv(d))
	}
	return out, nil
}
