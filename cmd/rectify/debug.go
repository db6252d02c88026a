package main

import (
	"context"
	"expvar"
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
	"time"

	"rectify/storage/mongodb"
)

// listenDebug opens the debug listener, on a loopback address only (it
// has no login): checked before anything else is opened.
func listenDebug(addr string) (net.Listener, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("--debug-addr: %w", err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("--debug-addr %s：调试接口不需登录，只能监听本机回环地址（loopback）", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("--debug-addr: %w", err)
	}
	return ln, nil
}

// serveDebug serves on ln the Go profiler (/debug/pprof/, without the
// command line, which can hold secrets given as flags) and counters
// (/debug/vars): database commands by name and collection, the number of
// cases in the view, and the engine's address without credentials (for
// `rectify bench`). Requests must name a loopback host, so that a web
// page cannot reach the listener by rebinding a name of its own to it.
func (m *Main) serveDebug(ctx context.Context, ln net.Listener, a *app) {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	vars := new(expvar.Map).Init()
	vars.Set("db_commands", expvar.Func(func() any { return a.commands.Counts() }))
	vars.Set("cases", expvar.Func(func() any { return a.svc.Size() }))
	vars.Set("engine", expvar.Func(func() any { return mongodb.Redact(a.uri) }))
	mux.HandleFunc("/debug/vars", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		fmt.Fprintf(w, "{\"rectify\": %s, \"memstats\": %s}\n", vars.String(), expvar.Get("memstats").String())
	})
	loopbackOnly := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, err := net.SplitHostPort(r.Host)
		if err != nil {
			host = r.Host
		}
		if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
			http.Error(w, "调试接口只接受本机地址的请求", http.StatusForbidden)
			return
		}
		mux.ServeHTTP(w, r)
	})
	srv := &http.Server{Handler: loopbackOnly, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
}
