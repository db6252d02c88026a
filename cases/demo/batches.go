package demo

import (
	"context"
	"fmt"

	"rectify/cases"
	"rectify/cases/referral"
)

// Batches are the demo's patrol referral letters (巡察移交), registered by
// the demo office user. Registering a letter again replays it, so that
// loading the demo twice changes nothing.
var Batches = []referral.Batch{{
	Office: "中共云州市委巡察工作领导小组办公室", LetterNo: "云巡办移〔2026〕27号", Round: "十一届市委第五轮巡察", Team: "市委第一巡察组",
	Received: "2026-04-20", Level: cases.LevelInternal,
	Items: []referral.Item{
		{UnitCode: "YZ007", Kind: "B01", Title: "云州市教育局超出核定编制进人",
			Facts: "巡察发现，该局核定行政编制119名，实有120人，2025年仍通过遴选调入工作人员1名。"},
		{UnitCode: "YZ006", Kind: "D02", Title: "云州市发展和改革委员会工作人员在编不在岗",
			Facts: "巡察发现，该委在编工作人员2名长期在其他单位工作，未按规定办理调动手续。"},
		{UnitCode: "QH001", Kind: "C01", Title: "中共清河县委办公室超职数配备科级领导干部",
			Facts: "巡察发现，该办核定科级领导职数6名，实配7名。"},
	},
}}

// LoadBatches registers the demo batches as the demo office user.
func LoadBatches(ctx context.Context, ref *referral.Service) error {
	office := cases.Actor{ID: "li.ming", Name: "李明", Role: cases.RoleOffice}
	for _, b := range Batches {
		if _, _, err := ref.Register(ctx, cases.GlobalScope, office, b); err != nil {
			return fmt.Errorf("demo batch %s: %w", b.LetterNo, err)
		}
	}
	return nil
}
