"""Traffic for long runs: practitioners send requests, clients and colleagues answer their asks; then the
invariants: every request reached a final state, everyone received exactly the mails they should.

People act through the real mail host (requests and answers go in over SMTP); what they received is
read from their Maildirs, each new file once, so that hundreds of mailboxes can be watched cheaply.
"""

from __future__ import annotations

import email
import email.policy
import random
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from tests.conversation import ADA, BEN, BOT, LIO, MAYA, reply
from tests.reliability.world import ReliabilityWorld, direct_request, inbox_files

REFERRERS = (ADA, BEN)


@dataclass(frozen=True)
class Request:
    number: int
    referrer: tuple[str, str]
    client: tuple[str, str]
    colleague: tuple[str, str]  # Maya is asked; Lio has standing consent
    client_agrees: bool

    @property
    def introduced(self) -> bool:
        return self.client_agrees


@dataclass
class Mailbox:
    """One person's INBOX as seen so far: every message once, by file name."""

    path: Path
    seen: set[str] = field(default_factory=set)
    copies: Counter[str] = field(default_factory=Counter)  # Message-ID -> copies delivered

    def new_messages(self) -> list[email.message.EmailMessage]:
        found = []
        for file in inbox_files(self.path):
            name = file.name.split(":")[0]  # Dovecot renames new/x to cur/x:2,S
            if name in self.seen:
                continue
            try:
                message = email.message_from_bytes(file.read_bytes(), policy=email.policy.default)
            except FileNotFoundError:  # moved from new/ to cur/ while we looked: seen next time
                continue
            self.seen.add(name)
            self.copies[str(message["Message-ID"])] += 1
            found.append(message)
        return found


class Traffic:
    """`requests` requests from Ada and Ben; clients say yes 4 times in 5; Maya always says yes."""

    def __init__(self, world: ReliabilityWorld, requests: int, rng: random.Random):
        self.world = world
        self.rng = rng
        self.requests = [Request(n, REFERRERS[n % 2], (f"Client {n}", f"c{n}@client.example"),
                                 LIO if rng.random() < 0.3 else MAYA, rng.random() < 0.8) for n in range(requests)]
        self.sent = 0
        self.mailboxes: dict[str, Mailbox] = {}
        self.answered: set[str] = set()  # Message-IDs of asks already answered (a resent copy is not)
        self.by_client = {request.client[1]: request for request in self.requests}

    def mailbox(self, address: str) -> Mailbox:
        if address not in self.mailboxes:
            self.mailboxes[address] = Mailbox(self.world.maildir(address))
        return self.mailboxes[address]

    def send_request(self) -> bool:
        """The next practitioner's request, over SMTP; False when all were sent."""
        if self.sent == len(self.requests):
            return False
        request = self.requests[self.sent]
        message = direct_request(request.client, request.colleague[0], referrer=request.referrer)
        self.world.mail.deliver(message.as_bytes(), request.referrer[1], [BOT])
        self.sent += 1
        return True

    def answer(self) -> int:
        """Every client and colleague answers each new ask once; return how many answers went out."""
        answers = 0
        people = [self.by_client[r.client[1]] for r in self.requests[:self.sent]]
        for address in [request.client[1] for request in people] + [MAYA[1]]:
            for message in self.mailbox(address).new_messages():
                if not _is_ask(message) or message["Message-ID"] in self.answered:
                    continue
                self.answered.add(message["Message-ID"])
                agrees = address == MAYA[1] or self.by_client[address].client_agrees
                person = MAYA if address == MAYA[1] else self.by_client[address].client
                answer = reply(message, person, "Yes please, happy to." if agrees else "No thank you.")
                self.world.mail.deliver(answer.as_bytes(), address, [message["Reply-To"].addresses[0].addr_spec])
                answers += 1
        return answers

    def finished(self) -> int:
        """Requests whose referrer has heard the outcome (each outcome note is sent with the final state)."""
        for referrer in REFERRERS:
            self.mailbox(referrer[1]).new_messages()
        return sum(len(self.mailbox(referrer[1]).copies) for referrer in REFERRERS)

    def expected(self) -> dict[str, int]:
        """Distinct messages each person should hold once every request is final."""
        expected: Counter[str] = Counter()
        for request in self.requests:
            expected[request.referrer[1]] += 1  # introduced, or declined
            expected[request.client[1]] += 2 if request.introduced else 1  # the ask, then the introduction
            if request.introduced:
                expected[request.colleague[1]] += 2 if request.colleague == MAYA else 1  # (ask) and introduction
        return dict(expected)


def _is_ask(message: email.message.EmailMessage) -> bool:
    """A consent ask (or its reminder) from introbot: its Reply-To is intro's own plus-address."""
    reply_to = message.get("Reply-To")
    return (reply_to is not None and len(reply_to.addresses) == 1
            and reply_to.addresses[0].addr_spec.startswith("intro+") and str(message["From"]).endswith(f"<{BOT}>"))


@dataclass(frozen=True)
class Outcome:
    """The invariants' figures after a run."""

    requests: int
    final: int  # intros in a final state
    intros: int  # intros in the database (one per request, or a request was handled twice)
    lost: int  # expected messages that never arrived
    duplicated: int  # distinct messages beyond what was expected (a second ask, a second introduction ...)
    resent_copies: int  # extra copies of one Message-ID: SMTP's undecidable window
    unexpected_people: int  # people who received mail and should not have
    integrity: str
    left_in_inbox: int
    quarantined: int


def outcome(world: ReliabilityWorld, traffic: Traffic) -> Outcome:
    """Read every mailbox to the end and compare with what each person should have received."""
    expected = traffic.expected()
    for address in expected:
        traffic.mailbox(address).new_messages()
    lost = duplicated = resent = unexpected = 0
    for address, mailbox in traffic.mailboxes.items():
        want, got = expected.get(address, 0), len(mailbox.copies)
        lost += max(0, want - got)
        duplicated += max(0, got - want)
        resent += sum(mailbox.copies.values()) - got
        unexpected += want == 0 and got > 0
    states = dict(world.database_rows("SELECT state, count(*) FROM intros GROUP BY state"))
    folders = world.folder_sizes()
    return Outcome(requests=len(traffic.requests), final=states.get("introduced", 0) + states.get("declined", 0),
                   intros=sum(states.values()), lost=lost, duplicated=duplicated, resent_copies=resent,
                   unexpected_people=unexpected, integrity=world.integrity(), left_in_inbox=folders.get("INBOX", 0),
                   quarantined=folders.get("introbot/quarantine", 0))
