package referral

import "slices"

// BatchOfLetter returns the batch whose feedback letter is document id, so
// that reading the letter follows the rules of reading the batch.
func (s *Service) BatchOfLetter(documentID string) (Batch, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, b := range s.byID {
		if slices.ContainsFunc(b.Letters, func(l Letter) bool { return l.DocumentID == documentID }) {
			return b, true
		}
	}
	return Batch{}, false
}
