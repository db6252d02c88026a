// Package miniotest gives tests a real MinIO server: the one make test
// starts (RECTIFY_TEST_MINIO_ENDPOINT), or one started here from the minio
// binary (RECTIFY_MINIO_BIN, PATH, or $GOPATH/bin, where make test installs
// the pinned version). It never fakes one and never skips.
package miniotest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"rectify/storage/blob/minioblob"
)

// Credentials of servers started here.
const (
	User     = "rectify"
	Password = "rectify-test-secret"
)

// Server is a MinIO server.
type Server struct {
	Endpoint, AccessKey, SecretKey string
	dir                            string
	cmd                            *exec.Cmd
	exited                         chan struct{} // closed when cmd has exited
}

// newServer prepares a server on a free port with a secret of its own: a
// test that reaches another test's server (two packages that picked the
// same port at once) is then refused, and tries another port.
func newServer(dir string) *Server {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return &Server{Endpoint: freePort(), AccessKey: User, SecretKey: Password + "-" + hex.EncodeToString(b), dir: dir}
}

// startFresh starts s, moving to another free port if the one it picked
// turns out to be taken.
func (s *Server) startFresh() error {
	var err error
	for attempt := 0; attempt < 5; attempt++ {
		if err = s.start(); err == nil {
			return nil
		}
		s.Endpoint = freePort()
	}
	return err
}

// Binary finds the minio executable.
func Binary(tb testing.TB) string {
	tb.Helper()
	cands := []string{os.Getenv("RECTIFY_MINIO_BIN")}
	if p, err := exec.LookPath("minio"); err == nil {
		cands = append(cands, p)
	}
	if gp, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
		cands = append(cands, filepath.Join(string(trim(gp)), "bin", "minio"))
	}
	for _, c := range cands {
		if c != "" {
			if st, err := os.Stat(c); err == nil && !st.IsDir() {
				return c
			}
		}
	}
	tb.Fatal("no minio binary: run make test (it installs the pinned MinIO) or set RECTIFY_MINIO_BIN")
	return ""
}

func trim(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}

func freePort() string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// Start starts a dedicated server on a free loopback port, stopped when
// the test ends.
func Start(tb testing.TB) *Server {
	tb.Helper()
	dir, err := os.MkdirTemp("", "rectify-minio-")
	if err != nil {
		tb.Fatal(err)
	}
	s := newServer(dir)
	if err := s.startFresh(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Stop(); os.RemoveAll(dir) })
	return s
}

func (s *Server) start() error {
	bin := os.Getenv("RECTIFY_MINIO_BIN")
	if bin == "" {
		bin = binaryNoTB()
	}
	if bin == "" {
		return fmt.Errorf("no minio binary: run make test or set RECTIFY_MINIO_BIN")
	}
	s.cmd = exec.Command(bin, "server", s.dir, "--address", s.Endpoint, "--console-address", freePort(), "--quiet")
	s.cmd.Env = append(os.Environ(), "MINIO_ROOT_USER="+s.AccessKey, "MINIO_ROOT_PASSWORD="+s.SecretKey, "MINIO_BROWSER=off", "MINIO_UPDATE=off")
	if err := s.cmd.Start(); err != nil {
		return fmt.Errorf("start minio: %w", err)
	}
	exited := make(chan struct{})
	s.exited = exited
	cmd := s.cmd
	go func() { _ = cmd.Wait(); close(exited) }()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			s.cmd = nil
			return fmt.Errorf("minio on %s exited while starting (port taken?)", s.Endpoint)
		default:
		}
		res, err := http.Get("http://" + s.Endpoint + "/minio/health/ready")
		if err == nil {
			res.Body.Close()
			// Ready — and ours: it knows this server's own secret.
			if res.StatusCode == 200 && s.owns() {
				return nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	s.Stop()
	return fmt.Errorf("minio did not become ready on %s", s.Endpoint)
}

// owns reports whether the server at s.Endpoint accepts s's credentials.
func (s *Server) owns() bool {
	c, err := minio.New(s.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(s.AccessKey, s.SecretKey, "")})
	if err != nil {
		return false
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err = c.ListBuckets(ctx)
	return err == nil
}

func binaryNoTB() string {
	if p, err := exec.LookPath("minio"); err == nil {
		return p
	}
	if gp, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
		p := filepath.Join(string(trim(gp)), "bin", "minio")
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return ""
}

// Stop stops the server (its data stays, for Restart).
func (s *Server) Stop() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
	case <-time.After(15 * time.Second):
		s.cmd.Process.Kill()
		<-s.exited
	}
	s.cmd = nil
}

// Restart starts a stopped server again on the same address and data.
func (s *Server) Restart(tb testing.TB) {
	tb.Helper()
	if err := s.start(); err != nil {
		tb.Fatal(err)
	}
}

var (
	once   sync.Once
	shared *Server
	err0   error
)

// Shared returns the server of make test, or one started once per test binary.
func Shared(tb testing.TB) *Server {
	tb.Helper()
	once.Do(func() {
		if ep := os.Getenv("RECTIFY_TEST_MINIO_ENDPOINT"); ep != "" {
			shared = &Server{Endpoint: ep, AccessKey: os.Getenv("RECTIFY_TEST_MINIO_ACCESS_KEY"), SecretKey: os.Getenv("RECTIFY_TEST_MINIO_SECRET_KEY")}
			return
		}
		dir, err := os.MkdirTemp("", "rectify-minio-shared-")
		if err != nil {
			err0 = err
			return
		}
		s := newServer(dir)
		if err0 = s.startFresh(); err0 == nil {
			shared = s
		}
	})
	if err0 != nil {
		tb.Fatalf("minio for tests: %v", err0)
	}
	return shared
}

// Config returns a store configuration on a fresh bucket of s.
func (s *Server) Config() minioblob.Config {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return minioblob.Config{Endpoint: s.Endpoint, AccessKey: s.AccessKey, SecretKey: s.SecretKey, Bucket: "t" + hex.EncodeToString(b), RetentionDays: 1}
}

// Open returns a store on a fresh bucket of the shared server.
func Open(tb testing.TB) *minioblob.Store {
	tb.Helper()
	st, err := minioblob.Open(context.Background(), Shared(tb).Config())
	if err != nil {
		tb.Fatal(err)
	}
	return st
}
