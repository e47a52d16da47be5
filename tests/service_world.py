"""introbot's decisions without the mail servers: a real Service over a real SQLite store, a settable clock."""

from __future__ import annotations

import json
import random
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from introbot.config import BotSettings, Config, ConsentSettings, ImapSettings, Person, SmtpSettings, TrustSettings
from introbot.core.render import Renderer
from introbot.edges.store import Store
from introbot.paths import shipped_templates
from introbot.service import DnsTxt, Service
from tests.conversation import ADA, AUTHSERV_ID, BEN, BOT, LIO, MAYA

START = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)


MAYA_PERSON = Person(MAYA[0], MAYA[1], website="https://bodywork.example", specialty="massage therapy")


def make_config(folder: Path, trust: TrustSettings | None = None, maya: Person = MAYA_PERSON,
                consent: ConsentSettings | None = None, **bot: object) -> Config:
    """The conversation tests' people, in a Config built in code; `maya` may be described otherwise."""
    return Config(
        bot=BotSettings(address=BOT, database=folder / "introbot.sqlite3",
                        heartbeat_file=folder / "introbot.heartbeat", **bot),
        imap=ImapSettings(host="127.0.0.1"), smtp=SmtpSettings(host="127.0.0.1"),
        consent=consent or ConsentSettings(),
        trust=trust or TrustSettings(authserv_id=AUTHSERV_ID),
        practitioners=(Person(ADA[0], ADA[1], website="https://clinic.example", specialty="acupuncture"),
                       Person(BEN[0], BEN[1])),
        colleagues=(maya, Person(LIO[0], LIO[1], specialty="craniosacral therapy", standing_consent=True)))


def our_results(domain: str, result: str = "pass") -> bytes:
    """The Authentication-Results header our receiving server puts on top of a message from `domain`."""
    return (f"Authentication-Results: {AUTHSERV_ID}; dkim={result} header.d={domain} header.s=s1; "
            f"spf={result} smtp.mailfrom={domain}; dmarc={result} header.from={domain}\r\n").encode("ascii")


def as_received(message: EmailMessage | bytes, *top: bytes) -> bytes:
    """The bytes of `message` with `top` header lines prepended, as a receiving server adds them."""
    raw = message if isinstance(message, bytes) else message.as_bytes(policy=policy.SMTP)
    return b"".join(top) + raw


@dataclass(frozen=True)
class Mail:
    """One row of the outbox, parsed."""

    id: int
    kind: str
    intro_id: str | None
    envelope_from: str
    recipients: tuple[str, ...]
    status: str
    raw: bytes | None  # None once the body was purged
    message: EmailMessage | None


class Desk:
    """A Service with its store in `folder`; `now` moves only when a test moves it."""

    def __init__(self, folder: Path, trust: TrustSettings | None = None, dns_txt: DnsTxt | None = None,
                 maya: Person = MAYA_PERSON, consent: ConsentSettings | None = None, **bot: object):
        self.now = START
        self.config = make_config(folder, trust, maya, consent, **bot)
        self.store = Store(self.config.bot.database)
        self.service = Service(self.config, self.store, Renderer(shipped_templates()), random.Random(7),
                               lambda: self.now, dns_txt)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> "Desk":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def receive(self, raw: bytes | EmailMessage) -> str:
        """Hand introbot one inbound message; returns the folder it would be moved to."""
        return self.service.handle(raw if isinstance(raw, bytes) else raw.as_bytes(policy=policy.SMTP))

    def mail(self) -> list[Mail]:
        """Every message introbot queued (or sent), oldest first."""
        with sqlite3.connect(self.config.bot.database) as db:
            rows = db.execute("SELECT id, kind, intro_id, envelope_from, recipients, status, raw FROM outbox"
                              " ORDER BY id").fetchall()
        return [Mail(r[0], r[1], r[2], r[3], tuple(json.loads(r[4])), r[5], r[6],
                     message_from_bytes(r[6], policy=policy.default) if r[6] is not None else None)
                for r in rows]

    def mail_to(self, address: str, kind: str | None = None) -> list[Mail]:
        return [m for m in self.mail() if address in m.recipients and (kind is None or m.kind == kind)]

    def send_all(self) -> None:
        """Mark everything queued as sent, as a drain that reached the server would."""
        with self.store.transaction() as tx:
            for row in self.mail():
                if row.status == "queued":
                    tx.set_outbox_status(row.id, "sent", self.now)

    def answer(self, mail: Mail, writer: tuple[str, str], text: str) -> str:
        """`writer` replies to `mail` (to its Reply-To, quoting it, threaded) and introbot reads the reply."""
        from tests.conversation import reply
        assert mail.message is not None
        return self.receive(reply(mail.message, writer, text))


def once_with_dns(config: Config, dns_txt: DnsTxt) -> None:
    """`introbot once` with a DNS lookup of the test's choosing (the daemon would pass TxtResolver())."""
    import asyncio
    import threading

    from introbot.daemon import utc_now
    from introbot.edges.imap import MailboxWatcher
    from introbot.edges.smtp import SmtpSender

    store = Store(config.bot.database)
    try:
        service = Service(config, store, Renderer(shipped_templates()), random.SystemRandom(), utc_now, dns_txt)
        MailboxWatcher(config.imap, service.handle_batch, stop=threading.Event(), rng=random.Random(1)).run_once()
        service.sweep()
        asyncio.run(service.drain_outbox(SmtpSender(config.smtp, local_hostname=BOT.split("@")[1])))
    finally:
        store.close()
