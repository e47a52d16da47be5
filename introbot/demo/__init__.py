"""`introbot demo`: the whole flow on an embedded local mail system, shown as the people involved see it."""

from __future__ import annotations

import logging
import os
import signal
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from introbot.daemon import Daemon
from introbot.demo.mailsystem import EmbeddedMailSystem
from introbot.demo.settings import write_settings
from introbot.demo.story import Story, StoryFailed, demo_config

EXIT_OK, EXIT_FAILURE = 0, 1
LOG_LINES_ON_FAILURE = 30
STORY_JOIN_TIMEOUT = 10.0
QUIET_LOGGERS = ("mail.log", "pymap", "apscheduler")


def demo_main(serve: bool, out: TextIO, stop: threading.Event | None = None) -> int:
    """Run the demo story against the real daemon; with `serve`, then keep everything up until Ctrl-C,
    SIGTERM or `stop`, printing how to connect a desktop mail client as each person.

    Call it from the main thread: introbot's daemon runs there, handling SIGINT and SIGTERM itself.
    Returns 0 when every step happened, 1 (after saying which step did not) otherwise."""
    if threading.current_thread() is not threading.main_thread():
        raise RuntimeError("demo_main must run in the main thread: the daemon it runs handles signals")
    stop = stop or threading.Event()
    out.write("introbot demo: a practitioner, a client and a colleague, each with a mailbox on a mail "
              "system that only this computer can reach.\n\n")
    with tempfile.TemporaryDirectory(prefix="introbot-demo-") as folder, _captured_logs() as logs, \
            EmbeddedMailSystem() as mail:
        daemon = _MainThreadDaemon(Daemon(demo_config(mail, Path(folder))))
        play = _Play(mail, out, serve, stop, daemon)
        play.start()
        crash = daemon.run()
        stop.set()  # the daemon stopped (Ctrl-C, SIGTERM, or the story is over): so does the story
    play.join(STORY_JOIN_TIMEOUT)
    failure = crash or play.failure
    if failure is None and not play.finished:
        failure = "interrupted before the story was over"
    if failure is not None:
        out.write(f"\nThe demo did not complete: {failure}\n")
        if logs:
            out.write("What introbot logged:\n" + "".join(f"  {line}\n" for line in logs[-LOG_LINES_ON_FAILURE:]))
        return EXIT_FAILURE
    return EXIT_OK


class _MainThreadDaemon:
    """The real daemon, run in the main thread (where it handles SIGTERM and SIGINT); any thread can
    ask it to stop, which sends this process a SIGTERM exactly while the daemon is there to catch it."""

    def __init__(self, daemon: Daemon) -> None:
        self._daemon = daemon
        self._lock = threading.Lock()
        self._running = False

    def run(self) -> str | None:
        """Run until stopped; None after a clean stop, else what went wrong."""
        with self._lock:
            self._running = True
        try:
            self._daemon.run()
            return None
        except Exception as error:  # reported as the demo's outcome: it must not hide the story's
            return f"introbot stopped with {type(error).__name__}: {error}"
        finally:
            with self._lock:
                self._running = False

    def stop(self) -> None:
        with self._lock:
            # asyncio puts its own handler in place while the daemon runs; the default one would end
            # the whole process instead of the daemon alone.
            if self._running and signal.getsignal(signal.SIGTERM) not in (signal.SIG_DFL, signal.SIG_IGN, None):
                os.kill(os.getpid(), signal.SIGTERM)


class _Play(threading.Thread):
    """The people's side, beside the daemon: the story, then (with --serve) the mail system stays up."""

    def __init__(self, mail: EmbeddedMailSystem, out: TextIO, serve: bool, stop: threading.Event,
                 daemon: _MainThreadDaemon) -> None:
        super().__init__(name="introbot-demo-story", daemon=True)
        self.mail, self.out, self.serve, self.stop, self.daemon = mail, out, serve, stop, daemon
        self.failure: str | None = None
        self.finished = False

    def run(self) -> None:
        try:
            Story(self.mail, self.out).play()
            self.finished = True
            if self.serve:
                write_settings(self.mail, self.out)
                self.stop.wait()
        except StoryFailed as failure:
            self.failure = str(failure)
        except Exception as error:  # the mail system stopped under the story: say so instead of a traceback
            if not self.stop.is_set():
                self.failure = f"{type(error).__name__}: {error}"
        finally:
            self.daemon.stop()


class _Buffer(logging.Handler):
    def __init__(self, lines: list[str]) -> None:
        super().__init__(logging.INFO)
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        self._lines = lines

    def emit(self, record: logging.LogRecord) -> None:
        self._lines.append(self.format(record))


@contextmanager
def _captured_logs() -> Iterator[list[str]]:
    """introbot's log lines, kept aside while the story prints (and shown if it fails); the embedded
    servers' and the scheduler's chatter (aiosmtpd logs every SMTP command) is left out altogether."""
    lines: list[str] = []
    logger = logging.getLogger("introbot")
    handler, propagate, level = _Buffer(lines), logger.propagate, logger.level
    quiet = {name: logging.getLogger(name).level for name in QUIET_LOGGERS}
    logger.addHandler(handler)
    logger.propagate = False
    logger.setLevel(logging.INFO)
    for name in quiet:
        logging.getLogger(name).setLevel(logging.WARNING)
    try:
        yield lines
    finally:
        logger.removeHandler(handler)
        logger.propagate, logger.level = propagate, level
        for name, previous in quiet.items():
            logging.getLogger(name).setLevel(previous)
