package mongodb

import (
	"context"
	"fmt"
	"regexp"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"rectify/cases"
)

// caseDoc is a case projection. It is derived from events and may be
// rewritten at any time; deadline is "" when none is set, so that date
// comparisons need no null handling.
type caseDoc struct {
	No               string    `bson:"_id"`
	Year             int       `bson:"year"`
	Ordinal          int       `bson:"ordinal"`
	Source           string    `bson:"source"`
	SourceRef        string    `bson:"sourceRef"`
	UnitCode         string    `bson:"unitCode"`
	UnitName         string    `bson:"unitName"`
	Region           []string  `bson:"region"`
	RegionKeys       []string  `bson:"regionKeys"`
	Kind             string    `bson:"kind"`
	Title            string    `bson:"title"`
	Facts            string    `bson:"facts"`
	Level            string    `bson:"level"`
	Assignee         string    `bson:"assignee"`
	State            string    `bson:"state"`
	Requirements     string    `bson:"requirements"`
	Deadline         string    `bson:"deadline"`
	OriginalDeadline string    `bson:"originalDeadline"`
	Extensions       int       `bson:"extensions"`
	VerifiedBy       string    `bson:"verifiedBy"`
	SubmittedLate    bool      `bson:"submittedLate"`
	Returns          int       `bson:"returns"`
	Reopens          int       `bson:"reopens"`
	Outcome          string    `bson:"outcome"`
	RegisteredBy     string    `bson:"registeredBy"`
	CreatedAt        time.Time `bson:"createdAt"`
	UpdatedAt        time.Time `bson:"updatedAt"`
	ClosedAt         time.Time `bson:"closedAt,omitzero"`
	Version          int       `bson:"version"`
	HeadHash         string    `bson:"headHash"`
}

func toCaseDoc(c cases.Case) caseDoc {
	return caseDoc{No: c.No, Year: c.Year, Ordinal: c.Ordinal, Source: c.Source, SourceRef: c.SourceRef,
		UnitCode: c.UnitCode, UnitName: c.UnitName, Region: c.Region, RegionKeys: regionKeys(c.Region),
		Kind: c.Kind, Title: c.Title, Facts: c.Facts, Level: string(c.Level), Assignee: c.Assignee, State: string(c.State),
		Requirements: c.Requirements, Deadline: c.Deadline, OriginalDeadline: c.OriginalDeadline, Extensions: c.Extensions,
		VerifiedBy: c.VerifiedBy, SubmittedLate: c.SubmittedLate, Returns: c.Returns, Reopens: c.Reopens, Outcome: c.Outcome, RegisteredBy: c.RegisteredBy,
		CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt, ClosedAt: c.ClosedAt, Version: c.Version, HeadHash: c.HeadHash}
}

func (d caseDoc) kase() cases.Case {
	c := cases.Case{No: d.No, Year: d.Year, Ordinal: d.Ordinal, Source: d.Source, SourceRef: d.SourceRef,
		UnitCode: d.UnitCode, UnitName: d.UnitName, Region: d.Region, Kind: d.Kind, Title: d.Title, Facts: d.Facts,
		Level: cases.Level(d.Level), Assignee: d.Assignee, State: cases.State(d.State), Requirements: d.Requirements,
		Deadline: d.Deadline, OriginalDeadline: d.OriginalDeadline, Extensions: d.Extensions, VerifiedBy: d.VerifiedBy,
		SubmittedLate: d.SubmittedLate,
		Returns:       d.Returns, Reopens: d.Reopens, Outcome: d.Outcome, RegisteredBy: d.RegisteredBy,
		CreatedAt: d.CreatedAt.UTC(), UpdatedAt: d.UpdatedAt.UTC(), Version: d.Version, HeadHash: d.HeadHash}
	if !d.ClosedAt.IsZero() {
		c.ClosedAt = d.ClosedAt.UTC()
	}
	if c.Region == nil {
		c.Region = []string{}
	}
	return c
}

// PutCase writes a projection, replacing any earlier one.
func (d *DB) PutCase(ctx context.Context, c cases.Case) error {
	_, err := d.db.Collection(colCases).ReplaceOne(ctx, bson.M{"_id": c.No}, toCaseDoc(c), options.Replace().SetUpsert(true))
	return translate(err, "case "+c.No)
}

// FindCase returns a projection.
func (d *DB) FindCase(ctx context.Context, no string) (cases.Case, error) {
	var doc caseDoc
	if err := d.db.Collection(colCases).FindOne(ctx, bson.M{"_id": no}).Decode(&doc); err != nil {
		return cases.Case{}, translate(err, "case "+no)
	}
	return doc.kase(), nil
}

// caseQuery turns a filter into a query. Every value is placed as a literal
// (regular expressions are quoted), so no input can act as an operator.
func caseQuery(f cases.CaseFilter, withStates bool) bson.M {
	q := bson.M{}
	and := scopeQueryOn("unitCode", f.Scope)
	if withStates && len(f.States) > 0 {
		ss := bson.A{}
		for _, s := range f.States {
			ss = append(ss, string(s))
		}
		q["state"] = bson.M{"$in": ss}
	}
	if f.Source != "" {
		q["source"] = f.Source
	}
	if f.SourceRef != "" {
		q["sourceRef"] = f.SourceRef
	}
	if f.UnitCode != "" {
		q["unitCode"] = f.UnitCode
	}
	if f.Region != "" {
		and = append(and, bson.M{"regionKeys": f.Region})
	}
	if f.Kind != "" {
		q["kind"] = f.Kind
	}
	if f.Year != 0 {
		q["year"] = f.Year
	}
	if f.Text != "" {
		re := bson.M{"$regex": regexp.QuoteMeta(f.Text)}
		and = append(and, bson.M{"$or": bson.A{bson.M{"title": re}, bson.M{"facts": re}, bson.M{"_id": re}}})
	}
	if f.Light != cases.LightNone {
		open := bson.A{}
		for _, s := range cases.OpenStates {
			open = append(open, string(s))
		}
		// Mirrors cases.LightOf: submitted cases keep the light of their
		// submission; others compare the deadline with today.
		sub := string(cases.StateSubmitted)
		running := bson.M{"state": bson.M{"$ne": sub}}
		var light bson.M
		switch f.Light {
		case cases.LightRed:
			light = bson.M{"$or": bson.A{
				bson.M{"state": sub, "submittedLate": true},
				bson.M{"$and": bson.A{running, bson.M{"deadline": bson.M{"$gt": "", "$lt": f.Today}}}}}}
		case cases.LightYellow:
			light = bson.M{"$and": bson.A{running, bson.M{"deadline": bson.M{"$gte": f.Today, "$lte": f.YellowUntil}}}}
		case cases.LightGreen:
			light = bson.M{"$or": bson.A{
				bson.M{"state": sub, "submittedLate": false},
				bson.M{"$and": bson.A{running, bson.M{"$or": bson.A{bson.M{"deadline": ""}, bson.M{"deadline": bson.M{"$gt": f.YellowUntil}}}}}}}}
		}
		and = append(and, bson.M{"state": bson.M{"$in": open}}, light)
	}
	if len(and) > 0 {
		q["$and"] = and
	}
	return q
}

// scopeQuery is the part of every list query that limits it to a viewer's
// scope. An invalid scope matches nothing rather than everything.
func scopeQueryOn(unitField string, s cases.Scope) bson.A {
	switch {
	case s.Global:
		return nil
	case !s.Valid():
		return bson.A{bson.M{"_id": bson.M{"$exists": false}}}
	}
	and := bson.A{bson.M{"regionKeys": s.Region}}
	if s.Units != nil {
		units := bson.A{}
		for _, u := range s.Units {
			units = append(units, u)
		}
		and = append(and, bson.M{unitField: bson.M{"$in": units}})
	}
	return and
}

// caseSorts are the orders a list may ask for.
var caseSorts = map[string]bson.D{
	"":          {{Key: "year", Value: -1}, {Key: "ordinal", Value: -1}},
	"-no":       {{Key: "year", Value: -1}, {Key: "ordinal", Value: -1}},
	"no":        {{Key: "year", Value: 1}, {Key: "ordinal", Value: 1}},
	"deadline":  {{Key: "deadline", Value: 1}, {Key: "year", Value: 1}, {Key: "ordinal", Value: 1}},
	"-deadline": {{Key: "deadline", Value: -1}, {Key: "year", Value: -1}, {Key: "ordinal", Value: -1}},
	"updated":   {{Key: "updatedAt", Value: 1}, {Key: "_id", Value: 1}},
	"-updated":  {{Key: "updatedAt", Value: -1}, {Key: "_id", Value: -1}},
	"unit":      {{Key: "unitName", Value: 1}, {Key: "year", Value: -1}, {Key: "ordinal", Value: -1}},
	"state":     {{Key: "state", Value: 1}, {Key: "year", Value: -1}, {Key: "ordinal", Value: -1}},
}

// CaseSortKeys lists the accepted sort keys.
func CaseSortKeys() []string {
	out := make([]string, 0, len(caseSorts))
	for k := range caseSorts {
		if k != "" {
			out = append(out, k)
		}
	}
	return out
}

// FindCases returns a page of projections and the total.
func (d *DB) FindCases(ctx context.Context, f cases.CaseFilter) ([]cases.Case, int, error) {
	sort, ok := caseSorts[f.Sort]
	if !ok {
		return nil, 0, cases.Invalid("sort", "unknown sort %q", f.Sort)
	}
	q := caseQuery(f, true)
	col := d.db.Collection(colCases)
	total, err := col.CountDocuments(ctx, q)
	if err != nil {
		return nil, 0, fmt.Errorf("count cases: %w", err)
	}
	skip, limit := pageOpts(f.Page, f.PerPage)
	cur, err := col.Find(ctx, q, options.Find().SetSort(sort).SetSkip(skip).SetLimit(limit))
	if err != nil {
		return nil, 0, fmt.Errorf("find cases: %w", err)
	}
	var docs []caseDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, 0, fmt.Errorf("read cases: %w", err)
	}
	out := make([]cases.Case, 0, len(docs))
	for _, doc := range docs {
		out = append(out, doc.kase())
	}
	return out, int(total), nil
}

// CountCasesByState counts matching cases per state ($group with $sum only,
// which FerretDB v1 supports).
func (d *DB) CountCasesByState(ctx context.Context, f cases.CaseFilter) (map[cases.State]int, error) {
	pipe := mongo.Pipeline{
		{{Key: "$match", Value: caseQuery(f, false)}},
		{{Key: "$group", Value: bson.D{{Key: "_id", Value: "$state"}, {Key: "n", Value: bson.D{{Key: "$sum", Value: 1}}}}}},
	}
	cur, err := d.db.Collection(colCases).Aggregate(ctx, pipe)
	if err != nil {
		return nil, fmt.Errorf("count cases by state: %w", err)
	}
	var rows []struct {
		State string `bson:"_id"`
		N     int    `bson:"n"`
	}
	if err := cur.All(ctx, &rows); err != nil {
		return nil, fmt.Errorf("count cases by state: %w", err)
	}
	out := map[cases.State]int{}
	for _, r := range rows {
		out[cases.State(r.State)] = r.N
	}
	return out, nil
}

// ProjectionNumbers returns the number of every stored projection.
func (d *DB) ProjectionNumbers(ctx context.Context) ([]string, error) {
	return d.strings(ctx, colCases, bson.M{}, "_id")
}
