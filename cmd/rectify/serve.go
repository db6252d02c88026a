package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"time"

	"rectify/cases/demo"
	"rectify/web"
)

func (m *Main) serve(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	var c config
	m.bind(fs, &c)
	addr := fs.String("addr", m.env("RECTIFY_ADDR", "127.0.0.1:8080"), "listen address (RECTIFY_ADDR)")
	withDemo := fs.Bool("demo", false, "load the demo data set on start (idempotent)")
	demoDir := fs.String("demo-dir", m.env("RECTIFY_DEMO_DIR", "testdata/demo"), "where the demo data set is (RECTIFY_DEMO_DIR)")
	if err := fs.Parse(args); err != nil {
		return exitCode(2)
	}
	a, err := m.open(ctx, c)
	if err != nil {
		return err
	}
	defer a.close()
	if *withDemo {
		start := time.Now()
		sum, err := demo.Load(ctx, a.cfg, *demoDir)
		if err != nil {
			return err
		}
		a.log.Info("demo data loaded", "units", sum.Units, "new_cases", sum.Registered, "new_steps", sum.Steps, "took", time.Since(start).Round(time.Millisecond))
	}
	srv := web.NewServer(web.Config{Service: a.svc, Catalog: a.catalog, Log: a.log})
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *addr, err)
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 2 * time.Minute,
		WriteTimeout: 2 * time.Minute, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10}
	fmt.Fprintf(m.Stdout, "Rectify 督改通 listening on http://%s\n", ln.Addr())
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	a.log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}
