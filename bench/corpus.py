"""Realistic mail for intro@: practitioners' requests, client replies, out-of-office replies, bounces,
newsletters and strangers, with sizes like real mail; and a fast loader straight into a Maildir.

Every message is built as bytes from a seeded generator, so a run is reproducible and the same
mailbox can be loaded twice (once for introbot, once for the reference client) byte for byte.
"""

from __future__ import annotations

import base64
import os
import pwd
import random
import subprocess
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path
from typing import Iterable, Iterator

from introbot.config import Person
from tests.conversation import AUTHSERV_ID, BOT
from tests.mailhost import DOVEADM, MAIL_USER, MailHost, MailHostError

BOT_DOMAIN = BOT.split("@", 1)[1]
START = datetime(2026, 3, 2, 6, 0, tzinfo=timezone.utc)

# The share of each kind in a backlog: what a day of an intro@ mailbox looks like.
MIX = (("request", 0.05), ("reply", 0.25), ("out-of-office", 0.10), ("bounce", 0.10),
       ("newsletter", 0.30), ("stranger", 0.20))
ATTACHMENT_SHARE = 0.02  # of replies and strangers' mail
TOKEN_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"


@dataclass(frozen=True)
class Request:
    """A practitioner's request as it travels: its bytes and SMTP envelope, and whom introbot should ask."""

    raw: bytes
    practitioner: Person
    client: str                 # the address the first consent ask must go to
    recipients: tuple[str, ...]  # envelope recipients (a CC'd request also goes to the client)


def mailbox_of(person: Person) -> str:
    """'Name <address>', as a From or To header shows a person."""
    return f"{person.name} <{person.email}>"


def domain_of(person: Person) -> str:
    """The domain of a person's address."""
    return person.email.split("@", 1)[1]


PRACTITIONERS = tuple(Person(f"Dr. {first} {last}", f"{first.lower()}@clinic.example", "https://clinic.example",
                             specialty)
                      for first, last, specialty in (
                          ("Ada", "Lee", "acupuncture"), ("Ben", "Okafor", "physiotherapy"),
                          ("Cleo", "Martin", "osteopathy"), ("Dev", "Sharma", "psychotherapy"),
                          ("Elin", "Berg", "naturopathy"), ("Farid", "Haddad", "chiropractic"),
                          ("Greta", "Novak", "nutrition"), ("Hugo", "Laurent", "sports medicine")))
COLLEAGUES = tuple(Person(f"{first} {last}", f"{first.lower()}@bodywork.example",
                          f"https://{first.lower()}.bodywork.example", specialty)
                   for first, last, specialty in (
                       ("Maya", "Chen", "massage therapy"), ("Lio", "Park", "craniosacral therapy"),
                       ("Nora", "Iversen", "yoga therapy"), ("Omar", "Said", "Pilates"),
                       ("Priya", "Nair", "counselling"), ("Quinn", "Adler", "reflexology"),
                       ("Rosa", "Vidal", "midwifery"), ("Stefan", "Kral", "Feldenkrais"),
                       ("Tara", "Walsh", "speech therapy"), ("Umar", "Bello", "shiatsu"),
                       ("Vera", "Costa", "art therapy"), ("Wen", "Zhou", "herbal medicine")))
CLIENT_FIRST = ("Sam", "Alex", "Jordan", "Robin", "Charlie", "Kim", "Noa", "Ari", "Jules", "Mika", "Lou", "Remy")
CLIENT_LAST = ("Rivera", "Meyer", "Dubois", "Rossi", "Kowalski", "Jensen", "Silva", "Tanaka", "Murphy", "Fischer")

WORDS = ("the session today helped a lot and I wanted to ask about next steps for my shoulder which still "
         "feels tight after long days at the desk we talked about stretching breathing sleep and how often "
         "to come back please let me know if Thursday or Friday works better for you thank you again for "
         "your time and advice I have been trying the exercises every morning and the pain is less sharp "
         "now but it comes back in the evening my partner says I should also see someone for massage or "
         "maybe yoga what do you think the insurance covers some of it I will check with them this week "
         "our spring programme opens registrations for workshops retreats and online classes discover new "
         "offers member news events in your area read more on our website unsubscribe at any time").split()


def _sentence(rng: random.Random) -> str:
    words = rng.choices(WORDS, k=rng.randint(6, 18))
    return " ".join(words).capitalize() + rng.choice((".", ".", ".", "?", "!"))


def _paragraph(rng: random.Random) -> str:
    return " ".join(_sentence(rng) for _ in range(rng.randint(2, 6)))


class Texts:
    """A pool of paragraphs and attachments drawn once, so generating 100,000 messages stays fast."""

    def __init__(self, rng: random.Random) -> None:
        self.paragraphs = [_paragraph(rng) for _ in range(400)]
        # Attachments: a PDF-sized and a photo-sized blob, base64 in 76-character lines as mail clients do.
        self.attachments = [_base64_lines(rng.randbytes(size)) for size in (48_000, 120_000, 310_000)]

    def body(self, rng: random.Random, paragraphs: int) -> str:
        return "\n\n".join(rng.choices(self.paragraphs, k=paragraphs))


def _base64_lines(data: bytes) -> str:
    encoded = base64.b64encode(data).decode("ascii")
    return "\n".join(encoded[i:i + 76] for i in range(0, len(encoded), 76))


class Generator:
    """Builds message bytes; `message(i)` is the i-th message of a backlog, `request(i)` a fresh request."""

    def __init__(self, seed: int = 2026) -> None:
        self.seed = seed
        self.rng = random.Random(seed)
        self.texts = Texts(random.Random(seed + 1))
        self._kinds, self._weights = zip(*MIX)
        self._builders = {"request": lambda i: self.request(i).raw, "reply": self.reply,
                          "out-of-office": self.out_of_office, "bounce": self.bounce,
                          "newsletter": self.newsletter, "stranger": self.stranger}

    # ------------------------------------------------------------------ a backlog
    def backlog(self, count: int) -> Iterator[tuple[str, bytes]]:
        """`count` messages in the MIX proportions, shuffled as they would arrive over a day."""
        for i in range(count):
            kind = self.rng.choices(self._kinds, self._weights)[0]
            yield kind, self.message(kind, i)

    def message(self, kind: str, i: int) -> bytes:
        return self._builders[kind](i)

    # ------------------------------------------------------------------ kinds
    def request(self, i: int, shape: str | None = None) -> Request:
        """A practitioner asks for an introduction (a forward, a CC, or a direct line), authenticated by
        the operator's receiving server."""
        rng = self.rng
        practitioner = rng.choice(PRACTITIONERS)
        colleague = rng.choice(COLLEAGUES)
        client = self.client(i)
        shape = shape or rng.choice(("forward", "forward", "cc", "direct"))
        note = f"{colleague.name}, could you see {client.first_name}? {rng.choice(self.texts.paragraphs)[:160]}"
        if shape == "forward":
            original = self.texts.body(rng, rng.randint(1, 3))
            body = (f"{note}\n\nThanks,\n{practitioner.first_name}\n\n---------- Forwarded message ---------\n"
                    f"From: {mailbox_of(client)}\nDate: Mon, 2 Mar 2026 at 09:00\nSubject: After our session\n"
                    f"To: {mailbox_of(practitioner)}\n\n{original}\n\n{client.first_name}\n")
            headers = {"To": f"Intro <{BOT}>", "Subject": "Fwd: After our session"}
        elif shape == "cc":
            body = (f"Hi {client.first_name},\n\nI'm asking my assistant to introduce you to {colleague.name}, "
                    f"who I think can help.\n\n{rng.choice(self.texts.paragraphs)}\n\n{practitioner.first_name}\n")
            headers = {"To": mailbox_of(client), "Cc": f"Intro <{BOT}>", "Subject": "Someone who can help"}
        else:
            body = (f"Please introduce {client.name} <{client.email}> to {colleague.name}.\n\n"
                    f"{rng.choice(self.texts.paragraphs)}\n\n{practitioner.first_name}\n")
            headers = {"To": f"Intro <{BOT}>", "Subject": "Intro please"}
        domain = domain_of(practitioner)
        headers = {"From": mailbox_of(practitioner), **headers,
                   "Authentication-Results": f"{AUTHSERV_ID}; dkim=pass header.d={domain} header.s=s1; "
                                             f"spf=pass smtp.mailfrom={domain}; dmarc=pass header.from={domain}"}
        recipients = (client.email, BOT) if shape == "cc" else (BOT,)
        return Request(self._plain(i, domain, headers, body), practitioner, client.email, recipients)

    def client(self, i: int) -> Person:
        first, last = CLIENT_FIRST[i % len(CLIENT_FIRST)], CLIENT_LAST[(i // len(CLIENT_FIRST)) % len(CLIENT_LAST)]
        return Person(f"{first} {last}", f"{first.lower()}.{last.lower()}.{i}@client.example")

    def reply(self, i: int) -> bytes:
        """A client answering an earlier ask: a few words above a quote, to a token that is long gone."""
        rng = self.rng
        client = self.client(i)
        colleague = rng.choice(COLLEAGUES)
        token = self.stale_token()
        answer = rng.choice(("Yes please, that would be great!", "No thanks, not right now.", "Sure.",
                             "Could you tell me a bit more first?", "Oui, avec plaisir.", "Ja, gerne."))
        quoted = "\n".join("> " + line if line else ">" for line in self.texts.body(rng, rng.randint(1, 4)).split("\n"))
        body = (f"{answer}\n\n{client.first_name}\n\nOn Mon, 2 Mar 2026 at 09:12, Intro Assistant "
                f"<{BOT}> wrote:\n> Would you like me to introduce you to {colleague.name}?\n>\n{quoted}\n")
        headers = {"From": mailbox_of(client), "To": f"Intro Assistant <intro+{token}@{BOT_DOMAIN}>",
                   "Subject": f"Re: Would you like to meet {colleague.name}?",
                   "In-Reply-To": f"<{token}.{i:012d}@{BOT_DOMAIN}>", "References": f"<{token}.{i:012d}@{BOT_DOMAIN}>"}
        return self._with_attachment_sometimes(i, domain_of(client), headers, body)

    def out_of_office(self, i: int) -> bytes:
        rng = self.rng
        person = rng.choice(COLLEAGUES + tuple(self.client(j) for j in range(i, i + 3)))
        body = (f"I am away from the practice until 16 March with limited access to email. "
                f"{rng.choice(self.texts.paragraphs)[:200]}\n\nBest regards,\n{person.name}\n")
        if rng.random() < 0.5:  # Gmail's vacation responder
            headers = {"From": mailbox_of(person), "To": BOT, "Subject": "Out of office",
                       "Auto-Submitted": "auto-replied", "Precedence": "bulk"}
            return self._plain(i, domain_of(person), headers, body)
        headers = {"From": mailbox_of(person), "To": BOT, "Subject": "Automatic reply: Would you like an introduction?",
                   "Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"}
        return self._alternative(i, domain_of(person), headers, body, self._html(body))

    def bounce(self, i: int) -> bytes:
        """A DSN from a receiving server: Postfix's RFC 3464 report, or Exchange's with headers only."""
        rng = self.rng
        lost = self.client(i + 1_000_000)
        token = self.stale_token()
        original = (f"From: Intro Assistant <{BOT}>\nTo: {mailbox_of(lost)}\nSubject: Would you like an introduction?\n"
                    f"Message-ID: <{token}.{i:012d}@{BOT_DOMAIN}>\nAuto-Submitted: auto-generated\n"
                    f"Date: {format_datetime(START)}\n")
        exchange = rng.random() < 0.4
        boundary = f"bounce-{i}-{rng.getrandbits(32):08x}"
        if exchange:
            returned = f"Content-Type: text/rfc822-headers\n\n{original}"
            notice = "Delivery has failed to these recipients or groups:\n\n" + lost.email + "\n\nThe email address wasn't found."
        else:
            returned = (f"Content-Description: Undelivered Message\nContent-Type: message/rfc822\n\n{original}\n"
                        f"{self.texts.body(rng, 2)}\n")
            notice = ("This is the mail system at host mx.client.example.\n\nI'm sorry to have to inform you that "
                      "your message could not\nbe delivered to one or more recipients.\n")
        body = (f"This is a MIME-encapsulated message.\n\n--{boundary}\nContent-Type: text/plain; charset=us-ascii\n\n"
                f"{notice}\n\n--{boundary}\nContent-Type: message/delivery-status\n\n"
                f"Reporting-MTA: dns; mx.client.example\nArrival-Date: {format_datetime(START)}\n\n"
                f"Final-Recipient: rfc822; {lost.email}\nOriginal-Recipient: rfc822;{lost.email}\nAction: failed\n"
                f"Status: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 <{lost.email}>: Recipient address rejected: "
                f"User unknown\n\n--{boundary}\n{returned}\n--{boundary}--\n")
        headers = {"From": "Mail Delivery System <MAILER-DAEMON@mx.client.example>",
                   "To": f"intro+{token}@{BOT_DOMAIN}", "Subject": "Undelivered Mail Returned to Sender",
                   "Auto-Submitted": "auto-replied", "MIME-Version": "1.0",
                   "Content-Type": f'multipart/report; report-type=delivery-status; boundary="{boundary}"'}
        return self._raw(i, "mx.client.example", headers, body, return_path="<>")

    def stale_token(self) -> str:
        """A reply token shaped like introbot's (26 base32 letters) for an intro that has long ended:
        looking it up costs what a live one does, and finds nothing."""
        return "".join(self.rng.choices(TOKEN_ALPHABET, k=26))

    def newsletter(self, i: int) -> bytes:
        rng = self.rng
        sender = rng.choice(("news", "events", "members", "offers"))
        domain = rng.choice(("wellness-weekly.example", "therapists-guild.example", "clinic-software.example"))
        text = self.texts.body(rng, rng.randint(4, 16))
        headers = {"From": f"{domain.split('.')[0].title()} <{sender}@{domain}>", "To": BOT,
                   "Subject": f"Your {rng.choice(('spring', 'weekly', 'March'))} update",
                   "List-Id": f"<{sender}.{domain}>", "List-Unsubscribe": f"<https://{domain}/u/{i}>",
                   "List-Unsubscribe-Post": "List-Unsubscribe=One-Click", "Precedence": "bulk"}
        return self._alternative(i, domain, headers, text, self._html(text, bloat=rng.randint(2, 10)))

    def stranger(self, i: int) -> bytes:
        """Someone who is not a practitioner writes to intro@: a question, a pitch, a wrong address."""
        rng = self.rng
        person = self.client(i + 2_000_000)
        body = f"Hello,\n\n{self.texts.body(rng, rng.randint(1, 5))}\n\n{person.name}\n"
        headers = {"From": mailbox_of(person), "To": BOT,
                   "Subject": rng.choice(("Question about your services", "Partnership", "Hello", "Appointment?"))}
        if rng.random() < 0.4:
            return self._alternative(i, domain_of(person), headers, body, self._html(body))
        return self._with_attachment_sometimes(i, domain_of(person), headers, body)

    # ------------------------------------------------------------------ MIME
    def _html(self, text: str, bloat: int = 0) -> str:
        paragraphs = "".join(f'<tr><td style="font-family:Arial,sans-serif;font-size:15px;line-height:22px;'
                             f'color:#333333;padding:0 24px 16px 24px">{p}</td></tr>\n' for p in text.split("\n\n"))
        # Newsletters carry layout tables, tracking pixels and footers that dwarf their text.
        padding = "".join(f'<tr><td class="spacer" style="height:12px;line-height:12px;font-size:1px">&nbsp;'
                          f'<img src="https://t.example/p/{n}.gif" width="1" height="1" alt=""></td></tr>\n'
                          for n in range(bloat * 20))
        return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><style>td{{mso-line-height-rule:exactly}}'
                f'</style></head><body><table role="presentation" width="100%">\n{paragraphs}{padding}</table>'
                f'</body></html>\n')

    def _alternative(self, i: int, domain: str, headers: dict[str, str], text: str, html: str) -> bytes:
        boundary = self._boundary("alt", i)
        return self._multipart(i, domain, headers, "alternative", boundary,
                               [_text_part("plain", text), _text_part("html", html)])

    def _with_attachment_sometimes(self, i: int, domain: str, headers: dict[str, str], text: str) -> bytes:
        if self.rng.random() >= ATTACHMENT_SHARE:
            return self._plain(i, domain, headers, text)
        boundary = self._boundary("mixed", i)
        blob = self.rng.choice(self.texts.attachments)
        name, kind = self.rng.choice((("report.pdf", "application/pdf"), ("photo.jpg", "image/jpeg")))
        attachment = (f'Content-Type: {kind}; name="{name}"\nContent-Disposition: attachment; filename="{name}"\n'
                      f"Content-Transfer-Encoding: base64\n\n{blob}")
        return self._multipart(i, domain, headers, "mixed", boundary, [_text_part("plain", text), attachment])

    def _boundary(self, prefix: str, i: int) -> str:
        return f"{prefix}-{i}-{self.rng.getrandbits(32):08x}"

    def _multipart(self, i: int, domain: str, headers: dict[str, str], subtype: str, boundary: str,
                   parts: list[str]) -> bytes:
        """A multipart message; each of `parts` is its header lines, an empty line and its body."""
        body = "".join(f"--{boundary}\n{part}\n" for part in parts) + f"--{boundary}--\n"
        return self._raw(i, domain, {**headers, "MIME-Version": "1.0",
                                     "Content-Type": f'multipart/{subtype}; boundary="{boundary}"'}, body)

    def _plain(self, i: int, domain: str, headers: dict[str, str], text: str) -> bytes:
        return self._raw(i, domain, {**headers, "MIME-Version": "1.0", "Content-Type": "text/plain; charset=utf-8",
                                     "Content-Transfer-Encoding": "8bit"}, text)

    def _raw(self, i: int, domain: str, headers: dict[str, str], body: str, return_path: str | None = None) -> bytes:
        """Headers as a receiving server leaves them (trace, signature, ids), then the body; LF line ends,
        as Dovecot stores delivered mail."""
        rng = self.rng
        when = START + timedelta(seconds=i * 7)
        stamp = format_datetime(when)
        sender = return_path or f"<bounces+{rng.getrandbits(40):010x}@{domain}>"
        trace = (f"Return-Path: {sender}\nDelivered-To: {BOT}\n"
                 f"Received: from mx.{BOT_DOMAIN} by imap.{BOT_DOMAIN} with LMTP id {rng.getrandbits(64):016x}; {stamp}\n"
                 f"Received: from out.{domain} (out.{domain} [192.0.2.{i % 250 + 1}])\n\tby mx.{BOT_DOMAIN} "
                 f"(Postfix) with ESMTPS id {rng.getrandbits(40):010X}\n\tfor <{BOT}>; {stamp}\n"
                 f"DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d={domain}; s=s1; t={int(when.timestamp())};\n"
                 f"\th=from:to:subject:date:message-id; bh={base64.b64encode(rng.randbytes(32)).decode()};\n"
                 f"\tb={_base64_lines(rng.randbytes(256)).replace(chr(10), chr(10) + chr(9))}\n")
        fields = "".join(f"{name}: {value}\n" for name, value in headers.items())
        ids = f"Date: {stamp}\nMessage-ID: <{i}.{rng.getrandbits(64):016x}@{domain}>\n"
        return (trace + fields + ids + "\n" + body).encode("utf-8")


def _text_part(subtype: str, text: str) -> str:
    return f"Content-Type: text/{subtype}; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n{text}"


# ---------------------------------------------------------------------- loading a mailbox
@dataclass(frozen=True)
class Loaded:
    """What went into a mailbox."""

    messages: int
    size: int                 # bytes
    kinds: dict[str, int]


def maildir_of(host: MailHost, address: str) -> Path:
    """Where Dovecot keeps `address`'s INBOX (the test host's userdb: home = mail/<domain>/<local part>)."""
    local, domain = address.lower().split("@", 1)
    return host.mail_dir / domain / local / "Maildir"


def load_mailboxes(host: MailHost, addresses: Iterable[str], messages: Iterable[tuple[str, bytes]]) -> Loaded:
    """Write the same messages into each address's INBOX as Maildir files owned by the mail user, in
    arrival order (Dovecot numbers new files by the time in their name), then have Dovecot index them.

    Far faster than APPEND: 100,000 messages load in seconds."""
    addresses = list(addresses)
    owner = pwd.getpwnam(MAIL_USER)
    folders = []
    for address in addresses:
        maildir = maildir_of(host, address)
        for path in (maildir.parent.parent, maildir.parent, maildir, *(maildir / sub for sub in ("cur", "new", "tmp"))):
            path.mkdir(exist_ok=True)
            os.chown(path, owner.pw_uid, owner.pw_gid)
        folders.append(maildir / "cur")
    count = size = 0
    kinds: dict[str, int] = {}
    first = int(START.timestamp())
    for kind, raw in messages:
        # time.M<microseconds>P<pid>.<host>,S=<size>:2, ; no flags: unseen, as new mail is.
        name = f"{first + count}.M{count}P1.bench,S={len(raw)}:2,"
        for folder in folders:
            fd = os.open(folder / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                os.write(fd, raw)
                os.fchown(fd, owner.pw_uid, owner.pw_gid)
            finally:
                os.close(fd)
        count += 1
        size += len(raw)
        kinds[kind] = kinds.get(kind, 0) + 1
    for address in addresses:
        _doveadm(host, "force-resync", "-u", address, "INBOX")
    return Loaded(count, size, kinds)


def _doveadm(host: MailHost, *args: str) -> None:
    completed = subprocess.run([DOVEADM, "-c", str(host.dovecot_conf), *args], capture_output=True, text=True)
    if completed.returncode != 0:
        raise MailHostError(f"doveadm {' '.join(args)} failed ({completed.returncode}): {completed.stderr.strip()}")
