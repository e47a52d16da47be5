"""Conversation tests' world: people with real mailboxes on the test mail host, and introbot between them."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from datetime import datetime, timezone
from pathlib import Path

from introbot.cli import main
from tests.mailhost import MailHost

BOT = "intro@collective.example"
AUTHSERV_ID = "mx.collective.example"
ADA = ("Dr. Ada Lee", "ada@clinic.example")
BEN = ("Ben Okafor", "ben@clinic.example")
MAYA = ("Maya Chen", "maya@bodywork.example")
MAYA_2 = ("Maya Alvarez", "alvarez@bodywork.example")
LIO = ("Lio Park", "lio@bodywork.example")
SAM = ("Sam Rivera", "sam@client.example")
KIM = ("Kim Novak", "kim@client.example")

CONFIG = """\
[bot]
address = "{bot}"
name = "Intro Assistant"
database = "introbot.sqlite3"
referrer_notes = "{referrer_notes}"

[imap]
host = "127.0.0.1"
port = {imaps_port}
security = "tls"
username = "{bot}"
password_file = "password"
ca_file = "{ca_file}"
idle_renew = "{idle_renew}"

[smtp]
host = "127.0.0.1"
port = {submission_port}
security = "starttls"
username = "{bot}"
password_file = "password"
ca_file = "{ca_file}"
timeout = "10s"

[consent]
order = "{order}"
remind_after = "3d"
expire_after = "7d"

[trust]
authserv_id = "{authserv_id}"

[[practitioners]]
name = "{ada_name}"
email = "{ada}"
website = "https://clinic.example"
specialty = "acupuncture"

[[practitioners]]
name = "{ben_name}"
email = "{ben}"

[[colleagues]]
name = "{maya_name}"
email = "{maya}"
website = "https://bodywork.example"
specialty = "massage therapy"

[[colleagues]]
name = "{lio_name}"
email = "{lio}"
website = "https://lio.bodywork.example"
specialty = "craniosacral therapy"
standing_consent = true
"""


@dataclass
class World:
    """The practitioners, colleagues and clients of a conversation, and the intro@ mailbox between them."""

    mail: MailHost
    folder: Path
    order: str = "client-first"
    referrer_notes: str = "each"
    idle_renew: str = "4m"
    extra_config: str = ""
    sent_ids: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        (self.folder / "password").write_text(self.mail.password)
        self.config_path.write_text(CONFIG.format(
            bot=BOT, imaps_port=self.mail.imaps_port, submission_port=self.mail.submission_port,
            ca_file=self.mail.ca_file, order=self.order, authserv_id=AUTHSERV_ID,
            referrer_notes=self.referrer_notes, idle_renew=self.idle_renew,
            ada_name=ADA[0], ada=ADA[1], ben_name=BEN[0], ben=BEN[1], maya_name=MAYA[0], maya=MAYA[1],
            lio_name=LIO[0], lio=LIO[1]) + self.extra_config)

    @property
    def config_path(self) -> Path:
        return self.folder / "config.toml"

    @property
    def database(self) -> Path:
        return self.folder / "introbot.sqlite3"

    def once(self) -> None:
        """introbot does one full pass, exactly as cron would run it."""
        assert main(["once", "--config", str(self.config_path)]) == 0

    # Writing mail as people do

    def send(self, message: EmailMessage, *, sender: tuple[str, str], authenticated: bool = False,
             envelope_to: list[str] | None = None) -> EmailMessage:
        """Deliver `message` through the 'internet' SMTP port, as a remote provider would; wait until
        it reached intro@ when intro@ is among the recipients."""
        if authenticated:
            domain = sender[1].split("@")[1]
            message["Authentication-Results"] = (f"{AUTHSERV_ID}; dkim=pass header.d={domain} header.s=s1; "
                                                 f"spf=pass smtp.mailfrom={domain}; dmarc=pass header.from={domain}")
        recipients = envelope_to or recipients_of(message)
        before = len(self.mail.messages(BOT)) if BOT in recipients else 0
        self.mail.deliver(message.as_bytes(), sender[1], recipients)
        if BOT in recipients:
            self.mail.wait_for_messages(BOT, before + 1)
        return message

    def inbox(self, person: tuple[str, str] | str) -> list[EmailMessage]:
        return self.mail.messages(person if isinstance(person, str) else person[1])

    def wait_inbox(self, person: tuple[str, str], count: int) -> list[EmailMessage]:
        return self.mail.wait_for_messages(person[1], count)


def recipients_of(message: EmailMessage) -> list[str]:
    found = []
    for header in ("To", "Cc"):
        for value in message.get_all(header, []):
            found += [a.addr_spec.lower() for a in value.addresses]
    return found


def new_message(sender: tuple[str, str], to: list[tuple[str, str]] | tuple[str, str], subject: str, body: str,
                cc: list[tuple[str, str]] = ()) -> EmailMessage:
    message = EmailMessage()
    message["From"] = f"{sender[0]} <{sender[1]}>"
    message["To"] = ", ".join(f"{n} <{a}>" for n, a in ([to] if isinstance(to, tuple) else to))
    if cc:
        message["Cc"] = ", ".join(f"{n} <{a}>" for n, a in cc)
    message["Subject"] = subject
    message["Date"] = format_datetime(datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc))
    message["Message-ID"] = make_msgid(domain=sender[1].split("@")[1])
    message.set_content(textwrap.dedent(body).lstrip("\n"))
    return message


def gmail_forward(forwarder: tuple[str, str], original: EmailMessage, note: str) -> EmailMessage:
    """What Gmail sends when a practitioner forwards a client's email to intro@ with a note above it."""
    body = (f"{note}\n\n---------- Forwarded message ---------\n"
            f"From: {original['From']}\nDate: Mon, 2 Mar 2026 at 09:00\n"
            f"Subject: {original['Subject']}\nTo: {original['To']}\n\n"
            f"{original.get_content()}")
    return new_message(forwarder, ("Intro", BOT), f"Fwd: {original['Subject']}", body)


def reply(to_message: EmailMessage, writer: tuple[str, str], text: str, *, reply_all: bool = False,
          to_from: bool = False, attribution: str = "On Mon, 2 Mar 2026 at 10:00, {sender} wrote:",
          marked: bool = True, inline: bool = False) -> EmailMessage:
    """A reply as a mail client writes it: Re: subject, In-Reply-To/References, the quote below.

    Addressed to Reply-To (or From when there is none or `to_from`); `reply_all` adds the original
    To and Cc, minus the writer, as every mail client does. `attribution` is the client's line above
    the quote, in its language. Not `marked`: the quote has no ">" and no attribution line above it,
    as some phone and webmail clients send it in plain text. `inline`: Gmail's "Respond inline", the
    attribution line, then the quote without ">", `text` typed under the paragraph that asks a question."""
    reply_to = to_message.get("Reply-To")
    target = to_message["From"] if to_from or reply_to is None else reply_to
    recipients = [(a.display_name, a.addr_spec.lower()) for a in target.addresses]
    if reply_all:
        for header in ("To", "Cc"):
            for value in to_message.get_all(header, []):
                recipients += [(a.display_name, a.addr_spec.lower()) for a in value.addresses]
    seen, unique = set(), []
    for name, address in recipients:
        if address != writer[1] and address not in seen:
            seen.add(address)
            unique.append((name, address))
    original_text = to_message.get_body(("plain",)).get_content()
    if inline:
        paragraphs = original_text.replace("\r\n", "\n").split("\n\n")
        question = next(index for index, paragraph in enumerate(paragraphs) if "?" in paragraph)
        paragraphs.insert(question + 1, text)
        body = attribution.format(sender=to_message["From"]) + "\n\n" + "\n\n".join(paragraphs) + "\n"
    elif marked:
        quoted = "\n".join("> " + line if line else ">" for line in original_text.splitlines())
        body = f"{text}\n\n{attribution.format(sender=to_message['From'])}\n{quoted}\n"
    else:
        body = f"{text}\n\n{original_text}\n"
    message = new_message(writer, unique, "Re: " + str(to_message["Subject"]), body)
    message["In-Reply-To"] = to_message["Message-ID"]
    message["References"] = f"{to_message.get('References', '')} {to_message['Message-ID']}".strip()
    return message
