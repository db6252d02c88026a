package web

// CaptchaAnswer returns the digits of an outstanding challenge, for the
// tests that fill in the public report form (they cannot read the image).
func (s *Server) CaptchaAnswer(id string) string {
	d, ok := s.captchas.digits(id)
	if !ok {
		return ""
	}
	b := make([]byte, len(d))
	for i, x := range d {
		b[i] = '0' + x
	}
	return string(b)
}
