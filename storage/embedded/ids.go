package embedded

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	_ "modernc.org/sqlite" // the SQLite driver FerretDB itself uses
)

// idExpr is the expression FerretDB v1.24's SQLite backend compares with
// when a filter is an exact _id (metadata.IDColumn): in finds, updates and
// deletes alike. Its own unique _id index is built on a different
// expression (_ferretdb_sjson->"_id"), which SQLite's planner does not
// match, so without an index on idExpr every such command reads and parses
// the whole table.
const idExpr = `_ferretdb_sjson->'$._id'`

// IndexIDs adds the index FerretDB v1.24 lacks for exact _id filters to
// every collection of database db (all databases if db is ""), where it is
// missing. With it, a lookup, update or delete by exact _id reads one row.
// Uniqueness is still enforced by FerretDB's own index.
//
// On SQLite the index is on idExpr: measured at 40,000 documents, a find
// of a missing _id goes from 90 ms to 0.3 ms and an update from 160 ms to
// 0.3 ms. On PostgreSQL it is a GIN index on _jsonb->'_id' (pgIDIndex).
func (e *Engine) IndexIDs(ctx context.Context, db string) error {
	if e.pgURL != "" {
		return indexPostgreSQL(ctx, e.pgURL, db)
	}
	if e.dir == "" {
		return nil
	}
	files, err := filepath.Glob(filepath.Join(e.dir, "*.sqlite"))
	if err != nil {
		return fmt.Errorf("index _id: %w", err)
	}
	for _, f := range files {
		if db != "" && filepath.Base(f) != db+".sqlite" {
			continue
		}
		if err := indexFile(ctx, f); err != nil {
			return err
		}
	}
	return nil
}

// indexFile indexes the collection tables of one database file.
func indexFile(ctx context.Context, path string) error {
	if _, err := os.Stat(path); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil // dropped meanwhile
		}
		return fmt.Errorf("index _id in %s: %w", path, err)
	}
	// The same pragmas as FerretDB's own connections: wait for its writers
	// rather than fail, and never change the journal mode it chose.
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return fmt.Errorf("index _id in %s: %w", path, err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	tables, err := missingIDIndexes(ctx, db)
	if err != nil {
		return fmt.Errorf("index _id in %s: %w", path, err)
	}
	for _, t := range tables {
		q := fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %q ON %q (%s)`, t+"_rectify_id", t, idExpr)
		if _, err := db.ExecContext(ctx, q); err != nil {
			if strings.Contains(err.Error(), "no such table") {
				continue // the collection was dropped meanwhile
			}
			return fmt.Errorf("index _id of %s in %s: %w", t, path, err)
		}
	}
	return nil
}

// missingIDIndexes lists FerretDB's collection tables that lack the index.
func missingIDIndexes(ctx context.Context, db *sql.DB) ([]string, error) {
	rows, err := db.QueryContext(ctx, `SELECT c.table_name FROM _ferretdb_collections c
		WHERE NOT EXISTS (SELECT 1 FROM sqlite_master m WHERE m.type = 'index' AND m.name = c.table_name || '_rectify_id')`)
	if err != nil {
		if strings.Contains(err.Error(), "no such table") {
			return nil, nil // a database file FerretDB has not initialised yet
		}
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// indexLoop runs IndexIDs until ctx ends.
func (e *Engine) indexLoop(ctx context.Context, every time.Duration, log *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := e.IndexIDs(ctx, ""); err != nil && ctx.Err() == nil {
				log.Warn("index _id", "err", err)
			}
		}
	}
}

// On PostgreSQL, FerretDB v1.24 filters an exact _id with
// `_jsonb->$1 @> $2` (containment, key as a parameter). Its unique B-tree
// index on (_jsonb->'_id') cannot serve containment, so every such command
// scans the table (measured at 50,000 documents: 55–62 ms a find). A GIN
// index on the same expression serves it (0.3 ms in psql) — but only in a
// plan made for the actual key: FerretDB prepares its statements, and after
// five executions PostgreSQL switches to a generic plan in which `$1` is
// unknown and the index unusable. customPlans makes the engine's sessions
// plan every execution for its parameters (plan_cache_mode), which brings
// a find through the engine to about 0.8 ms.
const pgIDIndex = `USING gin ((_jsonb->'_id'))`

// customPlans adds plan_cache_mode=force_custom_plan to a PostgreSQL URL,
// unless it sets the parameter itself.
func customPlans(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("PostgreSQL URL: %w", err)
	}
	q := u.Query()
	if q.Get("plan_cache_mode") == "" {
		q.Set("plan_cache_mode", "force_custom_plan")
		u.RawQuery = q.Encode()
	}
	return u.String(), nil
}

// indexPostgreSQL creates the GIN _id index on every FerretDB collection
// table of schema db (every schema if db is "") that lacks it. FerretDB
// names a database's schema after the database.
func indexPostgreSQL(ctx context.Context, pgURL, db string) error {
	conn, err := pgx.Connect(ctx, pgURL)
	if err != nil {
		return fmt.Errorf("index _id: connect to PostgreSQL: %w", err)
	}
	defer conn.Close(context.Background())
	rows, err := conn.Query(ctx, `SELECT c.table_schema, c.table_name FROM information_schema.columns c
		WHERE c.column_name = '_jsonb' AND c.table_name <> '_ferretdb_database_metadata'
		AND ($1 = '' OR c.table_schema = $1)
		AND NOT EXISTS (SELECT 1 FROM pg_indexes i WHERE i.schemaname = c.table_schema AND i.indexname = c.table_name || '_rectify_id')`, db)
	if err != nil {
		return fmt.Errorf("index _id: list tables: %w", err)
	}
	type table struct{ schema, name string }
	var missing []table
	for rows.Next() {
		var t table
		if err := rows.Scan(&t.schema, &t.name); err != nil {
			return fmt.Errorf("index _id: list tables: %w", err)
		}
		missing = append(missing, t)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("index _id: list tables: %w", err)
	}
	// Give way to the engine: an index that cannot take its table's lock at
	// once is tried again next time. Not CONCURRENTLY: that waits for every
	// transaction on the table to end, and FerretDB creating the table's
	// own indexes in one then deadlocks with it (seen in the tests). A
	// plain build of a table's first index is quick; on a large table made
	// by an earlier version it holds writes to that table once, for the
	// seconds the build takes.
	if _, err := conn.Exec(ctx, `SET lock_timeout = '200ms'`); err != nil {
		return fmt.Errorf("index _id: %w", err)
	}
	for _, t := range missing {
		q := fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %s ON %s.%s %s`,
			pgx.Identifier{t.name + "_rectify_id"}.Sanitize(), pgx.Identifier{t.schema}.Sanitize(), pgx.Identifier{t.name}.Sanitize(), pgIDIndex)
		if _, err := conn.Exec(ctx, q); err != nil {
			var pe *pgconn.PgError
			if errors.As(err, &pe) && (pe.Code == "42P01" || pe.Code == "3F000" || pe.Code == "55P03" || pe.Code == "40P01") {
				continue // dropped meanwhile, or busy: next time
			}
			return fmt.Errorf("index _id of %s.%s: %w", t.schema, t.name, err)
		}
	}
	return nil
}
