package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// benchServer is a `rectify serve` process under measurement.
type benchServer struct {
	cmd     *exec.Cmd
	base    string // http://host:port
	debug   string // http://host:port of the debug listener
	startup time.Duration
	stderr  *lockedBuffer
}

// lockedBuffer collects a child's stderr for error messages.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.b.Len() < 1<<20 {
		l.b.Write(p)
	}
	return len(p), nil
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

var (
	listenRE = regexp.MustCompile(`正在监听 (http://[^ ]+)`)
	debugRE  = regexp.MustCompile(`Debug listener .* on (http://[^ ]+)/debug/`)
)

// startServer runs this binary's serve command with env and waits until it
// answers /healthz. Start-up is measured from exec to that answer.
func startServer(ctx context.Context, env []string) (*benchServer, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	t0 := time.Now()
	cmd := exec.CommandContext(ctx, self, "serve", "--addr", "127.0.0.1:0", "--debug-addr", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), append(env, "RECTIFY_LOG_LEVEL=warn")...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	s := &benchServer{cmd: cmd, stderr: &lockedBuffer{}}
	cmd.Stderr = s.stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := debugRE.FindStringSubmatch(sc.Text()); m != nil {
				s.debug = m[1]
			}
			if m := listenRE.FindStringSubmatch(sc.Text()); m != nil {
				s.base = m[1]
				close(ready)
			}
		}
	}()
	select {
	case <-ready:
	case <-time.After(5 * time.Minute):
		_ = cmd.Process.Kill()
		return nil, fmt.Errorf("rectify serve 未能启动：%s", s.stderr)
	}
	for {
		res, err := http.Get(s.base + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				break
			}
		}
		if time.Since(t0) > 5*time.Minute {
			_ = cmd.Process.Kill()
			return nil, fmt.Errorf("rectify serve 未响应 /healthz：%s", s.stderr)
		}
		time.Sleep(5 * time.Millisecond)
	}
	s.startup = time.Since(t0)
	return s, nil
}

// peakRSS is the process's peak resident set (VmHWM), in bytes.
func (s *benchServer) peakRSS() int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb << 10
		}
	}
	return 0
}

// stop ends the server as an operator would (SIGTERM) and waits.
func (s *benchServer) stop() error {
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- s.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("rectify serve 异常退出（%v）：%s", err, s.stderr)
		}
		return nil
	case <-time.After(5 * time.Minute):
		_ = s.cmd.Process.Kill()
		return fmt.Errorf("rectify serve 未能停止")
	}
}

// vars reads the server's counters.
func (s *benchServer) vars() (commands map[string]int64, engine string, err error) {
	res, err := http.Get(s.debug + "/debug/vars")
	if err != nil {
		return nil, "", err
	}
	defer res.Body.Close()
	var v struct {
		Rectify struct {
			Commands map[string]int64 `json:"db_commands"`
			Engine   string           `json:"engine"`
		} `json:"rectify"`
	}
	if err := json.NewDecoder(res.Body).Decode(&v); err != nil {
		return nil, "", err
	}
	return v.Rectify.Commands, v.Rectify.Engine, nil
}

// profile takes a CPU profile of the server for d while work runs.
func (s *benchServer) profile(d time.Duration, path string, work func()) error {
	errc := make(chan error, 1)
	go func() {
		res, err := http.Get(fmt.Sprintf("%s/debug/pprof/profile?seconds=%d", s.debug, int(d.Seconds())))
		if err != nil {
			errc <- err
			return
		}
		defer res.Body.Close()
		f, err := os.Create(path)
		if err != nil {
			errc <- err
			return
		}
		_, err = io.Copy(f, res.Body)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		errc <- err
	}()
	time.Sleep(100 * time.Millisecond)
	work()
	return <-errc
}

// benchClient is a logged-in console session.
type benchClient struct {
	http   *http.Client
	base   string
	csrf   string
	cookie string
}

var csrfFieldRE = regexp.MustCompile(`name="csrf_token" value="([0-9a-f]+)"`)

// benchLogin signs in through the login form, as a browser does.
func benchLogin(base, user, password string) (*benchClient, error) {
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, Timeout: 2 * time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: 64, MaxConnsPerHost: 64}}
	res, err := hc.Get(base + "/login")
	if err != nil {
		return nil, err
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := csrfFieldRE.FindStringSubmatch(string(body))
	if m == nil {
		return nil, fmt.Errorf("登录页上没有表单令牌")
	}
	res, err = hc.PostForm(base+"/login", url.Values{"username": {user}, "password": {password}, "csrf_token": {m[1]}})
	if err != nil {
		return nil, err
	}
	body, _ = io.ReadAll(res.Body)
	res.Body.Close()
	m = csrfFieldRE.FindStringSubmatch(string(body))
	u, _ := url.Parse(base)
	c := &benchClient{http: hc, base: base}
	for _, ck := range jar.Cookies(u) {
		if ck.Name == "rectify_session" {
			c.cookie = ck.Value
		}
	}
	if m == nil || c.cookie == "" {
		return nil, fmt.Errorf("以 %s 登录失败：%d", user, res.StatusCode)
	}
	c.csrf = m[1]
	return c, nil
}

// get fetches path and reads the whole answer.
func (c *benchClient) get(path string) (int, []byte, error) {
	res, err := c.http.Get(c.base + path)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return res.StatusCode, b, err
}

// post sends a JSON body with the session's CSRF token.
func (c *benchClient) post(path string, body any) (int, []byte, error) {
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", c.base+path, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", c.csrf)
	res, err := c.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	out, err := io.ReadAll(res.Body)
	return res.StatusCode, out, err
}
