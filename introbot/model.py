"""Value types shared by the core and the edges: parties, introductions, events and effects."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields, replace
from datetime import datetime
from enum import Enum
from typing import Any


class Role(str, Enum):
    CLIENT = "client"
    COLLEAGUE = "colleague"

    @property
    def other(self) -> "Role":
        return Role.COLLEAGUE if self is Role.CLIENT else Role.CLIENT


class Consent(str, Enum):
    NOT_ASKED = "not-asked"
    ASKED = "asked"
    YES = "yes"
    NO = "no"
    STANDING = "standing"  # a colleague who accepts introductions without being asked each time

    @property
    def agreed(self) -> bool:
        return self in (Consent.YES, Consent.STANDING)


class IntroState(str, Enum):
    CONFIRMING = "confirming"  # a request we could not authenticate: waiting for the referrer's YES
    CLARIFYING = "clarifying"  # waiting for the referrer to say who should meet whom
    ASKING = "asking"  # consent asks are out
    INTRODUCED = "introduced"  # the one introduction went out; introbot has stepped out
    DECLINED = "declined"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    FAILED = "failed"  # somebody could not be reached

    @property
    def open(self) -> bool:
        return self in (IntroState.CONFIRMING, IntroState.CLARIFYING, IntroState.ASKING)


class Outcome(str, Enum):
    """What the referrer hears about, once each."""

    SENT = "sent"
    DECLINED = "declined"
    EXPIRED = "expired"
    FAILED = "failed"


class Purpose(str, Enum):
    """What a reply token answers: a party's consent ask, mail to the referrer, or the intro's thread."""

    CONSENT = "consent"
    REFERRER = "referrer"
    THREAD = "thread"


@dataclass(frozen=True)
class Party:
    """One of the two people to be introduced, with where their consent stands."""

    role: Role
    email: str
    name: str = ""
    website: str = ""
    specialty: str = ""
    language: str = "en"
    in_directory: bool = False
    consent: Consent = Consent.NOT_ASKED
    token: str = ""  # the party's single-use reply token (Reply-To plus-address and Message-ID)
    asked_at: datetime | None = None
    reminded_at: datetime | None = None
    answered_at: datetime | None = None
    answer_message_id: str = ""  # the consent record: which message carried the answer
    unclear_noted: bool = False  # has had the one note asking for a plain answer (unclear, or from elsewhere)
    stepped_out_noted: bool = False  # has had the one "I've stepped out" note

    @property
    def first_name(self) -> str:
        titles = {"dr", "prof", "mr", "mrs", "ms", "mx", "miss"}
        words = [w for w in self.name.replace(",", " ").split() if w.rstrip(".").lower() not in titles]
        return words[0] if words else ""

    @property
    def pending(self) -> bool:
        return self.consent is Consent.ASKED


@dataclass(frozen=True)
class Intro:
    """One requested introduction, from the referrer's message to its final state."""

    id: str
    state: IntroState
    referrer_email: str
    referrer_name: str
    created_at: datetime
    updated_at: datetime
    order: str = "client-first"
    client: Party | None = None
    colleague: Party | None = None
    note: str = ""  # what the referrer wrote for this purpose; purged when the intro ends
    request_message_id: str = ""
    referrer_token: str = ""  # carried by everything sent to the referrer; their reply to a question uses it
    clarify_missing: str = ""  # "client" or "colleague": what the referrer's answer to the question supplies
    clarify_asked_again: bool = False  # that question was asked once more (an answer named no one): never a third time
    client_hint: str = ""  # how the referrer called the client when no address was given
    candidates: tuple[str, ...] = ()  # directory addresses offered in the clarification question
    thread_token: str = ""  # carried by the introduction's Message-ID, to recognise replies to it
    intro_message_id: str = ""
    notified: tuple[Outcome, ...] = ()  # outcomes the referrer was told about
    language: str = "en"
    # When a party who said yes hears that the introduction is not going ahead (None: nobody waits).
    closing_note_at: datetime | None = None
    unreachable: str = ""  # "client" or "colleague": whose mail failed while they were being asked
    # Further colleagues the same request named ("to Maya Chen and Lio Park"), kept while the request is
    # confirmed or completed; each gets an intro of its own when this one starts asking.
    further_colleagues: tuple[Party, ...] = ()
    ended_at: datetime | None = None  # when it was introduced or closed (None while open): what "status" dates
    # While the request waits for the referrer's confirmation: the intros of their last request it stops once
    # confirmed ("Please ignore my last email, wrong client!" above a forward that could not be verified).
    sets_aside: tuple[str, ...] = ()

    def party(self, role: Role) -> Party:
        party = self.client if role is Role.CLIENT else self.colleague
        if party is None:
            raise LookupError(f"intro {self.id} has no {role.value} yet")
        return party

    @property
    def unanswered(self) -> frozenset[str]:
        """The addresses of the parties asked who have not answered: whom a note about its expiry names."""
        return frozenset(p.email for p in (self.client, self.colleague) if p is not None and p.pending)

    @property
    def introduced_at(self) -> datetime | None:
        """When the introduction went out (None while it has not): at the last yes it waited for. (A standing
        consent has no answer of its own; the client always answers.)"""
        if self.state is not IntroState.INTRODUCED:
            return None
        return max((p.answered_at for p in (self.client, self.colleague) if p is not None and p.answered_at),
                   default=self.updated_at)

    def with_party(self, party: Party) -> "Intro":
        return replace(self, **{party.role.value: party})

    def role_of(self, email: str) -> Role | None:
        """Whose address `email` is; an internationalised domain matches in either spelling (bücher or
        xn--bcher-kva), because envelopes and bounces carry the ASCII one."""
        for role, party in ((Role.CLIENT, self.client), (Role.COLLEAGUE, self.colleague)):
            if party is not None and _comparable(party.email) == _comparable(email):
                return role
        return None

    def to_json(self) -> str:
        return json.dumps(asdict(self), default=_encode, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> "Intro":
        return _decode_intro(json.loads(text))


def _comparable(email: str) -> str:
    local, _, domain = email.lower().rpartition("@")
    try:
        return f"{local}@{domain.encode('idna').decode('ascii')}"
    except UnicodeError:
        return email.lower()


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    raise TypeError(f"cannot store {type(value).__name__} in an intro record")


def _decode_party(data: dict | None) -> Party | None:
    if data is None:
        return None
    known = {f.name for f in fields(Party)}
    values = {k: v for k, v in data.items() if k in known}
    values["role"] = Role(values["role"])
    values["consent"] = Consent(values["consent"])
    for key in ("asked_at", "reminded_at", "answered_at"):
        if values.get(key):
            values[key] = datetime.fromisoformat(values[key])
    return Party(**values)


def _decode_intro(data: dict) -> Intro:
    known = {f.name for f in fields(Intro)}
    values = {k: v for k, v in data.items() if k in known}
    values["state"] = IntroState(values["state"])
    values["created_at"] = datetime.fromisoformat(values["created_at"])
    values["updated_at"] = datetime.fromisoformat(values["updated_at"])
    for key in ("closing_note_at", "ended_at"):
        if values.get(key):
            values[key] = datetime.fromisoformat(values[key])
    values["client"] = _decode_party(values.get("client"))
    values["colleague"] = _decode_party(values.get("colleague"))
    values["further_colleagues"] = tuple(_decode_party(p) for p in values.get("further_colleagues", ()))
    values["candidates"] = tuple(values.get("candidates", ()))
    values["sets_aside"] = tuple(values.get("sets_aside", ()))
    values["notified"] = tuple(Outcome(o) for o in values.get("notified", ()))
    intro = Intro(**values)
    if intro.ended_at is None and not intro.state.open:  # saved before the end was kept: its best guess
        intro = replace(intro, ended_at=intro.introduced_at or intro.updated_at)
    return intro


class Kind(str, Enum):
    """Every kind of message introbot writes; each has its own template."""

    ASK_CLIENT = "ask_client"
    ASK_COLLEAGUE = "ask_colleague"
    REMIND_CLIENT = "remind_client"
    REMIND_COLLEAGUE = "remind_colleague"
    UNCLEAR_ANSWER = "unclear_answer"
    ANSWER_FROM_HERE = "answer_from_here"  # an answer came from another address than the one asked
    INTRODUCTION = "introduction"
    REFERRER_SENT = "referrer_sent"
    REFERRER_DECLINED = "referrer_declined"
    REFERRER_EXPIRED = "referrer_expired"
    REFERRER_FAILED = "referrer_failed"
    CLARIFY = "clarify"
    REFUSED = "refused"
    PASS_ON = "pass_on"
    STEPPED_OUT = "stepped_out"
    STATUS = "status"  # a practitioner's list of their open requests, asked for by email
    CANCELLED = "cancelled"  # confirms a practitioner's "cancel <id>" by email
    CONFIRM_REQUEST = "confirm_request"  # "did you just ask me to introduce ...?" for an unauthenticated request
    NOT_GOING_AHEAD = "not_going_ahead"  # to a party who said yes, when the introduction ends without happening
    PARTY_UNREACHABLE = "party_unreachable"  # to one party, when the introduction did not reach the other


class Refused(str, Enum):
    """Why introbot does not act on a practitioner's message: the refused template words each in their language."""

    BOT_ADDRESS = "bot-address"  # a person named is introbot's own address
    SELF = "self"  # the practitioner named themself
    SAME_PERSON = "same-person"  # one person named as both parties
    FORWARDED_OURS = "forwarded-ours"  # a forward of introbot's own mail, answering no ask
    NO_OPEN_REQUEST = "no-open-request"  # "cancel <id>" of no open request of theirs; the detail adds the id
    HELD_BACK = "held-back"  # words holding back that mean no open request of theirs
    ALREADY_REQUESTED = "already-requested"  # a repeat; the detail adds the ids of the requests in hand

    def code(self, *ids: str) -> str:
        """The Send detail of this refusal, with the request ids it carries."""
        return " ".join([self.value, *ids])


@dataclass(frozen=True)
class Send:
    """An effect: write a message of `kind` to `to` (a role, or the referrer when `to` is None)."""

    kind: Kind
    to: Role | None = None
    detail: str = ""  # kind-specific: the clarification question's gap, the refusal's reason, who was unreachable
    in_reply_to: str = ""  # Message-ID this answers, when it continues a thread


@dataclass(frozen=True)
class Story:
    """A line of an intro's history, for `introbot show`; never holds personal data."""

    what: str
