"""The composition root: builds every part from the config, runs them together, stops cleanly on a signal."""

from __future__ import annotations

import asyncio
import fcntl
import functools
import hashlib
import json
import logging
import math
import os
import random
import signal
import socket
import sqlite3
import tempfile
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

from introbot.config import Config
from introbot.core.render import Renderer
from introbot.edges.dns import TxtResolver
from introbot.edges.imap import MailboxWatcher, SentFolder, backoff_delay
from introbot.edges.smtp import SmtpSender
from introbot.edges.store import Store, StoreError
from introbot.paths import shipped_templates
from introbot.service import MAX_MESSAGE_BYTES, Service

log = logging.getLogger("introbot.daemon")
# APScheduler logs each beat at INFO: two lines every BEAT_EVERY that tell an operator nothing.
logging.getLogger("apscheduler").setLevel(logging.WARNING)
# The daemon's beat: sweep, drain, heartbeat. deploy/introbot.service sets WatchdogSec=60 s, six beats.
BEAT_EVERY = timedelta(seconds=10)
LOCK_DIRECTORY = Path("/run/lock")  # shared by every service on the machine (PrivateTmp hides /tmp)
# Bytes of each message fetched first: most mail is decided by its header, which (Received lines, DKIM
# and ARC signatures included) fits in this; the rest is fetched whole when the service asks for it.
HEADER_FIRST = 8 * 1024


class AlreadyRunning(RuntimeError):
    """Another introbot holds this database or mailbox: two daemons would answer everything twice."""


class InstanceLock:
    """An advisory lock file, held for the life of the process (released by the kernel even after
    SIGKILL, so a crash never leaves a stale lock)."""

    def __init__(self, path: Path, what: str, fix: str):
        self.path = path
        self.what = what
        self.fix = fix
        self._fd: int | None = None

    def __enter__(self) -> "InstanceLock":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 32).decode("ascii", "replace").strip() or "unknown"
            os.close(fd)
            raise AlreadyRunning(f"another introbot (pid {holder}) is already using {self.what}; stop it first, "
                                 f"or {self.fix}") from None
        self._fd = fd
        try:  # the pid only helps the message above: on a full disk the lock holds without it
            os.ftruncate(fd, 0)
            os.write(fd, str(os.getpid()).encode("ascii"))
        except OSError:
            pass
        return self

    def __exit__(self, *exc_info) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def database_lock(config: Config) -> InstanceLock:
    database = config.bot.database
    return InstanceLock(database.with_name(database.name + ".lock"), str(database),
                        "give this one its own bot.database")


def mailbox_lock(config: Config, directory: Path | None = None) -> InstanceLock:
    """A lock named after the watched mailbox, so that two configs (two databases) on one machine cannot
    both watch it. Daemons on different machines cannot see each other's locks: run one per mailbox."""
    imap = config.imap
    identity = f"{imap.host.lower()}:{imap.port}:{imap.username.lower()}:{imap.folder}"
    name = "introbot-" + hashlib.sha256(identity.encode()).hexdigest()[:16] + ".lock"
    if directory is None:
        directory = LOCK_DIRECTORY if os.access(LOCK_DIRECTORY, os.W_OK) else Path(tempfile.gettempdir())
    return InstanceLock(directory / name, "this mailbox (the same imap.host, imap.port, imap.username and "
                                          "imap.folder)", "point this one at another mailbox")


def notify_systemd(message: str) -> str:
    """sd_notify(3) without a dependency: one datagram to $NOTIFY_SOCKET, when systemd gave one.

    Returns "" or why it failed (the caller decides whether that is news).
    """
    address = os.environ.get("NOTIFY_SOCKET", "")
    if not address:
        return ""
    if address.startswith("@"):  # an abstract socket
        address = "\0" + address[1:]
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
            sock.connect(address)
            sock.sendall(message.encode("ascii"))
    except OSError as error:
        return f"cannot notify systemd ({error.strerror or type(error).__name__})"
    return ""


class Heartbeat:
    """What a supervisor watches: bot.heartbeat_file, rewritten at every beat with the pid, the state and
    the time, and systemd's watchdog (WATCHDOG=1) when introbot runs under `Type=notify`.

    A failure is logged when it starts or changes, not at every beat.
    """

    def __init__(self, path: Path, clock):
        self.path = path
        self.clock = clock
        self._problem = ""

    def beat(self, state: str) -> None:
        record = {"pid": os.getpid(), "state": state, "at": self.clock().isoformat(timespec="seconds")}
        problem = ""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            partial = self.path.with_name(self.path.name + ".partial")
            partial.write_text(json.dumps(record) + "\n", encoding="utf-8")
            os.replace(partial, self.path)  # a reader never sees half a file
        except OSError as error:
            problem = f"cannot write bot.heartbeat_file {self.path} ({error.strerror})"
        if state == "running":
            problem = problem or notify_systemd("WATCHDOG=1")
        if problem and problem != self._problem:
            log.warning("%s", problem)
        self._problem = problem


def read_heartbeat(path: Path) -> dict | None:
    """The last beat as written (pid, state, at), or None when there is none yet."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def status(config: Config, now: datetime | None = None) -> dict:
    """What `introbot status` shows: the counters, the outbox by state, and the last heartbeat with its age.

    Counters: processed, ignored, quarantined (inbound messages by the folder they went to); sent,
    retried, failed (SMTP outcomes); held and cap_alerts (sending caps); found_in_sent and resent
    (messages a crash left undecided). The result is plain JSON-ready data, with no personal data.
    """
    store = Store(config.bot.database)
    try:
        counters, outbox = store.counters(), store.outbox_status()
    finally:
        store.close()
    beat = read_heartbeat(config.bot.heartbeat_file)
    age = None
    if beat is not None and "at" in beat:
        age = ((now or utc_now()) - datetime.fromisoformat(beat["at"])).total_seconds()
    return {"counters": counters, "outbox": outbox, "heartbeat": beat, "heartbeat_age_seconds": age}


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def build_service(config: Config, store: Store, clock=utc_now, rng: random.Random | None = None) -> Service:
    renderer = Renderer(shipped_templates(), config.bot.templates)
    dns_txt = TxtResolver() if config.trust.verify_dkim else None
    return Service(config, store, renderer, rng or random.SystemRandom(), clock, dns_txt=dns_txt)


def _describe(error: BaseException) -> str:
    """Our own errors say what and how to fix, without personal data; of others, only their kind is safe."""
    return str(error) if isinstance(error, OSError | StoreError) else type(error).__name__


def _cause(error: BaseException) -> BaseException:
    """The watcher wraps what its handler raised; the handler's own error says what went wrong."""
    return error.__cause__ if error.__cause__ is not None else error


class Daemon:
    """introbot run / introbot once: the IMAP thread feeds the service; the event loop sends and sweeps."""

    def __init__(self, config: Config, clock=utc_now, rng: random.Random | None = None):
        self.config = config
        self.clock = clock
        self.rng = rng or random.SystemRandom()
        self.heartbeat = Heartbeat(config.bot.heartbeat_file, clock)

    def _sender(self) -> SmtpSender:
        return SmtpSender(self.config.smtp, local_hostname=self.config.bot.address.split("@", 1)[1])

    def _watcher(self, service: Service, stop: threading.Event, **options) -> MailboxWatcher:
        return MailboxWatcher(self.config.imap, service.handle_batch, stop=stop, rng=self.rng,
                              max_message_bytes=MAX_MESSAGE_BYTES, header_first=HEADER_FIRST, **options)

    def once(self) -> int:
        """Catch up with the mailbox, run due sweeps, drain the outbox, exit.

        The outbox is drained even when the mailbox cannot be read; the mailbox's problem is raised after.
        """
        with database_lock(self.config), mailbox_lock(self.config):
            store = Store(self.config.bot.database)
            try:
                service = build_service(self.config, store, self.clock, self.rng)
                problem: BaseException | None = None
                handled = 0
                try:
                    handled = self._watcher(service, threading.Event()).run_once()
                except Exception as error:
                    problem = _cause(error)
                    log.error("cannot handle the mailbox: %s; sending what is queued anyway", _describe(problem))
                service.sweep()
                service.purge()
                sent = asyncio.run(service.drain_outbox(self._sender(), SentFolder(self.config.imap)))
                self.heartbeat.beat("once")
                log.info("once: handled %d message(s), sent %d", handled, sent)
                if problem is not None:
                    raise problem
            except sqlite3.Error as error:
                raise StoreError(f"the database {self.config.bot.database} failed ({error})") from None
            finally:
                store.close()
        return 0

    def run(self) -> int:
        with database_lock(self.config), mailbox_lock(self.config):
            store = Store(self.config.bot.database)
            try:
                asyncio.run(self._run(build_service(self.config, store, self.clock, self.rng)))
            finally:
                store.close()
        return 0

    async def _run(self, service: Service) -> None:
        from introbot.edges.scheduler import Metronome  # APScheduler: `run` needs it, `once` does not (~30 ms at start)
        loop = asyncio.get_running_loop()
        stop = threading.Event()
        wake = asyncio.Event()

        def request_stop() -> None:
            log.info("stopping: finishing what is in flight")
            notify_systemd("STOPPING=1")  # a failure here already showed at the beats
            stop.set()
            wake.set()

        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, request_stop)
        # Ready before the catch-up: systemd waits TimeoutStartSec for READY=1 (90 s by default), and a backlog of
        # 100,000 messages takes longer than that to get through; the catch-up beats the watchdog as it goes.
        log.info("running")
        if problem := notify_systemd("READY=1"):
            log.warning("%s", problem)
        await self._catch_up(service, stop)
        watcher = self._watcher(service, stop, on_new_mail=lambda: loop.call_soon_threadsafe(wake.set))
        imap_thread = threading.Thread(target=watcher.run, name="introbot-imap", daemon=True)
        imap_thread.start()
        metronome = Metronome(wake.set, every=BEAT_EVERY)
        metronome.start()
        sender = self._sender()
        outbox = _Trouble("sending")
        last_beat = -math.inf

        def beat(at_most_every: float = 0.0) -> None:
            nonlocal last_beat
            # A dead watcher stops the beat, and the supervisor restarts us.
            if imap_thread.is_alive() and loop.time() - last_beat >= at_most_every:
                self.heartbeat.beat("running")
                last_beat = loop.time()

        # A drain may outlast the watchdog (hundreds of messages due after an outage, a provider taking a second
        # each): every message it gets through beats too, at most once per BEAT_EVERY.
        progress = functools.partial(beat, BEAT_EVERY.total_seconds())
        try:
            while not stop.is_set():
                if outbox.may_try(loop.time()):
                    try:
                        service.sweep()
                        service.purge()
                        await service.drain_outbox(sender, SentFolder(self.config.imap), progress=progress)
                        outbox.cleared()
                    except (OSError, StoreError, sqlite3.Error) as error:  # a full disk, a refused SMTP login
                        outbox.failed(error, loop.time(), self.rng)
                beat()
                await wake.wait()
                wake.clear()
        finally:
            stop.set()
            metronome.stop()
            await asyncio.to_thread(imap_thread.join, 60)
        try:
            await service.drain_outbox(sender, SentFolder(self.config.imap))  # the last batch's mail goes out
        except (OSError, StoreError, sqlite3.Error) as error:
            log.warning("stopped with mail still queued (%s); it goes out at the next start", error)
        self.heartbeat.beat("stopped")
        log.info("stopped")


    async def _catch_up(self, service: Service, stop: threading.Event) -> None:
        """Handle what waits in the mailbox, alone, beating every BEAT_EVERY while it lasts (as the run beats while
        its watcher thread lives).

        Alone, before anything is sent: a message that was in hand when a previous run died is handled again with
        nothing else running, so that dying again is its own doing, which counts towards its quarantine, and not
        a send that happened to fail alongside it.
        """
        catching_up = asyncio.ensure_future(asyncio.to_thread(self._watcher(service, stop).run_once))
        while not catching_up.done():
            self.heartbeat.beat("running")
            await asyncio.wait({catching_up}, timeout=BEAT_EVERY.total_seconds())
        try:
            catching_up.result()
        except Exception as error:  # the watcher thread keeps trying, with backoff
            log.warning("cannot catch up with the mailbox yet: %s", _describe(_cause(error)))


class _Trouble:
    """A failing activity: backs off with jitter, and logs one line when it starts failing or its
    reason changes, and one when it works again."""

    def __init__(self, what: str):
        self.what = what
        self.reason = ""
        self.attempt = 0
        self.next_try = 0.0

    def may_try(self, now: float) -> bool:
        return now >= self.next_try

    def failed(self, error: BaseException, now: float, rng: random.Random) -> None:
        reason = str(error) or type(error).__name__
        delay = backoff_delay(self.attempt, rng)
        self.attempt += 1
        self.next_try = now + delay
        level = logging.WARNING if reason != self.reason else logging.DEBUG
        log.log(level, "%s failed: %s; trying again in %.0f s", self.what, reason, delay)
        self.reason = reason

    def cleared(self) -> None:
        if self.reason:
            log.info("%s works again", self.what)
        self.reason, self.attempt, self.next_try = "", 0, 0.0
