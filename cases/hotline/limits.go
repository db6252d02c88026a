package hotline

import "rectify/cases"

// A report's files, with every addition, are bounded: the receipt and
// secret let anyone who holds them add files, and the blob store must not
// grow without limit through one report.
const (
	MaxReportFiles = 20
	MaxReportBytes = 50 << 20
)

// checkReportFiles refuses adding files to r beyond the report's bounds.
func checkReportFiles(r Report, adding []Attachment) error {
	n, size := 0, int64(0)
	count := func(as []Attachment) {
		for _, a := range as {
			n++
			size += a.Size
		}
	}
	count(r.Attachments)
	for _, a := range r.Additions {
		count(a.Attachments)
	}
	had, hadSize := n, size
	count(adding)
	switch {
	case n > MaxReportFiles:
		return cases.Invalid("file", "每件举报最多 %d 个文件（已有 %d 个）；如需提交更多材料，请合并为一个文件，或拨打 12310 联系", MaxReportFiles, had)
	case size > MaxReportBytes:
		return cases.Invalid("file", "每件举报的文件合计不能超过 %d MB（已有 %.1f MB）", MaxReportBytes>>20, float64(hadSize)/(1<<20))
	}
	return nil
}
