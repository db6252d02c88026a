package cases

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// RepeatYears is how far back a closed case of the same unit and
// violation kind makes a new one a repeat (屡查屡犯).
const RepeatYears = 3

// MaxIdempotencyKey is the longest Idempotency-Key accepted.
const MaxIdempotencyKey = 128

// keyPendingTimeout is how long a claimed key may stay without a case before
// a retry may assume the first attempt died before writing anything.
const keyPendingTimeout = 2 * time.Minute

// Register validates r, claims the next ledger number of the current year
// and records the case's first event. With an idempotency key, a repeated
// request returns the case the first one created and replayed=true.
//
// The number is assigned by the writer when it records the event, in the
// order registrations reach it, and claimed by inserting the event under
// it: of two processes trying the same number one insert succeeds, and the
// other moves on to the next. A number is taken only by the insert that
// records its case, so numbers are gapless and never reused.
func (s *Service) Register(ctx context.Context, scope Scope, actor Actor, r Registration, key string) (c Case, replayed bool, err error) {
	return s.RegisterFrom(ctx, scope, actor, r, key, "")
}

// RegisterFrom registers a case as Register does, from an intake record
// (origin: "batch:…", "clue:…", "report:…"), which the case keeps. The
// intake packages use it; the key should then be derived from the origin,
// so that a retried intake finds the case it registered.
func (s *Service) RegisterFrom(ctx context.Context, scope Scope, actor Actor, r Registration, key, origin string) (c Case, replayed bool, err error) {
	if !contains(RegisterRoles, actor.Role) {
		return Case{}, false, Refused("role", "登记问题线索须由监督检查处室、举报受理或巡察组人员办理，角色 %s 不可登记", actor.Role)
	}
	if actor.Role == RolePatrol {
		if err := PatrolMayRegister(r.Source, origin); err != nil {
			return Case{}, false, err
		}
	}
	reg, err := s.validateRegistration(scope, r)
	if err != nil {
		return Case{}, false, err
	}
	if err := checkText("origin", origin, MaxShortText, false); err != nil {
		return Case{}, false, err
	}
	reg.Origin = strings.TrimSpace(origin)
	if key != "" {
		no, err := s.claimKey(ctx, key, requestHash(actor, r, reg.Origin))
		if err != nil {
			return Case{}, false, err
		}
		if no != "" {
			c, err := s.load(ctx, no)
			return c, true, err
		}
		reg.IdempotencyKey = key
	}
	now := s.now()
	// 屡查屡犯 unless the registrar said why not; a reason with no earlier
	// case to weigh against has nothing to qualify and is not kept.
	repeats := s.view.repeats(reg.UnitCode, reg.Kind, now.AddDate(-RepeatYears, 0, 0))
	switch {
	case reg.NotRepeatReason == "":
		reg.RepeatOf = repeats
	case len(repeats) == 0:
		reg.NotRepeatReason = ""
	default:
		reg.NotRepeatOf = repeats
	}
	reg.Year = now.In(s.loc).Year()
	e := Event{Seq: 1, Action: ActionRegister, To: StateRegistered, Actor: actor, At: now, Registered: &reg}
	res, err := s.submit(ctx, &write{kind: writeRegister, event: e})
	if err != nil {
		return Case{}, false, err
	}
	return res.c, false, nil
}

func (s *Service) validateRegistration(scope Scope, r Registration) (Registered, error) {
	r.Source, r.SourceRef, r.UnitCode = strings.TrimSpace(r.Source), strings.TrimSpace(r.SourceRef), strings.TrimSpace(r.UnitCode)
	r.Kind, r.Title, r.Facts, r.Assignee = strings.TrimSpace(r.Kind), strings.TrimSpace(r.Title), strings.TrimSpace(r.Facts), strings.TrimSpace(r.Assignee)
	given := r.NotRepeatReason != ""
	r.NotRepeatReason = strings.TrimSpace(r.NotRepeatReason)
	// Every field is checked, so that a form shows all that is wrong at once.
	var fe FieldErrors
	if !s.cat.HasSource(r.Source) {
		fe.Add(Invalid("source", "未知的问题来源「%s」", r.Source))
	}
	fe.Add(checkText("source_ref", r.SourceRef, MaxShortText, s.cat.SourceNeedsRef(r.Source)))
	unitOK := ValidUnitCode(r.UnitCode)
	if !unitOK {
		fe.Add(Invalid("unit_code", "单位代码「%s」格式不正确", r.UnitCode))
	}
	if !s.cat.HasKind(r.Kind) {
		fe.Add(Invalid("violation_kind", "未知的问题类型「%s」", r.Kind))
	}
	fe.Add(checkText("title", r.Title, MaxShortText, true))
	fe.Add(checkText("facts", r.Facts, MaxLongText, true))
	if !r.Level.Valid() {
		fe.Add(Invalid("level", "密级须为公开、内部或秘密"))
	}
	fe.Add(checkText("assignee", r.Assignee, MaxShortText, false))
	if given && r.NotRepeatReason == "" {
		fe.Add(Invalid("not_repeat_reason", "请填写不属于屡查屡犯的理由"))
	} else {
		fe.Add(checkText("not_repeat_reason", r.NotRepeatReason, MaxLongText, false))
	}
	u, ok := s.view.unit(r.UnitCode)
	if unitOK && (!ok || !scope.AllowsUnit(u)) {
		fe.Add(Invalid("unit_code", "没有代码为「%s」的单位", r.UnitCode))
	}
	if err := fe.Err(); err != nil {
		return Registered{}, err
	}
	return Registered{Registration: r, UnitName: u.Name, Region: append([]string{}, u.Region...)}, nil
}

func requestHash(actor Actor, r Registration, origin string) string {
	b, _ := json.Marshal(struct {
		A string
		R Registration
		O string `json:",omitempty"`
	}{actor.ID, r, origin})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// claimKey returns the case number an earlier request with key produced, or
// "" when this request now owns the key.
func (s *Service) claimKey(ctx context.Context, key, hash string) (string, error) {
	if len(key) > MaxIdempotencyKey || strings.TrimFunc(key, func(r rune) bool { return r > ' ' && r < 0x7f }) != "" {
		return "", Invalid("Idempotency-Key", "Idempotency-Key 须为 1 至 %d 个可打印 ASCII 字符", MaxIdempotencyKey)
	}
	for attempt := 0; attempt < 2; attempt++ {
		old, claimed, err := s.store.ClaimKey(ctx, KeyRecord{Key: key, RequestHash: hash, CreatedAt: TruncateTime(s.now())})
		if err != nil {
			return "", fmt.Errorf("claim idempotency key: %w", err)
		}
		if claimed {
			return "", nil
		}
		if old.RequestHash != hash {
			return "", Invalid("Idempotency-Key", "该 Idempotency-Key 已用于另一个不同的请求")
		}
		if old.CaseNo != "" {
			return old.CaseNo, nil
		}
		// The registration event carries the key, and the view indexes it.
		if no, ok := s.view.caseByKey(key); ok {
			return no, nil
		}
		if s.now().Sub(old.CreatedAt) < keyPendingTimeout {
			return "", Conflict("相同的请求正在处理中，请稍后刷新查看结果")
		}
		// Long pending and not in the view: the first attempt died, either
		// before registering or between recording the case and journaling
		// it. Only the events can tell.
		no, err := s.store.FindRegistrationByKey(ctx, key)
		if err == nil {
			if _, err := s.catchUp(ctx, no); err != nil {
				return "", err
			}
			return no, nil
		}
		if ErrorCode(err) != ENOTFOUND {
			return "", fmt.Errorf("find registration by key: %w", err)
		}
		if err := s.store.ReleaseKey(ctx, key); err != nil {
			return "", fmt.Errorf("release stale idempotency key: %w", err)
		}
	}
	return "", Conflict("相同的请求正在处理中，请稍后刷新查看结果")
}

// LastTaken returns the highest n ≥ from-1 such that taken(n) holds, given
// that numbers are claimed by unique inserts and so form a prefix 1..n:
// galloping then bisecting finds n with O(log n) lookups by key. Were a gap
// ever made by hand, the result would only be low, and the next insert
// conflict would move past it: correctness never depends on it.
func LastTaken(from int, taken func(n int) (bool, error)) (int, error) {
	lo, step := from-1, 1 // lo is taken (or 0)
	hi := 0               // hi is free
	for {
		ok, err := taken(lo + step)
		if err != nil {
			return 0, err
		}
		if !ok {
			hi = lo + step
			break
		}
		lo += step
		step *= 2
	}
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		ok, err := taken(mid)
		if err != nil {
			return 0, err
		}
		if ok {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo, nil
}

// eventExists reports whether an event is recorded.
func (l *ledger) eventExists(ctx context.Context, no string, seq int) (bool, error) {
	_, err := l.store.FindEvent(ctx, no, seq)
	if ErrorCode(err) == ENOTFOUND {
		return false, nil
	}
	return err == nil, err
}
