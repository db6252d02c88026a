package web

import (
	"rectify/cases"
	"rectify/cases/clue"
	"rectify/cases/documents"
	"rectify/cases/patrol"
	"rectify/cases/roster"
)

// APIBody pairs a body that docs/openapi.yaml describes with the Go value
// the server decodes it into or encodes it from, so that the OpenAPI test
// can compare their fields (the types are unexported).
type APIBody struct {
	// Schema is a component schema's name, or "METHOD path request" or
	// "METHOD path STATUS" for an inline body.
	Schema string
	// Value is a zero value of the Go type.
	Value any
}

// APIBodies lists the bodies of the API whose fields are compared with
// their Go types.
var APIBodies = []APIBody{
	{Schema: "Case", Value: caseView{}},
	{Schema: "Registration", Value: registerRequest{}},
	{Schema: "Transition", Value: transitionRequest{}},
	{Schema: "Input", Value: cases.Input{}},
	{Schema: "Event", Value: cases.Event{}},
	{Schema: "Unit", Value: unitBody{}},
	{Schema: "Overage", Value: cases.Overage{}},
	{Schema: "Standing", Value: cases.Standing{}},
	{Schema: "Error", Value: errorBody{}},
	{Schema: "RosterSnapshot", Value: roster.Snapshot{}},
	{Schema: "Warning", Value: roster.Warning{}},
	{Schema: "PatrolTeam", Value: patrol.Team{}},
	{Schema: "PatrolRoundInput", Value: roundBody{}},
	{Schema: "PatrolRound", Value: patrol.Round{}},
	{Schema: "GET /api/v1/units 200", Value: listBody[unitBody]{}},
	{Schema: "GET /api/v1/assessment/rounds/{id}/standings 200", Value: standingsBody{}},
	{Schema: "POST /api/v1/notices request", Value: noticeRequest{}},
	{Schema: "POST /api/v1/feedback-letters request", Value: documents.FeedbackRequest{}},
	{Schema: "POST /api/v1/audit-referrals request", Value: clue.Submission{}},
	{Schema: "POST /api/v1/audit-clues/{id}/decision request", Value: clue.DecisionInput{}},
	{Schema: "POST /api/v1/referral-batches request", Value: batchRequest{}},
}
