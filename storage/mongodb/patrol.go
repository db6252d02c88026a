package mongodb

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"rectify/cases"
	"rectify/cases/patrol"
)

// Patrol rounds and the briefings sent to their teams: a few documents a
// year each, read whole at start-up (the patrol service indexes them in
// memory) and written by _id.
const (
	colPatrolRounds  = "patrol_rounds"
	colSentBriefings = "patrol_briefings"
)

func init() { collections = append(collections, colPatrolRounds, colSentBriefings) }

type roundDoc struct {
	ID        string    `bson:"_id"`
	Name      string    `bson:"name"`
	Start     string    `bson:"start"`
	End       string    `bson:"end"`
	Teams     []teamDoc `bson:"teams"`
	CreatedBy actorDoc  `bson:"createdBy"`
	CreatedAt time.Time `bson:"createdAt"`
	UpdatedAt time.Time `bson:"updatedAt"`
	Version   int       `bson:"version"`
}

type teamDoc struct {
	ID      string   `bson:"id"`
	Name    string   `bson:"name"`
	Members []string `bson:"members"`
	Units   []string `bson:"units"`
}

func toRoundDoc(r patrol.Round) roundDoc {
	d := roundDoc{ID: r.ID, Name: r.Name, Start: r.Start, End: r.End, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, Version: r.Version,
		CreatedBy: actorDoc{ID: r.CreatedBy.ID, Name: r.CreatedBy.Name, Role: string(r.CreatedBy.Role)}}
	for _, t := range r.Teams {
		d.Teams = append(d.Teams, teamDoc{ID: t.ID, Name: t.Name, Members: t.Members, Units: t.Units})
	}
	return d
}

func (d roundDoc) round() patrol.Round {
	r := patrol.Round{ID: d.ID, Name: d.Name, Start: d.Start, End: d.End, CreatedAt: d.CreatedAt.UTC(), UpdatedAt: d.UpdatedAt.UTC(), Version: d.Version,
		CreatedBy: cases.Actor{ID: d.CreatedBy.ID, Name: d.CreatedBy.Name, Role: cases.Role(d.CreatedBy.Role)}}
	for _, t := range d.Teams {
		r.Teams = append(r.Teams, patrol.Team{ID: t.ID, Name: t.Name, Members: nonNil(t.Members), Units: nonNil(t.Units)})
	}
	return r
}

func nonNil(xs []string) []string {
	if xs == nil {
		return []string{}
	}
	return xs
}

// AllPatrolRounds reads every patrol round.
func (d *DB) AllPatrolRounds(ctx context.Context) ([]patrol.Round, error) {
	return findAll(ctx, d.db.Collection(colPatrolRounds), bson.M{}, bson.D{}, roundDoc.round, "patrol rounds")
}

// InsertPatrolRound records a new round by unique insert of its _id.
func (d *DB) InsertPatrolRound(ctx context.Context, r patrol.Round) error {
	_, err := d.db.Collection(colPatrolRounds).InsertOne(ctx, toRoundDoc(r))
	return translate(err, "patrol round "+r.Name)
}

// PutPatrolRound replaces a recorded round.
func (d *DB) PutPatrolRound(ctx context.Context, r patrol.Round) error {
	res, err := d.db.Collection(colPatrolRounds).ReplaceOne(ctx, bson.M{"_id": r.ID}, toRoundDoc(r))
	if err != nil {
		return fmt.Errorf("replace patrol round %s: %w", r.ID, err)
	}
	if res.MatchedCount == 0 {
		return cases.NotFound("巡察轮次 %s 不存在", r.Name)
	}
	return nil
}

type sentDoc struct {
	ID       string    `bson:"_id"`
	RoundID  string    `bson:"roundId"`
	TeamID   string    `bson:"teamId"`
	Unit     string    `bson:"unit"`
	UnitName string    `bson:"unitName"`
	Level    string    `bson:"level"`
	Key      string    `bson:"key"`
	SHA256   string    `bson:"sha256"`
	Size     int       `bson:"size"`
	SentBy   actorDoc  `bson:"sentBy"`
	SentAt   time.Time `bson:"sentAt"`
}

func (d sentDoc) sent() patrol.Sent {
	return patrol.Sent{ID: d.ID, RoundID: d.RoundID, TeamID: d.TeamID, Unit: d.Unit, UnitName: d.UnitName, Level: cases.Level(d.Level),
		Key: d.Key, SHA256: d.SHA256, Size: d.Size, SentAt: d.SentAt.UTC(),
		SentBy: cases.Actor{ID: d.SentBy.ID, Name: d.SentBy.Name, Role: cases.Role(d.SentBy.Role)}}
}

// AllSentBriefings reads every sent briefing's record.
func (d *DB) AllSentBriefings(ctx context.Context) ([]patrol.Sent, error) {
	return findAll(ctx, d.db.Collection(colSentBriefings), bson.M{}, bson.D{}, sentDoc.sent, "sent briefings")
}

// InsertSentBriefing records a sent briefing by unique insert of its _id.
func (d *DB) InsertSentBriefing(ctx context.Context, s patrol.Sent) error {
	doc := sentDoc{ID: s.ID, RoundID: s.RoundID, TeamID: s.TeamID, Unit: s.Unit, UnitName: s.UnitName, Level: string(s.Level),
		Key: s.Key, SHA256: s.SHA256, Size: s.Size, SentAt: s.SentAt,
		SentBy: actorDoc{ID: s.SentBy.ID, Name: s.SentBy.Name, Role: string(s.SentBy.Role)}}
	_, err := d.db.Collection(colSentBriefings).InsertOne(ctx, doc)
	return translate(err, "sent briefing "+s.ID)
}
