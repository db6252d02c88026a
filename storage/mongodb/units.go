package mongodb

import (
	"context"
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

// AllUnits returns every unit.
func (d *DB) AllUnits(ctx context.Context) ([]cases.Unit, error) {
	return findAll(ctx, d.db.Collection(colUnits), bson.M{}, bson.D{{Key: "_id", Value: 1}}, unitDoc.unit, "units")
}
