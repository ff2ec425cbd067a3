package main

// Command statistics for benchmarks: with FERRETDB_STATS_FILE set, the proxy times every command
// from the moment it is forwarded (after the read-modify-write lock, when it takes one) to its reply,
// and every 5 s rewrites the file with a table per database, command and collection: count, total
// and mean time, and the time spent waiting for the lock ("update*": a read-modify-write command that
// had its collection to itself). Off by default (nothing is timed).

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"time"
)

type statKey struct{ db, name, coll string }

type statValue struct {
	count           int64
	total, lockWait time.Duration
}

type commandStats struct {
	mu    sync.Mutex
	stats map[statKey]*statValue
}

func newCommandStats(path string) *commandStats {
	if path == "" {
		return nil
	}
	s := &commandStats{stats: map[statKey]*statValue{}}
	go func() {
		for range time.Tick(5 * time.Second) {
			_ = os.WriteFile(path, []byte(s.table()), 0o644)
		}
	}()
	return s
}

func (s *commandStats) add(c command, took, lockWait time.Duration) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	name := c.name
	if readModifyWrite[c.name] && c.ids == nil {
		name += "*" // held its collection to itself
	}
	k := statKey{c.db, name, c.coll}
	v, ok := s.stats[k]
	if !ok {
		v = &statValue{}
		s.stats[k] = v
	}
	v.count++
	v.total += took
	v.lockWait += lockWait
}

func (s *commandStats) table() string {
	s.mu.Lock()
	type row struct {
		k statKey
		v statValue
	}
	rows := make([]row, 0, len(s.stats))
	for k, v := range s.stats {
		rows = append(rows, row{k, *v})
	}
	s.mu.Unlock()
	sort.Slice(rows, func(i, j int) bool { return rows[i].v.total > rows[j].v.total })
	var b strings.Builder
	fmt.Fprintf(&b, "%-28s %-16s %-28s %9s %11s %9s %11s\n", "database", "command", "collection", "count", "total_ms", "mean_ms", "lockwait_ms")
	for _, r := range rows {
		ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
		fmt.Fprintf(&b, "%-28s %-16s %-28s %9d %11.0f %9.2f %11.0f\n", r.k.db, r.k.name, r.k.coll, r.v.count, ms(r.v.total), ms(r.v.total)/float64(r.v.count), ms(r.v.lockWait))
	}
	return b.String()
}
