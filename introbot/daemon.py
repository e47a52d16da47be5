"""The composition root: builds every part from the config, runs them together, stops cleanly on a signal."""

from __future__ import annotations

import asyncio
import fcntl
import logging
import os
import random
import signal
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

from introbot.config import Config
from introbot.core.render import Renderer
from introbot.edges.dns import TxtResolver
from introbot.edges.imap import MailboxWatcher
from introbot.edges.scheduler import Metronome
from introbot.edges.smtp import SmtpSender
from introbot.edges.store import Store
from introbot.paths import shipped_templates
from introbot.service import Service

log = logging.getLogger("introbot.daemon")
SWEEP_EVERY = timedelta(seconds=60)


class AlreadyRunning(RuntimeError):
    """Another introbot holds this database: two daemons on one mailbox would answer everything twice."""


class InstanceLock:
    """An advisory lock beside the database, held for the life of the process (released by the kernel
    even after SIGKILL, so a crash never leaves a stale lock)."""

    def __init__(self, database: Path):
        self.path = database.with_name(database.name + ".lock")
        self._fd: int | None = None

    def __enter__(self) -> "InstanceLock":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 32).decode("ascii", "replace").strip() or "unknown"
            os.close(fd)
            raise AlreadyRunning(f"another introbot (pid {holder}) is already using {self.path.with_suffix('')}; "
                                 f"stop it first, or give this one its own bot.database") from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode("ascii"))
        self._fd = fd
        return self

    def __exit__(self, *exc_info) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def build_service(config: Config, store: Store, clock=utc_now, rng: random.Random | None = None) -> Service:
    renderer = Renderer(shipped_templates(), config.bot.templates)
    dns_txt = TxtResolver() if config.trust.verify_dkim else None
    return Service(config, store, renderer, rng or random.SystemRandom(), clock, dns_txt=dns_txt)


class Daemon:
    """introbot run / introbot once: the IMAP thread feeds the service; the event loop sends and sweeps."""

    def __init__(self, config: Config, clock=utc_now, rng: random.Random | None = None):
        self.config = config
        self.clock = clock
        self.rng = rng or random.SystemRandom()

    def _sender(self) -> SmtpSender:
        return SmtpSender(self.config.smtp, local_hostname=self.config.bot.address.split("@", 1)[1])

    def once(self) -> int:
        """Catch up with the mailbox, run due sweeps, drain the outbox, exit."""
        with InstanceLock(self.config.bot.database):
            store = Store(self.config.bot.database)
            try:
                service = build_service(self.config, store, self.clock, self.rng)
                watcher = MailboxWatcher(self.config.imap, service.handle_batch, stop=threading.Event(),
                                         rng=self.rng)
                handled = watcher.run_once()
                service.sweep()
                service.purge()
                sent = asyncio.run(service.drain_outbox(self._sender()))
                log.info("once: handled %d message(s), sent %d", handled, sent)
            finally:
                store.close()
        return 0

    def run(self) -> int:
        with InstanceLock(self.config.bot.database):
            store = Store(self.config.bot.database)
            try:
                asyncio.run(self._run(build_service(self.config, store, self.clock, self.rng)))
            finally:
                store.close()
        return 0

    async def _run(self, service: Service) -> None:
        loop = asyncio.get_running_loop()
        stop = threading.Event()
        wake = asyncio.Event()

        def request_stop() -> None:
            log.info("stopping: finishing what is in flight")
            stop.set()
            wake.set()

        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, request_stop)
        watcher = MailboxWatcher(self.config.imap, service.handle_batch, stop=stop, rng=self.rng,
                                 on_new_mail=lambda: loop.call_soon_threadsafe(wake.set))
        imap_thread = threading.Thread(target=watcher.run, name="introbot-imap", daemon=True)
        imap_thread.start()
        metronome = Metronome(wake.set, every=SWEEP_EVERY)
        metronome.start()
        sender = self._sender()
        log.info("running")
        try:
            while not stop.is_set():
                service.sweep()
                service.purge()
                await service.drain_outbox(sender)
                await wake.wait()
                wake.clear()
        finally:
            stop.set()
            metronome.stop()
            await asyncio.to_thread(imap_thread.join, 60)
        await service.drain_outbox(sender)  # what the last batch queued goes out before we exit
        log.info("stopped")
