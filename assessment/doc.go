// Package assessment is the annual three-in-one assessment (三评合一, seed
// 002): the versioned index of evaluation points (评估指标体系), the scoring
// rules of each point, deductions proposed from the ledger, aggregation of
// reviewers' scores, grades and ranking, and rounds (评估轮次) with their
// reviewers, scores, consensus, finalisation and findings that become ledger
// cases.
//
// The rules are pure functions over plain values; Service orchestrates them
// over a Store. The package imports cases (for units, cases and the error
// codes); cases never imports it.
package assessment
