package web

import (
	"io"
	"strconv"
	"testing"
	"time"
)

// BenchmarkLedgerXLSX writes a 20,000-case ledger (MaxExportRows) as XLSX
// through the stream writer, which holds one row at a time and spills to
// a temporary file past 16 MB.
func BenchmarkLedgerXLSX(b *testing.B) {
	day := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	row := func(i int) []any {
		return []any{i + 1, "2026-" + strconv.Itoa(10000+i), day, "巡视巡察移交", "云巡办移〔2026〕21号", "清河县教育局", "江南省/云州市/清河县",
			"混编混岗使用人员", "混岗使用事业编制人员", "经巡察发现，该局自2024年以来将事业编制人员3名长期安排在机关科室从事行政管理工作。", "内部",
			"调整回事业岗位，报送调整文件和工资发放名册", day, day, 0, "整改中", "绿灯", "张卫东", nil}
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := writeLedgerXLSX(io.Discard, ledgerXLSX{Sheet: "问题整改台账", Title: "问题整改台账", N: MaxExportRows, Row: row}); err != nil {
			b.Fatal(err)
		}
	}
}
