package main

import (
	"context"
	"expvar"
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
	"time"
)

// serveDebug serves, on a loopback address only (it has no login),
// the Go profiler (/debug/pprof/) and counters (/debug/vars): database
// commands by name and collection, the number of cases in the view, and
// the address of the embedded engine, for `rectify bench`.
func (m *Main) serveDebug(ctx context.Context, addr string, a *app) (string, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("--debug-addr: %w", err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return "", fmt.Errorf("--debug-addr %s: the debug listener has no login and must be on a loopback address", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("--debug-addr: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	vars := new(expvar.Map).Init()
	vars.Set("db_commands", expvar.Func(func() any { return a.commands.Counts() }))
	vars.Set("cases", expvar.Func(func() any { return a.svc.Size() }))
	vars.Set("engine", expvar.Func(func() any { return a.uri }))
	mux.HandleFunc("/debug/vars", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		fmt.Fprintf(w, "{\"rectify\": %s, \"memstats\": %s}\n", vars.String(), expvar.Get("memstats").String())
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	return ln.Addr().String(), nil
}
