"""Use cases joining the pure core and the store: handle an inbound message, sweep due work, drain the outbox."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
import sqlite3
import threading
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Callable, Collection, Iterator, TypeVar

from introbot.budget import TimeBudget
from introbot.caps import SendingCaps, log_alerts
from introbot.config import Config, Person
from introbot.core import workflow
from introbot.core.addresses import Address, AddressError, addresses_in_text, parse_address, parse_address_list
from introbot.core.answers import Answer, Reading
from introbot.core.authenticity import AuthVerdict, check_authentication_results, check_microsoft365_results, verify_dkim
from introbot.core.compose import LOOP_HEADER
from introbot.core.echo import added_to_subject, own_words
from introbot.core.forwards import find_forward, strip_subject_prefixes, subject_kind
from introbot.core.holding import (asks, asks_how_it_stands, client_named, defers, goes_on, holds_back,
                                   requests_asked_after, requests_meant)
from introbot.core.mime import Limits, UnreadableMessage, as_read, header_bytes, parse_message, raw_header_values
from introbot.core.quotes import split_reply
from introbot.core.render import Renderer
from introbot.core.request import (Candidate, Directory, Refusal, Understood, corrected_address, corrected_colleague,
                                   resolve_clarification, takes_no_option, understand, without_options_refused,
                                   without_people)
from introbot.core.robots import AutoKind, Automatic, addresses_in_notice, detect_automatic, read_consent
from introbot.core.screening import HeaderScreen, header_fields, may_carry_token
from introbot.core.text import body_text
from introbot.core.tokens import RandomBits, new_intro_id, new_token, tokens_in_addresses, tokens_in_message_ids
from introbot.core.withdrawal import changes_mind, takes_back
from introbot.edges.imap import IGNORED, PROCESSED, QUARANTINE, WHOLE, Fetched, ImapError, SentFolder
from introbot.edges.smtp import Delivery, SendResult, SmtpConfigError, SmtpSender
from introbot.edges.store import Batch, Outgoing, QueuedMail, Store, StoreError, TokenMatch, Transaction
from introbot.faults import crash_point, stall_point
from introbot.model import Consent, Intro, IntroState, Kind, Outcome, Party, Purpose, Refused, Role, Send
from introbot.outgoing import MailWriter, directory_party
from introbot.privacy import Purged, purge

log = logging.getLogger("introbot.service")

MAX_TRIES = 3  # a message that fails (or crashes the process) this often is quarantined
MAX_MESSAGE_BYTES = Limits().max_bytes  # larger messages are fetched as their header only, and quarantined
OVERSIZED = f"larger than {MAX_MESSAGE_BYTES // 2 ** 20} MB; parked unread"
UNCOPIED_AT_MOST = 2  # messages sent but not yet in the Sent folder: a crash then would send them twice
FOLDER_COUNTERS = {PROCESSED: "processed", IGNORED: "ignored", QUARANTINE: "quarantined"}
SCREENED = "screened"  # the ledger's kind for a message ignored from its header alone
MESSAGE_ID_KEY = "mid:"  # the start of a claim key made from a Message-ID
SCREENED_VERDICT = "not from a listed practitioner and no live token of ours"
WAITING = "waiting"  # the kind of a message that waits for its writer's earlier one (handed over WHOLE again)
# A failed message holds back its writer's "ignore my last email" until it is handled; one that failed longer ago
# than this (deleted from the folder meanwhile, say) no longer does.
FAILED_MESSAGE_WAIT = timedelta(days=1)
_MESSAGE_ID = re.compile(r"<[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,200}@[A-Za-z0-9.-]{1,200}>")
_MESSAGE_ID_FIELD = re.compile(rb"^message-id:[ \t]*(<[^>\r\n]{1,400}>)", re.IGNORECASE | re.MULTILINE)
_RECIPIENT_HEADERS = ("Delivered-To", "X-Original-To", "To", "Cc")
_STATUS_COMMAND = re.compile(r"status", re.IGNORECASE)
_CANCEL_COMMAND = re.compile(r"cancel\s+([a-z2-7]{8})", re.IGNORECASE)
# A forger who cannot authenticate as a practitioner can make introbot write to that practitioner's
# registered address; this many unanswered confirmations per practitioner, and no more, until one is
# answered or expires (consent.expire_after).
MAX_PENDING_CONFIRMATIONS = 3
MICROSOFT_AUTH_AS = "X-MS-Exchange-Organization-AuthAs"
# The requests a new one repeats: open ones, and of those that ended, only an introduction (see _unrepeated).
_REPEATABLE = frozenset(state for state in IntroState if state.open) | {IntroState.INTRODUCED}
# The DNS lookup DKIM verification needs: TXT record at a name, as bytes, or None when there is none.
DnsTxt = Callable[[str], "bytes | None"]


@dataclass
class Decision:
    """What one inbound message leads to; committed with its claim, in a transaction (or a savepoint of its batch's)."""

    kind: str  # request, answer, thread, clarification, readdressed, bounce, automatic, ignored, screened, refused,
    #            quarantined
    folder: str
    verdict: str  # the logged reason: never personal data
    intro: Intro | None = None
    effects: list[Send] = field(default_factory=list)
    message: EmailMessage | None = None
    referrer: Person | None = None  # for a refusal, which has no intro
    # The intros of the further colleagues a request named ("to Maya Chen and Lio Park"), begun with it.
    further: list[Decision] = field(default_factory=list)
    # The listed practitioner who wrote the message, so that "ignore my last email" finds it; "" for none of them.
    written_by: str | None = None


@dataclass(frozen=True)
class _Before:
    """What came before the message being decided, for "my last email": where the message is in the watched folder
    (UIDVALIDITY:UID, None when unknown), its claim key, and the messages before it in its batch that are not
    handled yet, with the folder each got (WHOLE: handed over again in this round; None: failed)."""

    arrival: str | None = None
    key: str | None = None
    unhandled: tuple[tuple[Fetched, str | None], ...] = ()


class _EarlierMessageFirst(Exception):
    """The message is about its writer's previous email ("please ignore my last email") while an earlier message of
    theirs is not handled yet: it waits for that one, so that "previous" means the one they sent before."""


def _arrived_before(arrival: str | None, other: str | None) -> bool:
    """Whether the message at `arrival` came into the folder before the one at `other` (both UIDVALIDITY:UID). An
    unknown place, or another UIDVALIDITY (the folder as it was before), counts as before."""
    if arrival is None or other is None:
        return True
    validity, _, uid = arrival.partition(":")
    other_validity, _, other_uid = other.partition(":")
    return validity != other_validity or int(uid) < int(other_uid)


# What may repeat a request in hand: a request as understood, or an intro the referrer's answer completed.
_Request = TypeVar("_Request", Understood, Intro)


def _as_person(party: Party | Candidate) -> Person:
    """A party (or a candidate for one) as the note's redaction (without_people) knows a person: name,
    address, website."""
    if isinstance(party, Candidate):
        return Person(party.name, party.email, website=party.person.website if party.person else "")
    return Person(party.name, party.email, website=party.website)


def _mailbox_key(fetched: Fetched) -> str:
    """Where a message is in the watched folder, as the inbound ledger keeps it."""
    return f"{fetched.uidvalidity}:{fetched.uid}"


def _in_full(fetched: Fetched) -> bool:
    """Whether the message will be read (it is whole, or too large, and so parked by its size)."""
    return fetched.whole or fetched.size > MAX_MESSAGE_BYTES


def _claim_key(fetched: Fetched) -> str | None:
    """The message's claim key, or None when only its first bytes are in hand and they cannot give it:
    its header goes on past them, or it has no clean Message-ID (the key is then a digest of it all)."""
    if _in_full(fetched):
        return message_key(fetched.raw)
    header = header_bytes(fetched.raw)
    if len(header) + 4 > len(fetched.raw):  # the empty line that ends it may not be in hand in full
        return None
    return _message_id_claim_key(header)


def _waits() -> Decision:
    """A message that waits for its writer's earlier one: handed over again after it (WHOLE)."""
    log.info("a message waits for an earlier one of its writer")
    return Decision(WAITING, WHOLE, "waits for an earlier message of its writer")


def _read_whole() -> Decision:
    """Not a decision: the header in hand does not settle the message, which must be read whole."""
    return Decision("whole", WHOLE, "its header does not settle it: to be read whole")


def _log_decision(decision: Decision) -> None:
    log.info("%s: %s%s", decision.kind, decision.verdict, f" (intro {decision.intro.id})" if decision.intro else "")


def _from_whom_the_token_went_to(match: TokenMatch | None, sender: Address | None) -> bool:
    """The message carries a reply token and comes from the address we sent it to: an address shaped like
    a robot's (booking-request@, clinic-owner@) that we chose to write to is no robot by its shape."""
    if match is None or sender is None:
        return False
    if match.purpose is Purpose.CONSENT:
        return not match.superseded and match.intro.role_of(sender.email) is match.role
    if match.purpose is Purpose.THREAD:
        return match.intro.role_of(sender.email) is not None
    return sender.email == match.intro.referrer_email


def safe_message_id(value: object) -> str:
    """An inbound Message-ID we may repeat in our own headers, or "" when it is not a clean one."""
    match = _MESSAGE_ID.search(str(value or ""))
    return match.group(0) if match else ""


def message_key(raw: bytes) -> str:
    """The claim key of a message: a digest of its Message-ID, or of its bytes when it has none.

    A digest, so that the ledger of handled mail holds nothing a reader could tie to a person.
    """
    return _message_id_claim_key(header_bytes(raw)) or "sha256:" + hashlib.sha256(raw).hexdigest()


def _message_id_claim_key(header: bytes) -> str | None:
    """The claim key of the clean Message-ID in a header block (mime.header_bytes); None when it has none."""
    match = _MESSAGE_ID_FIELD.search(header)
    if match:
        cleaned = safe_message_id(match.group(1).decode("ascii", "replace"))
        if cleaned:
            return message_id_key(cleaned)
    return None


def message_id_key(message_id: str) -> str:
    """The ledger key of a message with this (clean) Message-ID."""
    return MESSAGE_ID_KEY + hashlib.sha256(message_id.encode("utf-8")).hexdigest()


class Service:
    def __init__(self, config: Config, store: Store, renderer: Renderer, rng: RandomBits,
                 clock: Callable[[], datetime], dns_txt: DnsTxt | None = None):
        if config.trust.verify_dkim and dns_txt is None:
            raise ValueError("trust.verify_dkim is on, so the service needs a DNS TXT lookup: pass "
                             "dns_txt=introbot.edges.dns.TxtResolver()")
        self.config = config
        self.dns_txt = dns_txt
        self.store = store
        self.rng = rng
        self.clock = clock
        self.bot = config.bot.address
        self.domain = self.bot.split("@", 1)[1]
        self.practitioners = {p.email: p for p in config.practitioners}
        self.screen = HeaderScreen(self.practitioners)
        self.directory = Directory(config.practitioners + config.colleagues)
        self.rules = workflow.Rules(remind_after=config.consent.remind_after,
                                    expire_after=config.consent.expire_after,
                                    note_when_sent=config.bot.referrer_notes == "each")
        self.mail = MailWriter(config, renderer, store, rng, self.directory, self.rules)
        # The IMAP thread and the event loop both step intros: one at a time, so no update is lost.
        self._lock = threading.RLock()
        self._before = _Before()  # set while a message is decided (under the lock)
        self.budget = TimeBudget(config.limits.message_time_budget.total_seconds())
        self.caps = SendingCaps(config.limits, store)

    # Inbound

    def handle_batch(self, batch: list[Fetched]) -> list[str | None]:
        """The IMAP watcher's handler: a folder for each message, None to leave it for another try, or
        WHOLE for a message handed over as its first bytes only, when its header does not settle it, or for one
        that waits for its writer's earlier message (handed over again after it).

        Every message's effects are committed before this returns, and so before the watcher moves it.
        """
        crash_point("after-fetch")
        keys = [_claim_key(fetched) for fetched in batch]
        priors = iter(self.store.prior_folders([(_mailbox_key(fetched), key)
                                                for fetched, key in zip(batch, keys) if key is not None]))
        folders = [next(priors) if key is not None else WHOLE for key in keys]
        readable = [key for fetched, key, folder in zip(batch, keys, folders) if folder is None and _in_full(fetched)]
        if any(self.store.attempts(readable).values()):
            # A run died (or a message failed) in this batch: one message at a time, each try committed
            # before it starts, so that a message that kills the process again is the only one blamed.
            unhandled: list[tuple[Fetched, str | None]] = []
            for index, (fetched, key) in enumerate(zip(batch, keys)):
                folders[index] = folders[index] or self._handle_alone(fetched, key, tuple(unhandled))
                if folders[index] in (None, WHOLE):
                    unhandled.append((fetched, folders[index]))
        else:
            folders = self._handle_together(batch, keys, folders, readable)
        crash_point("before-move")
        return folders

    def _handle_together(self, batch: list[Fetched], keys: list[str | None], folders: list[str | None],
                         readable: list[str]) -> list[str | None]:
        """The batch in one transaction, a savepoint per message: one commit for the tries, one for the effects.

        The tries of the messages to be read are committed before any is handled: after a crash they
        are all counted, and the next run takes this batch one message at a time. (Only a header is
        screened, of a message in hand by its first bytes: bounded work, no try counted.)
        """
        with self.store.transaction() as tx:
            tx.count_attempts(list(dict.fromkeys(readable)))
        folders = list(folders)
        decided: dict[str, Decision] = {}  # by message key: a second copy in the batch only needs moving
        waiting: list[str] = []  # keys of messages that wait for an earlier one: that is not a failed try
        unhandled: list[tuple[Fetched, str | None]] = []  # the batch's messages so far left WHOLE, or failed
        with self._lock, self.store.batch() as together:
            for index, (fetched, key) in enumerate(zip(batch, keys)):
                if folders[index] is not None or key is None:  # handled before, or to be handed over whole
                    if folders[index] == WHOLE:
                        unhandled.append((fetched, WHOLE))
                    continue
                decision = decided.get(key) or self._decide_in(together, fetched, key, tuple(unhandled))
                folders[index] = decision.folder if decision is not None else None
                if decision is None:
                    together.transaction.note_failure(key, self._listed_writer(fetched.raw), _mailbox_key(fetched),
                                                      self.clock())
                elif decision.kind == WAITING:
                    waiting.append(key)
                elif decision.folder != WHOLE:
                    decided[key] = decision
                if folders[index] in (None, WHOLE):
                    unhandled.append((fetched, folders[index]))
            for name, count in Counter(FOLDER_COUNTERS[decision.folder] for decision in decided.values()).items():
                together.transaction.count(name, count)
            together.transaction.forget_attempts(list(decided))
            together.transaction.uncount_attempts(waiting)
        crash_point("after-commit")
        screened = 0
        for decision in decided.values():
            if decision.kind == SCREENED:
                screened += 1
            else:
                _log_decision(decision)
        if screened:
            log.info("%d message(s) ignored by their header: %s", screened, SCREENED_VERDICT)
        return folders

    def _decide_in(self, together: Batch, fetched: Fetched, key: str,
                   unhandled: tuple[tuple[Fetched, str | None], ...]) -> Decision | None:
        """Decide one message of a batch and write its effects in a savepoint; None when it failed. `unhandled`:
        the messages before it in the batch left WHOLE or failed."""
        now = self.clock()
        try:
            with together.event() as tx, self.budget.watch(), self._deciding(_Before(_mailbox_key(fetched), key,
                                                                                      unhandled)):
                if fetched.size > MAX_MESSAGE_BYTES:
                    decision = self._parked(OVERSIZED, fetched.raw)
                elif not fetched.whole:
                    decision = self.screened(fetched.raw) or _read_whole()
                else:
                    stall_point(key)
                    decision = self.decide(fetched.raw, now)
                if decision.folder != WHOLE:
                    self._write_decision(tx, decision, _mailbox_key(fetched), key, now)
        except (StoreError, sqlite3.OperationalError):
            raise  # the database, not the message: nothing of the batch is kept, and it is all tried again
        except Exception as error:  # one bad message must not stop the others; it is retried, then parked
            log.error("could not handle a message (try 1 of %d): %s", MAX_TRIES, type(error).__name__)
            return None
        return decision

    def _handle_alone(self, fetched: Fetched, key: str | None,
                      unhandled: tuple[tuple[Fetched, str | None], ...]) -> str | None:
        """One message in a transaction of its own; `unhandled`: the messages before it in the batch left WHOLE or
        failed."""
        if key is None:
            return WHOLE
        mailbox_key = _mailbox_key(fetched)
        prior = self.store.prior_folder(mailbox_key, key)
        if prior is not None:  # handled before a crash or a UIDVALIDITY change: it only needs moving
            return prior
        if not _in_full(fetched) and fetched.size <= MAX_MESSAGE_BYTES:
            decision = self.screened(fetched.raw)
            if decision is None:
                return WHOLE
            with self._lock:
                self._commit(decision, mailbox_key, key, self.clock())
            return decision.folder
        # Counted and committed before handling, one message at a time, so that a message that kills
        # the process is recognised after the restart, and only the message in hand is blamed.
        tries = self.store.note_attempts([key])[key]
        if tries > MAX_TRIES:
            return self._park(mailbox_key, key, f"failed {tries - 1} times; parked for the operator", fetched.raw)
        if fetched.size > MAX_MESSAGE_BYTES:
            return self._park(mailbox_key, key, OVERSIZED, fetched.raw)
        try:
            with self.budget.watch(), self._deciding(_Before(mailbox_key, key, unhandled)):
                stall_point(key)
                return self.handle(fetched.raw, mailbox_key, key)
        except Exception as error:  # one bad message must not stop the others; it is retried, then parked
            log.error("could not handle a message (try %d of %d): %s", tries, MAX_TRIES, type(error).__name__)
            with self.store.transaction() as tx:
                tx.note_failure(key, self._listed_writer(fetched.raw), mailbox_key, self.clock())
            return None

    @contextmanager
    def _deciding(self, before: _Before) -> Iterator[None]:
        """What came before the message, known while it is decided (and only then: a later decision outside a batch
        must not see this one's neighbours)."""
        with self._lock:
            self._before = before
            try:
                yield
            finally:
                self._before = _Before()

    def _wait_for_previous(self, practitioner: str, now: datetime) -> None:
        """Raise _EarlierMessageFirst when a message the practitioner wrote before the one being decided is not
        handled yet: left WHOLE or failed earlier in its batch, or failed in an earlier run and awaiting another
        try. It is the one they mean by "my last email" (a large forward, handed over header first, comes whole
        after a short message of the same batch)."""
        before = self._before
        if any(self._listed_writer(fetched.raw) == practitioner for fetched, _ in before.unhandled):
            raise _EarlierMessageFirst()
        failed = self.store.failed_from(practitioner, now - FAILED_MESSAGE_WAIT, other_than=before.key)
        if any(_arrived_before(arrival, before.arrival) for arrival in failed):
            raise _EarlierMessageFirst()

    def _parked(self, reason: str, raw: bytes) -> Decision:
        """The message (`raw`, or its header) is quarantined unread, for `reason`."""
        return Decision("quarantined", QUARANTINE, reason, written_by=self._listed_writer(raw))

    def _park(self, mailbox_key: str, key: str, reason: str, raw: bytes) -> str:
        with self._lock:
            self._commit(self._parked(reason, raw), mailbox_key, key, self.clock())
        log.warning("quarantined a message: %s", reason)
        return QUARANTINE

    def _listed_writer(self, raw: bytes) -> str | None:
        """The listed practitioner a message parked unread (too large, or failing) is from, by its header alone:
        it is still their last email, one that started no request ("Please ignore my last email" right after
        it must not stop the one before). None for anyone else, or for a header that cannot be read.

        It runs outside the time budget (for a message that overran it, too), so it reads only what it needs: the
        screen's split of the header block into fields, and the one From with introbot's strict address parser.
        The full parse, which reads every structured header with the stdlib, took minutes on hostile headers."""
        try:
            senders = [as_read(value) for name, value in header_fields(header_bytes(raw)) if name.lower() == "from"]
            sender = parse_address(senders[0]) if len(senders) == 1 else None
        except Exception:  # a message parked for failing may fail here too: parking it must not
            return None
        return sender.email if sender is not None and sender.email in self.practitioners else None

    def handle(self, raw: bytes, mailbox_key: str | None = None, key: str | None = None) -> str:
        """Decide what one message means, commit its effects with its claim, and return its folder (WHOLE, and
        nothing committed, when it waits for its writer's earlier message)."""
        key = key or message_key(raw)
        with self._lock:
            prior = self.store.prior_folder(mailbox_key, key)
            if prior is not None:
                return prior
            now = self.clock()
            decision = self.decide(raw, now)
            if decision.kind == WAITING:
                with self.store.transaction() as tx:
                    tx.uncount_attempts([key])  # waiting is not failing
                return decision.folder
            self._commit(decision, mailbox_key, key, now)
        crash_point("after-commit")
        _log_decision(decision)
        return decision.folder

    def decide(self, raw: bytes, now: datetime) -> Decision:
        """What one message means: from its header alone when it cannot matter, else from a full reading; WAITING
        when it is about its writer's previous message, which is not handled yet."""
        try:
            return self.screened(raw) or self.read_in_full(raw, now)
        except _EarlierMessageFirst:
            return _waits()

    def screened(self, raw: bytes) -> Decision | None:
        """IGNORED when the header block shows the message cannot matter; None when it must be read in full.

        It cannot matter when it is not from a listed practitioner and carries no live token of ours
        (a stranger, a newsletter, a robot writing about mail long forgotten): read in full, it would
        be ignored too. Its body is never parsed, so a malformed one goes to ignored, not quarantine.
        """
        screening = self.screen.screen(raw)
        if screening.read_in_full or any(self.store.match_token(token) for token in screening.tokens):
            return None
        return Decision(SCREENED, IGNORED, SCREENED_VERDICT)

    def read_in_full(self, raw: bytes, now: datetime) -> Decision:
        """What one message means, from the MIME parse of the whole of it."""
        try:
            message = parse_message(raw)
        except UnreadableMessage as error:
            return Decision("quarantined", QUARANTINE, f"could not read: {error.reason}")
        match = self._token_match(message)
        try:
            sender: Address | None = parse_address(next(iter(raw_header_values(message, "From")), ""))
            unusable_sender = ""
        except AddressError as error:
            sender, unusable_sender = None, str(error)
        # A listed practitioner writing to intro@ unprompted is making a request: its wording is never
        # taken for an autoresponder's (their headers still are).
        unprompted_practitioner = match is None and sender is not None and sender.email in self.practitioners
        automatic = detect_automatic(message, own_loop_header=(LOOP_HEADER, self.bot),
                                     read_wording=not unprompted_practitioner,
                                     sender_was_asked=_from_whom_the_token_went_to(match, sender))
        if match is None and automatic is not None and automatic.kind is AutoKind.BOUNCE:
            match = self._returned_match(automatic)
        if automatic is not None:
            return self._automatic(automatic, match, message, now)
        if sender is None:
            return Decision("ignored", IGNORED, f"unusable From header: {unusable_sender}")
        decision = self._reply(match, sender.email, message, now) if match is not None else self._written(
            raw, message, sender, now)
        if sender.email in self.practitioners and decision.written_by is None:
            decision.written_by = sender.email
        return decision

    def _written(self, raw: bytes, message: EmailMessage, sender: Address, now: datetime) -> Decision:
        """What a message written to intro@ without a token of ours means: a practitioner's request, command,
        or words about their requests; anyone else's is ignored."""
        practitioner = self.practitioners.get(sender.email)
        if practitioner is None:
            return Decision("ignored", IGNORED, "sender is not a listed practitioner")
        references = [message_id_key(m) for m in self._references(message)]
        # A reply in the thread of an earlier request is no new request; it counts only to stop that one
        # ("Sorry, please ignore my last email").
        earlier = self.store.handled_as(references, "request")
        replied = self._request_of(earlier) if earlier is not None else []
        own_text = split_reply(body_text(message)).new_text if replied else ""
        # A correction only from the referrer, written to introbot: told to the client with intro@ still copied,
        # "Lio Park would be a good alternative instead" is advice to them.
        correction = next(((i, c) for i in replied if i.referrer_email == sender.email
                           and self._to_introbot_only(message, sender.email)
                           and (c := self._corrected_colleague(own_text, i)) is not None), None)
        if earlier is not None and correction is None and not self._still_for_introbot(message, practitioner, replied, now):
            return Decision("ignored", IGNORED, "a reply in the thread of an earlier request")
        doubt = self._authenticity(raw, message, sender.domain)
        if doubt is not None:
            if correction is not None:  # changing a request takes an authenticated sender, as cancelling does
                doubted = Decision("ignored", IGNORED, f"{doubt}; a correction of a request, so nothing is changed")
            elif self._command(message, practitioner, now) is not None or self._asks_how_it_stands(
                    split_reply(body_text(message)).new_text, message, practitioner, now):
                # No confirmation of a request nobody made ("Did you just ask me to introduce a client to a
                # colleague?"); a status answered unauthenticated would let a forger write to them without end.
                doubted = Decision("ignored", IGNORED, f"{doubt}; a status question or command, so nothing is sent")
            else:
                doubted = self._confirm(message, practitioner, doubt, now)
            # Ignored, it changed nothing and may not be theirs (a forged From): it is not the practitioner's last
            # email, which a spoof slipped in between would otherwise keep "ignore my last email" from finding.
            return replace(doubted, written_by="") if doubted.folder == IGNORED else doubted
        if correction is not None:  # "Sorry, I meant Lio Park, not Maya", in reply to the request itself
            return self._correct(*correction, message, now)
        return self._request(message, practitioner, now)

    def _corrected_colleague(self, text: str, intro: Intro) -> Candidate | None:
        """The colleague the referrer's `text` puts in the place of the open `intro`'s, before that one
        was introduced: see corrected_colleague."""
        if intro.colleague is None or not (intro.state in (IntroState.CONFIRMING, IntroState.ASKING) or (
                intro.state is IntroState.CLARIFYING and intro.clarify_missing == "client")):
            return None
        excluded = frozenset({intro.referrer_email, self.bot} | ({intro.client.email} if intro.client else set()))
        # "Sorry, I meant Lio, not Maya" of a request for Maya and Lio: Lio is asked already, so the correction
        # only drops Maya (see _correct).
        return corrected_colleague(text, self.directory.candidate(intro.colleague.email), self.directory, excluded)

    def _correct(self, intro: Intro, candidate: Candidate, message: EmailMessage, now: datetime) -> Decision:
        """The open `intro` goes on with `candidate` as its colleague; the referrer's note loses the one it
        named before (see workflow.redirect)."""
        already = {p.email for i in [intro, *self.store.siblings(intro)] if i.state.open
                   for p in (i.colleague, *i.further_colleagues) if p and p.email != intro.party(Role.COLLEAGUE).email}
        if candidate.email in already:  # the request has that colleague already: only this one stops
            return self._stop([intro], message, now, "the referrer dropped a colleague of the request")
        colleague = self._party(Role.COLLEAGUE, candidate)
        before = intro.party(Role.COLLEAGUE)
        note = without_people(intro.note, [_as_person(before)], _as_person(colleague))
        (after, effects), begun = workflow.redirect(intro, colleague, note, now, self.rules, self.rng)
        decision = self._with_further_intros(
            Decision("correction", PROCESSED, "the referrer corrected the colleague", after, effects, message), now)
        if begun is not None:
            decision.further.append(Decision("correction", PROCESSED, "the corrected request: consent asked",
                                             begun[0], begun[1], message))
        return decision

    def _request_of(self, intro_id: str) -> list[Intro]:
        """The intros one request started: `intro_id`'s and its siblings' ("" for none)."""
        intro = self.store.intro(intro_id) if intro_id else None
        return [intro] + self.store.siblings(intro) if intro else []

    def _still_for_introbot(self, message: EmailMessage, practitioner: Person, replied: list[Intro],
                            now: datetime) -> bool:
        """What a reply in the thread of an earlier request (the `replied` intros) may still say to introbot:
        a command ("cancel <id>", "status"), words holding a request back ("Sorry, please ignore my last
        email"), or another request ("Could you also introduce Kim to Lio Park?")."""
        if self._command(message, practitioner, now) is not None:
            return True
        if self._asks_how_it_stands(split_reply(body_text(message)).new_text, message, practitioner, now):
            return True  # "Has Maya answered yet?"
        understood = understand(message, practitioner, self.directory, self.bot)
        held_back = isinstance(understood, Understood) and understood.held_back
        return held_back or self._another_request(message, understood, replied,
                                                  self._to_introbot_only(message, practitioner.email))

    def _to_introbot(self, message: EmailMessage, sender: str) -> bool:
        """Whether `message` is written to introbot: nobody but the sender and intro@ (with or without a token) in
        its To, whoever is copied (an assistant); with no To, as `_to_introbot_only`."""
        to = self._visible_recipients(message, ("To",)) - {sender}
        if not to:
            return self._to_introbot_only(message, sender)
        return all(address == self.bot or tokens_in_addresses([address], self.bot) for address in to)

    def _to_introbot_only(self, message: EmailMessage, sender: str) -> bool:
        """Whether `message` is written to introbot alone: nobody but the sender and intro@ (with or without
        a token) in its To and Cc."""
        return all(address == sender or address == self.bot or tokens_in_addresses([address], self.bot)
                   for address in self._visible_recipients(message))

    @staticmethod
    def _another_request(message: EmailMessage, understood: Understood | Refusal, replied: list[Intro],
                         to_introbot: bool = True) -> bool:
        """A reply to the referrer's own request or to a note of ours that asks, in so many words, for an
        introduction other than the `replied` ones ("Thanks! Could you also introduce Kim to Lio Park?");
        "Thanks for the intro", a promise to the client in a thread intro@ is copied on ("I can connect you
        with Lio"), or the same request said again is none."""
        if not asks(split_reply(body_text(message)).new_text, to_introbot):
            return False
        if isinstance(understood, Refusal):
            return True  # asked for, naming the wrong people: the referrer hears why
        colleagues = {c.email for c in (understood.colleague, *understood.further_colleagues) if c}
        client = understood.client.email if understood.client else None
        if not (colleagues or client or understood.options or understood.client_hint):
            return False  # "go ahead", "introduce them": naming nobody, it says nothing new
        # Colleagues the replied requests already have for this client ("Thanks for introducing her to Maya!
        # Could you also introduce her to Lio Park?" asks for Lio alone; _unrepeated leaves Maya out).
        covered = {p.email for intro in replied if client is None or (intro.client and intro.client.email == client)
                   for p in (intro.colleague, *intro.further_colleagues) if p}
        return not colleagues or bool(colleagues - covered)

    def _authenticity(self, raw: bytes, message: EmailMessage, from_domain: str) -> str | None:
        """Why the message cannot be trusted to come from the practitioner, or None when it can.

        Our receiving server's Authentication-Results (or Exchange Online's, with trust.provider)
        first; then, with trust.verify_dkim, a DKIM signature we verify ourselves.
        """
        trust = self.config.trust
        if not trust.require_authenticated:
            return None
        results = [str(v) for v in message.get_all("Authentication-Results", [])]
        verdicts: list[AuthVerdict] = []
        if trust.provider == "microsoft365":
            auth_as = [str(v) for v in message.get_all(MICROSOFT_AUTH_AS, [])]
            verdicts.append(check_microsoft365_results(results, auth_as, from_domain))
        elif trust.authserv_id:
            verdicts.append(check_authentication_results(results, from_domain, trust.authserv_id))
        if trust.verify_dkim and not any(v.authentic for v in verdicts):
            assert self.dns_txt is not None
            try:
                verdicts.append(verify_dkim(raw, from_domain, self.dns_txt))
            except Exception as error:  # the resolver failed: no verdict on the message, so ask the practitioner
                verdicts.append(AuthVerdict(False, (f"the DKIM key lookup failed ({type(error).__name__})",)))
        if any(v.authentic for v in verdicts):
            return None
        return "not authenticated: " + "; ".join(r for v in verdicts for r in v.reasons)

    def _confirm(self, message: EmailMessage, practitioner: Person, doubt: str, now: datetime) -> Decision:
        """A listed practitioner's request we cannot authenticate: one confirmation to their registered
        address, and nothing else until they answer YES with its token."""
        pending = self.store.intros(IntroState.CONFIRMING, practitioner.email)
        if len(pending) >= MAX_PENDING_CONFIRMATIONS:
            return Decision("ignored", IGNORED, f"{doubt}; {len(pending)} confirmations are already waiting "
                                                f"for this practitioner, so none is sent")
        understood = understand(message, practitioner, self.directory, self.bot)
        if isinstance(understood, Refusal):
            return Decision("ignored", IGNORED, f"{doubt}; and it names the wrong people, so nothing is sent")
        if understood.held_back:  # stopping requests takes an authenticated sender, as "cancel <id>" does
            return Decision("ignored", IGNORED, f"{doubt}; and it asks not to introduce, so nothing is started or stopped")
        # What repeats a request in hand is left out quietly: an unauthenticated sender gets confirmations only.
        # What it sets aside is stopped only once confirmed: stopping requests takes an authenticated sender.
        set_aside = self._set_aside(understood, practitioner, now)
        unrepeated, _ = self._unrepeated(understood, practitioner, message, now, {i.id for i in set_aside})
        if unrepeated is None:
            return Decision("ignored", IGNORED, f"{doubt}; and it repeats a request in hand, so nothing is sent")
        intro = replace(self._new_intro(unrepeated, practitioner, message, now), state=IntroState.CONFIRMING,
                        sets_aside=tuple(i.id for i in set_aside))
        effects = [Send(Kind.CONFIRM_REQUEST, in_reply_to=intro.request_message_id)]
        return Decision("request", PROCESSED, f"{doubt}; asked the practitioner to confirm", intro, effects,
                        message)

    def _token_match(self, message: EmailMessage) -> TokenMatch | None:
        addresses: list[str] = []
        for header in _RECIPIENT_HEADERS:
            for value in raw_header_values(message, header):
                if not may_carry_token(value):  # spares the (slow) address parser a header with no token
                    continue
                try:
                    addresses.extend(a.email for a in parse_address_list(value))
                except AddressError:
                    continue
        tokens = tokens_in_addresses(addresses, self.bot)
        tokens += tokens_in_message_ids([str(message.get("In-Reply-To", "")), str(message.get("References", ""))],
                                        self.domain)
        for token in tokens:
            match = self.store.match_token(token)
            if match is not None:
                return match
        return None

    def _returned_match(self, bounce: Automatic) -> TokenMatch | None:
        """The intro of a bounce that reached intro@ without its plus-address (a relay rewrote our
        envelope sender): our own Message-ID in the message it returns says which mail failed."""
        for token in tokens_in_message_ids(bounce.original_message_ids, self.domain):
            match = self.store.match_token(token)
            if match is not None:
                return match
        return None

    @staticmethod
    def _references(message: EmailMessage) -> list[str]:
        found = []
        for header in ("In-Reply-To", "References"):
            found += _MESSAGE_ID.findall(str(message.get(header, "")))
        return found

    def _automatic(self, automatic, match: TokenMatch | None, message: EmailMessage, now: datetime) -> Decision:
        reasons = "; ".join(automatic.reasons)
        # A bounce, hard or with a temporary cause (a mailbox full until the MTA gave up), says our mail
        # was not delivered; a delay says it may still be.
        if automatic.kind is not AutoKind.BOUNCE or match is None:
            return Decision("automatic", IGNORED, f"automatic mail ({automatic.kind.value}): {reasons}")
        intro = match.intro
        role = match.role
        if match.superseded:
            return Decision("bounce", IGNORED, f"bounce of an ask to an earlier address: {reasons}", intro=intro)
        if match.purpose is Purpose.THREAD:
            failed = [intro.role_of(a) for a in automatic.failed_recipients]
            role = next((r for r in failed if r is not None), None)
            if role is None:
                # Listed in no form we know ("Die Zustellung an maya@... ist fehlgeschlagen"): the one
                # party the bounce's own text names is the one it failed for.
                named = {r for r in (intro.role_of(a) for a in addresses_in_notice(message)) if r is not None}
                role = named.pop() if len(named) == 1 else None
        if match.purpose is Purpose.REFERRER or role is None:
            return Decision("bounce", IGNORED, f"bounce of mail to the referrer or unknown recipient: {reasons}",
                            intro=intro)
        intro, effects = workflow.step(intro, workflow.Undeliverable(role), now, self.rules, self.rng)
        return Decision("bounce", IGNORED, f"bounce: {role.value} undeliverable", intro, effects, message)

    def _reply(self, match: TokenMatch, sender: str, message: EmailMessage, now: datetime) -> Decision:
        intro = match.intro
        message_id = safe_message_id(message.get("Message-ID"))
        if match.purpose is Purpose.CONSENT:
            assert match.role is not None
            if match.superseded:
                return Decision("ignored", IGNORED, "an answer to an ask since sent to another address", intro)
            if sender != intro.party(match.role).email:
                return self._answered_elsewhere(intro, match.role, sender, now)
            return self._consent_answer(intro, match.role, message, now)
        if match.purpose is Purpose.THREAD:
            writer = intro.role_of(sender)
            if writer is None:
                return Decision("ignored", IGNORED, "a message in an intro's thread from neither party", intro)
            other = intro.party(writer.other).email
            event = workflow.ThreadReply(writer, other in self._visible_recipients(message), message_id)
            after, effects = workflow.step(intro, event, now, self.rules, self.rng)
            verdict = "reply in the intro's thread: " + ("passed on" if effects else "already with the other party")
            return Decision("thread", PROCESSED, verdict, after, effects, message)
        return self._referrer_reply(intro, sender, message, now)

    def _consent_answer(self, intro: Intro, role: Role, message: EmailMessage, now: datetime) -> Decision:
        reading = self._read_answer(message, intro, role)
        agrees = {Answer.YES: True, Answer.NO: False}.get(reading.answer)
        said = f"{reading.answer.value} ({reading.reason})"
        if agrees is not True and intro.party(role).consent is Consent.YES:
            own = self._own_words(message, self._mail_to(intro, role))
            if agrees is False and not takes_back(own):
                agrees = None  # "No questions, thanks" after a yes is no change of mind
                said = f"a no after their yes, without taking it back: left as it was ({reading.reason})"
            elif agrees is None and changes_mind(own):
                agrees = False  # "Sorry, I've changed my mind", which alone could go either way, after a yes
                said = f"a change of mind after their yes: taken as their no ({reading.reason})"
        if reading.language:  # answer people in the language they answered in
            intro = intro.with_party(replace(intro.party(role), language=reading.language))
        event = workflow.Answered(role, agrees, safe_message_id(message.get("Message-ID")))
        after, effects = workflow.step(intro, event, now, self.rules, self.rng)
        return Decision("answer", PROCESSED, f"{role.value} answered: {said}", after, effects, message)

    def _forwarded_ours(self, message: EmailMessage, practitioner: Person, now: datetime) -> Decision | None:
        """A practitioner who forwards one of introbot's own messages to intro@ ("Yes, happy to see Sam" above
        the ask they got as a colleague) makes no request. Their note answers the one ask of theirs still
        waiting; with none or several, one line says to reply to the ask itself."""
        if self.domain not in body_text(message).lower() and not (message.is_multipart() and any(
                part.get_content_type() == "message/rfc822" for part in message.walk())):
            return None  # nothing of ours in it: spares the forward parser (a third of a request's reading)
        forward = find_forward(message)
        # What they forwarded themselves: the outermost message, or each one attached; a client's email that
        # quotes our mail further in ("Maya never got back to me after this") is the client's, not ours.
        forwarded = [m for m in forward.messages if m.attached] or [forward.original] if forward else []
        if not any(m.sender_address and (m.sender_address == self.bot or tokens_in_addresses(
                [m.sender_address], self.bot)) for m in forwarded):
            return None
        # The ask they forwarded, known by its subject: a forward of our status mail or of an old introduction
        # answers nothing.
        subject = strip_subject_prefixes(forward.original.subject or "").strip().casefold()
        waiting = [(intro, role) for intro in self.store.intros(IntroState.ASKING)
                   if (role := intro.role_of(practitioner.email)) is not None and intro.party(role).consent is Consent.ASKED
                   and any(strip_subject_prefixes(str(ours.get("Subject", ""))).strip().casefold() == subject
                           for ours in self._mail_to(intro, role))]
        if len(waiting) == 1:
            return self._consent_answer(*waiting[0], message, now)
        return Decision("refused", PROCESSED, "a forward of introbot's own mail, not a request", message=message,
                        referrer=practitioner, effects=[Send(Kind.REFUSED, detail=Refused.FORWARDED_OURS.code(),
                                                             in_reply_to=safe_message_id(message.get("Message-ID")))])

    def _answered_elsewhere(self, intro: Intro, role: Role, sender: str, now: datetime) -> Decision:
        """A reply with a party's token from another address counts for nothing. Unless it came from someone
        we know (the referrer, the other party: the ask was passed on to them), the asked address hears once
        that only it can answer; the note does not thread on the foreign message, whose id names its domain."""
        if sender == intro.referrer_email or intro.role_of(sender) is not None:
            return Decision("ignored", IGNORED, "an answer from someone other than the person asked", intro)
        after, effects = workflow.step(intro, workflow.AnsweredElsewhere(role), now, self.rules, self.rng)
        if not effects:
            return Decision("ignored", IGNORED, "an answer from someone other than the person asked", intro)
        return Decision("answer", PROCESSED, f"an answer for the {role.value} from another address: they are told "
                                             f"to answer from the one asked", after, effects)

    def _referrer_reply(self, intro: Intro, sender: str, message: EmailMessage, now: datetime) -> Decision:
        # The reply token went only to the practitioner's registered address: it, not the message's
        # own authentication, proves the answer is theirs (RELIABILITY 23).
        if sender != intro.referrer_email:
            return Decision("ignored", IGNORED, "a reply to mail for the referrer, from someone else", intro)
        practitioner = self.practitioners.get(sender)
        command = self._command(message, practitioner, now) if practitioner else None
        if command is not None:  # "cancel <id>" typed as a reply to a note of ours
            return command
        answer = self._own_words(message, self._mail_to(intro, None))
        found = self._answer_names(intro, answer)
        # Asked which colleague, "Don't connect her with Lio; Maya is the one" rules one out and picks another:
        # no hold; "Maya, let me talk to Sam first" picks and holds, as "Maya, but hold off" does. "Never mind, she
        # found someone" to a question or a note is one.
        if intro.state.open and holds_back(without_options_refused(answer, self._options(intro), self.directory)
                                           if found else answer, picking=bool(found)):
            return self._stop([intro] + [s for s in self.store.siblings(intro) if s.state.open], message, now)
        corrected = self._corrected_colleague(answer, intro)
        if corrected is not None:  # "Yes, but I meant Lio Park, not Maya", to the confirmation or any note
            return self._correct(intro, corrected, message, now)
        if intro.state is IntroState.CONFIRMING:
            reading = self._read_answer(message, intro, None)
            if reading.answer is Answer.UNCLEAR:
                return Decision("ignored", IGNORED, f"the practitioner's answer to the confirmation is unclear "
                                                    f"({reading.reason})", intro)
            after, effects = workflow.step(intro, workflow.Confirmed(reading.answer is Answer.YES), now,
                                           self.rules, self.rng)
            decision = self._with_further_intros(
                Decision("confirmation", PROCESSED, f"the practitioner answered the confirmation: "
                                                    f"{reading.answer.value} ({reading.reason})", after, effects,
                         message), now)
            set_aside = [i for i in map(self.store.intro, intro.sets_aside if reading.answer is Answer.YES else ())
                         if i is not None and i.state.open and i.referrer_email == intro.referrer_email]
            if not set_aside:
                return decision
            return replace(decision, further=decision.further + [
                self._stop(set_aside, message, now, "the referrer set their last request aside")])
        if intro.state is IntroState.FAILED:
            return self._readdress(intro, message, now)
        if intro.state is not IntroState.CLARIFYING:
            if practitioner and self._asks_how_it_stands(answer, message, practitioner, now):  # "Has Sam answered?"
                return self._status(message, practitioner, "a question in answer to a note: status sent")
            if practitioner and self._another_request(message, understand(message, practitioner, self.directory,
                                                                          self.bot), self._request_of(intro.id)):
                return self._request(message, practitioner, now)
            return Decision("ignored", IGNORED, "the referrer replied to a note; nothing to do", intro)
        if not found:
            if takes_no_option(answer):  # "Neither - she found someone herself", "No."
                return self._stop([intro], message, now, "the referrer took none of the options")
            if defers(answer):  # "Let me check with Sam and get back to you": the question stays open, unrepeated
                return Decision("ignored", IGNORED, "the referrer will answer the question later", intro)
            if intro.clarify_asked_again:
                return Decision("ignored", IGNORED, "could not find a person in the referrer's answer, asked again", intro)
            # Silence would leave the referrer waiting for an introduction that never starts: the question once more.
            return Decision("clarification", PROCESSED, "could not find a person in the referrer's answer: asked again",
                            replace(intro, clarify_asked_again=True),
                            [Send(Kind.CLARIFY, detail=f"{intro.clarify_missing} again",
                                  in_reply_to=safe_message_id(message.get("Message-ID")))], message)
        role = Role.CLIENT if intro.clarify_missing == "client" else Role.COLLEAGUE
        name = found[0].name or (intro.client_hint if role is Role.CLIENT else "")
        completed = intro.with_party(self._party(role, replace(found[0], name=name)))
        if len(found) > 1:  # "both": the first colleague here, the others each in an intro of their own
            completed = replace(completed, further_colleagues=tuple(self._party(role, c) for c in found[1:]))
        referrer = practitioner or Person(intro.referrer_name, intro.referrer_email)
        completed, repeated = self._unrepeated(completed, referrer, message, now)
        if completed is None:  # the referrer hears of the request in hand; this one was never more than a question
            after, effects = workflow.step(intro, workflow.Cancelled(), now, self.rules, self.rng)
            return Decision("clarification", PROCESSED, "the referrer's answer repeats a request in hand: closed "
                                                        "quietly", after, effects, message, further=[repeated])
        after, effects = workflow.step(completed, workflow.Clarified(completed.party(role)), now, self.rules,
                                       self.rng)
        decision = self._with_further_intros(
            Decision("clarification", PROCESSED, f"the referrer named the {role.value}", after, effects, message),
            now)
        return replace(decision, further=decision.further + [repeated]) if repeated is not None else decision

    def _options(self, intro: Intro) -> tuple[Candidate, ...]:
        """The people the referrer was offered to choose among in the intro's question."""
        return tuple(self.directory.candidate(e) for e in intro.candidates)

    def _answer_names(self, intro: Intro, answer: str) -> tuple[Candidate, ...]:
        """The parties the referrer's `answer` to the question of the clarifying `intro` names (see
        resolve_clarification); () for an intro in any other state."""
        if intro.state is not IntroState.CLARIFYING:
            return ()
        known = (intro.client, intro.colleague, *intro.further_colleagues)
        excluded = {intro.referrer_email, self.bot} | {p.email for p in known if p}
        return resolve_clarification(answer, intro.clarify_missing, self._options(intro), self.directory, excluded)

    def _readdress(self, intro: Intro, message: EmailMessage, now: datetime) -> Decision:
        """The referrer's answer to "I couldn't reach Maya": another address for her asks her again there,
        in this intro and in the other intros of the request where she failed too (their notes were not
        sent: the referrer hears once), each that can still be taken up. This one may no longer be (the
        other party said no) while another still can."""
        failed = [i for i in (intro, *self.store.siblings(intro))
                  if i.unreachable and i.party(Role(i.unreachable)).email == intro.party(Role(i.unreachable)).email]
        if not failed:
            return Decision("ignored", IGNORED, "the referrer replied to a note; nothing to do", intro)
        role = Role(failed[0].unreachable)
        excluded = {p.email.lower() for p in (intro.client, intro.colleague) if p}
        referrer = self.practitioners.get(intro.referrer_email) or Person(intro.referrer_name, intro.referrer_email)
        answer = self._own_words(message, self._mail_to(intro, None))
        email = corrected_address(answer, referrer, excluded, self.bot)
        if email is None:
            return Decision("ignored", IGNORED, "the referrer answered the failure note without one new address",
                            intro)
        verdict = f"the referrer gave another address for the {role.value}"
        taken_up = [Decision("readdressed", PROCESSED, verdict, *workflow.step(i, workflow.Readdressed(role, email),
                                                                               now, self.rules, self.rng), message)
                    for i in failed if i.unreachable == role.value]
        taken_up = [d for d in taken_up if d.effects]
        if not taken_up:
            return Decision("ignored", IGNORED, "a new address for an introduction that can no longer be taken up "
                                                "again (too late, or the other party said no)", intro)
        return replace(taken_up[0], further=taken_up[1:])

    def _read_answer(self, message: EmailMessage, intro: Intro, role: Role | None) -> Reading:
        ours = self._mail_to(intro, role)
        words = self._own_words(message, ours)
        if not words.strip():  # "Re: Shall I introduce you? YES" and nothing written below
            words = added_to_subject(str(message.get("Subject", "")), [str(sent.get("Subject", "")) for sent in ours])
        return read_consent(words, signed_by=intro.party(role).name if role else intro.referrer_name)

    @staticmethod
    def _own_words(message: EmailMessage, ours: list[EmailMessage]) -> str:
        """The new text of a reply, where any line that repeats `ours` (our mail to the writer) counts as
        quote: a quote without ">" must not answer our question for them, and an answer typed into one
        (Gmail's "Respond inline") is still theirs."""
        return own_words(body_text(message), [body_text(sent) for sent in ours])

    def _mail_to(self, intro: Intro, role: Role | None) -> list[EmailMessage]:
        """Our messages of this intro to one party (None: the referrer), while the outbox keeps them."""
        return [parse_message(raw) for raw in self.store.mail_to(intro.id, role)]

    def _visible_recipients(self, message: EmailMessage, headers: tuple[str, ...] = ("To", "Cc")) -> set[str]:
        found = set()
        for header in headers:
            for value in raw_header_values(message, header):
                try:
                    found.update(a.email for a in parse_address_list(value))
                except AddressError:
                    continue
        return found

    def _command(self, message: EmailMessage, practitioner: Person, now: datetime,
                 own_text: str | None = None) -> Decision | None:
        """A practitioner's "status" or "cancel <id>", in the subject or as the first line of `own_text` (the
        message's new text, found here when not given), in a message written to introbot: to the client with
        intro@ copied, a reply to their "Status" email or to "Cancel Thursday?" is theirs, and its request is
        read; to intro@ with an assistant copied, it is introbot's. The subject of a forward is the forwarded
        email's ("Fwd: Cancel Thursday", the client's words), never a command."""
        if not self._to_introbot(message, practitioner.email):
            return None
        new_text = (split_reply(body_text(message)).new_text if own_text is None else own_text).strip()
        subject = str(message.get("Subject", ""))
        lines = [strip_subject_prefixes(subject).strip(), new_text.splitlines()[0].strip() if new_text else ""]
        if (_STATUS_COMMAND.fullmatch(lines[0]) or _CANCEL_COMMAND.fullmatch(lines[0])) and (
                subject_kind(subject) == "forward" or find_forward(message) is not None):
            lines = lines[1:]  # only a subject that reads as a command costs looking for a forward
        for line in lines:
            if _STATUS_COMMAND.fullmatch(line):
                return self._status(message, practitioner, "status asked for")
            cancel = _CANCEL_COMMAND.fullmatch(line)
            if cancel:
                return self._cancel_by_mail(cancel.group(1).lower(), practitioner, message, now)
        return None

    @staticmethod
    def _status(message: EmailMessage, practitioner: Person, verdict: str) -> Decision:
        """The status mail to the practitioner, in answer to `message`."""
        return Decision("command", PROCESSED, verdict, referrer=practitioner, message=message,
                        effects=[Send(Kind.STATUS, in_reply_to=safe_message_id(message.get("Message-ID")))])

    def _cancel_by_mail(self, intro_id: str, practitioner: Person, message: EmailMessage, now: datetime) -> Decision:
        intro = self.store.intro(intro_id)
        in_reply_to = safe_message_id(message.get("Message-ID"))
        if intro is None or intro.referrer_email != practitioner.email or not intro.state.open:
            refusal = Send(Kind.REFUSED, detail=Refused.NO_OPEN_REQUEST.code(intro_id), in_reply_to=in_reply_to)
            return Decision("command", PROCESSED, "cancel: no such open request of the sender", message=message,
                            referrer=practitioner, effects=[refusal])
        after, effects = workflow.step(intro, workflow.Cancelled(), now, self.rules, self.rng)
        effects.append(Send(Kind.CANCELLED, in_reply_to=in_reply_to))
        return Decision("command", PROCESSED, "cancelled by the referrer", after, effects, message)

    def _request(self, message: EmailMessage, practitioner: Person, now: datetime) -> Decision:
        own_text = split_reply(body_text(message)).new_text
        command = self._command(message, practitioner, now, own_text)
        if command is not None:
            return command
        forwarded_ours = self._forwarded_ours(message, practitioner, now)
        if forwarded_ours is not None:
            return forwarded_ours
        if self._asks_how_it_stands(own_text, message, practitioner, now):
            # "Any news about Sam?": where the practitioner's requests stand, not another request for Sam.
            return self._status(message, practitioner, "a question after a request: status sent")
        understood = understand(message, practitioner, self.directory, self.bot)
        if isinstance(understood, Refusal):
            return Decision("refused", PROCESSED, "request refused: it names the wrong people",
                            effects=[Send(Kind.REFUSED, detail=understood.why.code(),
                                          in_reply_to=safe_message_id(message.get("Message-ID")))],
                            message=message, referrer=practitioner)
        if understood.held_back:
            return self._hold_back(understood, practitioner, message, now)
        understood = self._with_known_client(understood, practitioner, now)
        set_aside = self._set_aside(understood, practitioner, now)
        also = [self._stop(set_aside, message, now, "the referrer set their last request aside")] if set_aside else []
        unrepeated, repeated = self._unrepeated(understood, practitioner, message, now, {i.id for i in set_aside})
        if unrepeated is None:
            assert repeated is not None
            return replace(repeated, further=repeated.further + also)
        intro = self._new_intro(unrepeated, practitioner, message, now)
        intro, effects = workflow.start(intro, now, self.rules, self.rng)
        done = f"asked the referrer for the {understood.missing}" if understood.missing else "consent asked"
        if repeated is not None:
            done += ", leaving out the colleagues already asked about"
        decision = self._with_further_intros(
            Decision("request", PROCESSED, f"request ({understood.shape}): {done}", intro, effects, message), now)
        return replace(decision, further=decision.further + ([repeated] if repeated is not None else []) + also)

    def _set_aside(self, understood: Understood, practitioner: Person, now: datetime) -> list[Intro]:
        """ "Please ignore my last email, wrong client!" above the right forward: the open intros of the request that
        email started, which stop, except for the people this one asks for again (they were asked already: no
        second ask)."""
        if not understood.sets_aside_last:
            return []
        again = {(understood.client.email if understood.client else "", c.email)
                 for c in (understood.colleague, *understood.further_colleagues) if c}
        return [i for i in self._last_request(practitioner, now)
                if (i.client.email if i.client else "", i.colleague.email if i.colleague else "") not in again]

    def _last_request(self, practitioner: Person, now: datetime) -> list[Intro]:
        """The open intros of the practitioner's own request that their previous message to introbot started or
        answered: what "Please ignore my last email" means when it names no one. None when that message was
        about no open request of theirs (a refused one, a status question, an answer to someone else's ask).
        Raises _EarlierMessageFirst while an earlier message of theirs is not handled yet."""
        self._wait_for_previous(practitioner.email, now)
        last = self.store.last_from(practitioner.email)
        return [i for i in self._request_of(last or "") if i.state.open and i.referrer_email == practitioner.email]

    def _with_known_client(self, understood: Understood, practitioner: Person, now: datetime) -> Understood:
        """A request naming its client only by name ("Sam got back to me - could Lio see her too?") takes the
        address of the one client of that name in the practitioner's requests open or ended lately (Maya may
        have said no), instead of asking."""
        if understood.client is not None or not goes_on(understood.note):
            return understood  # a new client may share the name: only "too", "also", "as well" say it is the same
        known = client_named(understood.note, self.store.in_hand(practitioner.email, now - self.rules.expire_after))
        if known is None:
            return understood
        return replace(understood, client=self.directory.candidate(known.email, known.name), client_hint="")

    def _asks_how_it_stands(self, text: str, message: EmailMessage, practitioner: Person, now: datetime) -> bool:
        """`text`, the new text of `message`, asks after the practitioner's requests it names, open or ended
        within consent.expire_after (the ones the status mail lists), and names no colleague beside theirs ("Has
        Sam answered? Could Lio Park see her too?" asks for Lio). Written to introbot without a forward, it
        asks how things stand even when it names no request of theirs: the status mail says what there is,
        where reading it as a request would ask who Sam is and should meet. Only a question written to
        introbot (whoever is copied) is one for it, and only while it asks for no one new: beside a request for a
        client whose address it gives, or above a forward of someone, its requests do not know ("Has Maya
        answered? Kim Novak <kim@...> would like to see her too", "Any news about Sam? Meanwhile, here's Kim"), it
        is a request."""
        if not asks_how_it_stands(text) or not self._to_introbot(message, practitioner.email):
            return False  # "Has Maya got back to you yet?", asked of the client with intro@ copied, is theirs
        in_hand = self.store.in_hand(practitioner.email, now - self.rules.expire_after)
        forward = find_forward(message)
        known = {practitioner.email, self.bot} | {p.email for i in in_hand
                                                  for p in (i.client, i.colleague, *i.further_colleagues) if p}
        if forward is not None and forward.original.sender_address not in known | {None}:
            return False
        new = {a.email for a in addresses_in_text(text)} - known
        if new and self._asks_for_someone_new(message, practitioner, known):
            return False
        named = {p.email for p in self.directory.named_in(text, frozenset({practitioner.email}))}
        # The requests it asks after: by the client it names, or by their colleague ("Has Maya answered yet?").
        meant = requests_asked_after(text, in_hand) or [
            i for i in in_hand if named & {p.email for p in (i.colleague, *i.further_colleagues) if p}]
        theirs = {p.email for intro in meant for p in (intro.colleague, *intro.further_colleagues) if p}
        return not named - theirs and (bool(meant) or forward is None)

    def _asks_for_someone_new(self, message: EmailMessage, practitioner: Person, known: set[str]) -> bool:
        """`message` asks to introduce a client whose address it gives and none of the `known` addresses is, to a
        colleague ("Kim Novak <kim@...> would like to see her too"); not "Has sam@... answered?", which asks after
        a client whom it introduces to no one."""
        understood = understand(message, practitioner, self.directory, self.bot)
        return isinstance(understood, Understood) and understood.client is not None and (
            understood.client.email not in known) and bool(understood.colleague or understood.options)

    def _unrepeated(self, request: _Request, referrer: Person, message: EmailMessage, now: datetime,
                    stopping: Collection[str] = ()) -> tuple[_Request | None, Decision | None]:
        """One request per client and colleague at a time: the `request` (as understood, or the intro the
        referrer's answer to our question completed) without the colleagues its referrer already asked
        introbot to introduce the same client to (None when no colleague is left), and the decision that
        tells the referrer so in one line (None when nothing is repeated).

        Already asked: in a request still open, or in one introduced less than consent.expire_after ago. A
        repeat that soon is a double click or the same forward sent twice, and both parties have just been
        asked or introduced; later, a new introduction may be wanted (the email was lost, a new course of
        care), and that is the practitioner's to decide. A request cancelled, declined, expired or failed
        may be asked again: a new request is a new question. Another practitioner's request about the same
        people is not looked at: telling this one of it would reveal the other's referral. The intros the same
        message `stopping` (by id) are none: a colleague of a request set aside before anyone was asked
        ("Please ignore my last email - only Lio Park for Sam") is asked in the new one."""
        if request.client is None or request.colleague is None:
            return request, None  # the referrer is asked for the missing party first
        since = now - self.rules.expire_after
        named = (request.colleague, *request.further_colleagues)
        asked_about: dict[str, set[str]] = {}  # by the id of each request in hand it repeats, whom it repeats
        for intro in self.store.in_hand(referrer.email, since, client=request.client.email, states=_REPEATABLE):
            if intro.id not in stopping:
                colleagues = {p.email for p in (intro.colleague, *intro.further_colleagues) if p} & {
                    c.email for c in named}
                if colleagues:
                    asked_about[intro.id] = colleagues
        if not asked_about:
            return request, None
        note = Send(Kind.REFUSED, detail=Refused.ALREADY_REQUESTED.code(*asked_about),
                    in_reply_to=safe_message_id(message.get("Message-ID")))
        told = Decision("request", PROCESSED, "request repeats one in hand: nothing new started", message=message,
                        referrer=referrer, effects=[note])
        repeated = set().union(*asked_about.values())
        rest = [c for c in named if c.email not in repeated]
        if not rest:
            return None, told
        # The colleagues left are asked with a note that no longer offers the client to the others.
        note_text = without_people(request.note, [_as_person(c) for c in named if c not in rest], _as_person(rest[0]))
        return replace(request, colleague=rest[0], further_colleagues=tuple(rest[1:]), note=note_text), told

    def _hold_back(self, understood: Understood, practitioner: Person, message: EmailMessage,
                   now: datetime) -> Decision:
        """ "Please don't introduce Sam to Maya yet", "hold off on Sam", "please ignore my last email": the
        open requests of the sender it means stop quietly, as `cancel` stops them, and one line tells the
        referrer which; when it means none, nothing is started and the line says so."""
        in_reply_to = safe_message_id(message.get("Message-ID"))
        client = understood.client.email if understood.client and not understood.client.in_directory else None
        colleagues = {c.email for c in (understood.colleague, *understood.further_colleagues, *understood.options) if c}
        meant = requests_meant(understood.note, self.store.in_hand(practitioner.email, now), client, colleagues,
                               set(self._references(message)))
        if not meant and understood.sets_aside_last:
            meant = self._last_request(practitioner, now)
        if not meant:
            return Decision("command", PROCESSED, "held back: no open request of the sender is meant", message=message,
                            referrer=practitioner, effects=[Send(Kind.REFUSED, detail=Refused.HELD_BACK.code(), in_reply_to=in_reply_to)])
        return self._stop(meant, message, now)

    def _stop(self, intros: list[Intro], message: EmailMessage, now: datetime,
              verdict: str = "held back by the referrer") -> Decision:
        """The referrer's open `intros` stopped quietly, as `cancel` stops them, with one note to the
        referrer naming them all (several colleagues of one request, or two of Sam's)."""
        stopped = []
        for intro in intros:
            after, effects = workflow.step(intro, workflow.Cancelled(), now, self.rules, self.rng)
            stopped.append(Decision("command", PROCESSED, verdict, after, effects, message))
        stopped[0].effects.append(Send(Kind.CANCELLED, in_reply_to=safe_message_id(message.get("Message-ID")),
                                       detail=" ".join(i.id for i in intros[1:])))
        return replace(stopped[0], further=stopped[1:])

    def _with_further_intros(self, decision: Decision, now: datetime) -> Decision:
        """The decision with an intro of its own for each further colleague, once its intro started asking."""
        assert decision.intro is not None
        first, steps = workflow.split_off_further_colleagues(decision.intro, now, self.rules, self.rng)
        if not steps:
            return decision
        intros = [first] + [intro for intro, _ in steps]
        colleagues = [_as_person(i.party(Role.COLLEAGUE)) for i in intros]

        def alone(intro: Intro) -> Intro:  # the referrer's note, as each colleague will read it
            reader = next(c for c in colleagues if c.email == intro.party(Role.COLLEAGUE).email)
            return replace(intro, note=without_people(intro.note, [c for c in colleagues if c != reader], reader))

        further = [Decision(decision.kind, decision.folder, decision.verdict, alone(intro), effects, decision.message)
                   for intro, effects in steps]
        return replace(decision, intro=alone(first), verdict=f"{decision.verdict}, for {len(intros)} colleagues",
                       further=further)

    def _new_intro(self, understood: Understood, practitioner: Person, message: EmailMessage, now: datetime) -> Intro:
        client = self._party(Role.CLIENT, understood.client, understood.client_language) if understood.client else None
        colleague = self._party(Role.COLLEAGUE, understood.colleague) if understood.colleague else None
        return Intro(id=new_intro_id(self.rng), state=IntroState.ASKING, referrer_email=practitioner.email,
                     referrer_name=practitioner.name, created_at=now, updated_at=now,
                     order=self.config.consent.order, client=client, colleague=colleague, note=understood.note,
                     request_message_id=safe_message_id(message.get("Message-ID")),
                     referrer_token=new_token(self.rng), client_hint=understood.client_hint,
                     language=self.config.bot.language, clarify_missing=understood.missing,
                     candidates=tuple(c.email for c in understood.options) if understood.missing else (),
                     further_colleagues=tuple(self._party(Role.COLLEAGUE, c) for c in understood.further_colleagues))

    def _party(self, role: Role, candidate: Candidate, language: str | None = None) -> Party:
        return directory_party(role, candidate, language or self.config.bot.language)

    # Sweep

    def sweep(self) -> int:
        """Reminders and expiry that fell due, from the database: a restart loses nothing."""
        now = self.clock()
        changed = 0
        for due in self.store.due_intros(now):
            with self._lock:
                intro = self.store.intro(due.id)  # read again under the lock: a reply may have just changed it
                if intro is None:
                    continue
                after, effects = workflow.step(intro, workflow.Tick(), now, self.rules, self.rng)
                with self.store.transaction() as tx:
                    self._apply(tx, Decision("sweep", "", "reminders and expiry", after, effects), now)
            changed += 1
            if effects or after.state is not intro.state:
                log.info("sweep: intro %s is %s after %d message(s)", after.id, after.state.value, len(effects))
        return changed

    def cancel(self, intro_id: str) -> Intro | None:
        """Withdraw an open request quietly: nobody is written to, nobody is asked again."""
        now = self.clock()
        with self._lock:
            intro = self.store.intro(intro_id)
            if intro is None:
                return None
            after, effects = workflow.step(intro, workflow.Cancelled(), now, self.rules, self.rng)
            if after != intro:
                with self.store.transaction() as tx:
                    self._apply(tx, Decision("cancel", "", "cancelled", after, effects), now)
            return after

    # Privacy

    def purge(self) -> Purged:
        """Drop the bodies of sent mail whose intro ended, and cut intros that ended more than
        bot.retention ago down to their consent record. Cheap when there is nothing to do: run it
        with every sweep."""
        with self._lock:
            purged = purge(self.store, self.clock(), self.config.bot.retention)
        if purged.bodies or purged.intros:
            log.info("purge: %d message bodies dropped, %d intros cut down to their consent record",
                     purged.bodies, purged.intros)
        return purged

    # Committing a decision

    def _commit(self, decision: Decision, mailbox_key: str | None, key: str, now: datetime) -> None:
        with self.store.transaction() as tx:
            self._write_decision(tx, decision, mailbox_key, key, now)
            tx.count(FOLDER_COUNTERS[decision.folder])
            tx.forget_attempts([key])

    def _write_decision(self, tx: Transaction, decision: Decision, mailbox_key: str | None, key: str,
                        now: datetime) -> None:
        """The message's claim and its effects, in the caller's transaction (its counter and the end of
        its tries are the caller's to write: a batch writes them once for all its messages)."""
        tx.record_inbound(mailbox_key=mailbox_key, message_key=key, kind=decision.kind, folder=decision.folder,
                          verdict=decision.verdict, intro_id=decision.intro.id if decision.intro else None,
                          now=now, practitioner=decision.written_by)
        self._apply(tx, decision, now)

    def _apply(self, tx, decision: Decision, now: datetime) -> None:
        intro = decision.intro
        if intro is not None and decision.kind not in ("ignored", "automatic"):
            tx.save_intro(intro, workflow.next_due(intro, self.rules))
            for role in Role:
                party = intro.client if role is Role.CLIENT else intro.colleague
                if party is not None and party.token:
                    tx.add_token(party.token, intro.id, Purpose.CONSENT, role)
            if intro.thread_token:
                tx.add_token(intro.thread_token, intro.id, Purpose.THREAD, None)
            if intro.referrer_token:
                tx.add_token(intro.referrer_token, intro.id, Purpose.REFERRER, None)
            tx.log(intro.id, now, decision.verdict)
        status = "recorded" if self.config.bot.dry_run else "queued"
        for effect in [e for e in decision.effects if intro is None or not self._told_for_a_sibling(intro, e)]:
            tx.enqueue(self.outgoing(effect, decision, now), now, status)
            if intro is not None:
                tx.log(intro.id, now, f"{'recorded (dry run)' if status == 'recorded' else 'queued'} "
                                      f"{effect.kind.value}")
        for further in decision.further:
            self._apply(tx, further, now)

    def _told_for_a_sibling(self, intro: Intro, effect: Send) -> bool:
        """Whether `effect` is a note to the referrer that another intro of the same request (one per colleague
        it named) already sent about the same people: "I couldn't reach Sam" or "Sam didn't answer" is
        heard once per request, not once per colleague. (An answer to that note with another address
        asks Sam again in each of them: see _readdress.)"""
        if effect.kind is Kind.REFERRER_FAILED and intro.unreachable:
            role = Role(intro.unreachable)
            return any(Outcome.FAILED in s.notified and s.unreachable == intro.unreachable
                       and s.party(role).email == intro.party(role).email for s in self.store.siblings(intro))
        if effect.kind is Kind.REFERRER_EXPIRED:  # closed by the same sweep, whose note named this one too
            return any(s.state is IntroState.EXPIRED and Outcome.EXPIRED in s.notified and s.updated_at == intro.updated_at
                       and s.unanswered == intro.unanswered for s in self.store.siblings(intro))
        return False

    def outgoing(self, effect: Send, decision: Decision, now: datetime) -> Outgoing:
        """Render and address one message a decision calls for (see MailWriter)."""
        return self.mail.write(effect, decision.intro, decision.referrer, decision.message, now)

    # Outbox

    async def drain_outbox(self, sender: SmtpSender, sent_folder: SentFolder | None = None, batch: int = 50,
                           progress: Callable[[], None] = lambda: None) -> int:
        """Send what is due over one reused connection; return how many messages the server took. `progress` is
        called after each message's attempt: a long drain is no sign of a stuck daemon while it gets through.

        Each batch is claimed ("sending") in one transaction before its first byte goes out, and its
        outcomes are recorded in one transaction after its last, so nothing is sent unless its state
        was saved. A crash in between leaves claimed rows undecided; the next drain first looks for
        their Message-IDs in the Sent folder (where a copy is put right after the server's 250,
        unless smtp.copy_to_sent is off because the provider keeps one) and sends again, with the
        same Message-ID, only what is not there: SMTP's one undecidable window (RFC 1047).
        `sent_folder` is closed at the end, like the SMTP connection.
        """
        try:
            reachable = await self._settle(sent_folder)
            copies = _SentCopies(sent_folder if reachable and self.config.smtp.copy_to_sent else None)
            sent = 0
            async with sender:
                try:
                    # Every due row is claimed or held each round, and what a failure queues (the note
                    # to the referrer) is due at once: rounds go on until nothing is due.
                    while mails := self._claim(batch):
                        outcomes = await self._send(sender, mails, copies, progress)
                        sent += sum(1 for _, result in outcomes if result.delivery is Delivery.SENT)
                finally:
                    await copies.settle()  # after a failure mid-batch, copies may still be on their way
            return sent
        finally:
            if sent_folder is not None:
                await asyncio.to_thread(sent_folder.close)

    async def _settle(self, sent_folder: SentFolder | None) -> bool:
        """Decide the rows a stopped run left "sending": found in the Sent folder, they were sent; else send again.

        False when the Sent folder could not be used: the drain then keeps no copies rather than try it again,
        since a mailbox that does not answer costs a timeout (30 s by default) at each try, and two of them
        before the first beat after a start reach systemd's watchdog (60 s)."""
        stranded = self.store.in_flight()
        if not stranded:
            return True
        found: set[str] = set()
        reachable = True
        if sent_folder is not None:
            try:
                found = await asyncio.to_thread(sent_folder.find, [q.mail.message_id for q in stranded])
            except ImapError as error:
                reachable = False
                log.warning("cannot look in the Sent folder (%s); the undecided messages go out again, and this "
                            "drain keeps no copies there", error)
        now = self.clock()
        with self.store.transaction() as tx:
            for queued in stranded:
                if queued.mail.message_id in found:
                    tx.set_outbox_status(queued.id, "sent", now)
                    tx.count("found_in_sent")
                else:
                    tx.release(queued.id)
                    tx.count("resent")
        log.warning("a stopped run left %d message(s) undecided: %d found in the Sent folder, %d to be sent again "
                    "with the same Message-ID", len(stranded), len(found), len(stranded) - len(found))
        return reachable

    def _claim(self, limit: int) -> list[QueuedMail]:
        """Due messages the caps let go now, marked "sending" in one transaction (the others held back)."""
        while True:
            now = self.clock()
            with self.store.transaction() as tx:
                due = self.store.outbox_due(now, limit)
                admitted, held = self.caps.sort(due, now)
                alerts = self.caps.hold(tx, held, now)
                tx.claim([queued.id for queued in admitted])
            log_alerts(alerts)
            if admitted or not due:
                return admitted

    async def _send(self, sender: SmtpSender, mails: list[QueuedMail], copies: _SentCopies,
                    progress: Callable[[], None]) -> list[tuple[QueuedMail, SendResult]]:
        """Send a claimed batch, keeping a copy of each accepted message; record the outcomes in one transaction."""
        outcomes: list[tuple[QueuedMail, SendResult]] = []
        undecided: QueuedMail | None = None
        await copies.open()
        try:
            for queued in mails:
                mail = queued.mail
                crash_point("before-smtp")
                undecided = queued
                try:
                    result = await sender.send(mail.envelope_from, mail.recipients, mail.raw)
                except ValueError as error:  # an envelope SMTP cannot carry: no retry will help
                    result = SendResult(Delivery.PERMANENT, str(error))
                except SmtpConfigError:
                    undecided = None  # refused before any message was given: not sent
                    raise
                if result.delivery is Delivery.SENT:
                    crash_point("after-smtp-accept")
                    await copies.keep(mail.raw)
                outcomes.append((queued, result))
                undecided = None
                progress()
            await copies.settle()  # copied, then recorded: a crash in between finds them in Sent
        finally:
            # A row interrupted mid-send (cancelled, or a crash) stays "sending" for the next drain to settle.
            unsent = [queued for queued in mails[len(outcomes):] if queued is not undecided]
            self._record(outcomes, unsent)
        return outcomes

    def _record(self, outcomes: list[tuple[QueuedMail, SendResult]], unsent: list[QueuedMail]) -> None:
        now = self.clock()
        lines = []
        with self._lock, self.store.transaction() as tx:
            for queued in unsent:
                tx.release(queued.id)
            for queued, result in outcomes:
                if result.delivery is Delivery.SENT:
                    status, when = "sent", now
                    if result.refused:
                        self._undeliverable(tx, queued, tuple(result.refused), now)
                elif result.delivery is Delivery.TEMPORARY and now - queued.created_at < self.config.smtp.retry_for:
                    status, when = "retried", now + retry_delay(queued.attempts)
                else:
                    status, when = "failed", now
                    self._undeliverable(tx, queued, (), now)
                tx.set_outbox_status(queued.id, "queued" if status == "retried" else status, when,
                                     None if status == "sent" else result.detail)
                tx.count(status)
                detail = "" if status == "sent" and not result.refused else f": {result.detail}"
                lines.append((logging.INFO if status == "sent" else logging.WARNING,
                              f"{status} {queued.mail.kind} (intro {queued.mail.intro_id or '-'}){detail}"))
        for level, line in lines:
            log.log(level, "%s", line)

    def _undeliverable(self, tx: Transaction, queued: QueuedMail, recipients: tuple[str, ...], now: datetime) -> None:
        """The message cannot reach `recipients` (or anyone): close its intro politely, telling the referrer once."""
        mail = queued.mail
        intro = self.store.intro(mail.intro_id) if mail.intro_id else None
        if intro is None:
            return
        roles = [r for r in dict.fromkeys(intro.role_of(a) for a in (recipients or mail.recipients)) if r is not None]
        if not roles:
            return
        after, effects = intro, []
        for role in roles:
            after, more = workflow.step(after, workflow.Undeliverable(role), now, self.rules, self.rng)
            effects += more
        self._apply(tx, Decision("delivery", "", f"undeliverable: {', '.join(r.value for r in roles)}",
                                 after, effects), now)


class _SentCopies:
    """Copies of accepted messages on their way to the Sent folder, over its one connection.

    A copy leaves right after its 250, in a worker thread (imapclient blocks), while the next message
    is sent; copies accepted while one is on its way leave together next (MULTIAPPEND), so a slow
    server does not set the drain's pace. But a message sent and not yet copied (nor recorded) is
    one a crash would send twice: there are never more than UNCOPIED_AT_MOST of them. After a
    failure, copies stop for this drain.
    """

    def __init__(self, folder: SentFolder | None):
        self.folder = folder
        self._waiting: list[bytes] = []
        self._copying = 0  # copies in the command on its way
        self._leaving: asyncio.Task | None = None

    async def open(self) -> None:
        """Connect before the first send, so that after each 250 the copy is one command."""
        await self._call(SentFolder.open)

    async def keep(self, raw: bytes) -> None:
        if self.folder is None:
            return
        self._waiting.append(raw)
        if self._leaving is None or self._leaving.done():
            self._leaving = asyncio.create_task(self._leave())
        if len(self._waiting) + self._copying >= UNCOPIED_AT_MOST:
            await self.settle()

    async def _leave(self) -> None:
        while self._waiting and self.folder is not None:
            group, self._waiting = self._waiting, []
            self._copying = len(group)
            await self._call(SentFolder.append, *group)
            self._copying = 0
            crash_point("after-sent-copy")

    async def settle(self) -> None:
        """Wait until every copy kept so far is in the folder (or copies failed)."""
        if self._leaving is not None:
            await self._leaving
            self._leaving = None

    async def _call(self, method, *args) -> None:
        if self.folder is None:
            return
        try:
            await asyncio.to_thread(method, self.folder, *args)
        except ImapError as error:
            log.warning("cannot keep copies in the Sent folder for now (%s); a crash before they are recorded "
                        "would send them again", error)
            self.folder = None


def retry_delay(attempts: int) -> timedelta:
    """The wait before the next try of a temporary failure: 1 min, doubling per attempt, at most 1 h."""
    return min(timedelta(minutes=1) * (2 ** min(attempts, 10)), timedelta(hours=1))
