package mongodb

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"rectify/assessment"
	"rectify/cases"
)

// Collections of the annual assessment. Every record's _id is its natural
// key, so a repeated save replaces the same document and concurrent
// creations of one round or one event number collide on the unique _id.
const (
	colAssessRounds    = "assessment_rounds"
	colAssessUnits     = "assessment_units"
	colAssessScores    = "assessment_scores"
	colAssessConsensus = "assessment_consensus"
	colAssessFindings  = "assessment_findings"
	colAssessEvents    = "assessment_events"
	colAssessLetters   = "assessment_letters"
	colAssessSelf      = "assessment_self"
	colAssessSurvey    = "assessment_survey"
)

func init() {
	collections = append(collections, colAssessRounds, colAssessUnits, colAssessScores, colAssessConsensus, colAssessFindings, colAssessEvents, colAssessLetters, colAssessSelf, colAssessSurvey)
}

// assessDoc is one assessment record. The body is the record's JSON: the
// records are small, read per round as a whole and never filtered by what
// is inside them, so only the key fields are BSON fields.
type assessDoc struct {
	ID    string `bson:"_id"`
	Round string `bson:"round"`
	Seq   int    `bson:"seq,omitempty"`
	Body  string `bson:"body"`
}

// AssessmentStore is assessment.Store on the database.
type AssessmentStore struct{ d *DB }

// Assessment returns the store of the annual assessment.
func (d *DB) Assessment() *AssessmentStore { return &AssessmentStore{d} }

var _ assessment.Store = (*AssessmentStore)(nil)

func toAssessDoc(id, round string, seq int, v any) (assessDoc, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return assessDoc{}, fmt.Errorf("encode %s: %w", id, err)
	}
	return assessDoc{ID: id, Round: round, Seq: seq, Body: string(b)}, nil
}

func (s *AssessmentStore) insert(ctx context.Context, col, id, round string, seq int, v any) error {
	doc, err := toAssessDoc(id, round, seq, v)
	if err != nil {
		return err
	}
	_, err = s.d.db.Collection(col).InsertOne(ctx, doc)
	return translate(err, "assessment record "+id)
}

func (s *AssessmentStore) put(ctx context.Context, col, id, round string, v any) error {
	doc, err := toAssessDoc(id, round, 0, v)
	if err != nil {
		return err
	}
	_, err = s.d.db.Collection(col).ReplaceOne(ctx, bson.M{"_id": id}, doc, options.Replace().SetUpsert(true))
	return translate(err, "assessment record "+id)
}

func findAssess[T any](ctx context.Context, s *AssessmentStore, col string, q bson.M, sort bson.D) ([]T, error) {
	docs, err := findAll(ctx, s.d.db.Collection(col), q, sort, func(d assessDoc) assessDoc { return d }, col)
	if err != nil {
		return nil, err
	}
	out := make([]T, 0, len(docs))
	for _, d := range docs {
		var v T
		if err := json.Unmarshal([]byte(d.Body), &v); err != nil {
			return nil, &cases.Error{Code: cases.ECORRUPT, Message: "评估记录 " + d.ID + " 无法读取"}
		}
		out = append(out, v)
	}
	return out, nil
}

// InsertRound inserts a round; ECONFLICT when its year has one.
func (s *AssessmentStore) InsertRound(ctx context.Context, r assessment.Round) error {
	return s.insert(ctx, colAssessRounds, r.ID, r.ID, 0, r)
}

// FindRound returns a round by id; ENOTFOUND when there is none.
func (s *AssessmentStore) FindRound(ctx context.Context, id string) (assessment.Round, error) {
	rs, err := findAssess[assessment.Round](ctx, s, colAssessRounds, bson.M{"_id": id}, bson.D{{Key: "_id", Value: 1}})
	if err != nil {
		return assessment.Round{}, err
	}
	if len(rs) == 0 {
		return assessment.Round{}, cases.NotFound("评估轮次 %s 不存在", id)
	}
	return rs[0], nil
}

// FindRounds returns every round (a few, one a year).
func (s *AssessmentStore) FindRounds(ctx context.Context) ([]assessment.Round, error) {
	return findAssess[assessment.Round](ctx, s, colAssessRounds, bson.M{}, bson.D{{Key: "_id", Value: 1}})
}

func byRound(round string) (bson.M, bson.D) {
	return bson.M{"round": round}, bson.D{{Key: "round", Value: 1}, {Key: "_id", Value: 1}}
}

// PutUnit saves a round's unit by (round, unit).
func (s *AssessmentStore) PutUnit(ctx context.Context, u assessment.RoundUnit) error {
	return s.put(ctx, colAssessUnits, u.Round+"/"+u.Unit, u.Round, u)
}

// FindUnits returns a round's units.
func (s *AssessmentStore) FindUnits(ctx context.Context, round string) ([]assessment.RoundUnit, error) {
	q, o := byRound(round)
	return findAssess[assessment.RoundUnit](ctx, s, colAssessUnits, q, o)
}

// PutScore saves a score by (round, unit, point, reviewer).
func (s *AssessmentStore) PutScore(ctx context.Context, sc assessment.Score) error {
	return s.put(ctx, colAssessScores, sc.Round+"/"+sc.Unit+"/"+sc.Point+"/"+sc.Reviewer, sc.Round, sc)
}

// FindScores returns a round's scores.
func (s *AssessmentStore) FindScores(ctx context.Context, round string) ([]assessment.Score, error) {
	q, o := byRound(round)
	return findAssess[assessment.Score](ctx, s, colAssessScores, q, o)
}

// PutConsensus saves a consensus by (round, unit, point).
func (s *AssessmentStore) PutConsensus(ctx context.Context, c assessment.Consensus) error {
	return s.put(ctx, colAssessConsensus, c.Round+"/"+c.Unit+"/"+c.Point, c.Round, c)
}

// FindConsensus returns a round's consensus scores.
func (s *AssessmentStore) FindConsensus(ctx context.Context, round string) ([]assessment.Consensus, error) {
	q, o := byRound(round)
	return findAssess[assessment.Consensus](ctx, s, colAssessConsensus, q, o)
}

// PutFinding saves a finding by (round, unit, point).
func (s *AssessmentStore) PutFinding(ctx context.Context, f assessment.Finding) error {
	return s.put(ctx, colAssessFindings, f.Round+"/"+f.Unit+"/"+f.Point, f.Round, f)
}

// FindFindings returns a round's findings.
func (s *AssessmentStore) FindFindings(ctx context.Context, round string) ([]assessment.Finding, error) {
	q, o := byRound(round)
	return findAssess[assessment.Finding](ctx, s, colAssessFindings, q, o)
}

// AppendEvent inserts a round's event; ECONFLICT when its number is taken
// (the _id is round#seq, so two writers of one number collide).
func (s *AssessmentStore) AppendEvent(ctx context.Context, e assessment.Event) error {
	return s.insert(ctx, colAssessEvents, e.Round+"#"+strconv.Itoa(e.Seq), e.Round, e.Seq, e)
}

// FindEvents returns a round's events by number.
func (s *AssessmentStore) FindEvents(ctx context.Context, round string) ([]assessment.Event, error) {
	return findAssess[assessment.Event](ctx, s, colAssessEvents, bson.M{"round": round}, bson.D{{Key: "round", Value: 1}, {Key: "seq", Value: 1}})
}

// InsertLetter records a result letter issued for (round, unit, seq);
// ECONFLICT when that issue is recorded already (the _id is round/unit#seq).
func (s *AssessmentStore) InsertLetter(ctx context.Context, l assessment.Letter) error {
	return s.insert(ctx, colAssessLetters, l.Round+"/"+l.Unit+"#"+strconv.Itoa(l.Seq), l.Round, l.Seq, l)
}

// FindLetters returns a round's result letters.
func (s *AssessmentStore) FindLetters(ctx context.Context, round string) ([]assessment.Letter, error) {
	q, o := byRound(round)
	return findAssess[assessment.Letter](ctx, s, colAssessLetters, q, o)
}

// PutSelf saves a unit's self-assessment by (round, unit, point).
func (s *AssessmentStore) PutSelf(ctx context.Context, x assessment.SelfAssessment) error {
	return s.put(ctx, colAssessSelf, x.Round+"/"+x.Unit+"/"+x.Point, x.Round, x)
}

// FindSelf returns a round's self-assessments.
func (s *AssessmentStore) FindSelf(ctx context.Context, round string) ([]assessment.SelfAssessment, error) {
	q, o := byRound(round)
	return findAssess[assessment.SelfAssessment](ctx, s, colAssessSelf, q, o)
}

// PutSurvey saves a survey result by (round, unit, point).
func (s *AssessmentStore) PutSurvey(ctx context.Context, x assessment.SurveyResult) error {
	return s.put(ctx, colAssessSurvey, x.Round+"/"+x.Unit+"/"+x.Point, x.Round, x)
}

// FindSurveys returns a round's survey results.
func (s *AssessmentStore) FindSurveys(ctx context.Context, round string) ([]assessment.SurveyResult, error) {
	q, o := byRound(round)
	return findAssess[assessment.SurveyResult](ctx, s, colAssessSurvey, q, o)
}
