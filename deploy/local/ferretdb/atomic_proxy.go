package main

// FerretDB 1.24 applies an `update` or `findAndModify` as read, change in Go, write back, with
// nothing in between that stops a second command on the same document from doing the same
// (FerretDB#3040): two concurrent updates of one document lose one of them. MongoDB applies each
// single-document update atomically, and the platform relies on it (the outbox relay's $pullAll
// against a service's $push, leases, sequences, version guards). What was lost before this proxy:
// docs/adr/0008-kafka-client-and-delivery-settings.md; its lock scopes and their cost:
// docs/adr/0003-local-infrastructure.md.
//
// So the local store listens through this proxy: it passes the wire protocol through untouched and
// holds each read-modify-write command, from its request to its reply, behind two waits:
//   - its database's slots: FERRETDB_RMW_PER_DB (1 by default) such commands of one database run
//     at once, the rest queue (rmwPerDB);
//   - then its documents: a command that names them by `_id` (findAndModify's query, each of an
//     update's statements: a string or ObjectId `_id`, or `_id: {$in: [...]}` of those) locks those
//     documents, in order, and shares its collection with the others doing the same; any other
//     read-modify-write command (a filter without such an `_id`, a layout this proxy does not read)
//     has its collection to itself. With one slot per database this second wait never blocks.
// Reads, inserts and deletes are not held. Writes to one database file take turns inside FerretDB
// (a patched mutex, ferretdb/patches.json), not here.

import (
	"encoding/binary"
	"errors"
	"io"
	"log/slog"
	"net"
	"os"
	"sort"
	"strconv"
	"sync"
	"time"
)

const (
	opMsg          = 2013
	msgChecksum    = 1 << 0
	msgMoreToCome  = 1 << 1
	maxMessageSize = 48_000_000
)

// readModifyWrite lists the commands FerretDB 1.24 does not apply atomically.
var readModifyWrite = map[string]bool{"update": true, "findAndModify": true, "findandmodify": true}

// rmwLocks: per collection, a read-write lock (shared by commands on documents named by _id,
// exclusive for any other) and a lock per document _id in use.
type rmwLocks struct {
	mu    sync.Mutex
	colls map[[2]string]*collLock
	// perDB: how many read-modify-write commands of one database run at once (the rest queue).
	perDB int
	slots map[string]chan struct{}
}

type collLock struct {
	rw  sync.RWMutex
	mu  sync.Mutex
	ids map[string]*idLock
}

type idLock struct {
	mu   sync.Mutex
	refs int
}

// acquire waits until the command may read and rewrite what it names, and returns its release.
func (l *rmwLocks) acquire(c command) func() {
	l.mu.Lock()
	if l.colls == nil {
		l.colls = map[[2]string]*collLock{}
		l.slots = map[string]chan struct{}{}
	}
	key := [2]string{c.db, c.coll}
	cl, ok := l.colls[key]
	if !ok {
		cl = &collLock{ids: map[string]*idLock{}}
		l.colls[key] = cl
	}
	slot, ok := l.slots[c.db]
	if !ok {
		slot = make(chan struct{}, max(1, l.perDB))
		l.slots[c.db] = slot
	}
	l.mu.Unlock()

	// A slot first, then the locks: every holder of a lock already has its slot, so none waits on another for one.
	slot <- struct{}{}
	unlock := l.lock(cl, c.ids)
	return func() {
		unlock()
		<-slot
	}
}

func (l *rmwLocks) lock(cl *collLock, ids []string) func() {
	if ids == nil {
		cl.rw.Lock()
		return cl.rw.Unlock
	}
	cl.rw.RLock()
	ids = append([]string(nil), ids...)
	sort.Strings(ids) // one order for every command: no two wait on each other
	held := make([]string, 0, len(ids))
	for i, id := range ids {
		if i > 0 && id == ids[i-1] {
			continue
		}
		cl.mu.Lock()
		il, ok := cl.ids[id]
		if !ok {
			il = &idLock{}
			cl.ids[id] = il
		}
		il.refs++
		cl.mu.Unlock()
		il.mu.Lock()
		held = append(held, id)
	}
	return func() {
		cl.mu.Lock()
		for _, id := range held {
			il := cl.ids[id]
			il.mu.Unlock()
			if il.refs--; il.refs == 0 {
				delete(cl.ids, id)
			}
		}
		cl.mu.Unlock()
		cl.rw.RUnlock()
	}
}

// rmwPerDB: FERRETDB_RMW_PER_DB, how many read-modify-write commands of one database run at once
// (on different documents), 1 by default: more let FerretDB use both cores, but a burst's writers
// then crowd out a service's outbox relay (the measured trade-off is in ADR 0003).
func rmwPerDB() int {
	n, err := strconv.Atoi(os.Getenv("FERRETDB_RMW_PER_DB"))
	if err != nil || n < 1 {
		return 1
	}
	return n
}

// serveAtomicProxy accepts clients on ln and connects each to the FerretDB listening on upstream (a unix socket).
func serveAtomicProxy(ln net.Listener, upstream string, logger *slog.Logger, stats *commandStats) {
	locks := &rmwLocks{perDB: rmwPerDB()}
	for {
		client, err := ln.Accept()
		if err != nil {
			if !errors.Is(err, net.ErrClosed) {
				logger.Error("proxy accept failed", "error", err)
			}
			return
		}
		go proxyConn(client, upstream, locks, logger, stats)
	}
}

func proxyConn(client net.Conn, upstream string, locks *rmwLocks, logger *slog.Logger, stats *commandStats) {
	defer client.Close()
	server, err := net.Dial("unix", upstream)
	if err != nil {
		logger.Error("proxy cannot reach ferretdb", "error", err)
		return
	}
	defer server.Close()

	// Request id of the read-modify-write command in flight on this connection, and its lock.
	var (
		mu      sync.Mutex
		waitFor int32
		held    func() // releases the locks of the read-modify-write command in flight
		// Commands awaiting their reply, by request id (only with stats on).
		timing = map[int32]timedCommand{}
	)
	release := func() {
		mu.Lock()
		defer mu.Unlock()
		if held != nil {
			held()
			held = nil
		}
	}
	defer release()

	done := make(chan struct{}, 2)
	go func() { // server -> client
		defer func() { done <- struct{}{} }()
		for {
			msg, err := readMessage(server)
			if err != nil {
				return
			}
			responseTo := int32(binary.LittleEndian.Uint32(msg[8:12]))
			mu.Lock()
			if held != nil && responseTo == waitFor {
				held()
				held = nil
			}
			t, timed := timing[responseTo]
			delete(timing, responseTo)
			mu.Unlock()
			if timed {
				stats.add(t.c, time.Since(t.sent), t.lockWait)
			}
			if _, err = client.Write(msg); err != nil {
				return
			}
		}
	}()
	go func() { // client -> server
		defer func() { done <- struct{}{} }()
		for {
			msg, err := readMessage(client)
			if err != nil {
				return
			}
			c, isCommand := commandOf(msg)
			requestID := int32(binary.LittleEndian.Uint32(msg[4:8]))
			var lockWait time.Duration
			if isCommand && readModifyWrite[c.name] {
				asked := time.Now()
				unlock := locks.acquire(c)
				lockWait = time.Since(asked)
				mu.Lock()
				held = unlock
				waitFor = requestID
				mu.Unlock()
			}
			if isCommand && stats != nil {
				mu.Lock()
				timing[requestID] = timedCommand{c: c, sent: time.Now(), lockWait: lockWait}
				mu.Unlock()
			}
			if _, err = server.Write(msg); err != nil {
				return
			}
		}
	}()
	<-done
}

type timedCommand struct {
	c        command
	sent     time.Time
	lockWait time.Duration
}

func readMessage(r io.Reader) ([]byte, error) {
	var header [16]byte
	if _, err := io.ReadFull(r, header[:]); err != nil {
		return nil, err
	}
	size := int(binary.LittleEndian.Uint32(header[0:4]))
	if size < 16 || size > maxMessageSize {
		return nil, errors.New("bad message size")
	}
	msg := make([]byte, size)
	copy(msg, header[:])
	if _, err := io.ReadFull(r, msg[16:]); err != nil {
		return nil, err
	}
	return msg, nil
}

// command: what an OP_MSG that expects a reply asks: the command's name, its database ("" when the
// body's layout is not understood) and its collection (the first key's string value, if any). For a
// findAndModify or update, ids lists the documents it can touch when every filter names them by _id
// (idsOf); nil when they are not (or not known).
type command struct {
	name, db, coll string
	ids            []string
}

func commandOf(msg []byte) (command, bool) {
	if len(msg) < 21 || binary.LittleEndian.Uint32(msg[12:16]) != opMsg {
		return command{}, false
	}
	flags := binary.LittleEndian.Uint32(msg[16:20])
	if flags&msgMoreToCome != 0 {
		return command{}, false // no reply to wait for (unacknowledged write)
	}
	end := len(msg)
	if flags&msgChecksum != 0 {
		end -= 4
	}
	var body []byte
	var sequences [][]byte // each: identifier, documents
	for p := 20; p < end; {
		kind := msg[p]
		p++
		if p+4 > end {
			return command{}, false
		}
		size := int(binary.LittleEndian.Uint32(msg[p : p+4]))
		if size < 5 || p+size > end {
			return command{}, false
		}
		switch kind {
		case 0:
			body = msg[p : p+size]
		case 1: // document sequence: int32 size (including itself), identifier, documents
			sequences = append(sequences, msg[p+4:p+size])
		default:
			return command{}, false
		}
		p += size
	}
	if body == nil {
		return command{}, false
	}
	c, ok := commandBody(body)
	if len(sequences) > 0 {
		// The driver sends a bulk's statements beside the body: update's "updates" is read; any
		// other sequence (or one not understood) leaves the documents unknown.
		c.ids = nil
		if c.name == "update" && len(sequences) == 1 {
			if id, docs, read := sequenceDocs(sequences[0]); read && id == "updates" {
				c.ids = statementIDs(docs)
			}
		}
	}
	return c, ok
}

// sequenceDocs splits a document sequence's payload (identifier, then documents) into its documents.
func sequenceDocs(payload []byte) (string, [][]byte, bool) {
	idEnd := 0
	for idEnd < len(payload) && payload[idEnd] != 0 {
		idEnd++
	}
	if idEnd >= len(payload) {
		return "", nil, false
	}
	var docs [][]byte
	for p := idEnd + 1; p < len(payload); {
		if p+4 > len(payload) {
			return "", nil, false
		}
		size := int(binary.LittleEndian.Uint32(payload[p : p+4]))
		if size < 5 || p+size > len(payload) {
			return "", nil, false
		}
		docs = append(docs, payload[p:p+size])
		p += size
	}
	return string(payload[:idEnd]), docs, true
}

// commandBody reads a command body: its first key is the command name (its string value the
// collection), `$db` its database, and for findAndModify `query`, for update `updates`.
func commandBody(doc []byte) (command, bool) {
	var c command
	var targets []byte // findAndModify's query or update's statements
	ok := forEachElement(doc, func(typ byte, name string, value []byte) bool {
		if c.name == "" {
			c.name = name
			if typ == 0x02 {
				c.coll = bsonString(value)
			}
			return true
		}
		switch {
		case name == "$db" && typ == 0x02:
			c.db = bsonString(value)
		case name == "query" && typ == 0x03 && (c.name == "findAndModify" || c.name == "findandmodify"):
			targets = value
		case name == "updates" && typ == 0x04 && c.name == "update":
			targets = value
		}
		return true
	})
	if c.name == "" {
		return c, false
	}
	if !ok {
		c.db = "" // layout not understood: the database is not known either
		return c, true
	}
	if targets != nil {
		if c.name == "update" {
			var docs [][]byte
			if forEachElement(targets, func(typ byte, _ string, stmt []byte) bool {
				docs = append(docs, stmt)
				return typ == 0x03
			}) {
				c.ids = statementIDs(docs)
			}
		} else {
			c.ids = idsOf(targets)
		}
	}
	return c, true
}

// statementIDs: the documents the update statements name by _id (see idsOf), or nil unless every
// statement names its own.
func statementIDs(statements [][]byte) []string {
	var ids []string
	for _, stmt := range statements {
		var named []string
		read := forEachElement(stmt, func(typ byte, name string, value []byte) bool {
			if name == "q" && typ == 0x03 {
				named = idsOf(value)
			}
			return true
		})
		if !read || named == nil {
			return nil
		}
		ids = append(ids, named...)
	}
	return ids
}

// idsOf: the documents a filter can match when its `_id` is a string or an ObjectId, or
// {$in: [...]} of those (whatever else it asks, and single or multi), as keys that tell the two types
// apart; nil otherwise.
func idsOf(filter []byte) []string {
	var ids []string
	forEachElement(filter, func(typ byte, name string, value []byte) bool {
		if name != "_id" {
			return true
		}
		switch typ {
		case 0x02, 0x07:
			ids = []string{string(typ) + string(value)}
		case 0x03:
			var list []string
			ok := forEachElement(value, func(typ byte, op string, in []byte) bool {
				if op != "$in" || typ != 0x04 {
					return false
				}
				list = []string{}
				return forEachElement(in, func(typ byte, _ string, v []byte) bool {
					if typ != 0x02 && typ != 0x07 {
						return false
					}
					list = append(list, string(typ)+string(v))
					return true
				})
			})
			if ok && list != nil {
				ids = list
			}
		}
		return false
	})
	return ids
}

// forEachElement calls fn with each element of a BSON document (or array) until fn returns false;
// false when the layout is not understood or fn stopped.
func forEachElement(doc []byte, fn func(typ byte, name string, value []byte) bool) bool {
	if len(doc) < 5 || int(binary.LittleEndian.Uint32(doc[:4])) != len(doc) {
		return false
	}
	for p := 4; p < len(doc)-1; {
		typ := doc[p]
		p++
		nameEnd := p
		for nameEnd < len(doc) && doc[nameEnd] != 0 {
			nameEnd++
		}
		if nameEnd >= len(doc) {
			return false
		}
		name := string(doc[p:nameEnd])
		p = nameEnd + 1
		size, ok := bsonValueSize(typ, doc[p:])
		if !ok || size < 0 || p+size > len(doc)-1 {
			return false
		}
		if !fn(typ, name, doc[p:p+size]) {
			return false
		}
		p += size
	}
	return true
}

// bsonString: a BSON string value's text (int32 length including the final 0, bytes, 0).
func bsonString(value []byte) string {
	if len(value) < 5 {
		return ""
	}
	return string(value[4 : len(value)-1])
}

func bsonValueSize(typ byte, b []byte) (int, bool) {
	i32 := func() (int, bool) {
		if len(b) < 4 {
			return 0, false
		}
		return int(binary.LittleEndian.Uint32(b[:4])), true
	}
	switch typ {
	case 0x01, 0x09, 0x11, 0x12: // double, datetime, timestamp, int64
		return 8, true
	case 0x02, 0x0D, 0x0E: // string, javascript, symbol
		n, ok := i32()
		return 4 + n, ok
	case 0x03, 0x04, 0x0F: // document, array, code with scope
		return i32()
	case 0x05: // binary
		n, ok := i32()
		return 5 + n, ok
	case 0x06, 0x0A, 0x7F, 0xFF: // undefined, null, maxkey, minkey
		return 0, true
	case 0x07: // objectid
		return 12, true
	case 0x08: // bool
		return 1, true
	case 0x10: // int32
		return 4, true
	case 0x13: // decimal128
		return 16, true
	case 0x0B: // regex: two cstrings
		n := 0
		for k := 0; k < 2; k++ {
			for n < len(b) && b[n] != 0 {
				n++
			}
			n++
		}
		return n, n <= len(b)
	}
	return 0, false
}
