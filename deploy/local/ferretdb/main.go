// Command ferretdb runs FerretDB v1 (embedded as a library) with the SQLite backend:
// a MongoDB-wire-compatible store for local development and tests when no Docker
// engine is available. Started and stopped by deploy/local/infra.mjs.
//
// `go install github.com/FerretDB/FerretDB/cmd/ferretdb@v1.24.2` builds a binary that
// panics at start (build/version/version.txt is not part of the module, FerretDB#2982);
// embedding the `ferretdb` package in our own main module avoids that check.
//
// Clients connect through a proxy (atomic_proxy.go) that lets one update/findAndModify at a time
// touch a document, and by default runs one of them per database at a time: FerretDB 1.24 alone
// loses one of two concurrent updates of a document.
//
// Usage:
//
//	ferretdb [-listen-addr 127.0.0.1:27017] [-data-dir .local/data/ferretdb] [-log-level info]
//
// Flags default to the environment variables FERRETDB_LISTEN_ADDR, FERRETDB_DATA_DIR and
// FERRETDB_LOG_LEVEL. Telemetry is always disabled by the embedded package.
// FERRETDB_PPROF_ADDR (for example 127.0.0.1:6060) serves Go's profiler at /debug/pprof/ there, to
// see where the store spends its time under a benchmark; unset, nothing more listens.
// FERRETDB_RMW_PER_DB (atomic_proxy.go) and FERRETDB_STATS_FILE (command_stats.go) tune and time
// the proxy.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	_ "net/http/pprof" // served only when FERRETDB_PPROF_ADDR is set
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

func main() {
	listenAddr := flag.String("listen-addr", envOr("FERRETDB_LISTEN_ADDR", "127.0.0.1:27017"), "TCP address to listen on")
	dataDir := flag.String("data-dir", envOr("FERRETDB_DATA_DIR", ".local/data/ferretdb"), "directory of the SQLite databases (created if missing)")
	logLevel := flag.String("log-level", envOr("FERRETDB_LOG_LEVEL", "info"), "log level: debug, info, warn, error")
	flag.Parse()

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb: invalid log level %q\n", *logLevel)
		os.Exit(2)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	if err := run(logger, *listenAddr, *dataDir); err != nil {
		logger.Error("ferretdb failed", "error", err)
		os.Exit(1)
	}
}

func run(logger *slog.Logger, listenAddr, dataDir string) error {
	dir, err := filepath.Abs(dataDir)
	if err != nil {
		return err
	}
	if err = os.MkdirAll(dir, 0o755); err != nil {
		return err
	}

	// The SQLite handler wants a directory URI ending in "/": file:///abs/dir/ .
	sqliteURL := (&url.URL{Scheme: "file", Path: dir + "/"}).String()

	// FerretDB itself listens on a unix socket; clients reach it through the proxy that makes
	// concurrent updates of one document atomic (atomic_proxy.go).
	socket := filepath.Join(os.TempDir(), fmt.Sprintf("pb-ferretdb-%d.sock", os.Getpid()))
	_ = os.Remove(socket)
	defer os.Remove(socket)

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{Unix: socket},
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: sqliteURL,
	})
	if err != nil {
		return err
	}

	ln, err := net.Listen("tcp", listenAddr)
	if err != nil {
		return err
	}
	defer ln.Close()

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	logger.Info("ferretdb starting", "listen", listenAddr, "sqlite", sqliteURL, "pid", os.Getpid())

	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()
	go serveAtomicProxy(ln, socket, logger, newCommandStats(os.Getenv("FERRETDB_STATS_FILE")))
	if addr := os.Getenv("FERRETDB_PPROF_ADDR"); addr != "" {
		go func() { logger.Warn("pprof stopped", "error", http.ListenAndServe(addr, nil)) }()
	}

	select {
	case err = <-done:
		// Run returned before a signal: FerretDB's own listener (the unix socket) failed.
		if err == nil && ctx.Err() == nil {
			err = errors.New("listener stopped unexpectedly (is " + listenAddr + " already in use?)")
		}
		return err
	case <-ctx.Done():
		logger.Info("ferretdb stopping")
		stop() // a second signal kills the process the default way
		if err = <-done; err != nil {
			return err
		}
		logger.Info("ferretdb stopped")
		return nil
	}
}
