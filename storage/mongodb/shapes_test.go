package mongodb_test

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"rectify/assessment"
	"rectify/cases"
	"rectify/cases/access"
	"rectify/cases/casetest"
	"rectify/cases/clue"
	"rectify/cases/documents"
	"rectify/cases/hotline"
	"rectify/cases/roster"
	"rectify/storage/mongodb"
	"rectify/storage/mongotest"
)

// wholeReads are the reads that take a whole collection on purpose: a
// start-up, a rebuild, a verification or an administrator's list of a small
// collection. Any other read must be served by an index.
var wholeReads = map[string]string{
	"find events":               "start-up without a snapshot, verify",
	"find units":                "start-up (units are a few thousand)",
	"find users":                "administrator's account list",
	"find documents":            "verify (object keys), one-time code backfill",
	"find evidence":             "verify (object keys)",
	"find document_numbers":     "verify (void numbers)",
	"find journal":              "verify (links)",
	"find snapshot_chunks":      "never: listed to keep the map honest",
	"find referral_batches":     "start-up (the referral service indexes batches in memory)",
	"find audit_referrals":      "start-up of the audit referral index",
	"find audit_decisions":      "start-up of the audit referral index",
	"find audit_letters":        "start-up of the audit referral index",
	"find hotline_reports":      "the hotline's triage list (reports are a few thousand a year)",
	"find hotline_events":       "the hotline's triage list",
	"find assessment_rounds":    "the list of rounds (one a year)",
	"find roster_snapshots":     "the roster snapshots (a few a year)",
	"find roster_warning_cases": "the warning–case links (one per case made of a warning)",
	"find patrol_rounds":        "start-up (the patrol service indexes rounds in memory)",
	"find patrol_briefings":     "start-up (the patrol service indexes sent briefings in memory)",
}

// TestEveryReadHasAnIndex calls every method of the store, records the shape
// of every read, update and delete it sends, and checks each against the
// indexes the store created, with MongoDB's equality–sort–range rule: on a
// production MongoDB no query the product sends scans a collection or sorts
// in memory, except the whole reads listed above.
func TestEveryReadHasAnIndex(t *testing.T) {
	ctx := context.Background()
	uri := mongotest.URI(t)
	name := mongotest.DBName()
	cmds := mongodb.NewCommands(true)
	db, err := mongodb.OpenWith(ctx, uri, name, mongodb.Options{Commands: cmds})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Drop(ctx); _ = db.Close(ctx) })

	called := exerciseStore(t, db)
	checkEveryMethodCalled(t, called)

	indexes := listIndexes(t, uri, name)
	shapes := cmds.Shapes()
	if len(shapes) < 20 {
		t.Fatalf("recorded %d shapes; the exercise did not reach the store", len(shapes))
	}
	seen := map[string]bool{}
	for _, s := range shapes {
		key := s.Command + " " + s.Collection + " " + strings.Join(s.Filter, ",") + " / " + strings.Join(s.Sort, ",")
		if seen[key] {
			continue
		}
		seen[key] = true
		if len(s.Filter) == 0 && len(s.Sort) == 0 || onlyID(s) && len(s.Sort) == 0 {
			if len(s.Filter) == 0 && s.Command != "find" && s.Command != "aggregate" && s.Command != "count" {
				t.Errorf("%s: a %s of every document in %s", key, s.Command, s.Collection)
			}
			if len(s.Filter) == 0 && s.Command != "count" { // count of all: from metadata
				if _, ok := wholeReads[s.Command+" "+s.Collection]; !ok {
					t.Errorf("%s: reads all of %s and is not a listed whole read", key, s.Collection)
				}
			}
			continue
		}
		if !covered(s, indexes[s.Collection]) {
			t.Errorf("%s: no index serves this shape (indexes: %v)", key, indexes[s.Collection])
		}
	}
	t.Logf("%d distinct shapes checked", len(seen))
}

// onlyID reports whether a shape filters on _id alone (plus residual
// equality fields that the _id already decides).
func onlyID(s mongodb.Shape) bool {
	return len(s.Filter) > 0 && s.Filter[0] == "_id" || slices.Contains(s.Filter, "_id")
}

// covered applies the equality–sort–range rule: some index starts with the
// shape's equality fields (in any order), continues with its sort fields in
// order (all directions equal or all reversed), and if there is neither
// equality nor sort, starts with a range field. Each $or branch must be
// covered on its own.
func covered(s mongodb.Shape, indexes [][]string) bool {
	var eq, rng, or []string
	for _, f := range s.Filter {
		field, op, _ := strings.Cut(f, " ")
		if field == "$or" {
			or = append(or, op)
			continue
		}
		if field == "$and" {
			field, op, _ = strings.Cut(op, " ")
		}
		if op == "" || op == "$in" {
			eq = append(eq, field)
		} else {
			rng = append(rng, field)
		}
	}
	for _, branch := range or {
		field, op, _ := strings.Cut(branch, " ")
		b := mongodb.Shape{Filter: append(slices.Clone(eq), strings.TrimSpace(field+" "+op))}
		if !covered(b, indexes) {
			return false
		}
	}
	if len(or) > 0 && len(eq) == 0 && len(rng) == 0 && len(s.Sort) == 0 {
		return true
	}
	var sortKeys []string
	for _, k := range s.Sort {
		if !slices.Contains(eq, strings.TrimPrefix(k, "-")) {
			sortKeys = append(sortKeys, k)
		}
	}
	for _, ix := range indexes {
		if len(sortKeys) == 0 && len(eq) > 0 && slices.Contains(eq, strings.TrimPrefix(ix[0], "-")) {
			return true // bounded by some of the equalities, the rest filtered
		}
		if len(ix) < len(eq)+len(sortKeys) {
			continue
		}
		ok := true
		for _, k := range ix[:len(eq)] {
			if !slices.Contains(eq, strings.TrimPrefix(k, "-")) {
				ok = false
			}
		}
		if !ok {
			continue
		}
		rest := ix[len(eq):]
		if len(sortKeys) > 0 {
			if !sameOrder(rest[:len(sortKeys)], sortKeys) {
				continue
			}
			return true
		}
		if len(eq) > 0 {
			return true
		}
		if len(rest) > 0 && slices.Contains(rng, strings.TrimPrefix(rest[0], "-")) {
			return true
		}
	}
	return false
}

// sameOrder reports whether index keys give the sort, read forwards or
// backwards.
func sameOrder(ix, sort []string) bool {
	forward, backward := true, true
	for i := range sort {
		if ix[i] != sort[i] {
			forward = false
		}
		if ix[i] != flip(sort[i]) {
			backward = false
		}
	}
	return forward || backward
}

func flip(k string) string {
	if strings.HasPrefix(k, "-") {
		return k[1:]
	}
	return "-" + k
}

func TestCoveredRule(t *testing.T) {
	ix := [][]string{{"_id"}, {"key", "-at"}, {"-at", "-_id"}, {"lastSeen"}, {"createdAt"}, {"target", "-at", "-_id"}}
	for _, tc := range []struct {
		filter, sort []string
		want         bool
	}{
		{[]string{"key", "at $gte"}, nil, true},
		{[]string{"key"}, []string{"-at"}, true},
		{[]string{"key"}, []string{"at"}, true}, // read backwards
		{nil, []string{"-at", "-_id"}, true},
		{nil, []string{"-at", "_id"}, false}, // mixed directions
		{[]string{"target"}, []string{"-at", "-_id"}, true},
		{[]string{"userId"}, []string{"-at", "-_id"}, false},
		{[]string{"at $gte"}, nil, true},
		{[]string{"touched $gte"}, nil, false},
		{[]string{"key", "seq"}, nil, true}, // a prefix of the equalities
		{[]string{"key", "seq"}, []string{"-at"}, false},
		{[]string{"lastSeen $lt"}, nil, true},
		{[]string{"$or lastSeen $lt", "$or createdAt $lt"}, nil, true},
		{[]string{"$or lastSeen $lt", "$or touched $lt"}, nil, false},
		{[]string{"role"}, nil, false},
	} {
		if got := covered(mongodb.Shape{Filter: tc.filter, Sort: tc.sort}, ix); got != tc.want {
			t.Errorf("covered(%v / %v) = %v, want %v", tc.filter, tc.sort, got, tc.want)
		}
	}
}

// listIndexes returns each collection's indexes as key lists ("-at" for a
// descending key).
func listIndexes(t *testing.T, uri, name string) map[string][][]string {
	t.Helper()
	ctx := context.Background()
	client, err := mongo.Connect(options.Client().ApplyURI(uri))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = client.Disconnect(ctx) }()
	db := client.Database(name)
	cols, err := db.ListCollectionNames(ctx, bson.M{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][][]string{}
	for _, col := range cols {
		specs, err := db.Collection(col).Indexes().ListSpecifications(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, spec := range specs {
			els, err := spec.KeysDocument.Elements()
			if err != nil {
				t.Fatal(err)
			}
			var keys []string
			for _, e := range els {
				k := e.Key()
				if n, ok := e.Value().AsInt64OK(); ok && n < 0 {
					k = "-" + k
				}
				keys = append(keys, k)
			}
			out[col] = append(out[col], keys)
		}
	}
	return out
}

// notStoreMethods are methods of *DB that are not part of a store
// interface: connection handling and test helpers.
var notStoreMethods = []string{"Close", "Drop", "Name", "Counts", "RawUpdate", "RawDelete", "RawDocuments"}

// checkEveryMethodCalled fails when the store has a method the exercise did
// not call: a new query must be added here to be checked.
func checkEveryMethodCalled(t *testing.T, called map[string]bool) {
	t.Helper()
	typ := reflect.TypeOf(&mongodb.DB{})
	for i := range typ.NumMethod() {
		m := typ.Method(i).Name
		if !called[m] && !slices.Contains(notStoreMethods, m) {
			t.Errorf("the exercise does not call DB.%s: add it, so that its queries are checked against the indexes", m)
		}
	}
}

// exerciseStore calls every store method, each filter branch included, and
// returns the names of the methods called.
func exerciseStore(t *testing.T, db *mongodb.DB) map[string]bool {
	t.Helper()
	ctx := context.Background()
	called := map[string]bool{}
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	must := func(method string, err error) {
		t.Helper()
		called[method] = true
		if err != nil && cases.ErrorCode(err) != cases.ENOTFOUND {
			t.Fatalf("%s: %v", method, err)
		}
	}

	unit := cases.Unit{Code: "QH001", Name: "清河县教育局", Kind: "government", Region: []string{"江南省", "云州市", "清河县"}}
	must("PutUnits", db.PutUnits(ctx, []cases.Unit{unit}))
	_, err := db.AllUnits(ctx)
	must("AllUnits", err)

	ev := cases.Event{CaseNo: "2026-0001", Seq: 1, Action: cases.ActionRegister, To: cases.StateRegistered, At: at,
		Actor:      cases.Actor{ID: "li.ming", Role: cases.RoleOffice},
		Registered: &cases.Registered{Year: 2026, Ordinal: 1, IdempotencyKey: "k1"}}
	for _, err := range db.InsertEvents(ctx, []cases.Event{ev}, true) {
		must("InsertEvents", err)
	}
	called["InsertEvents"] = true
	_, err = db.FindEvent(ctx, "2026-0001", 1)
	must("FindEvent", err)
	_, err = db.FindRegistrationByKey(ctx, "k1")
	must("FindRegistrationByKey", err)
	must("ScanEvents", db.ScanEvents(ctx, func(cases.Event) error { return nil }))

	_, _, err = db.ClaimKey(ctx, cases.KeyRecord{Key: "k2", RequestHash: "h", CreatedAt: at})
	must("ClaimKey", err)
	must("ReleaseKey", db.ReleaseKey(ctx, "k2"))

	link := cases.Link{Kind: "document", ID: "d1", Cases: []string{"2026-0001"}}
	must("AppendJournal", db.AppendJournal(ctx, cases.Entry{Pos: 1, At: at, By: "p", Changes: []cases.Change{{Link: &link}}}))
	_, err = db.FindJournal(ctx, 1)
	must("FindJournal", err)
	must("ScanLinks", db.ScanLinks(ctx, func(cases.Link) error { return nil }))
	must("PruneJournal", db.PruneJournal(ctx, 1, 1))
	must("PutSnapshotChunk", db.PutSnapshotChunk(ctx, "c1", []byte("x")))
	_, err = db.FindSnapshotChunk(ctx, "c1")
	must("FindSnapshotChunk", err)
	snap := cases.SnapshotInfo{Seq: 1, Pos: 1, At: at, Chunks: []string{"c1"}}
	must("InsertSnapshot", db.InsertSnapshot(ctx, snap))
	_, err = db.FindSnapshot(ctx, 1)
	must("FindSnapshot", err)
	must("DeleteSnapshot", db.DeleteSnapshot(ctx, snap))

	u := access.User{ID: "li.ming", Name: "李明", Roles: []cases.Role{cases.RoleOffice}, Region: []string{"江南省"}, CreatedAt: at}
	must("InsertUser", db.InsertUser(ctx, u))
	must("PutUser", db.PutUser(ctx, u))
	must("SetLastLogin", db.SetLastLogin(ctx, u.ID, at))
	_, err = db.FindUser(ctx, u.ID)
	must("FindUser", err)
	_, err = db.FindUsers(ctx)
	must("FindUsers", err)
	s := access.Session{ID: "s1", UserID: u.ID, CreatedAt: at, LastSeen: at}
	must("InsertSession", db.InsertSession(ctx, s))
	_, err = db.FindSession(ctx, s.ID)
	must("FindSession", err)
	must("TouchSession", db.TouchSession(ctx, s.ID, at.Add(time.Minute)))
	must("DeleteSession", db.DeleteSession(ctx, s.ID))
	must("DeleteUserSessions", db.DeleteUserSessions(ctx, u.ID))
	_, err = db.DeleteSessionsBefore(ctx, at, at)
	must("DeleteSessionsBefore", err)
	tok := access.Token{ID: "t1", Name: "联动", Roles: []cases.Role{cases.RoleLiaison}, CreatedAt: at}
	must("InsertToken", db.InsertToken(ctx, tok))
	must("PutToken", db.PutToken(ctx, tok))
	_, err = db.FindToken(ctx, tok.ID)
	must("FindToken", err)
	_, err = db.FindTokens(ctx)
	must("FindTokens", err)
	fid, err := db.InsertFailure(ctx, "ip:1", at)
	must("InsertFailure", err)
	must("DeleteFailure", db.DeleteFailure(ctx, fid))
	must("InsertSlot", db.InsertSlot(ctx, "slot:ip:1#0", "try:ip:1", at, at.Add(-time.Minute)))
	must("DeleteFailure", db.DeleteFailure(ctx, "slot:ip:1#0"))
	_, err = db.InsertFailure(ctx, "ip:1", at)
	must("InsertFailure", err)
	_, _, err = db.Failures(ctx, "ip:1", at.Add(-time.Hour))
	must("Failures", err)
	must("ClearFailures", db.ClearFailures(ctx, "ip:1"))
	_, err = db.DeleteFailuresBefore(ctx, at)
	must("DeleteFailuresBefore", err)
	must("InsertAccess", db.InsertAccess(ctx, access.AccessEntry{ID: "a1", At: at, UserID: u.ID, Action: "read-case", Target: "2026-0001"}))
	for _, f := range []access.AccessFilter{
		{},
		{UserID: u.ID},
		{Target: "2026-0001"},
		{From: at.Add(-time.Hour), To: at.Add(time.Hour)},
		{UserID: u.ID, From: at.Add(-time.Hour)},
		{Target: "2026", To: at.Add(time.Hour)},
		{UserID: u.ID, Target: "2026-0001", Page: 2, PerPage: 10},
		{Action: "read-case"},
		{Level: "secret"},
		{UserID: u.ID, Action: "read-case"},
		{UserID: u.ID, Level: "secret"},
		{Action: "read-case", Level: "secret", From: at.Add(-time.Hour)},
		{UserID: u.ID, Action: "read-case", Level: "secret", Target: "2026"},
	} {
		_, _, err = db.FindAccess(ctx, f)
		must("FindAccess", err)
	}

	must("ClaimNumber", db.ClaimNumber(ctx, documents.Claim{Kind: documents.KindNotice, Year: 2026, Seq: 1, At: at}))
	_, err = db.Claims(ctx)
	must("Claims", err)
	_, err = db.DocumentIDs(ctx)
	must("DocumentIDs", err)
	_, err = db.NumberClaimed(ctx, documents.KindNotice, 2026, 1)
	must("NumberClaimed", err)
	doc := documents.Document{ID: "d1", Kind: documents.KindNotice, Year: 2026, Seq: 1, Number: "云编督〔2026〕1号",
		ObjectKey: "documents/d1.pdf", VerifyCode: "ABCD-EFGH", IssuedAt: at}
	must("InsertDocument", db.InsertDocument(ctx, doc))
	_, err = db.FindDocument(ctx, doc.ID)
	must("FindDocument", err)
	_, err = db.FindDocumentByCode(ctx, doc.VerifyCode)
	must("FindDocumentByCode", err)
	_, err = db.FindDocumentByCode(ctx, "NONE-NONE")
	must("FindDocumentByCode", err)
	must("InsertEvidence", db.InsertEvidence(ctx, documents.Evidence{ID: "e1", CaseNo: "2026-0001", ObjectKey: "evidence/e1", UploadedAt: at}))
	_, err = db.FindEvidence(ctx, "e1")
	must("FindEvidence", err)
	_, err = db.ObjectKeys(ctx)
	must("ObjectKeys", err)
	exerciseReferral(t, db, must)
	exercisePatrol(t, db, must)
	ref := clue.Referral{ID: "0123456789abcdef", Office: "云州市审计局", ReportNo: "云审移〔2026〕1号", Received: "2026-03-02", Level: cases.LevelInternal,
		Clues: []clue.Clue{{ID: "0123456789abcdef-01", Seq: 1, UnitCode: "QH001"}}}
	must("InsertReferral", db.InsertReferral(ctx, ref))
	_, err = db.FindReferral(ctx, ref.ID)
	must("FindReferral", err)
	_, err = db.Referrals(ctx)
	must("Referrals", err)
	must("InsertDecision", db.InsertDecision(ctx, clue.Decision{ClueID: "0123456789abcdef-01", Outcome: clue.Confirmed}))
	_, err = db.FindDecision(ctx, "0123456789abcdef-01")
	must("FindDecision", err)
	must("SetDecisionCase", db.SetDecisionCase(ctx, "0123456789abcdef-01", "2026-0001"))
	_, err = db.Decisions(ctx)
	must("Decisions", err)
	must("DeleteDecision", db.DeleteDecision(ctx, "0123456789abcdef-01"))
	must("InsertLetter", db.InsertLetter(ctx, clue.Letter{ID: ref.ID + "/feedback-2026-0001", ReferralID: ref.ID, DocumentID: "feedback-2026-0001"}))
	_, err = db.Letters(ctx)
	must("Letters", err)
	// The hotline.
	must("InsertReceipt", db.InsertReceipt(ctx, hotline.Receipt{Code: "ABCDEFGHJKLM", Report: "JB20260302-ABCDE", SecretHash: "x"}))
	_, err = db.FindReceipt(ctx, "ABCDEFGHJKLM")
	must("FindReceipt", err)
	must("InsertReport", db.InsertReport(ctx, hotline.Report{ID: "JB20260302-ABCDE", Channel: hotline.ChannelWeb, ReceivedAt: at, Allegation: "x"}))
	_, err = db.FindReport(ctx, "JB20260302-ABCDE")
	must("FindReport", err)
	_, err = db.AllReports(ctx)
	must("AllReports", err)
	must("InsertReportEvent", db.InsertReportEvent(ctx, hotline.Event{Report: "JB20260302-ABCDE", Seq: 1, Kind: hotline.KindVerify, At: at}))
	_, err = db.ReportEvents(ctx, "JB20260302-ABCDE")
	must("ReportEvents", err)
	_, err = db.AllReportEvents(ctx)
	must("AllReportEvents", err)
	_, err = db.ReporterKeyCheck(ctx)
	must("ReporterKeyCheck", err)
	must("InsertReporterKeyCheck", db.InsertReporterKeyCheck(ctx, []byte("x")))
	exerciseRoster(t, db, must)
	exerciseAssessment(t, db.Assessment(), must)
	called["Assessment"] = true
	return called
}

// exerciseAssessment calls every method of the assessment store.
func exerciseAssessment(t *testing.T, s *mongodb.AssessmentStore, must func(string, error)) {
	t.Helper()
	ctx := context.Background()
	must("InsertRound", s.InsertRound(ctx, assessment.Round{ID: "2026", Year: 2026}))
	_, err := s.FindRound(ctx, "2026")
	must("FindRound", err)
	_, err = s.FindRounds(ctx)
	must("FindRounds", err)
	must("PutUnit", s.PutUnit(ctx, assessment.RoundUnit{Round: "2026", Unit: "QH001"}))
	_, err = s.FindUnits(ctx, "2026")
	must("FindUnits", err)
	must("PutScore", s.PutScore(ctx, assessment.Score{Round: "2026", Unit: "QH001", Point: "A1.1.1", Reviewer: "he.ping"}))
	_, err = s.FindScores(ctx, "2026")
	must("FindScores", err)
	must("PutConsensus", s.PutConsensus(ctx, assessment.Consensus{Round: "2026", Unit: "QH001", Point: "A1.1.1"}))
	_, err = s.FindConsensus(ctx, "2026")
	must("FindConsensus", err)
	must("PutFinding", s.PutFinding(ctx, assessment.Finding{Round: "2026", Unit: "QH001", Point: "A1.1.1"}))
	_, err = s.FindFindings(ctx, "2026")
	must("FindFindings", err)
	must("AppendEvent", s.AppendEvent(ctx, assessment.Event{Round: "2026", Seq: 1}))
	_, err = s.FindEvents(ctx, "2026")
	must("FindEvents", err)
	must("InsertLetter", s.InsertLetter(ctx, assessment.Letter{Round: "2026", Unit: "QH001", Seq: 1}))
	_, err = s.FindLetters(ctx, "2026")
	must("FindLetters", err)
	must("PutSelf", s.PutSelf(ctx, assessment.SelfAssessment{Round: "2026", Unit: "QH001", Point: "A1.1.1"}))
	_, err = s.FindSelf(ctx, "2026")
	must("FindSelf", err)
	must("PutSurvey", s.PutSurvey(ctx, assessment.SurveyResult{Round: "2026", Unit: "QH001", Point: "F1.1.1"}))
	_, err = s.FindSurveys(ctx, "2026")
	must("FindSurveys", err)
}

// TestOpenReplacesObsoleteIndexes opens a database made by an earlier
// version, whose access log had indexes without the _id tie-break.
func TestOpenReplacesObsoleteIndexes(t *testing.T) {
	ctx := context.Background()
	uri, name := mongotest.URI(t), mongotest.DBName()
	client, err := mongo.Connect(options.Client().ApplyURI(uri))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = client.Disconnect(ctx) }()
	_, err = client.Database(name).Collection("access_log").Indexes().CreateOne(ctx,
		mongo.IndexModel{Keys: bson.D{{Key: "at", Value: -1}}, Options: options.Index().SetName("at")})
	if err != nil {
		t.Fatal(err)
	}
	mongotest.OpenNamed(t, name)
	got := listIndexes(t, uri, name)["access_log"]
	for _, ix := range got {
		if slices.Equal(ix, []string{"-at"}) {
			t.Errorf("the obsolete index on at is still there: %v", got)
		}
	}
	if !slices.ContainsFunc(got, func(ix []string) bool { return slices.Equal(ix, []string{"-at", "-_id"}) }) {
		t.Errorf("no index on at, _id: %v", got)
	}
}

// TestFindByIDUsesAnIndex asks the engine to explain a find by _id: on
// either backend of FerretDB v1.24 it scans the table until the engine's
// index repair (embedded.IndexIDs, run every second by the test engine as
// by rectify serve and rectify dbserver) has added the index it can use.
func TestFindByIDUsesAnIndex(t *testing.T) {
	ctx := context.Background()
	uri, name := mongotest.URI(t), mongotest.DBName()
	mongotest.OpenNamed(t, name) // creates the collections; dropped at the end
	client, err := mongo.Connect(options.Client().ApplyURI(uri))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = client.Disconnect(ctx) }()
	db := client.Database(name)
	// Enough rows that PostgreSQL's planner prefers an index to a scan.
	docs := make([]any, 3000)
	for i := range docs {
		docs[i] = bson.M{"_id": fmt.Sprintf("2026-%04d/000001", i), "title": "超编进人"}
	}
	if _, err := db.Collection("events").InsertMany(ctx, docs); err != nil {
		t.Fatal(err)
	}
	filter := bson.M{"_id": "2026-0042/000001"}
	// The engine's index loop runs every second, on its own schedule.
	casetest.Eventually(t, 15*time.Second, "a find by _id uses the _rectify_id index", func() bool {
		// A find first: an SQLite connection notices a new index only when
		// it next runs a statement, and EXPLAIN alone does not.
		if err := db.Collection("events").FindOne(ctx, filter).Err(); err != nil {
			t.Fatal(err)
		}
		var out bson.Raw
		cmd := bson.D{{Key: "explain", Value: bson.D{{Key: "find", Value: "events"}, {Key: "filter", Value: filter}}}}
		if err := db.RunCommand(ctx, cmd).Decode(&out); err != nil {
			t.Fatal(err)
		}
		return strings.Contains(out.Lookup("queryPlanner").String(), "_rectify_id")
	})
}

// exerciseRoster calls every method of the roster store.
func exerciseRoster(t *testing.T, db *mongodb.DB, must func(string, error)) {
	t.Helper()
	ctx := context.Background()
	p := roster.Person{Row: 2, Unit: "QH001", Name: "张一", IDHash: "h", IDSealed: []byte("s"), IDMasked: "3306**********1234", Type: "行政编制", Status: roster.StatusActive}
	must("InsertRosterUnits", db.InsertRosterUnits(ctx, []roster.UnitRoster{{Snapshot: "R1", Unit: "QH001", Persons: []roster.Person{p}}}))
	_, err := db.RosterUnit(ctx, "R1", "QH001")
	must("RosterUnit", err)
	w := roster.Warning{ID: "R1.k", Snapshot: "R1", Key: "k", Rule: roster.RuleDeceased, Unit: "QH001"}
	must("InsertRosterWarnings", db.InsertRosterWarnings(ctx, []roster.Warning{w}))
	must("InsertRosterWarnings", db.InsertRosterWarnings(ctx, []roster.Warning{w})) // a retry
	_, err = db.RosterWarnings(ctx, "R1")
	must("RosterWarnings", err)
	must("InsertRosterSnapshot", db.InsertRosterSnapshot(ctx, roster.Snapshot{ID: "R1", Date: "2026-03-01"}))
	_, err = db.RosterSnapshots(ctx)
	must("RosterSnapshots", err)
	must("InsertWarningCase", db.InsertWarningCase(ctx, roster.WarningCase{Key: "k", Warning: "R1.k", CaseNo: "2026-0001"}))
	_, err = db.WarningCases(ctx)
	must("WarningCases", err)
	_, err = db.RosterKeyCheck(ctx)
	must("RosterKeyCheck", err)
	must("InsertRosterKeyCheck", db.InsertRosterKeyCheck(ctx, []byte("x")))
}
