"""Privacy by default: purge message bodies when intros end or age, and forget a person on request.

What stays of an intro after `bot.retention`: its consent record (who was asked, who said yes or no
and when, and which message carried each answer), its state and dates, and the event lines (which
never hold personal data). `forget(store, address)` removes every intro that mentions the address,
with its tokens, outbox rows, ledger rows and events, then compacts the database so that nothing
stays in the write-ahead log or in free pages.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from email.message import Message

from introbot.core.addresses import AddressError, parse_address
from introbot.core.headers import envelope_address
from introbot.core.mime import UnreadableMessage, parse_message
from introbot.edges.store import Store
from introbot.model import Intro, Party


@dataclass(frozen=True)
class Purged:
    """What one purge removed: message bodies, and intros cut down to their consent record."""

    bodies: int
    intros: int


@dataclass(frozen=True)
class Forgotten:
    """What `forget` removed from the database."""

    intros: int
    mails: int


def consent_record(intro: Intro) -> Intro:
    """The intro as kept after its retention period: who said what, when, and in which message."""
    def kept(party: Party | None) -> Party | None:
        if party is None:
            return None
        return Party(role=party.role, email=party.email, consent=party.consent, asked_at=party.asked_at,
                     answered_at=party.answered_at, answer_message_id=party.answer_message_id)

    return replace(intro, referrer_name="", client=kept(intro.client), colleague=kept(intro.colleague), note="",
                   referrer_token="", clarify_missing="", client_hint="", candidates=(), thread_token="",
                   further_colleagues=())


def purge(store: Store, now: datetime, retention: timedelta) -> Purged:
    """Drop the body of every sent message whose intro ended, or that is older than `retention`, and cut
    intros that ended more than `retention` ago down to their consent record (their reply tokens go:
    a reply that late is no longer passed on), and forget who wrote the messages handled before then."""
    before = now - retention
    bodies = store.purge_bodies(before)
    ended = store.ended_before(before)
    for intro in ended:
        store.keep_only_consent_record(consent_record(intro), now)
    if store.forget_writers(before) or bodies or ended:
        store.checkpoint()  # the old pages must not linger in the write-ahead log
    return Purged(bodies=bodies, intros=len(ended))


def spellings(address: str) -> frozenset[str]:
    """The ways `address` is written in the database and in mail: as parsed, and with an xn-- domain.

    Raises ValueError when it is not one plain address.
    """
    try:
        parsed = parse_address(address.strip()).email
    except AddressError as error:
        raise ValueError(f"not an email address introbot could have used ({error})") from None
    forms = {parsed.lower()}
    try:
        forms.add(envelope_address(parsed).lower())
    except ValueError:
        pass  # a non-ASCII local part: introbot never wrote to it, but it may have been mentioned
    return frozenset(forms)


def intro_mentions(intro: Intro, forms: frozenset[str]) -> bool:
    """Whether any text of the intro (an address, a name, the note, a candidate) holds the address."""
    return any(form in text.lower() for text in _strings(json.loads(intro.to_json())) for form in forms)


def mail_mentions(raw: bytes, forms: frozenset[str]) -> bool:
    """Whether a message holds the address anywhere: its bytes, or its decoded headers and text parts
    (an encoded word, quoted-printable or base64 can hide it from a byte search)."""
    lowered = raw.lower()
    if any(form.encode("utf-8") in lowered for form in forms):
        return True
    try:
        message = parse_message(raw)
    except UnreadableMessage:
        return False
    return any(form in text.lower() for text in _texts(message) for form in forms)


def forget(store: Store, address: str) -> Forgotten:
    """Remove every trace of `address` from the database (ValueError when it is not an address)."""
    forms = spellings(address)
    intro_ids = {intro.id for intro in store.intros() if intro_mentions(intro, forms)}
    mail_ids = {row.id for row in store.outbox_rows()
                if row.intro_id in intro_ids or forms & {r.lower() for r in row.recipients}
                or (row.raw is not None and mail_mentions(row.raw, forms))}
    store.forget(intro_ids, mail_ids, writers=forms)
    store.compact()
    return Forgotten(intros=len(intro_ids), mails=len(mail_ids))


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    if isinstance(value, (list, tuple)):
        return [s for item in value for s in _strings(item)]
    return []


def _texts(message: Message) -> list[str]:
    texts = [str(value) for _, value in message.items()]
    for part in message.walk():
        if part.get_content_maintype() == "text":
            try:
                texts.append(part.get_content())
            except (LookupError, ValueError, AssertionError):
                continue  # an unknown charset or a broken encoding: the byte search above still ran
    return texts
