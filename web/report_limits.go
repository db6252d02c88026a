package web

import (
	"net"

	"github.com/gin-gonic/gin"
)

// quota limits what succeeds from one address: a request is refused when
// the address has none of its allowance left, and only a request that
// succeeds (answers status ok) spends one. The public report form counts
// filed reports this way, so that a mistyped challenge does not use up a
// member of the public's reports; its attempts have their own, more
// generous limit (rateLimit).
func (s *Server) quota(l *limiter, ok int) gin.HandlerFunc {
	return func(c *gin.Context) {
		ip := clientIP(c)
		if wait := l.wait(ip); wait > 0 {
			s.fail(c, tooMany(wait))
			return
		}
		c.Next()
		if c.Writer.Status() == ok {
			l.charge(ip)
		}
	}
}

// addressKey is the key one client's challenges are counted under: its
// address, or for IPv6 its /64, which one subscriber usually holds whole.
func addressKey(ip string) string {
	a := net.ParseIP(ip)
	if a == nil || a.To4() != nil {
		return ip
	}
	return a.Mask(net.CIDRMask(64, 128)).String()
}

// backLink is where an error page sends its reader back to: the public
// report pages to the report form (their readers have no console).
func backLink(path string) (href, text string) {
	if path == "/report" || len(path) > len("/report/") && path[:len("/report/")] == "/report/" {
		return "/report", "返回举报页面"
	}
	return "/", "返回首页"
}
