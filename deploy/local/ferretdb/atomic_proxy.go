package main

// FerretDB 1.24 applies an `update` or `findAndModify` as read, change in Go, write back, with
// nothing in between that stops a second command on the same document from doing the same
// (FerretDB#3040): two concurrent updates of one document lose one of them. MongoDB applies each
// single-document update atomically, and the platform relies on it (the outbox relay's $pullAll
// against a service's $push, leases, sequences, version guards). Measured here before this proxy:
// two clients doing 300 `$inc` each on one document ended at 442, not 600; the outbox relay lost
// 3 of 400 events. See docs/adr/0005-kafka-client-and-delivery-settings.md.
//
// So the local store listens through this proxy: it passes the wire protocol through untouched and
// lets one read-modify-write command per database run at a time (SQLite has one writer per
// database file anyway). Reads, inserts and deletes are not held.

import (
	"encoding/binary"
	"errors"
	"io"
	"log/slog"
	"net"
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

type dbLocks struct {
	mu    sync.Mutex
	locks map[string]*sync.Mutex
}

func (d *dbLocks) get(db string) *sync.Mutex {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.locks == nil {
		d.locks = map[string]*sync.Mutex{}
	}
	l, ok := d.locks[db]
	if !ok {
		l = &sync.Mutex{}
		d.locks[db] = l
	}
	return l
}

// serveAtomicProxy accepts clients on ln and connects each to the FerretDB listening on upstream (a unix socket).
func serveAtomicProxy(ln net.Listener, upstream string, logger *slog.Logger, stats *commandStats) {
	locks := &dbLocks{}
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

func proxyConn(client net.Conn, upstream string, locks *dbLocks, logger *slog.Logger, stats *commandStats) {
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
		held    *sync.Mutex
		// Commands awaiting their reply, by request id (only with stats on).
		timing = map[int32]timedCommand{}
	)
	release := func() {
		mu.Lock()
		defer mu.Unlock()
		if held != nil {
			held.Unlock()
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
				held.Unlock()
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
				l := locks.get(c.db)
				asked := time.Now()
				l.Lock()
				lockWait = time.Since(asked)
				mu.Lock()
				held = l
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
// body's layout is not understood) and its collection (the first key's string value, if any).
type command struct{ name, db, coll string }

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
	for p := 20; p < end; {
		kind := msg[p]
		p++
		if kind == 1 { // document sequence: int32 size (including itself), identifier, documents
			if p+4 > end {
				return command{}, false
			}
			p += int(binary.LittleEndian.Uint32(msg[p : p+4]))
			continue
		}
		if kind != 0 || p+4 > end {
			return command{}, false
		}
		size := int(binary.LittleEndian.Uint32(msg[p : p+4]))
		if size < 5 || p+size > end {
			return command{}, false
		}
		return commandBody(msg[p : p+size])
	}
	return command{}, false
}

// commandBody reads a command body: its first key is the command name, `$db` its database.
func commandBody(doc []byte) (command, bool) {
	var c command
	first := true
	for p := 4; p < len(doc)-1; {
		typ := doc[p]
		p++
		nameEnd := p
		for nameEnd < len(doc) && doc[nameEnd] != 0 {
			nameEnd++
		}
		if nameEnd >= len(doc) {
			return c, !first
		}
		name := string(doc[p:nameEnd])
		p = nameEnd + 1
		if typ == 0x02 && p+4 <= len(doc) && (first || name == "$db") {
			n := int(binary.LittleEndian.Uint32(doc[p : p+4]))
			if n < 1 || p+4+n > len(doc) {
				return c, !first
			}
			if first {
				c.coll = string(doc[p+4 : p+4+n-1])
			} else {
				c.db = string(doc[p+4 : p+4+n-1])
				return c, true
			}
		}
		if first {
			first = false
			c.name = name
		}
		skip, ok := bsonValueSize(typ, doc[p:])
		if !ok {
			return c, true // unknown layout: database "", one lock for every database
		}
		p += skip
	}
	return c, !first
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
