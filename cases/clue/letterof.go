package clue

// ReferralOfLetter returns the referral whose feedback letter is document
// id, so that reading the letter follows the rules of reading the referral
// (the letter lists every clue and every reason for not confirming one).
func (s *Service) ReferralOfLetter(documentID string) (string, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for id, e := range s.idx {
		for _, l := range e.letters {
			if l.DocumentID == documentID {
				return id, true
			}
		}
	}
	return "", false
}
