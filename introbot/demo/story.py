"""The demo's story: a practitioner, a client and a colleague meet through the real daemon, step by step."""

from __future__ import annotations

import email.policy
import textwrap
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import TextIO

from introbot.config import BotSettings, Config, ImapSettings, Person, Secret, SmtpSettings, TrustSettings
from introbot.demo.mailsystem import EmbeddedMailSystem

STEP_TIMEOUT = 30.0  # generous: each step takes well under a second here
QUIET_PERIOD = 1.0  # after the last step: long enough for a stray email from introbot to show up
SMTP_POLICY = email.policy.SMTP  # CRLF line ends, as mail travels
WIDTH = 72  # columns of an email's text as printed: the whole box fits in 80
RULE = "-" * (WIDTH + 2)


class StoryFailed(RuntimeError):
    """A step of the demo did not happen within its deadline."""


@dataclass(frozen=True)
class Character:
    """Somebody in the story, with a mailbox on the embedded mail system."""

    name: str
    email: str
    role: str  # what the narration and the --serve settings call them

    @property
    def mailbox(self) -> str:
        """How mail clients write them in a header: "Sam Rivera <sam@client.example>"."""
        local_part, domain = self.email.split("@")
        return str(Address(self.name, local_part, domain))


BOT = Character("Intro Assistant", "intro@collective.example", "the intro@ mailbox introbot watches")
ADA = Character("Dr. Ada Lee", "ada@clinic.example", "practitioner, who refers")
SAM = Character("Sam Rivera", "sam@client.example", "client")
MAYA = Character("Maya Chen", "maya@bodywork.example", "colleague, in the directory")
PEOPLE = (ADA, SAM, MAYA)
EXPECTED = {ADA: 1, SAM: 2, MAYA: 3}  # emails each person receives in the story
EXPECTED_WHAT = {ADA: "the one-line note that the introduction went out",
                 SAM: "introbot's question and the introduction",
                 MAYA: "introbot's question, the introduction, and Sam's reply-all"}

CLIENT_EMAIL = """\
Hi Dr. Lee,

Thank you for today's session. My lower back is still sore after long days at the desk.
Do you know someone who does massage?

Sam
"""
REFERRER_NOTE = "Maya Chen would be perfect for Sam's back. Thanks! Ada"


def demo_config(mail: EmbeddedMailSystem, folder: Path) -> Config:
    """introbot's settings for the demo, in code: the embedded mail system, a database in `folder`."""
    password = Secret(key="demo password", literal=mail.password)
    return Config(
        bot=BotSettings(address=BOT.email, name=BOT.name, database=folder / "introbot.sqlite3",
                        heartbeat_file=folder / "introbot.heartbeat"),
        imap=ImapSettings(host=mail.host, port=mail.imap_port, security="none", username=BOT.email,
                          password=password),
        smtp=SmtpSettings(host=mail.host, port=mail.smtp_port, security="none", username=BOT.email,
                          password=password),
        trust=TrustSettings(authserv_id=mail.authserv_id),
        practitioners=(Person(name=ADA.name, email=ADA.email, website="https://clinic.example",
                              specialty="acupuncture"),),
        colleagues=(Person(name=MAYA.name, email=MAYA.email, website="https://bodywork.example",
                           specialty="massage therapy"),))


# ---------------------------------------------------------------------- mail as people write it
def new_message(sender: Character, to: Sequence[str], subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender.mailbox
    message["To"] = ", ".join(to)
    message["Subject"] = subject
    message["Date"] = format_datetime(datetime.now(timezone.utc))
    message["Message-ID"] = make_msgid(domain=sender.email.split("@")[1])  # domain=: no DNS lookup
    message.set_content(body)
    return message


def gmail_forward(forwarder: Character, original: EmailMessage, note: str) -> EmailMessage:
    """What Gmail sends when a practitioner forwards a client's email to intro@ with a note above it."""
    body = (f"{note}\n\n---------- Forwarded message ---------\n"
            f"From: {original['From']}\nDate: {original['Date']}\n"
            f"Subject: {original['Subject']}\nTo: {original['To']}\n\n"
            f"{original.get_content()}")
    to_intro = str(Address("Intro", *BOT.email.split("@")))
    return new_message(forwarder, [to_intro], f"Fwd: {original['Subject']}", body)


def reply(to_message: EmailMessage, writer: Character, text: str, *, reply_all: bool = False) -> EmailMessage:
    """A reply as a mail client writes it: to Reply-To (else From), Re: subject, threading headers, the
    quote below; `reply_all` adds the original To and Cc, minus the writer."""
    target = to_message.get("Reply-To") or to_message["From"]
    recipients = list(target.addresses)
    if reply_all:
        for header in ("To", "Cc"):
            for value in to_message.get_all(header, []):
                recipients += value.addresses
    unique: dict[str, Address] = {}
    for address in recipients:
        if address.addr_spec.lower() != writer.email:
            unique.setdefault(address.addr_spec.lower(), address)
    quoted = "\n".join("> " + line if line else ">" for line in plain_text(to_message).splitlines())
    body = f"{text}\n\nOn {to_message['Date']}, {to_message['From']} wrote:\n{quoted}\n"
    subject = str(to_message["Subject"])
    message = new_message(writer, [str(address) for address in unique.values()],
                          subject if subject.lower().startswith("re:") else "Re: " + subject, body)
    message["In-Reply-To"] = to_message["Message-ID"]
    message["References"] = f"{to_message.get('References', '')} {to_message['Message-ID']}".strip()
    return message


def envelope_recipients(message: EmailMessage) -> list[str]:
    return [address.addr_spec.lower() for header in ("To", "Cc") for value in message.get_all(header, [])
            for address in value.addresses]


def plain_text(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    text = part.get_content() if part is not None else ""
    return text.replace("\r\n", "\n")


# ---------------------------------------------------------------------- showing mail as people see it
def displayed(text: str) -> list[str]:
    """An email's text as a mail client shows it: long lines wrapped, quoted text folded away."""
    lines: list[str] = []
    quoted = 0
    for line in text.rstrip("\n").splitlines() + [""]:
        if line.startswith(">"):
            quoted += 1
            continue
        if quoted:
            lines.append(f"> ... ({quoted} quoted lines hidden)")
            quoted = 0
        lines += textwrap.wrap(line, width=WIDTH, break_long_words=False, break_on_hyphens=False) or [""]
    return lines[:-1]


def show(message: EmailMessage, where: str, out: TextIO) -> None:
    """Print an email the way its reader's mail client shows it: the headers people read, then the text."""
    out.write(f"\n    +{RULE}\n    | In {where}\n    +{RULE}\n")
    for header in ("From", "To", "Cc", "Reply-To", "Subject"):
        if message.get(header) is not None:
            out.write(f"    | {header + ':':<10}{message[header]}\n")
    out.write("    |\n")
    for line in displayed(plain_text(message)):
        out.write(f"    | {line}".rstrip() + "\n")
    out.write(f"    +{RULE}\n\n")
    out.flush()


# ---------------------------------------------------------------------- the story itself
class Story:
    """Plays the people against a running introbot and narrates what each of them receives."""

    def __init__(self, mail: EmbeddedMailSystem, out: TextIO, timeout: float = STEP_TIMEOUT) -> None:
        self.mail = mail
        self.out = out
        self.timeout = timeout
        self._step = 0

    def play(self) -> None:
        """Raises StoryFailed, naming the step, when something does not happen within its deadline."""
        started = time.monotonic()
        self._narrate("Sam writes to Dr. Ada Lee about back pain. Ada forwards the email to introbot, with a "
                      "one-line note naming Maya Chen, a massage therapist she works with.")
        client_email = new_message(SAM, [ADA.mailbox], "Back pain", CLIENT_EMAIL)
        forward = self._send(gmail_forward(ADA, client_email, REFERRER_NOTE), ADA)
        show(forward, "introbot's inbox", self.out)

        self._narrate("introbot checks the forward really comes from Ada, a practitioner it knows, and asks the "
                      "client first, privately.")
        [ask] = self._wait(SAM, 1, "introbot's question to Sam")
        self._expect_nothing_for(MAYA, ADA, before="Sam has answered")
        show(ask, f"{SAM.name}'s inbox", self.out)

        self._narrate('Sam clicks Reply and writes "Yes please". introbot now asks Maya, without telling her '
                      "who the client is.")
        yes = self._send(reply(ask, SAM, "Yes please, that would be great!"), SAM)
        show(yes, "introbot's inbox", self.out)
        [colleague_ask] = self._wait(MAYA, 1, "introbot's question to Maya")
        show(colleague_ask, f"{MAYA.name}'s inbox", self.out)

        self._narrate('Maya replies "Happy to!". Both said yes: introbot sends ONE introduction to the two of '
                      "them, and Ada a one-line note. Then it steps out.")
        happy = self._send(reply(colleague_ask, MAYA, "Happy to! Thanks, Ada."), MAYA)
        show(happy, "introbot's inbox", self.out)
        intro = self._wait(SAM, 2, "the introduction to Sam")[1]
        intro_to_maya = self._wait(MAYA, 2, "the introduction to Maya")[1]
        if intro_to_maya["Message-ID"] != intro["Message-ID"]:
            raise StoryFailed("Sam and Maya received two different introductions instead of one email to both")
        [note] = self._wait(ADA, 1, "the note to Ada")
        show(intro, f"{SAM.name}'s and {MAYA.name}'s inboxes (one email to both)", self.out)
        show(note, f"{ADA.name}'s inbox", self.out)

        self._narrate("Sam clicks Reply All on the introduction. Reply-To names only Sam and Maya, so the "
                      "answer goes to Maya alone: introbot and Ada are not in it.")
        answer = self._send(reply(intro, SAM, "Lovely to meet you, Maya! Does Thursday afternoon work?",
                                  reply_all=True), SAM)
        if envelope_recipients(answer) != [MAYA.email]:
            raise StoryFailed("Sam's reply-all was addressed to more people than Maya")
        received = self._wait(MAYA, 3, "Sam's reply-all reaching Maya")[2]
        show(received, f"{MAYA.name}'s inbox", self.out)

        self._summarise(self._settle(), time.monotonic() - started)

    # ------------------------------------------------------------------ steps
    def _narrate(self, text: str) -> None:
        self._step += 1
        self.out.write(textwrap.fill(text, width=WIDTH + 6, initial_indent=f"[{self._step}] ",
                                     subsequent_indent=" " * (len(str(self._step)) + 3)) + "\n")
        self.out.flush()

    def _send(self, message: EmailMessage, writer: Character) -> EmailMessage:
        """Deliver what a person wrote, as their provider would: authentic, to every To and Cc."""
        self.mail.deliver(message.as_bytes(policy=SMTP_POLICY), writer.email, envelope_recipients(message))
        return message

    def _wait(self, person: Character, count: int, what: str) -> list[EmailMessage]:
        started = time.monotonic()
        try:
            messages = self.mail.wait_for_messages(person.email, count, timeout=self.timeout)
        except TimeoutError:
            raise StoryFailed(f"step {self._step}: {what} did not arrive within {self.timeout:g} s") from None
        self.out.write(f"    ... {what} arrived after {time.monotonic() - started:.1f} s\n")
        return messages

    def _expect_nothing_for(self, *people: Character, before: str) -> None:
        for person in people:
            if self.mail.messages(person.email):
                raise StoryFailed(f"step {self._step}: {person.name} received mail before {before}")

    def _settle(self) -> dict[Character, int]:
        """Wait until introbot has filed everything it received, then check nobody got anything extra;
        returns how many emails each person received."""
        deadline = time.monotonic() + self.timeout
        while self.mail.messages(BOT.email):
            if time.monotonic() > deadline:
                raise StoryFailed(f"introbot did not finish handling its mail within {self.timeout:g} s")
            time.sleep(0.05)
        time.sleep(QUIET_PERIOD)  # anything introbot still sent now would be one email too many
        received = {person: len(self.mail.messages(person.email)) for person in EXPECTED}
        for person, count in received.items():
            if count != EXPECTED[person]:
                raise StoryFailed(f"{person.name} received {count} emails; the story expects exactly "
                                  f"{EXPECTED[person]}")
        return received

    def _summarise(self, received: dict[Character, int], seconds: float) -> None:
        self.out.write("\nWhat each person received:\n")
        for person, count in received.items():
            emails = f"{count} email{'' if count == 1 else 's'}:"
            self.out.write(f"  {person.name:<12} {emails:<10}{EXPECTED_WHAT[person]}\n")
        self.out.write("The reply-all stayed between Sam and Maya: introbot sent nothing more and Ada was not "
                       f"copied.\nThe whole story took {seconds:.1f} s.\n")
        self.out.flush()
