package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/url"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// benchLine is a latency measured over runs: the p50 and p95 of each run.
type benchLine struct {
	name     string
	p50, p95 []time.Duration
	note     string
}

// loadLine is a throughput measurement at some client count.
type loadLine struct {
	name             string
	clients          int
	rates            []float64
	p50, p99         []time.Duration
	errors, refusals int
	raw              []float64 // the engine's raw insert rate, same clients
}

// commandLine is what one operation sends to the database.
type commandLine struct {
	name     string
	commands map[string]float64
}

func pct(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[min(len(s)-1, int(float64(len(s))*p))]
}

func median[T int64 | float64 | time.Duration](xs []T) T {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

// measure runs do k times per run, over b.runs runs.
func (b *benchRun) measure(name string, k int, do func(i int) error) error {
	line := benchLine{name: name}
	for r := 0; r < b.runs; r++ {
		var ds []time.Duration
		for i := 0; i < k; i++ {
			t0 := time.Now()
			if err := do(r*k + i); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			ds = append(ds, time.Since(t0))
		}
		line.p50, line.p95 = append(line.p50, pct(ds, .5)), append(line.p95, pct(ds, .95))
	}
	b.results = append(b.results, line)
	return nil
}

// expectOK fetches path and checks the status.
func expectOK(c *benchClient, path string) error {
	status, body, err := c.get(path)
	if err != nil {
		return err
	}
	if status != 200 {
		return fmt.Errorf("GET %s: %d %.200s", path, status, body)
	}
	return nil
}

// lists measures a list page with each of the office's filters.
func (b *benchRun) lists(c *benchClient) error {
	unit := b.units[len(b.units)/3]
	year := b.now.Year()
	open := "state=registered&state=verifying&state=rectifying&state=submitted&state=reopened"
	q := func(v string) string { return url.QueryEscape(v) }
	last := (b.cases + 49) / 50
	lists := []struct{ name, query string }{
		{"no filter, newest first", ""},
		{"region subtree (one city)", "region=" + q("江南省/云州市")},
		{"open states", open},
		{"light red", "light=red"},
		{"source", "source=patrol"},
		{"violation kind", "violation_kind=B01"},
		{"unit", "unit=" + unit},
		{"year", fmt.Sprintf("year=%d", year)},
		{"text, 2 characters", "q=" + q("超编")},
		{"text, 4 characters", "q=" + q("吃空饷问")},
		{"text, a source reference", "q=" + q("云巡办移-"+fmt.Sprint(year)+"-0012")},
		{"all of them: city, open, red, year, text", "region=" + q("江南省/云州市") + "&" + open + "&light=red&" + fmt.Sprintf("year=%d", year) + "&q=" + q("问题")},
		{"by deadline, rectifying", "sort=deadline&state=rectifying"},
		{fmt.Sprintf("last page (%d)", last), fmt.Sprintf("page=%d", last)},
	}
	for _, l := range lists {
		path := "/api/v1/cases?" + l.query
		if err := b.measure("API list: "+l.name, 40, func(int) error { return expectOK(c, path) }); err != nil {
			return err
		}
	}
	for _, l := range []struct{ name, query string }{{"no filter", ""}, {"city, open, red, text", lists[11].query}} {
		path := "/ledger?" + l.query
		if err := b.measure("console /ledger: "+l.name, 20, func(int) error { return expectOK(c, path) }); err != nil {
			return err
		}
	}
	return nil
}

// casePages measures the case page for cases far into their course.
func (b *benchRun) casePages(c *benchClient) error {
	var deep []string
	for _, k := range b.ledger.Cases {
		if k.Version >= 4 {
			deep = append(deep, k.No)
		}
	}
	if len(deep) == 0 {
		for _, k := range b.ledger.Cases {
			deep = append(deep, k.No)
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	if err := b.measure("console case page (case, events, documents, evidence)", 40, func(int) error {
		return expectOK(c, "/cases/"+deep[r.IntN(len(deep))])
	}); err != nil {
		return err
	}
	return b.measure("API case + events + documents + evidence", 40, func(int) error {
		no := deep[r.IntN(len(deep))]
		for _, p := range []string{"", "/events", "/documents", "/evidence"} {
			if err := expectOK(c, "/api/v1/cases/"+no+p); err != nil {
				return err
			}
		}
		return nil
	})
}

func registration(unit string) map[string]any {
	return map[string]any{"source": "patrol", "source_ref": "云巡办移〔2026〕12号", "unit_code": unit, "violation_kind": "B01",
		"title": "超编进人问题", "facts": "核定行政编制20名，实有22人，仍于年内新进人员2名。", "level": "internal"}
}

// commandsPerOperation counts what single operations send to the database.
func (b *benchRun) commandsPerOperation(srv *benchServer, c *benchClient) error {
	const n = 20
	r := rand.New(rand.NewPCG(3, 4))
	open := slices.Clone(b.open)
	ops := []struct {
		name string
		do   func(i int) error
	}{
		{"register", func(i int) error {
			status, body, err := c.post("/api/v1/cases", registration(b.units[i%len(b.units)]))
			if err == nil && status != 201 {
				err = fmt.Errorf("register: %d %.200s", status, body)
			}
			return err
		}},
		{"transition (assign)", func(i int) error {
			no := open[len(open)-1-i]
			status, body, err := c.post("/api/v1/cases/"+no+"/transitions", map[string]any{"action": "assign", "input": map[string]any{"assignee": benchAssignees[i%2]}})
			if err == nil && status != 200 {
				err = fmt.Errorf("transition: %d %.200s", status, body)
			}
			return err
		}},
		{"list page (no filter)", func(int) error { return expectOK(c, "/api/v1/cases") }},
		{"console case page", func(int) error { return expectOK(c, "/cases/"+b.ledger.Cases[r.IntN(len(b.ledger.Cases))].No) }},
	}
	for _, op := range ops {
		before, _, err := srv.vars()
		if err != nil {
			return err
		}
		t0 := time.Now()
		for i := 0; i < n; i++ {
			if err := op.do(i); err != nil {
				return err
			}
		}
		elapsed := time.Since(t0)
		after, _, err := srv.vars()
		if err != nil {
			return err
		}
		line := commandLine{name: op.name, commands: map[string]float64{}}
		for k, v := range after {
			if d := v - before[k]; d > 0 {
				if k == "find journal" {
					// The follower reads the next entry every 100 ms when idle.
					d -= int64(elapsed / (100 * time.Millisecond))
					if d <= 0 {
						continue
					}
				}
				line.commands[k] = float64(d) / n
			}
		}
		b.commands = append(b.commands, line)
	}
	b.open = open[:len(open)-n]
	return nil
}

// load measures registration and transitions at each client count, with
// the raw insert rate of the same engine beside them.
func (b *benchRun) load(srv *benchServer) error {
	_, engineURI, err := srv.vars()
	if err != nil {
		return err
	}
	dbName := "rectify"
	for _, e := range b.env {
		if v, ok := strings.CutPrefix(e, "RECTIFY_MONGO_DB="); ok {
			dbName = v
		}
	}
	raw, err := mongo.Connect(options.Client().ApplyURI(engineURI).SetMaxPoolSize(64))
	if err != nil {
		return err
	}
	defer raw.Disconnect(context.Background())
	rawCol := raw.Database(dbName).Collection("bench_raw")
	defer rawCol.Drop(context.Background())
	// One session for every client (logins are rate-limited per address);
	// each client is a goroutine with connections of its own.
	c, err := benchLogin(srv.base, "bench.office", benchPassword)
	if err != nil {
		return err
	}
	sessions := map[int][]*benchClient{}
	for _, n := range b.clients {
		for i := 0; i < n; i++ {
			sessions[n] = append(sessions[n], c)
		}
	}
	var seq atomic.Int64
	maxClients := slices.Max(b.clients)
	for _, n := range b.clients {
		reg := loadLine{name: "register", clients: n}
		tr := loadLine{name: "transition (assign)", clients: n}
		for r := 0; r < b.loadRuns; r++ {
			rate, p50, p99, errs, _ := b.drive(n, func(i int) (int, error) {
				status, _, err := sessions[n][i].post("/api/v1/cases", registration(b.units[int(seq.Add(1))%len(b.units)]))
				if err == nil && status != 201 {
					return status, fmt.Errorf("status %d", status)
				}
				return status, err
			})
			reg.rates, reg.p50, reg.p99, reg.errors = append(reg.rates, rate), append(reg.p50, p50), append(reg.p99, p99), reg.errors+errs
			if n == maxClients && r == 0 && b.cases == maxSize(b) {
				b.slowestProfile = filepath.Join(b.profileDir, fmt.Sprintf("%s-%d-register-%d-clients.pprof", b.engine, b.cases, n))
				if err := srv.profile(b.duration, b.slowestProfile, func() {
					b.drive(n, func(i int) (int, error) {
						status, _, err := sessions[n][i].post("/api/v1/cases", registration(b.units[int(seq.Add(1))%len(b.units)]))
						return status, err
					})
				}); err != nil {
					return err
				}
			}
			// Each client moves open cases of its own, round and round: no
			// two clients race on one case.
			next := make([]int, n)
			rate, p50, p99, errs, refused := b.drive(n, func(i int) (int, error) {
				k := i + n*next[i]
				if k >= len(b.open) {
					next[i], k = 0, i
				}
				next[i]++
				no := b.open[k%len(b.open)]
				status, _, err := sessions[n][i].post("/api/v1/cases/"+no+"/transitions", map[string]any{"action": "assign", "input": map[string]any{"assignee": benchAssignees[next[i]%2]}})
				if err == nil && status != 200 {
					return status, fmt.Errorf("status %d", status)
				}
				return status, err
			})
			tr.rates, tr.p50, tr.p99, tr.errors, tr.refusals = append(tr.rates, rate), append(tr.p50, p50), append(tr.p99, p99), tr.errors+errs, tr.refusals+refused
			doc := bson.M{"caseNo": "2026-0001", "seq": 1, "action": "register", "from": "", "to": "registered",
				"actor": bson.M{"id": "li.ming", "name": "李明", "role": "office"}, "at": time.Now(), "prevHash": "",
				"hash": strings.Repeat("0", 64), "registered": registration("U00001")}
			rawRate, _, _, rawErrs, _ := b.drive(n, func(int) (int, error) {
				d := bson.M{"_id": fmt.Sprintf("raw-%d", seq.Add(1))}
				for k, v := range doc {
					d[k] = v
				}
				_, err := rawCol.InsertOne(context.Background(), d)
				return 0, err
			})
			if rawErrs > 0 {
				return fmt.Errorf("raw inserts failed: %d", rawErrs)
			}
			reg.raw, tr.raw = append(reg.raw, rawRate), append(tr.raw, rawRate)
		}
		b.throughput = append(b.throughput, reg, tr)
	}
	return nil
}

func maxSize(b *benchRun) int { return b.cases } // every size gets a profile; the report names the largest

// drive runs op from n clients for the duration and returns the rate of
// successful operations, their p50 and p99, the failures and the 409s.
func (b *benchRun) drive(n int, op func(client int) (int, error)) (rate float64, p50, p99 time.Duration, errs, conflicts int) {
	var mu sync.Mutex
	var lat []time.Duration
	var wg sync.WaitGroup
	end := time.Now().Add(b.duration)
	t0 := time.Now()
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for time.Now().Before(end) {
				s := time.Now()
				status, err := op(i)
				d := time.Since(s)
				mu.Lock()
				switch {
				case status == 409:
					conflicts++
				case err != nil:
					errs++
				default:
					lat = append(lat, d)
				}
				mu.Unlock()
			}
		}(i)
	}
	wg.Wait()
	return float64(len(lat)) / time.Since(t0).Seconds(), pct(lat, .5), pct(lat, .99), errs, conflicts
}

// visible measures how long a case registered through one server takes to
// appear in the lists of another on the same engine.
func (b *benchRun) visible(ctx context.Context, srv *benchServer, a *benchClient) error {
	other, err := startServer(ctx, b.env)
	if err != nil {
		return err
	}
	defer other.stop()
	c, err := benchLogin(other.base, "bench.office", benchPassword)
	if err != nil {
		return err
	}
	for i := 0; i < 20; i++ {
		status, body, err := a.post("/api/v1/cases", registration(b.units[i]))
		if err != nil || status != 201 {
			return fmt.Errorf("register: %d %v", status, err)
		}
		var k struct{ No string }
		_ = json.Unmarshal(body, &k)
		t0 := time.Now()
		for {
			_, body, err := c.get("/api/v1/cases?per_page=1&q=" + k.No)
			if err != nil {
				return err
			}
			var l struct{ Total int }
			_ = json.Unmarshal(body, &l)
			if l.Total == 1 {
				b.visibility = append(b.visibility, time.Since(t0))
				break
			}
			if time.Since(t0) > 30*time.Second {
				return fmt.Errorf("case %s never appeared on the other server", k.No)
			}
			time.Sleep(2 * time.Millisecond)
		}
	}
	return nil
}

func ms(d time.Duration) string {
	switch {
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
	case d < 10*time.Second:
		return fmt.Sprintf("%.0f ms", float64(d)/float64(time.Millisecond))
	}
	return fmt.Sprintf("%.1f s", d.Seconds())
}

// spread prints median (min–max).
func spread(ds []time.Duration) string {
	if len(ds) == 1 {
		return ms(ds[0])
	}
	return fmt.Sprintf("%s (%s–%s)", ms(median(ds)), ms(slices.Min(ds)), ms(slices.Max(ds)))
}

func (b *benchRun) report() {
	w := b.w
	fmt.Fprintf(w, "## %s engine, %d cases, %d events (%.1f per case), %d units\n\n", b.engine, b.cases, len(b.ledger.Events), b.eventsPerCase, len(b.ledger.Units))
	fmt.Fprintf(w, "Generated in %s, loaded (cases.Seed: units, events, snapshot) in %s.\n\n", ms(b.generateDuration), ms(b.seedTook))
	fmt.Fprintf(w, "| latency over %d runs, median (min–max) | p50 | p95 |\n| --- | --- | --- |\n", b.runs)
	for _, l := range b.results {
		fmt.Fprintf(w, "| %s | %s | %s |\n", l.name, spread(l.p50), spread(l.p95))
	}
	fmt.Fprintf(w, "\n| throughput over %d runs of %s | clients | rate /s, median (min–max) | p50 | p99 | errors | 409 | raw insert /s, same clients | ratio |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n", b.loadRuns, b.duration)
	for _, l := range b.throughput {
		ratio := median(l.rates) / median(l.raw)
		fmt.Fprintf(w, "| %s | %d | %.0f (%.0f–%.0f) | %s | %s | %d | %d | %.0f | %.2f |\n", l.name, l.clients, median(l.rates), slices.Min(l.rates), slices.Max(l.rates),
			spread(l.p50), spread(l.p99), l.errors, l.refusals, median(l.raw), ratio)
	}
	fmt.Fprintf(w, "\n| database commands per operation (mean of 20) | commands |\n| --- | --- |\n")
	for _, c := range b.commands {
		var parts []string
		keys := make([]string, 0, len(c.commands))
		for k := range c.commands {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		total := 0.0
		for _, k := range keys {
			total += c.commands[k]
			parts = append(parts, fmt.Sprintf("%s %.2f", k, c.commands[k]))
		}
		if len(parts) == 0 {
			parts = []string{"none"}
		}
		fmt.Fprintf(w, "| %s | %.2f: %s |\n", c.name, total, strings.Join(parts, ", "))
	}
	fmt.Fprintf(w, "\nStart-up of rectify serve (exec to /healthz), %d starts: %s. Peak RSS (VmHWM) after the measurements: %.0f MiB.\n",
		len(b.startup), spread(b.startup), float64(b.rss)/(1<<20))
	if len(b.visibility) > 0 {
		fmt.Fprintf(w, "A case registered through one server is in the other's lists after p50 %s, max %s (%d cases).\n", ms(pct(b.visibility, .5)), ms(slices.Max(b.visibility)), len(b.visibility))
	}
	if b.slowestProfile != "" {
		fmt.Fprintf(w, "CPU profile during registration at %d clients: %s\n", slices.Max(b.clients), b.slowestProfile)
	}
	fmt.Fprintln(w)
}
