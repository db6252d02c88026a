// Package templates renders Rectify's official documents to PDF with
// gofpdf: rectification notices (整改通知书), feedback letters (反馈函),
// closing approval forms (销号审批表) and the printable ledger (问题整改台账).
//
// Layout follows GB/T 9704-2012 (党政机关公文格式) as far as the available
// fonts allow: A4, the standard type area (156 × 225 mm, top margin 37 mm,
// binding margin 28 mm), red masthead and separator, document number, centred
// title, addressee, body, attachments note, issuing office and date, page
// numbers as "— 1 —", and the footer block (抄送, 印发机关和日期).
//
// Chinese text is broken into lines here, rune by rune, because gofpdf's
// MultiCell and SplitText drop a CJK character at every automatic break;
// the breaker also keeps closing punctuation off the start of a line and
// opening brackets off its end (避头尾).
package templates
