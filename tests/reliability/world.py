"""The reliability tests' world: the conversation world, with introbot run as a real process that can be
killed, its config adjustable key by key, mailboxes read straight from Dovecot's Maildirs, and the
database's own view (outbox, counters) for the invariants."""

from __future__ import annotations

import email
import email.policy
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

from introbot.service import message_id_key
from tests.conversation import ADA, AUTHSERV_ID, BOT, World, gmail_forward, new_message
from tests.mailhost import MailHost, wait_until

REPO = Path(__file__).resolve().parents[2]
SIGKILLED = -9


def set_keys(text: str, section: str, **values: object) -> str:
    """The config `text` with each key of `section` set to its value (TOML-quoted when text; None removes the
    key), replacing the key's line when the section has one and adding it below the header otherwise (and
    the section at the end when there is none)."""
    header = f"[{section}]\n"
    if header not in text:
        text += f"\n{header}"
    start = text.index(header) + len(header)
    end = text.find("\n[", start)
    end = len(text) if end < 0 else end + 1
    body = text[start:end]
    for key, value in values.items():
        written = json.dumps(value) if isinstance(value, str) else str(value).lower()
        line = "" if value is None else f"{key} = {written}\n"
        pattern = re.compile(rf"^{re.escape(key)} = .*\n", re.MULTILINE)
        body = pattern.sub(lambda _: line, body, count=1) if pattern.search(body) else line + body
    return text[:start] + body + text[end:]


@dataclass
class RunResult:
    """How one introbot process ended: its exit status (-9 after SIGKILL) and what it logged."""

    returncode: int
    log: str

    @property
    def killed(self) -> bool:
        return self.returncode == SIGKILLED


@dataclass
class ReliabilityWorld(World):
    """A World whose introbot runs as `python3 -m introbot`, with keys changed by `configure`."""

    logs: list[str] = field(default_factory=list)

    def configure(self, section: str, **values: object) -> None:
        self.config_path.write_text(set_keys(self.config_path.read_text(), section, **values))

    def environment(self, crash_at: str = "", stall_on: str = "") -> dict[str, str]:
        environment = {key: value for key, value in os.environ.items()
                       if key not in ("INTROBOT_CRASH_AT", "INTROBOT_STALL_ON", "NOTIFY_SOCKET")}
        environment["PYTHONPATH"] = str(REPO)
        if crash_at:
            environment["INTROBOT_CRASH_AT"] = crash_at
        if stall_on:  # a Message-ID; introbot knows a message by the ledger key made of it
            environment["INTROBOT_STALL_ON"] = message_id_key(stall_on)
        return environment

    def command(self, *arguments: str) -> list[str]:
        return [sys.executable, "-m", "introbot", *arguments, "--config", str(self.config_path)]

    def process(self, crash_at: str = "", stall_on: str = "", timeout: float = 120) -> RunResult:
        """`introbot once` as cron runs it, optionally with a crash point or a stalling message."""
        completed = subprocess.run(self.command("once"), cwd=REPO, env=self.environment(crash_at, stall_on),
                                   capture_output=True, text=True, timeout=timeout)
        self.logs.append(completed.stderr)
        return RunResult(completed.returncode, completed.stderr)

    def deliver(self, message: EmailMessage, sender: tuple[str, str]) -> None:
        """Mail to intro@ over SMTP without waiting for it to arrive: a running daemon may file it at once."""
        self.mail.deliver(message.as_bytes(), sender[1], [BOT])

    @contextmanager
    def daemon(self, *options: str, environment: dict[str, str] | None = None) -> Iterator[Daemon]:
        """`introbot run` in the background until the block ends (then SIGTERM, and it must stop cleanly)."""
        log_path = self.folder / f"run-{len(self.logs)}.log"
        with open(log_path, "w") as log_file:
            process = subprocess.Popen(self.command("run", *options), cwd=REPO, stdout=subprocess.DEVNULL,
                                       stderr=log_file, env={**self.environment(), **(environment or {})})
        daemon = Daemon(process, log_path)
        try:
            yield daemon
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
            process.wait(timeout=90)
            self.logs.append(daemon.log())

    # What people received, read from the Maildirs (fast enough to poll hundreds of mailboxes)

    def maildir(self, address: str) -> Path:
        local, domain = address.lower().split("@")
        return self.mail.mail_dir / domain / local.split("+")[0] / "Maildir"

    def received(self, address: str) -> list[EmailMessage]:
        """Every message in the address's INBOX, in no particular order."""
        return [email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
                for path in inbox_files(self.maildir(address))]

    def message_ids(self, person: tuple[str, str] | str) -> Counter[str]:
        """How many copies of each Message-ID the person's INBOX holds."""
        address = person if isinstance(person, str) else person[1]
        return Counter(str(message["Message-ID"]) for message in self.received(address))

    # introbot's own records

    def database_rows(self, query: str, *args: object) -> list[tuple]:
        with sqlite3.connect(self.database) as db:
            return db.execute(query, args).fetchall()

    def counters(self) -> dict[str, int]:
        return dict(self.database_rows("SELECT name, value FROM counters"))

    def integrity(self) -> str:
        return self.database_rows("PRAGMA integrity_check")[0][0]

    def folder_sizes(self) -> dict[str, int]:
        """Messages in each of intro@'s folders that hold any."""
        with self.mail.imap(BOT) as imap:
            sizes = {name: imap.folder_status(name, [b"MESSAGES"])[b"MESSAGES"]
                     for flags, _separator, name in imap.list_folders() if b"\\Noselect" not in flags}
        return {name: size for name, size in sizes.items() if size}


@dataclass
class Daemon:
    """A running `introbot run` and its log."""

    process: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def lines(self, containing: str, level: str = "") -> list[str]:
        """Log lines holding `containing`, of `level` if given ("<date> <time> LEVEL name: message")."""
        return [line for line in self.log().splitlines()
                if containing in line and (not level or line.split(" ", 3)[2:3] == [level])]

    def wait_for_log(self, containing: str, count: int = 1, level: str = "", timeout: float = 30) -> list[str]:
        return wait_until(lambda: found if len(found := self.lines(containing, level)) >= count else None, timeout,
                          lambda: f"the daemon did not log {containing!r} {count} time(s):\n{self.log()}")


def inbox_files(maildir: Path) -> list[Path]:
    return [path for folder in ("new", "cur") if (maildir / folder).is_dir()
            for path in (maildir / folder).iterdir() if path.is_file()]


def authenticated(message: EmailMessage, sender: tuple[str, str]) -> EmailMessage:
    """The message with the Authentication-Results header the operator's receiving server would add."""
    domain = sender[1].split("@")[1]
    message["Authentication-Results"] = (f"{AUTHSERV_ID}; dkim=pass header.d={domain} header.s=s1; "
                                         f"dmarc=pass header.from={domain}")
    return message


def direct_request(client: tuple[str, str], colleague_name: str, referrer: tuple[str, str] = ADA) -> EmailMessage:
    """A practitioner's one-line request, authenticated as their provider would show it."""
    return authenticated(new_message(referrer, ("Intro", BOT), "Intro please",
                                     f"Please introduce {client[0]} <{client[1]}> to {colleague_name}.\n"),
                         referrer)


def forwarded_request(client: tuple[str, str], note: str, referrer: tuple[str, str] = ADA) -> EmailMessage:
    original = new_message(client, referrer, "Back pain", "Hi, do you know someone for my back?\n\nThanks\n")
    return authenticated(gmail_forward(referrer, original, note), referrer)


def drop_into_inbox(mail: MailHost, message: EmailMessage | bytes) -> int:
    """Put a message straight into intro@'s INBOX over IMAP (faster than SMTP when many are needed)."""
    return mail.append(BOT, message if isinstance(message, bytes) else message.as_bytes())


def new_world(mail: MailHost, tmp_path: Path) -> ReliabilityWorld:
    """The `world` fixture: empty mailboxes, and introbot's config and database in a fresh folder.

    Each test module declares it with `world = pytest.fixture(new_world, name="world")`: a conftest.py
    here would shadow the top one, which the corpus tests import by name.
    """
    return ReliabilityWorld(mail, tmp_path)
