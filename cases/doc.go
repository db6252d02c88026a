// Package cases is the domain of the rectification ledger (问题台账): units under
// supervision, cases registered against them, the immutable events that move a
// case through its life, and the rules that govern those moves.
//
// Everything here is pure or talks to storage only through the Store
// interface; no driver, HTTP or rendering code is imported. The correctness of
// the ledger under concurrency rests on one storage primitive: inserting a
// document whose key already exists fails. Each event's key is (case number,
// sequence number), so two conflicting transitions cannot both be recorded, and
// a ledger number is claimed by inserting its first event.
package cases
