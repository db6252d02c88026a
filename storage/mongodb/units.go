package mongodb

import (
	"context"
	"fmt"
	"regexp"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"rectify/cases"
)

type establishmentDoc struct {
	Type     string `bson:"type"`
	Approved int    `bson:"approved"`
	Actual   int    `bson:"actual"`
}

type unitDoc struct {
	Code          string             `bson:"_id"`
	Name          string             `bson:"name"`
	Kind          string             `bson:"kind"`
	Region        []string           `bson:"region"`
	RegionKeys    []string           `bson:"regionKeys"`
	Establishment []establishmentDoc `bson:"establishment"`
	PostsApproved int                `bson:"leaderPostsApproved"`
	PostsActual   int                `bson:"leaderPostsActual"`
	KeyManaged    bool               `bson:"keyManaged"`
	UpdatedAt     time.Time          `bson:"updatedAt"`
}

func toUnitDoc(u cases.Unit) unitDoc {
	d := unitDoc{Code: u.Code, Name: u.Name, Kind: string(u.Kind), Region: u.Region, RegionKeys: regionKeys(u.Region),
		Establishment: []establishmentDoc{}, PostsApproved: u.LeaderPosts.Approved, PostsActual: u.LeaderPosts.Actual,
		KeyManaged: u.KeyManaged, UpdatedAt: u.UpdatedAt}
	for _, e := range u.Establishment {
		d.Establishment = append(d.Establishment, establishmentDoc(e))
	}
	return d
}

func (d unitDoc) unit() cases.Unit {
	u := cases.Unit{Code: d.Code, Name: d.Name, Kind: cases.UnitKind(d.Kind), Region: d.Region,
		Establishment: []cases.Establishment{}, LeaderPosts: cases.Posts{Approved: d.PostsApproved, Actual: d.PostsActual},
		KeyManaged: d.KeyManaged, UpdatedAt: d.UpdatedAt.UTC()}
	if u.Region == nil {
		u.Region = []string{}
	}
	for _, e := range d.Establishment {
		u.Establishment = append(u.Establishment, cases.Establishment(e))
	}
	return u
}

// PutUnits inserts or replaces units by code. Each unit is one document,
// so a failure part way leaves earlier units written; re-running the same
// import converges.
func (d *DB) PutUnits(ctx context.Context, units []cases.Unit) error {
	col := d.db.Collection(colUnits)
	for _, u := range units {
		if _, err := col.ReplaceOne(ctx, bson.M{"_id": u.Code}, toUnitDoc(u), options.Replace().SetUpsert(true)); err != nil {
			return translate(err, "unit "+u.Code)
		}
	}
	return nil
}

// FindUnit returns one unit.
func (d *DB) FindUnit(ctx context.Context, code string) (cases.Unit, error) {
	var doc unitDoc
	if err := d.db.Collection(colUnits).FindOne(ctx, bson.M{"_id": code}).Decode(&doc); err != nil {
		return cases.Unit{}, translate(err, "unit "+code)
	}
	return doc.unit(), nil
}

// FindUnits returns a page of units ordered by region and code.
func (d *DB) FindUnits(ctx context.Context, f cases.UnitFilter) ([]cases.Unit, int, error) {
	q := bson.M{}
	and := scopeQueryOn("_id", f.Scope)
	if f.Region != "" {
		and = append(and, bson.M{"regionKeys": f.Region})
	}
	if len(and) > 0 {
		q["$and"] = and
	}
	if f.Kind != "" {
		q["kind"] = string(f.Kind)
	}
	if f.Text != "" {
		re := bson.M{"$regex": regexp.QuoteMeta(f.Text)}
		q["$or"] = bson.A{bson.M{"name": re}, bson.M{"_id": re}}
	}
	col := d.db.Collection(colUnits)
	total, err := col.CountDocuments(ctx, q)
	if err != nil {
		return nil, 0, fmt.Errorf("count units: %w", err)
	}
	skip, limit := pageOpts(f.Page, f.PerPage)
	cur, err := col.Find(ctx, q, options.Find().SetSort(bson.D{{Key: "regionKeys", Value: 1}, {Key: "_id", Value: 1}}).SetSkip(skip).SetLimit(limit))
	if err != nil {
		return nil, 0, fmt.Errorf("find units: %w", err)
	}
	var docs []unitDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, 0, fmt.Errorf("read units: %w", err)
	}
	out := make([]cases.Unit, 0, len(docs))
	for _, doc := range docs {
		out = append(out, doc.unit())
	}
	return out, int(total), nil
}
