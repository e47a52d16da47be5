"""SQLite store: intros, reply tokens, the inbound claim ledger and the outbox, one transaction per event
(or one per batch of inbound messages, with a savepoint per message)."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Collection, Iterator

from introbot.core.tokens import token_digest
from introbot.model import Intro, IntroState, Purpose, Role

# 2: outbox rows can be "sending" (claimed by a drain) and held by a limit; counters. 3: inbound rows know
# which practitioner wrote them ("please ignore my last email").
SCHEMA_VERSION = 4
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS inbound (
    id INTEGER PRIMARY KEY,
    mailbox_key TEXT UNIQUE,           -- "UIDVALIDITY:UID" in the watched folder
    message_key TEXT NOT NULL UNIQUE,  -- Message-ID, or a digest of the bytes when there is none
    kind TEXT NOT NULL,                -- request, answer, thread, clarification, ignored, quarantined ...
    folder TEXT NOT NULL,              -- where the message was moved
    verdict TEXT NOT NULL,             -- the reason, as logged (never personal data)
    intro_id TEXT,
    handled_at TEXT NOT NULL,
    practitioner TEXT                  -- digest of the sender's address when a listed practitioner wrote it
);
CREATE TABLE IF NOT EXISTS intros (
    id TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    referrer TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    next_due_at TEXT,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS intros_due ON intros(next_due_at) WHERE next_due_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS intros_state ON intros(state);
CREATE INDEX IF NOT EXISTS intros_referrer ON intros(referrer, state);
CREATE INDEX IF NOT EXISTS intros_client ON intros(referrer, json_extract(data, '$.client.email'));
CREATE TABLE IF NOT EXISTS tokens (
    digest TEXT PRIMARY KEY,           -- sha256 of the token: the database alone cannot answer for anyone
    intro_id TEXT NOT NULL,
    purpose TEXT NOT NULL,
    role TEXT
);
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY,
    message_id TEXT NOT NULL UNIQUE,   -- chosen before the first attempt: a resend is the same message
    intro_id TEXT,
    kind TEXT NOT NULL,
    role TEXT,                         -- client, colleague, both, or NULL for the referrer
    envelope_from TEXT NOT NULL,
    recipients TEXT NOT NULL,          -- JSON list
    raw BLOB,                          -- purged once sent and the intro has ended
    -- queued; sending: claimed by a drain, and undecided until its outcome is recorded (after a
    -- crash, the Sent folder decides); sent; failed; recorded (dry run)
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    next_attempt_at TEXT NOT NULL,
    sent_at TEXT,
    last_error TEXT,
    held_by TEXT                       -- the sending limit it waits for (limits.*), or NULL
);
CREATE INDEX IF NOT EXISTS outbox_due ON outbox(status, next_attempt_at);
CREATE INDEX IF NOT EXISTS outbox_sent ON outbox(sent_at) WHERE status = 'sent';
CREATE INDEX IF NOT EXISTS outbox_intro ON outbox(intro_id);
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY,
    intro_id TEXT NOT NULL,
    at TEXT NOT NULL,
    what TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_intro ON events(intro_id);
CREATE TABLE IF NOT EXISTS attempts (
    message_key TEXT PRIMARY KEY,      -- a message being handled; the row goes when its effects commit
    count INTEGER NOT NULL,
    writer TEXT,                       -- after a failure: digest of the listed practitioner who wrote it
    arrival TEXT,                      -- after a failure: its place in the watched folder (UIDVALIDITY:UID)
    failed_at TEXT                     -- after a failure: when it last failed
);
CREATE TABLE IF NOT EXISTS purged (
    intro_id TEXT PRIMARY KEY,         -- an ended intro cut down to its consent record (bot.retention)
    at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS counters (
    name TEXT PRIMARY KEY,             -- processed, ignored, quarantined, sent, retried, failed ...
    value INTEGER NOT NULL             -- changed in the transaction of the event it counts
);
"""
# Outbox statuses after which a message's body is no longer needed (it is never sent again).
FINISHED_MAIL = ("sent", "failed", "recorded")
# Changes from one schema version to the next; the tables a version only adds come from SCHEMA.
MIGRATIONS = {2: ("ALTER TABLE outbox ADD COLUMN held_by TEXT",), 3: ("ALTER TABLE inbound ADD COLUMN practitioner TEXT",),
              4: ("ALTER TABLE attempts ADD COLUMN writer TEXT", "ALTER TABLE attempts ADD COLUMN arrival TEXT",
                  "ALTER TABLE attempts ADD COLUMN failed_at TEXT")}
# Indexes on columns a migration adds: created once the migrations ran (SCHEMA runs before them).
LATE_INDEXES = ("CREATE INDEX IF NOT EXISTS inbound_practitioner ON inbound(practitioner, id)"
                " WHERE practitioner IS NOT NULL",)


def _address_digest(address: str) -> str:
    """How the inbound ledger keeps who wrote a message: enough to find a practitioner's last one, not an
    address a copy of the database would show."""
    return hashlib.sha256(address.strip().lower().encode("utf-8")).hexdigest()


def stamp(moment: datetime) -> str:
    """One sortable text form for every stored time, so SQL can compare them."""
    return moment.astimezone(timezone.utc).isoformat(timespec="microseconds")


def unstamp(text: str) -> datetime:
    return datetime.fromisoformat(text)


@dataclass(frozen=True)
class Outgoing:
    """A rendered message waiting in the outbox."""

    message_id: str
    intro_id: str | None
    kind: str
    role: str | None
    envelope_from: str
    recipients: tuple[str, ...]
    raw: bytes


@dataclass(frozen=True)
class QueuedMail:
    """An outbox row due for an attempt."""

    id: int
    mail: Outgoing
    attempts: int
    created_at: datetime


@dataclass(frozen=True)
class TokenMatch:
    intro: Intro
    purpose: Purpose
    role: Role | None
    token: str  # the token that matched

    @property
    def superseded(self) -> bool:
        """A party's earlier token: their ask has since gone to another address, and this one answers for
        nobody (a late bounce of the first ask, or a reply to it, says nothing of the new one)."""
        if self.purpose is not Purpose.CONSENT or self.role is None:
            return False
        return self.intro.party(self.role).token != self.token


@dataclass(frozen=True)
class OutboxRow:
    """What `forget` reads of an outbox row: whom it was for and, until purged, what it said."""

    id: int
    intro_id: str | None
    recipients: tuple[str, ...]
    raw: bytes | None


class StoreError(RuntimeError):
    """The database cannot be used; the message says why and what to do."""


class Transaction:
    """Everything one event changes, committed together or not at all."""

    def __init__(self, connection: sqlite3.Connection):
        self._db = connection

    def count_attempts(self, message_keys: list[str]) -> None:
        self._db.executemany("INSERT INTO attempts (message_key, count) VALUES (?, 1)"
                             " ON CONFLICT(message_key) DO UPDATE SET count = count + 1",
                             [(key,) for key in message_keys])

    def note_failure(self, message_key: str, writer: str | None, arrival: str | None, now: datetime) -> None:
        """The message failed and waits for another try: which listed practitioner wrote it (the address, kept
        as a digest) and where it is, so that their "ignore my last email" behind it waits for it too."""
        self._db.execute("UPDATE attempts SET writer = ?, arrival = ?, failed_at = ? WHERE message_key = ?",
                         (_address_digest(writer) if writer else None, arrival, stamp(now), message_key))

    def uncount_attempts(self, message_keys: list[str]) -> None:
        """The messages wait for another one instead of being handled: the try just counted for each is taken back,
        and only it (the tries of runs that died on one still count, so that it is quarantined in the end)."""
        keys = json.dumps(list(dict.fromkeys(message_keys)))
        self._db.execute("UPDATE attempts SET count = count - 1 WHERE message_key IN (SELECT value FROM json_each(?))",
                         (keys,))
        self._db.execute("DELETE FROM attempts WHERE count <= 0 AND message_key IN (SELECT value FROM json_each(?))",
                         (keys,))

    def forget_attempts(self, message_keys: list[str]) -> None:
        """The messages are handled: their tries are no longer counted."""
        self._db.execute("DELETE FROM attempts WHERE message_key IN (SELECT value FROM json_each(?))",
                         (json.dumps(message_keys),))

    def record_inbound(self, *, mailbox_key: str | None, message_key: str, kind: str, folder: str,
                       verdict: str, intro_id: str | None, now: datetime, practitioner: str | None = None) -> None:
        """The message's claim; `practitioner` is the address of the listed practitioner who wrote it, if one did."""
        self._db.execute(
            "INSERT INTO inbound (mailbox_key, message_key, kind, folder, verdict, intro_id, handled_at, practitioner)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(message_key) DO UPDATE SET mailbox_key = excluded.mailbox_key",
            (mailbox_key, message_key, kind, folder, verdict, intro_id, stamp(now),
             _address_digest(practitioner) if practitioner else None))

    def save_intro(self, intro: Intro, next_due: datetime | None) -> None:
        self._db.execute(
            "INSERT INTO intros (id, state, referrer, created_at, updated_at, next_due_at, data)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at,"
            " next_due_at = excluded.next_due_at, data = excluded.data",
            (intro.id, intro.state.value, intro.referrer_email, stamp(intro.created_at),
             stamp(intro.updated_at), stamp(next_due) if next_due else None, intro.to_json()))

    def add_token(self, token: str, intro_id: str, purpose: Purpose, role: Role | None) -> None:
        self._db.execute("INSERT OR IGNORE INTO tokens (digest, intro_id, purpose, role) VALUES (?, ?, ?, ?)",
                         (token_digest(token), intro_id, purpose.value, role.value if role else None))

    def enqueue(self, mail: Outgoing, now: datetime, status: str = "queued") -> None:
        self._db.execute(
            "INSERT INTO outbox (message_id, intro_id, kind, role, envelope_from, recipients, raw, status,"
            " created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (mail.message_id, mail.intro_id, mail.kind, mail.role, mail.envelope_from,
             json.dumps(list(mail.recipients)), mail.raw, status, stamp(now), stamp(now)))

    def set_outbox_status(self, mail_id: int, status: str, when: datetime, error: str | None = None) -> None:
        """Record an attempt: sent (at `when`), failed, or queued again (for another try at `when`)."""
        if status == "queued":
            self._db.execute("UPDATE outbox SET status = 'queued', attempts = attempts + 1, next_attempt_at = ?,"
                             " last_error = ? WHERE id = ?", (stamp(when), error, mail_id))
        else:
            self._db.execute("UPDATE outbox SET status = ?, attempts = attempts + 1, sent_at = ?, last_error = ?"
                             " WHERE id = ?", (status, stamp(when) if status == "sent" else None, error, mail_id))

    def claim(self, mail_ids: list[int]) -> None:
        """Mark rows as being sent, before the first byte goes out: after a crash they are undecided."""
        self._db.executemany("UPDATE outbox SET status = 'sending', held_by = NULL WHERE id = ?",
                             [(mail_id,) for mail_id in mail_ids])

    def release(self, mail_id: int) -> None:
        """A claimed row goes back to the queue unchanged: it was not sent, or will be sent again."""
        self._db.execute("UPDATE outbox SET status = 'queued' WHERE id = ? AND status = 'sending'", (mail_id,))

    def hold(self, mail_id: int, until: datetime, limit: str) -> None:
        """Keep a row waiting for a sending limit, without counting an attempt: it is never dropped."""
        self._db.execute("UPDATE outbox SET next_attempt_at = ?, held_by = ? WHERE id = ?",
                         (stamp(until), limit, mail_id))

    def count(self, name: str, by: int = 1) -> None:
        """Add to an operator counter, in the same transaction as what it counts."""
        self._db.execute("INSERT INTO counters (name, value) VALUES (?, ?)"
                         " ON CONFLICT(name) DO UPDATE SET value = value + excluded.value", (name, by))

    def set_meta(self, key: str, value: str | None) -> None:
        if value is None:
            self._db.execute("DELETE FROM meta WHERE key = ?", (key,))
        else:
            self._db.execute("INSERT INTO meta (key, value) VALUES (?, ?)"
                             " ON CONFLICT(key) DO UPDATE SET value = excluded.value", (key, value))

    def log(self, intro_id: str, now: datetime, what: str) -> None:
        self._db.execute("INSERT INTO events (intro_id, at, what) VALUES (?, ?, ?)", (intro_id, stamp(now), what))


class Batch:
    """One transaction for a batch of events, each in a savepoint of its own: an event that fails is
    undone alone, and the others are committed together (one fsync for the batch)."""

    def __init__(self, connection: sqlite3.Connection, path: Path):
        self._db = connection
        self._path = path
        self.transaction = Transaction(connection)  # the batch's own writes, outside any event's savepoint

    @contextmanager
    def event(self) -> Iterator[Transaction]:
        """What the block writes is kept with the batch, or, when the block raises, undone alone."""
        self._still_open()
        self._db.execute("SAVEPOINT event")
        try:
            yield Transaction(self._db)
        except BaseException:
            self._still_open()
            self._db.execute("ROLLBACK TO event")
            self._db.execute("RELEASE event")
            raise
        self._db.execute("RELEASE event")

    def _still_open(self) -> None:
        # On some errors (a full disk, an I/O error) SQLite ends the whole transaction by itself: going
        # on would commit each later statement on its own, outside the batch.
        if not self._db.in_transaction:
            raise StoreError(f"the database {self._path} ended the batch's transaction after an error; "
                             f"free disk space or check the disk: introbot carries on from its last saved state")


# SQLite's result codes for a database that cannot be written now (but may be later).
_CANNOT_WRITE = ("SQLITE_FULL", "SQLITE_IOERR", "SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_BUSY")


def _roll_back(db: sqlite3.Connection) -> None:
    """Undo an open transaction; SQLite may have ended it already (it does on a full disk)."""
    if db.in_transaction:
        try:
            db.execute("ROLLBACK")
        except sqlite3.OperationalError:
            pass  # the error that brought us here is the one to report


class Store:
    """One SQLite file in WAL mode; a connection per thread (the IMAP thread and the event loop)."""

    def __init__(self, path: Path):
        self.path = path
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._create()

    def _create(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # The database holds who is looking for help: readable by its owner only, from the first byte.
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        os.close(fd)
        os.chmod(self.path, 0o600)
        db = self._connection()
        try:
            db.executescript(SCHEMA)  # creates what is missing; every statement is IF NOT EXISTS
        except sqlite3.OperationalError as error:
            raise self._cannot_write(error) from None
        with self.transaction():
            row = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            version = int(row[0]) if row else SCHEMA_VERSION  # a new file has every table already
            if version > SCHEMA_VERSION:
                raise StoreError(f"{self.path} was written by a newer introbot (schema {version}); upgrade introbot")
            for step in range(version + 1, SCHEMA_VERSION + 1):
                for statement in MIGRATIONS.get(step, ()):
                    db.execute(statement)
            for statement in LATE_INDEXES:
                db.execute(statement)
            db.execute("INSERT INTO meta (key, value) VALUES ('schema_version', ?)"
                       " ON CONFLICT(key) DO UPDATE SET value = excluded.value", (str(SCHEMA_VERSION),))

    def _connection(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            try:
                # Each thread uses its own connection; close() closes them all from the stopping
                # thread, after the others have ended, which sqlite3 refuses unless told it is safe.
                db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            except sqlite3.Error as error:
                raise StoreError(f"cannot open the database {self.path}: {error}; check bot.database") from None
            try:
                db.execute("PRAGMA journal_mode = WAL")  # writes the -shm file: fails on a full disk
                db.execute("PRAGMA synchronous = FULL")  # a commit survives power loss before mail goes out
                db.execute("PRAGMA foreign_keys = ON")
                db.execute("PRAGMA secure_delete = ON")  # forgotten data does not linger in free pages
            except sqlite3.OperationalError as error:
                db.close()
                raise self._cannot_write(error) from None
            self._local.db = db
            with self._lock:
                self._all.append(db)
        return db

    def close(self) -> None:
        with self._lock:
            for db in self._all:
                db.close()
            self._all.clear()
        self._local = threading.local()

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """What the block writes is committed together, or not at all.

        When the file cannot be written (a full disk, a read-only file, a failing disk) nothing of the
        block is kept and StoreError says so: the work is redone from the last saved state.
        """
        db = self._connection()
        try:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield Transaction(db)
            except BaseException:
                _roll_back(db)
                raise
            db.execute("COMMIT")
        except sqlite3.OperationalError as error:
            _roll_back(db)
            raise self._cannot_write(error) from None

    @contextmanager
    def batch(self) -> Iterator[Batch]:
        """One transaction for many events (see Batch); committed when the block ends, undone when it raises."""
        with self.transaction():
            yield Batch(self._connection(), self.path)

    def _cannot_write(self, error: sqlite3.OperationalError) -> Exception:
        """StoreError for a database that cannot be written now (a full disk, a read-only file); else the error."""
        if not (error.sqlite_errorname or "").startswith(_CANNOT_WRITE):
            return error
        return StoreError(f"cannot write the database {self.path} ({error}); free disk space or fix the file's "
                          f"permissions: introbot carries on from its last saved state")

    # Inbound ledger

    def prior_folder(self, mailbox_key: str | None, message_key: str) -> str | None:
        """Where an already-handled message belongs, so a re-seen copy is only moved, never redone."""
        return self.prior_folders([(mailbox_key, message_key)])[0]

    def prior_folders(self, messages: list[tuple[str | None, str]]) -> list[str | None]:
        """prior_folder for each (mailbox key, message key) pair, in one query."""
        if not messages:
            return []
        mailbox_keys = json.dumps([mailbox_key for mailbox_key, _ in messages if mailbox_key is not None])
        message_keys = json.dumps([message_key for _, message_key in messages])
        by_message: dict[str, str] = {}
        by_mailbox: dict[str, str] = {}
        for message_key, mailbox_key, folder in self._connection().execute(
                "SELECT message_key, mailbox_key, folder FROM inbound WHERE message_key IN"
                " (SELECT value FROM json_each(?)) OR mailbox_key IN (SELECT value FROM json_each(?))",
                (message_keys, mailbox_keys)):
            by_message[message_key] = folder
            if mailbox_key is not None:
                by_mailbox[mailbox_key] = folder
        return [by_message.get(message_key) or (by_mailbox.get(mailbox_key) if mailbox_key is not None else None)
                for mailbox_key, message_key in messages]

    def note_attempts(self, message_keys: list[str]) -> dict[str, int]:
        """Count one more try for each message before handling it, in one commit, so a message that
        crashes the process every time is recognised after a restart and quarantined."""
        with self.transaction() as tx:
            tx.count_attempts(message_keys)
        return self.attempts(message_keys)

    def attempts(self, message_keys: list[str]) -> dict[str, int]:
        """The tries counted for each message and not yet ended by its handling (0 for none)."""
        counts = dict(self._connection().execute(
            "SELECT message_key, count FROM attempts WHERE message_key IN (SELECT value FROM json_each(?))",
            (json.dumps(message_keys),)).fetchall())
        return {key: counts.get(key, 0) for key in message_keys}

    def last_from(self, practitioner: str) -> str | None:
        """The intro (or "" for none) of the last message handled that `practitioner` wrote; None before any."""
        row = self._connection().execute(
            "SELECT coalesce(intro_id, '') FROM inbound WHERE practitioner = ? ORDER BY id DESC LIMIT 1",
            (_address_digest(practitioner),)).fetchone()
        return row[0] if row else None

    def failed_from(self, practitioner: str, since: datetime, other_than: str | None = None) -> list[str | None]:
        """Where each message `practitioner` wrote (other than `other_than`, a claim key) that failed since `since`
        and awaits another try is (None where unknown)."""
        rows = self._connection().execute(
            "SELECT arrival FROM attempts WHERE writer = ? AND failed_at >= ? AND message_key IS NOT ?",
            (_address_digest(practitioner), stamp(since), other_than)).fetchall()
        return [row[0] for row in rows]

    def handled_as(self, message_ids: list[str], kind: str) -> str | None:
        """The intro (or "" for none) of an earlier message among `message_ids` handled as `kind`."""
        if not message_ids:
            return None
        marks = ",".join("?" * len(message_ids))
        row = self._connection().execute(
            f"SELECT coalesce(intro_id, '') FROM inbound WHERE kind = ? AND message_key IN ({marks})",
            (kind, *message_ids)).fetchone()
        return row[0] if row else None

    # Intros and tokens

    def intro(self, intro_id: str) -> Intro | None:
        row = self._connection().execute("SELECT data FROM intros WHERE id = ?", (intro_id,)).fetchone()
        return Intro.from_json(row[0]) if row else None

    def match_token(self, token: str) -> TokenMatch | None:
        row = self._connection().execute(
            "SELECT intro_id, purpose, role FROM tokens WHERE digest = ?", (token_digest(token),)).fetchone()
        if row is None:
            return None
        intro = self.intro(row[0])
        if intro is None:
            return None
        return TokenMatch(intro, Purpose(row[1]), Role(row[2]) if row[2] else None, token)

    def due_intros(self, now: datetime, limit: int = 500) -> list[Intro]:
        rows = self._connection().execute(
            "SELECT data FROM intros WHERE next_due_at IS NOT NULL AND next_due_at <= ? ORDER BY next_due_at LIMIT ?",
            (stamp(now), limit)).fetchall()
        return [Intro.from_json(r[0]) for r in rows]

    def intros(self, state: IntroState | None = None, referrer: str | None = None) -> list[Intro]:
        query, args = "SELECT data FROM intros WHERE 1 = 1", []
        if state is not None:
            query += " AND state = ?"
            args.append(state.value)
        if referrer is not None:
            query += " AND referrer = ?"
            args.append(referrer)
        rows = self._connection().execute(query + " ORDER BY created_at", args).fetchall()
        return [Intro.from_json(r[0]) for r in rows]

    def in_hand(self, referrer: str, since: datetime, client: str | None = None,
                states: Collection[IntroState] | None = None) -> list[Intro]:
        """The referrer's open intros, and those that ended (introduced, or closed) since `since`, oldest first:
        what a new request of theirs may repeat, and what they may ask how it stands; with `client`, only that
        client's; with `states`, only those in one of them (the others are not even decoded). Only their intros are
        read (by intros_referrer), and with a client only that client's (by intros_client): a practitioner with
        thousands of requests open costs a new request no more. An intro cut down to its consent record
        (bot.retention may be shorter than `since` goes back) is in nobody's hand: what is kept of it is kept as a
        record, never named to anyone again."""
        open_states = [state.value for state in IntroState if state.open]
        # An intro's last change is never before its end: those changed since then hold every one that ended since.
        # Purged ones are left out by a key lookup per row: "NOT IN (SELECT ...)" would read all of purged each time.
        query = (f"SELECT data FROM intros WHERE referrer = ? AND (state IN ({','.join('?' * len(open_states))})"
                 " OR updated_at >= ?) AND NOT EXISTS (SELECT 1 FROM purged WHERE purged.intro_id = intros.id)")
        args: list[str] = [referrer, *open_states, stamp(since)]
        if client is not None:
            query += " AND json_extract(data, '$.client.email') = ?"
            args.append(client)
        if states is not None:
            wanted = [state.value for state in states]
            query += f" AND state IN ({','.join('?' * len(wanted))})"
            args += wanted
        rows = self._connection().execute(query + " ORDER BY created_at", args).fetchall()
        intros = [Intro.from_json(r[0]) for r in rows]
        return [i for i in intros if i.ended_at is None or i.ended_at >= since]

    def siblings(self, intro: Intro) -> list[Intro]:
        """The other intros the same request started, one per further colleague it named: the same referrer
        and request, created at the same moment."""
        if not intro.request_message_id:
            return []
        rows = self._connection().execute("SELECT data FROM intros WHERE referrer = ? AND created_at = ? AND id != ?",
                                          (intro.referrer_email, stamp(intro.created_at), intro.id)).fetchall()
        return [s for s in (Intro.from_json(r[0]) for r in rows) if s.request_message_id == intro.request_message_id]

    def events(self, intro_id: str) -> list[tuple[datetime, str]]:
        rows = self._connection().execute(
            "SELECT at, what FROM events WHERE intro_id = ? ORDER BY id", (intro_id,)).fetchall()
        return [(unstamp(at), what) for at, what in rows]

    # Outbox

    def outbox_due(self, now: datetime, limit: int = 100) -> list[QueuedMail]:
        return self._queued_mail("status = 'queued' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?",
                                 (stamp(now), limit))

    def in_flight(self) -> list[QueuedMail]:
        """Rows a drain claimed and never recorded: a run that stopped mid-send left them undecided."""
        return self._queued_mail("status = 'sending' ORDER BY id", ())

    def _queued_mail(self, where: str, args: tuple) -> list[QueuedMail]:
        rows = self._connection().execute(
            "SELECT id, message_id, intro_id, kind, role, envelope_from, recipients, raw, attempts, created_at"
            f" FROM outbox WHERE {where}", args).fetchall()
        return [QueuedMail(r[0], Outgoing(r[1], r[2], r[3], r[4], r[5], tuple(json.loads(r[6])), r[7]), r[8],
                           unstamp(r[9])) for r in rows]

    # What the sending limits count: sent mail in a window, per recipient and per referrer

    def sent_since(self, since: datetime) -> int:
        return self._connection().execute("SELECT count(*) FROM outbox WHERE status = 'sent' AND sent_at >= ?",
                                          (stamp(since),)).fetchone()[0]

    def sent_to_since(self, addresses: set[str], since: datetime) -> dict[str, int]:
        """How many sent messages each of `addresses` was an envelope recipient of since `since`."""
        return self._counts(
            "SELECT recipient.value, count(*) FROM outbox, json_each(outbox.recipients) AS recipient"
            " WHERE recipient.value IN ({marks}) AND outbox.status = 'sent' AND outbox.sent_at >= ?"
            " GROUP BY recipient.value", addresses, since)

    def requests_started_since(self, referrers: set[str], since: datetime) -> dict[str, int]:
        """Per referrer, the intros whose first mail to a client or colleague went out since `since`."""
        return self._counts(
            "SELECT referrer, count(*) FROM (SELECT intros.referrer AS referrer FROM outbox"
            " JOIN intros ON intros.id = outbox.intro_id WHERE intros.referrer IN ({marks})"
            " AND outbox.status = 'sent' AND outbox.role IS NOT NULL"
            " GROUP BY outbox.intro_id HAVING min(outbox.sent_at) >= ?) GROUP BY referrer", referrers, since)

    def _counts(self, query: str, values: set[str], since: datetime) -> dict[str, int]:
        """{value: count} from a GROUP BY query whose {marks} stands for `values`, counted from `since`."""
        if not values:
            return {}
        query = query.format(marks=",".join("?" * len(values)))
        return dict(self._connection().execute(query, (*values, stamp(since))).fetchall())

    def intros_started(self, intro_ids: set[str]) -> dict[str, str | None]:
        """Each intro's referrer, or None once mail of that intro reached a client or colleague."""
        if not intro_ids:
            return {}
        marks = ",".join("?" * len(intro_ids))
        db = self._connection()
        referrers = dict(db.execute(f"SELECT id, referrer FROM intros WHERE id IN ({marks})", tuple(intro_ids)))
        started = {row[0] for row in db.execute(
            f"SELECT DISTINCT intro_id FROM outbox WHERE intro_id IN ({marks}) AND status IN ('sent', 'sending')"
            " AND role IS NOT NULL", tuple(intro_ids))}
        return {intro_id: None if intro_id in started else referrer for intro_id, referrer in referrers.items()}

    def held_by(self, limit: str) -> int:
        """How many queued messages wait for this limit."""
        return self._connection().execute("SELECT count(*) FROM outbox WHERE status = 'queued' AND held_by = ?",
                                          (limit,)).fetchone()[0]

    def meta(self, key: str) -> str | None:
        row = self._connection().execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def counters(self) -> dict[str, int]:
        """The operator counters: processed, ignored, quarantined, sent, retried, failed, held, ..."""
        return dict(self._connection().execute("SELECT name, value FROM counters ORDER BY name").fetchall())

    def next_outbox_attempt(self) -> datetime | None:
        row = self._connection().execute(
            "SELECT min(next_attempt_at) FROM outbox WHERE status = 'queued'").fetchone()
        return unstamp(row[0]) if row and row[0] else None

    def outbox_status(self) -> dict[str, int]:
        rows = self._connection().execute("SELECT status, count(*) FROM outbox GROUP BY status").fetchall()
        return dict(rows)

    def sent_mail(self, intro_id: str) -> list[tuple[str, str, str]]:
        """(kind, role, status) of every message an intro caused, oldest first, for `introbot show`."""
        return self._connection().execute(
            "SELECT kind, coalesce(role, 'referrer'), status FROM outbox WHERE intro_id = ? ORDER BY id",
            (intro_id,)).fetchall()

    def mail_to(self, intro_id: str, role: Role | None) -> list[bytes]:
        """The bytes of every message of an intro still held for one party (None: for the referrer), so a
        reply that quotes them can be told apart from the person's own words."""
        rows = self._connection().execute(
            "SELECT raw FROM outbox WHERE intro_id = ? AND role IS ? AND raw IS NOT NULL ORDER BY id",
            (intro_id, role.value if role else None)).fetchall()
        return [row[0] for row in rows]

    # Privacy: purging bodies, keeping only consent records, forgetting a person

    def forget_writers(self, before: datetime) -> int:
        """Forget which practitioner wrote each message handled, or failing, before `before` (only their last
        one is ever looked for); returns how many rows forgot it."""
        with self.transaction():
            db = self._connection()
            handled = db.execute(
                "UPDATE inbound SET practitioner = NULL WHERE practitioner IS NOT NULL AND handled_at < ?",
                (stamp(before),)).rowcount
            failing = db.execute("UPDATE attempts SET writer = NULL WHERE writer IS NOT NULL AND failed_at < ?",
                                 (stamp(before),)).rowcount
        return handled + failing

    def purge_bodies(self, before: datetime) -> int:
        """Drop the body of every finished message whose intro has ended (or that has none, or whose
        intro is gone), and of every finished message created before `before`; returns how many."""
        open_states = [state.value for state in IntroState if state.open]
        marks = ",".join("?" * len(open_states))
        finished = ",".join("?" * len(FINISHED_MAIL))
        with self.transaction():
            cursor = self._connection().execute(
                f"UPDATE outbox SET raw = NULL WHERE raw IS NOT NULL AND status IN ({finished}) AND"
                f" (created_at < ? OR intro_id IS NULL"
                f" OR intro_id NOT IN (SELECT id FROM intros WHERE state IN ({marks})))",
                (*FINISHED_MAIL, stamp(before), *open_states))
        return cursor.rowcount

    def ended_before(self, before: datetime) -> list[Intro]:
        """Ended intros last changed before `before` that were not yet cut down to their consent record."""
        open_states = [state.value for state in IntroState if state.open]
        marks = ",".join("?" * len(open_states))
        rows = self._connection().execute(
            f"SELECT data FROM intros WHERE state NOT IN ({marks}) AND updated_at < ?"
            f" AND id NOT IN (SELECT intro_id FROM purged) ORDER BY updated_at",
            (*open_states, stamp(before))).fetchall()
        return [Intro.from_json(r[0]) for r in rows]

    def keep_only_consent_record(self, record: Intro, now: datetime) -> None:
        """Replace an ended intro by its consent record: its tokens and finished mail go with the rest."""
        with self.transaction() as tx:
            tx.save_intro(record, None)
            db = self._connection()
            db.execute("DELETE FROM tokens WHERE intro_id = ?", (record.id,))
            db.execute(f"DELETE FROM outbox WHERE intro_id = ? AND status IN ({','.join('?' * len(FINISHED_MAIL))})",
                       (record.id, *FINISHED_MAIL))
            db.execute("INSERT OR REPLACE INTO purged (intro_id, at) VALUES (?, ?)", (record.id, stamp(now)))

    def outbox_rows(self) -> list[OutboxRow]:
        rows = self._connection().execute("SELECT id, intro_id, recipients, raw FROM outbox ORDER BY id").fetchall()
        return [OutboxRow(r[0], r[1], tuple(json.loads(r[2])), r[3]) for r in rows]

    def forget(self, intro_ids: set[str], mail_ids: set[int], writers: frozenset[str] = frozenset()) -> None:
        """Delete these intros with everything tied to them (tokens, events, ledger rows, mail), and these
        outbox rows, and which ledger rows these `writers` (addresses) wrote, in one transaction."""
        with self.transaction():
            db = self._connection()
            for table, column in (("inbound", "practitioner"), ("attempts", "writer")):
                db.executemany(f"UPDATE {table} SET {column} = NULL WHERE {column} = ?",
                               [(_address_digest(writer),) for writer in writers])
            for intro_id in intro_ids:
                for table, column in (("intros", "id"), ("tokens", "intro_id"), ("events", "intro_id"),
                                      ("inbound", "intro_id"), ("purged", "intro_id"), ("outbox", "intro_id")):
                    db.execute(f"DELETE FROM {table} WHERE {column} = ?", (intro_id,))
            db.executemany("DELETE FROM outbox WHERE id = ?", [(mail_id,) for mail_id in mail_ids])

    def checkpoint(self) -> None:
        """Copy the write-ahead log into the database and empty it, so pages overwritten by a purge do
        not linger there (secure_delete already zeroes them in the database file)."""
        self._connection().execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def compact(self) -> None:
        """Rebuild the database without free pages, and leave an empty write-ahead log behind."""
        db = self._connection()
        self.checkpoint()
        db.execute("VACUUM")
        self.checkpoint()
