package cases

// CheckRegistration validates r as RegisterFrom would (catalog codes, texts,
// the unit existing within scope) and writes nothing, so that an intake of
// many cases can report every bad item before registering any.
func (s *Service) CheckRegistration(scope Scope, r Registration) error {
	_, err := s.validateRegistration(scope, r)
	return err
}
