// Command ceph-rest-api serves the Ceph Dashboard REST API (/api) and the
// legacy ceph-rest-api (/api/v0.1) over one of the library's transports.
//
// With no flags it serves the embedded in-memory demo cluster on
// 127.0.0.1:5000:
//
//	go run ./examples/ceph-rest-api
//	curl 127.0.0.1:5000/api/v0.1/health
//
// Against a real cluster through librados (build with -tags rados,pacific):
//
//	ceph-rest-api --transport rados -n client.admin -c /etc/ceph/ceph.conf
//
// Accounts (users, roles, settings, API keys, the token secret) live in
// the store --accounts names: a file by default, the cluster's config-key
// store on the rados transport. The administrator account is "admin"; its
// password comes from --admin-password-file, or the environment variable
// CEPH_REST_API_PASSWORD (which also resets it), or else is generated and
// printed once, on the first start with an empty store.
package main

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/cephapi/cephapi"
	"github.com/cephapi/cephapi/auth"
	"github.com/cephapi/cephapi/ceph"
	"github.com/cephapi/cephapi/httpapi"
	"github.com/cephapi/cephapi/httpapi/legacy"
	"github.com/cephapi/cephapi/httpapi/ops"
	"github.com/cephapi/cephapi/transport/memory"
	"github.com/cephapi/cephapi/transport/rest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr, nil); err != nil {
		if errors.Is(err, flag.ErrHelp) || errors.Is(err, errVersion) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "ceph-rest-api:", err)
		os.Exit(1)
	}
}

// config is the parsed command line.
type config struct {
	name, conf, cluster, keyring string
	transport                    string
	listen                       string
	tlsCert, tlsKey              string
	tokenTTL                     time.Duration
	opTimeout                    time.Duration
	cacheTTL                     time.Duration
	procs                        int
	adminPasswordFile            string
	accounts                     string
	upstream, upstreamUser       string
	upstreamPasswordFile         string
	upstreamInsecure             bool
	logLevel                     string
	version                      bool
	ui                           uiFlag
}

// uiFlag is --ui: alone, the web UI at Debian's path; --ui=DIR, the one
// in DIR; absent, none.
type uiFlag struct{ dir string }

func (f *uiFlag) String() string { return f.dir }
func (f *uiFlag) Set(v string) error {
	switch v {
	case "", "true":
		f.dir = httpapi.DebianUIDir
	case "false":
		f.dir = ""
	default:
		f.dir = v
	}
	return nil
}
func (f *uiFlag) IsBoolFlag() bool { return true }

// errVersion ends run after --version printed the version.
var errVersion = errors.New("version printed")

// version is the program's version: the module version it was built at
// (a tagged release) or the VCS revision, and the Go release.
func version() string {
	v, rev, dirty := "(devel)", "", false
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Version != "" {
			v = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
	}
	if rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		v += " " + rev
		if dirty {
			v += "+dirty"
		}
	}
	implemented := 0
	for _, rt := range httpapi.New(nil).Routes() {
		if rt.Implemented {
			implemented++
		}
	}
	return fmt.Sprintf("ceph-rest-api %s (%s; Ceph Dashboard API 16.2, %d of %d operations implemented)",
		v, runtime.Version(), implemented, len(ops.All))
}

func parseFlags(args []string, stderr io.Writer) (*config, error) {
	cfg := &config{}
	fs := flag.NewFlagSet("ceph-rest-api", flag.ContinueOnError)
	fs.SetOutput(stderr)
	str := func(p *string, short, long, def, usage string) {
		if short != "" {
			fs.StringVar(p, short, def, usage+" (short for --"+long+")")
		}
		fs.StringVar(p, long, def, usage)
	}
	str(&cfg.name, "n", "name", "client.admin", "Ceph client name (rados transport)")
	str(&cfg.conf, "c", "conf", "", "ceph.conf path (rados transport; default: librados' search)")
	str(&cfg.cluster, "", "cluster", "ceph", "Ceph cluster name (rados transport)")
	str(&cfg.keyring, "k", "keyring", "", "keyring path (rados transport; default: from ceph.conf)")
	str(&cfg.transport, "", "transport", "memory", "transport: memory, rados or rest")
	str(&cfg.listen, "", "listen", "127.0.0.1:5000", "address to listen on")
	str(&cfg.tlsCert, "", "tls-cert", "", "TLS certificate file (with --tls-key: serve HTTPS)")
	str(&cfg.tlsKey, "", "tls-key", "", "TLS private key file")
	fs.DurationVar(&cfg.tokenTTL, "token-ttl", 8*time.Hour, "lifetime of issued tokens")
	fs.DurationVar(&cfg.opTimeout, "op-timeout", 10*time.Second, "bound on each call into Ceph (rados) and on the upstream check at start-up (rest)")
	fs.DurationVar(&cfg.cacheTTL, "cache-ttl", time.Second, "longest time a cached answer of a hot read is served (rados); 0 turns the cache off")
	str(&cfg.adminPasswordFile, "", "admin-password-file", "", "file holding the admin password (else $CEPH_REST_API_PASSWORD, else generated on the first start)")
	str(&cfg.accounts, "", "accounts", "", "where users, roles, settings, API keys and the token secret live: config-key (the cluster's, shared by every server on it; the rados default), file:PATH (default file:"+defaultAccountsFile()+"; $CEPH_REST_API_ACCOUNTS overrides the default) or memory (lost at exit)")
	str(&cfg.upstream, "", "upstream", "", "dashboard URL (rest transport)")
	str(&cfg.upstreamUser, "", "upstream-user", "admin", "dashboard user (rest transport)")
	str(&cfg.upstreamPasswordFile, "", "upstream-password-file", "", "file holding the dashboard password (else $CEPH_REST_API_UPSTREAM_PASSWORD)")
	fs.BoolVar(&cfg.upstreamInsecure, "upstream-insecure", false, "skip TLS verification of the upstream (rest transport)")
	str(&cfg.logLevel, "", "log-level", "info", "log level: debug, info, warn, error")
	fs.BoolVar(&cfg.version, "version", false, "print the version and exit")
	fs.Var(&cfg.ui, "ui", "serve the Ceph Dashboard's web UI at /: --ui for Debian's ceph-mgr-dashboard build ("+httpapi.DebianUIDir+"), --ui=DIR for another dist directory")
	fs.IntVar(&cfg.procs, "procs", 0, "CPUs that run Go code at once (GOMAXPROCS; 0: all). On a small host shared with Ceph daemons, 1 gives the steadiest latency")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	if cfg.procs < 0 {
		return nil, errors.New("--procs must be 0 (all CPUs) or more")
	}
	if (cfg.tlsCert == "") != (cfg.tlsKey == "") {
		return nil, errors.New("--tls-cert and --tls-key go together")
	}
	if cfg.ui.dir != "" {
		if err := httpapi.CheckUIDir(cfg.ui.dir); err != nil {
			return nil, fmt.Errorf("--ui: %w", err)
		}
	}
	return cfg, nil
}

// openers maps a transport name to its constructor. The rados entry is
// added by a file built only with the "rados" tag; rest by the rest
// transport when it exists.
var openers = map[string]func(ctx context.Context, cfg *config, getenv func(string) string) (*cephapi.Client, error){
	"memory": func(context.Context, *config, func(string) string) (*cephapi.Client, error) {
		return memory.New(), nil
	},
	"rest": openRest,
}

// openRest connects to an upstream dashboard: the server then acts as a
// gateway (for example, the legacy /api/v0.1 in front of a modern cluster).
// The password never comes from the command line.
func openRest(ctx context.Context, cfg *config, getenv func(string) string) (*cephapi.Client, error) {
	if cfg.upstream == "" {
		return nil, errors.New("--transport rest needs --upstream URL")
	}
	var password string
	if cfg.upstreamPasswordFile != "" {
		p, err := readSecretFile(cfg.upstreamPasswordFile)
		if err != nil {
			return nil, fmt.Errorf("upstream password: %w", err)
		}
		password = p
	} else if password = getenv("CEPH_REST_API_UPSTREAM_PASSWORD"); password == "" {
		return nil, errors.New("the upstream password comes from --upstream-password-file or $CEPH_REST_API_UPSTREAM_PASSWORD")
	}
	opts := []rest.Option{rest.WithCredentials(cfg.upstreamUser, password), rest.WithUserAgent("ceph-rest-api gateway")}
	if cfg.upstreamInsecure {
		opts = append(opts, rest.WithInsecureSkipVerify())
	}
	c, err := rest.New(cfg.upstream, opts...)
	if err != nil {
		return nil, err
	}
	// Fail at start-up, not on the first request, when the upstream is
	// unreachable or refuses the credentials.
	cctx, cancel := context.WithTimeout(ctx, cfg.opTimeout)
	defer cancel()
	if _, err := c.Health.Report(cctx); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

func readSecretFile(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	s := strings.TrimRight(string(b), "\r\n")
	if s == "" {
		return "", fmt.Errorf("%s is empty", path)
	}
	return s, nil
}

// adminPassword returns the password and whether it was generated.
func adminPassword(cfg *config, getenv func(string) string) (string, bool, error) {
	if cfg.adminPasswordFile != "" {
		p, err := readSecretFile(cfg.adminPasswordFile)
		return p, false, err
	}
	if p := getenv("CEPH_REST_API_PASSWORD"); p != "" {
		return p, false, nil
	}
	b := make([]byte, 18)
	if _, err := rand.Read(b); err != nil {
		return "", false, err
	}
	return base64.RawURLEncoding.EncodeToString(b), true, nil
}

// defaultAccountsFile is where the account file lives by default:
// $XDG_CONFIG_HOME/cephapi/accounts.json (~/.config/... on Linux).
func defaultAccountsFile() string {
	dir, err := os.UserConfigDir()
	if err != nil {
		dir = "."
	}
	return filepath.Join(dir, "cephapi", "accounts.json")
}

// openAccounts opens the account store --accounts names and says where it
// is.
func openAccounts(ctx context.Context, cfg *config, getenv func(string) string, client *cephapi.Client) (*auth.DB, string, error) {
	spec := cfg.accounts
	if spec == "" {
		spec = getenv("CEPH_REST_API_ACCOUNTS")
	}
	if spec == "" {
		spec = "file:" + defaultAccountsFile()
		if cfg.transport == "rados" {
			spec = "config-key"
		}
	}
	octx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	switch {
	case spec == "memory":
		d, err := auth.OpenDB(octx, auth.NewMemoryKV())
		return d, "memory (lost at exit)", err
	case spec == "config-key":
		if cfg.transport != "rados" {
			return nil, "", errors.New("--accounts config-key needs --transport rados")
		}
		// The dashboard's own users log in too; every server on the
		// cluster shares the store and sees the others' changes within 2s.
		d, err := auth.OpenDB(octx, auth.NewConfigKeyKV(client.Commands), auth.WithRefresh(2*time.Second), auth.WithDashboardAccounts())
		return d, "the cluster's config-key store", err
	case strings.HasPrefix(spec, "file:"):
		path := strings.TrimPrefix(spec, "file:")
		if path == "" {
			return nil, "", errors.New("--accounts file: needs a path")
		}
		kv, err := auth.OpenFileKV(path)
		if err != nil {
			return nil, "", err
		}
		d, err := auth.OpenDB(octx, kv)
		return d, path, err
	}
	return nil, "", fmt.Errorf("--accounts %q: want config-key, file:PATH or memory", spec)
}

func isLoopback(addr net.Addr) bool {
	tcp, ok := addr.(*net.TCPAddr)
	return ok && tcp.IP.IsLoopback()
}

// run starts the server and blocks until ctx ends. When ready is not nil
// it receives the listening address.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer, ready chan<- net.Addr) error {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	if cfg.version {
		fmt.Fprintln(stdout, version())
		return errVersion
	}
	if cfg.procs > 0 {
		runtime.GOMAXPROCS(cfg.procs)
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(cfg.logLevel)); err != nil {
		return fmt.Errorf("--log-level: %w", err)
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))

	open, ok := openers[cfg.transport]
	if !ok {
		if cfg.transport == "rados" {
			return errors.New("this binary was built without librados: build with -tags rados,pacific")
		}
		return fmt.Errorf("unknown --transport %q (want memory, rados or rest)", cfg.transport)
	}
	client, err := open(ctx, cfg, getenv)
	if err != nil {
		return fmt.Errorf("connect (%s transport): %w", cfg.transport, err)
	}
	defer client.Close()

	accounts, where, err := openAccounts(ctx, cfg, getenv, client)
	if err != nil {
		return fmt.Errorf("accounts: %w", err)
	}
	password, generated, err := adminPassword(cfg, getenv)
	if err != nil {
		return fmt.Errorf("admin password: %w", err)
	}
	adminNote := ""
	if generated {
		// A generated password is only used to start an empty store.
		created, err := accounts.Bootstrap(ctx, "admin", password)
		if err != nil {
			return fmt.Errorf("accounts: %w", err)
		}
		if !created {
			generated = false
			adminNote = "  accounts from " + where + " (set $CEPH_REST_API_PASSWORD to reset the admin password)"
		}
	} else if _, err := accounts.EnsureUser(ctx, "admin", password, "administrator"); err != nil {
		return fmt.Errorf("accounts: %w", err)
	}

	ln, err := net.Listen("tcp", cfg.listen)
	if err != nil {
		return err
	}
	loopback := isLoopback(ln.Addr())

	var legacyOpts []legacy.Option
	if cfg.transport == "rados" {
		// librados can run any command, not only the ones the table knows.
		legacyOpts = append(legacyOpts, legacy.WithPassthrough())
	}
	var auditSink []httpapi.Option
	if cfg.transport == "rados" {
		// As the dashboard's API auditing, into the cluster log (the
		// monitors record the command in the audit channel as well).
		auditSink = append(auditSink, httpapi.WithAuditSink(func(ctx context.Context, line string) error {
			_, err := client.Commands.Command(ctx, ceph.Command{Prefix: "log", Args: map[string]any{"logtext": []string{line}}})
			return err
		}))
	}
	srv := httpapi.New(client, append(auditSink,
		httpapi.WithAccounts(accounts),
		httpapi.WithTokenTTL(cfg.tokenTTL),
		httpapi.WithLogger(logger),
		httpapi.WithLoopbackAnonymousReads(loopback),
		httpapi.WithUI(cfg.ui.dir),
		httpapi.WithLegacyBuilder(func(authorize func(*http.Request, string, string) error) http.Handler {
			return legacy.New(client.Commands, authorize, legacyOpts...)
		}),
	)...)

	hs := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	scheme := "http"
	if cfg.tlsCert != "" {
		cert, err := tls.LoadX509KeyPair(cfg.tlsCert, cfg.tlsKey)
		if err != nil {
			ln.Close()
			return fmt.Errorf("TLS: %w", err)
		}
		hs.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		ln = tls.NewListener(ln, hs.TLSConfig)
		scheme = "https"
	}

	base := scheme + "://" + ln.Addr().String()
	fmt.Fprintf(stdout, "ceph-rest-api: serving the %s transport on %s\n", cfg.transport, base)
	fmt.Fprintf(stdout, "  API docs:      %s/docs\n", base)
	if loopback {
		fmt.Fprintf(stdout, "  legacy API:    curl %s/api/v0.1/health\n", base)
	} else {
		// Off loopback every request needs credentials.
		fmt.Fprintf(stdout, "  legacy API:    curl -u admin:... %s/api/v0.1/health\n", base)
	}
	fmt.Fprintf(stdout, "  dashboard API: curl -X POST %s/api/auth -H 'Accept: application/vnd.ceph.api.v1.0+json' -H 'Content-Type: application/json' -d '{\"username\": \"admin\", \"password\": \"...\"}'\n", base)
	switch {
	case generated:
		// Printed once, to the terminal, never to the log.
		fmt.Fprintf(stdout, "  generated password for user admin: %s (kept in %s)\n", password, where)
	case adminNote != "":
		fmt.Fprintln(stdout, adminNote)
	default:
		fmt.Fprintln(stdout, "  user admin, password from", map[bool]string{true: cfg.adminPasswordFile, false: "$CEPH_REST_API_PASSWORD"}[cfg.adminPasswordFile != ""])
	}
	if !loopback {
		fmt.Fprintln(stdout, "  not on loopback: every request needs credentials")
	}
	if ready != nil {
		ready <- ln.Addr()
	}

	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return err
	}
	return nil
}
