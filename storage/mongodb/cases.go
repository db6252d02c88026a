package mongodb

import (
	"time"

	"rectify/cases"
)

// caseDoc is a case projection, as a journal entry carries one that a
// repair rebuilt from its events.
type caseDoc struct {
	No               string      `bson:"_id"`
	Year             int         `bson:"year"`
	Ordinal          int         `bson:"ordinal"`
	Source           string      `bson:"source"`
	SourceRef        string      `bson:"sourceRef"`
	UnitCode         string      `bson:"unitCode"`
	UnitName         string      `bson:"unitName"`
	Region           []string    `bson:"region"`
	Kind             string      `bson:"kind"`
	Title            string      `bson:"title"`
	Facts            string      `bson:"facts"`
	Level            string      `bson:"level"`
	Assignee         string      `bson:"assignee"`
	State            string      `bson:"state"`
	Requirements     string      `bson:"requirements"`
	Deadline         string      `bson:"deadline"`
	OriginalDeadline string      `bson:"originalDeadline"`
	Extensions       int         `bson:"extensions"`
	VerifiedBy       string      `bson:"verifiedBy"`
	SubmittedLate    bool        `bson:"submittedLate"`
	Returns          int         `bson:"returns"`
	Reopens          int         `bson:"reopens"`
	Outcome          string      `bson:"outcome"`
	RegisteredBy     string      `bson:"registeredBy"`
	CreatedAt        time.Time   `bson:"createdAt"`
	UpdatedAt        time.Time   `bson:"updatedAt"`
	ClosedAt         time.Time   `bson:"closedAt,omitzero"`
	Version          int         `bson:"version"`
	HeadHash         string      `bson:"headHash"`
	SentBack         bool        `bson:"sentBack,omitempty"`
	Sources          []sourceDoc `bson:"sources,omitempty"`
	Origin           string      `bson:"origin,omitempty"`
	RepeatOf         []string    `bson:"repeatOf,omitempty"`
}

// sourceDoc is one channel that reported a case.
type sourceDoc struct {
	Source string    `bson:"source"`
	Ref    string    `bson:"ref"`
	At     time.Time `bson:"at"`
	Origin string    `bson:"origin,omitempty"`
}

func toCaseDoc(c cases.Case) caseDoc {
	d := caseDoc{No: c.No, Year: c.Year, Ordinal: c.Ordinal, Source: c.Source, SourceRef: c.SourceRef,
		UnitCode: c.UnitCode, UnitName: c.UnitName, Region: c.Region,
		Kind: c.Kind, Title: c.Title, Facts: c.Facts, Level: string(c.Level), Assignee: c.Assignee, State: string(c.State),
		Requirements: c.Requirements, Deadline: c.Deadline, OriginalDeadline: c.OriginalDeadline, Extensions: c.Extensions,
		VerifiedBy: c.VerifiedBy, SubmittedLate: c.SubmittedLate, Returns: c.Returns, Reopens: c.Reopens, Outcome: c.Outcome, RegisteredBy: c.RegisteredBy,
		CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt, ClosedAt: c.ClosedAt, Version: c.Version, HeadHash: c.HeadHash,
		SentBack: c.SentBack, Origin: c.Origin, RepeatOf: c.RepeatOf}
	for _, src := range c.Sources {
		d.Sources = append(d.Sources, sourceDoc{Source: src.Source, Ref: src.Ref, At: src.At, Origin: src.Origin})
	}
	return d
}

func (d caseDoc) kase() cases.Case {
	c := cases.Case{No: d.No, Year: d.Year, Ordinal: d.Ordinal, Source: d.Source, SourceRef: d.SourceRef,
		UnitCode: d.UnitCode, UnitName: d.UnitName, Region: d.Region, Kind: d.Kind, Title: d.Title, Facts: d.Facts,
		Level: cases.Level(d.Level), Assignee: d.Assignee, State: cases.State(d.State), Requirements: d.Requirements,
		Deadline: d.Deadline, OriginalDeadline: d.OriginalDeadline, Extensions: d.Extensions, VerifiedBy: d.VerifiedBy,
		SubmittedLate: d.SubmittedLate,
		Returns:       d.Returns, Reopens: d.Reopens, Outcome: d.Outcome, RegisteredBy: d.RegisteredBy,
		CreatedAt: d.CreatedAt.UTC(), UpdatedAt: d.UpdatedAt.UTC(), Version: d.Version, HeadHash: d.HeadHash,
		SentBack: d.SentBack, Origin: d.Origin, RepeatOf: d.RepeatOf}
	for _, src := range d.Sources {
		c.Sources = append(c.Sources, cases.CaseSource{Source: src.Source, Ref: src.Ref, At: src.At.UTC(), Origin: src.Origin})
	}
	if !d.ClosedAt.IsZero() {
		c.ClosedAt = d.ClosedAt.UTC()
	}
	if c.Region == nil {
		c.Region = []string{}
	}
	return c
}
