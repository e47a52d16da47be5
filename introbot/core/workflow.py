"""The consent workflow: a pure state machine stepping an intro through asks, answers, reminders and expiry.

`step(intro, event, now, rules, rng)` returns the new intro and the messages to send, as data; it
never reads the clock, never sends and never stores. Privacy order: the client is asked first
(unless `order` is parallel), a "no" is never revealed to the other party, and the referrer hears
about each outcome at most once. Nobody is left hanging: a party who said yes to an introduction
that then ends without happening hears so once, in words and at a time that are the same whether
the other party said no, never answered or could not be reached.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from introbot.core.tokens import RandomBits, new_intro_id, new_token
from introbot.model import Consent, Intro, IntroState, Kind, Outcome, Party, Role, Send

Step = tuple[Intro, list[Send]]

ASK_KIND = {Role.CLIENT: Kind.ASK_CLIENT, Role.COLLEAGUE: Kind.ASK_COLLEAGUE}
REMIND_KIND = {Role.CLIENT: Kind.REMIND_CLIENT, Role.COLLEAGUE: Kind.REMIND_COLLEAGUE}
OUTCOME_KIND = {Outcome.SENT: Kind.REFERRER_SENT, Outcome.DECLINED: Kind.REFERRER_DECLINED,
                Outcome.EXPIRED: Kind.REFERRER_EXPIRED, Outcome.FAILED: Kind.REFERRER_FAILED}


@dataclass(frozen=True)
class Rules:
    remind_after: timedelta = timedelta(days=3)
    expire_after: timedelta = timedelta(days=7)
    note_when_sent: bool = True  # the referrer's one-line "the introduction went out"


@dataclass(frozen=True)
class Answered:
    """A party replied to their ask: agrees is True (yes), False (no) or None (could not tell)."""

    role: Role
    agrees: bool | None
    message_id: str = ""


@dataclass(frozen=True)
class AnsweredElsewhere:
    """A reply to a party's ask came from an address we do not know: it never counts, since only the
    asked address can answer for its owner, but the owner hears how to answer."""

    role: Role


@dataclass(frozen=True)
class Tick:
    """Time passed: reminders and expiry fall due."""


@dataclass(frozen=True)
class Undeliverable:
    """Mail to a party bounced or was refused for good."""

    role: Role


@dataclass(frozen=True)
class Cancelled:
    """The referrer or the operator withdrew the request."""


@dataclass(frozen=True)
class ThreadReply:
    """Somebody wrote into the introduction's thread and it reached intro@."""

    writer: Role
    other_has_it: bool  # the other party is among the message's To/Cc already
    message_id: str = ""


@dataclass(frozen=True)
class Clarified:
    """The referrer answered the clarification question with the missing party."""

    party: Party


@dataclass(frozen=True)
class Readdressed:
    """The referrer answered the note that a party could not be reached with another address for them."""

    role: Role
    email: str


@dataclass(frozen=True)
class Confirmed:
    """The referrer answered the confirmation of a request we could not authenticate: yes or no."""

    agrees: bool


Event = (Answered | AnsweredElsewhere | Tick | Undeliverable | Cancelled | ThreadReply | Clarified | Confirmed
         | Readdressed)


def start(intro: Intro, now: datetime, rules: Rules, rng: RandomBits) -> Step:
    """Act on a request we trust: ask the referrer the one missing thing, or start asking for consent."""
    if intro.clarify_missing:
        intro = replace(intro, state=IntroState.CLARIFYING, updated_at=now)
        return intro, [Send(Kind.CLARIFY, detail=intro.clarify_missing, in_reply_to=intro.request_message_id)]
    return begin(intro, now, rules, rng)


def begin(intro: Intro, now: datetime, rules: Rules, rng: RandomBits) -> Step:
    """Start asking for consent on an intro whose two parties are known."""
    # ended_at: a failed intro is taken up again here (see _readdressed).
    intro = replace(intro, state=IntroState.ASKING, updated_at=now, ended_at=None)
    return _advance(intro, [], now, rules, rng)


def split_off_further_colleagues(intro: Intro, now: datetime, rules: Rules, rng: RandomBits) -> tuple[Intro, list[Step]]:
    """A request naming several colleagues, once it starts asking: the intro without them, and an intro of
    its own for each of them, begun at the same moment. The client is asked about each colleague, and each
    colleague is asked, answers and is introduced on their own: a no, or silence, ends that one intro alone,
    and nobody hears of it but the referrer. Before it starts (while the referrer confirms or completes the
    request) it stays one, so the referrer is asked one question, not one per colleague."""
    if not intro.further_colleagues or intro.state is not IntroState.ASKING:
        return intro, []
    client = intro.party(Role.CLIENT)
    steps = [begin(_afresh(intro, colleague, intro.note, intro.created_at, now, rng), now, rules, rng)
             for colleague in intro.further_colleagues if colleague.email != client.email]
    return replace(intro, further_colleagues=()), steps


def redirect(intro: Intro, colleague: Party, note: str, now: datetime, rules: Rules,
             rng: RandomBits) -> tuple[Step, Step | None]:
    """The referrer's correction "Sorry, I meant Lio Park, not Maya": the request goes on with `colleague`
    and `note` (the referrer's note without the colleague it named before). Before anyone was asked (the
    request waits for its confirmation, whose answer this is, or for the client's address) the intro
    itself changes; once asking, it stops quietly, as a cancelled one does (whoever was asked never hears
    more of it), and an intro of its own begins for the new colleague, the client asked afresh. In any other
    state (introduced, or closed meanwhile) it is too late, and nothing changes."""
    if intro.state is IntroState.CONFIRMING:
        return step(replace(intro, colleague=colleague, note=note), Confirmed(True), now, rules, rng), None
    if intro.state is IntroState.CLARIFYING and intro.clarify_missing == "client":
        return (replace(intro, colleague=colleague, note=note, candidates=(), updated_at=now), []), None
    if intro.state is not IntroState.ASKING:
        return (intro, []), None
    # Created at the request's moment: still one of its siblings, so the referrer hears of it once per request.
    return step(intro, Cancelled(), now, rules, rng), begin(_afresh(intro, colleague, note, intro.created_at, now, rng),
                                                            now, rules, rng)


def _afresh(intro: Intro, colleague: Party, note: str, created_at: datetime, now: datetime, rng: RandomBits) -> Intro:
    """An intro of the same request for `colleague`, with its own id and tokens, nobody asked yet."""
    client = intro.party(Role.CLIENT)
    unasked_client = Party(role=Role.CLIENT, email=client.email, name=client.name, website=client.website,
                           specialty=client.specialty, language=client.language, in_directory=client.in_directory)
    return Intro(id=new_intro_id(rng), state=IntroState.ASKING, referrer_email=intro.referrer_email,
                 referrer_name=intro.referrer_name, created_at=created_at, updated_at=now, order=intro.order,
                 client=unasked_client, colleague=colleague, note=note, request_message_id=intro.request_message_id,
                 referrer_token=new_token(rng), client_hint=intro.client_hint, language=intro.language)


def step(intro: Intro, event: Event, now: datetime, rules: Rules, rng: RandomBits) -> Step:
    if isinstance(event, Answered):
        return _answered(intro, event, now, rules, rng)
    if isinstance(event, AnsweredElsewhere):
        return _answered_elsewhere(intro, event, now)
    if isinstance(event, Tick):
        return _tick(intro, now, rules)
    if isinstance(event, Undeliverable):
        return _undeliverable(intro, event, now, rules)
    if isinstance(event, Cancelled):
        return (_close(intro, IntroState.CANCELLED, now), []) if intro.state.open else (intro, [])
    if isinstance(event, ThreadReply):
        return _thread_reply(intro, event, now)
    if isinstance(event, Clarified):
        if intro.state is not IntroState.CLARIFYING:
            return intro, []
        return _clarified(intro, event, now, rules, rng)
    if isinstance(event, Confirmed):
        if intro.state is not IntroState.CONFIRMING:
            return intro, []  # a second answer to the one confirmation changes nothing
        if not event.agrees:
            return _close(intro, IntroState.CANCELLED, now), []  # quietly: nobody else ever heard of it
        return start(intro, now, rules, rng)
    if isinstance(event, Readdressed):
        return _readdressed(intro, event, now, rules, rng)
    raise TypeError(f"unknown workflow event {type(event).__name__}")


def next_due(intro: Intro, rules: Rules) -> datetime | None:
    """When a Tick would next change this intro, so the sweep only looks at intros that are due."""
    ends = [t for t in (intro.closing_note_at, readdress_until(intro, rules)) if t is not None]
    if ends:
        return min(ends)
    if intro.state in (IntroState.CONFIRMING, IntroState.CLARIFYING):
        return intro.created_at + rules.expire_after
    if intro.state is not IntroState.ASKING:
        return None
    times = [_due(party, rules) for party in _parties(intro) if party.pending]
    return min(times) if times else None


def readdress_until(intro: Intro, rules: Rules) -> datetime | None:
    """Until when the referrer may give another address for the party whose ask failed: as long as that
    ask would have waited for an answer. None when no such party is waiting for an address."""
    if intro.state is not IntroState.FAILED or not intro.unreachable:
        return None
    asked_at = intro.party(Role(intro.unreachable)).asked_at
    return asked_at + rules.expire_after if asked_at else None


def expires_by(intro: Intro, now: datetime, rules: Rules) -> bool:
    """Whether an intro still asking has waited long enough by `now` for someone's answer to expire."""
    return intro.state is IntroState.ASKING and any(
        now >= p.asked_at + rules.expire_after for p in _parties(intro) if p.pending and p.asked_at)


def _due(party: Party, rules: Rules) -> datetime:
    assert party.asked_at is not None
    if party.reminded_at is None:
        return party.asked_at + rules.remind_after
    return party.asked_at + rules.expire_after


def _parties(intro: Intro) -> list[Party]:
    return [p for p in (intro.client, intro.colleague) if p is not None]


def _ask(intro: Intro, role: Role, now: datetime, rng: RandomBits, effects: list[Send]) -> Intro:
    party = replace(intro.party(role), consent=Consent.ASKED, token=new_token(rng), asked_at=now)
    effects.append(Send(ASK_KIND[role], to=role))
    return intro.with_party(party)


def _advance(intro: Intro, effects: list[Send], now: datetime, rules: Rules, rng: RandomBits) -> Step:
    client, colleague = intro.party(Role.CLIENT), intro.party(Role.COLLEAGUE)
    if client.consent.agreed and colleague.consent.agreed:
        return _introduce(intro, effects, now, rules, rng)
    if client.consent is Consent.NOT_ASKED:
        intro = _ask(intro, Role.CLIENT, now, rng, effects)
    # Privacy order: the colleague learns of the client only once the client agreed.
    colleague_may_be_asked = intro.order == "parallel" or client.consent.agreed
    if colleague.consent is Consent.NOT_ASKED and colleague_may_be_asked:
        intro = _ask(intro, Role.COLLEAGUE, now, rng, effects)
    return replace(intro, updated_at=now), effects


def _introduce(intro: Intro, effects: list[Send], now: datetime, rules: Rules, rng: RandomBits) -> Step:
    intro = replace(intro, state=IntroState.INTRODUCED, thread_token=new_token(rng), updated_at=now, ended_at=now)
    effects.append(Send(Kind.INTRODUCTION))
    if rules.note_when_sent:
        intro = _notify(intro, Outcome.SENT, effects)
    return replace(intro, note=""), effects


def _notify(intro: Intro, outcome: Outcome, effects: list[Send], about: Role | None = None) -> Intro:
    """The referrer's private one-line note, at most once per outcome (`about`: whose mail failed)."""
    if outcome in intro.notified:
        return intro
    effects.append(Send(OUTCOME_KIND[outcome], detail=about.value if about else ""))
    return replace(intro, notified=intro.notified + (outcome,))


def _close(intro: Intro, state: IntroState, now: datetime, effects: list[Send] | None = None,
           outcome: Outcome | None = None, rules: Rules | None = None, about: Role | None = None) -> Intro:
    if outcome is not None and effects is not None:
        intro = _notify(intro, outcome, effects, about)
    if rules is not None and any(p.consent is Consent.YES for p in _parties(intro)):
        intro = replace(intro, closing_note_at=_natural_end(intro, now, rules))
    # The referrer's note may carry clinical detail: it is kept only while it is needed.
    return replace(intro, state=state, note="", updated_at=now, ended_at=now)


def _natural_end(intro: Intro, now: datetime, rules: Rules) -> datetime:
    """When the request would have expired had the other party stayed silent: a note sent then says
    nothing about whether they said no, never answered, or could not be reached."""
    asked = [p.asked_at for p in _parties(intro) if p.consent is not Consent.YES and p.asked_at is not None]
    return max([now] + [at + rules.expire_after for at in asked])


def _answered(intro: Intro, event: Answered, now: datetime, rules: Rules, rng: RandomBits) -> Step:
    party = intro.party(event.role)
    # A yes holds only until the introduction goes out: a plain no after it is that party's no.
    withdrawn = party.consent is Consent.YES and event.agrees is False
    readdressable = readdress_until(intro, rules) is not None and intro.unreachable != event.role.value
    if (readdressable or _still_answerable_after_a_no(intro, event.role, now, rules)) and (
            party.pending or withdrawn) and event.agrees is not None:
        return _answered_after_the_other_side_ended(intro, event, now, rules), []
    # Single use: once a party has answered (or the intro has moved on), replays, a second yes or an
    # unclear afterthought change nothing.
    if intro.state is not IntroState.ASKING or not (party.pending or withdrawn):
        return intro, []
    effects: list[Send] = []
    if event.agrees is None:
        if party.unclear_noted:
            return intro, []
        effects.append(Send(Kind.UNCLEAR_ANSWER, to=event.role, in_reply_to=event.message_id))
        return intro.with_party(replace(party, unclear_noted=True)), effects
    answered = replace(party, consent=Consent.YES if event.agrees else Consent.NO,
                       answered_at=now, answer_message_id=event.message_id)
    intro = intro.with_party(answered)
    if not event.agrees:
        # The other party never learns of a no; only the referrer is told, privately.
        return _close(intro, IntroState.DECLINED, now, effects, Outcome.DECLINED, rules), effects
    return _advance(intro, effects, now, rules, rng)


def _still_answerable_after_a_no(intro: Intro, role: Role, now: datetime, rules: Rules) -> bool:
    """Whether `role`'s answer still counts after the other party's no ended the request: until it would have
    expired anyway, had the other party stayed silent (asked in parallel, the no may come before this party's
    answer), or, for a yes already given, until the note telling them it is not going ahead."""
    if intro.state is not IntroState.DECLINED or intro.party(role.other).consent is not Consent.NO:
        return False
    if intro.closing_note_at is not None:
        return now < intro.closing_note_at
    return all(now < p.asked_at + rules.expire_after for p in _parties(intro) if p.asked_at)


def _answered_after_the_other_side_ended(intro: Intro, event: Answered, now: datetime, rules: Rules) -> Intro:
    """The other party answers, or takes back their yes, after this side ended the request: while the referrer
    may still give a new address for the one who could not be reached (the answer is kept for when the intro is
    taken up again), or after that one's no, until the request would have expired anyway. Nobody is told
    anything now. A yes waits like any yes: it hears at the natural end, whatever ended the request, so that
    neither the words nor the time tell a no from silence; a no takes back the note a yes was waiting for."""
    answered = replace(intro.party(event.role), consent=Consent.YES if event.agrees else Consent.NO,
                       answered_at=now, answer_message_id=event.message_id)
    intro = replace(intro.with_party(answered), updated_at=now)
    if not event.agrees:  # nothing to take up again: the note kept for a new ask goes now, and nobody waits
        return replace(intro, unreachable="", note="", closing_note_at=None)
    if intro.closing_note_at is None:
        intro = replace(intro, closing_note_at=_natural_end(intro, now, rules))
    return intro


def _answered_elsewhere(intro: Intro, event: AnsweredElsewhere, now: datetime) -> Step:
    party = intro.party(event.role)
    # One such note at most, shared with the unclear-answer note: the party is never drawn into a thread.
    if intro.state is not IntroState.ASKING or not party.pending or party.unclear_noted:
        return intro, []
    effects = [Send(Kind.ANSWER_FROM_HERE, to=event.role)]
    return replace(intro.with_party(replace(party, unclear_noted=True)), updated_at=now), effects


def _tick(intro: Intro, now: datetime, rules: Rules) -> Step:
    effects: list[Send] = []
    until = readdress_until(intro, rules)
    if until is not None and now >= until:
        # No new address came in time: the referrer's note, kept for a new ask, is no longer needed.
        intro = replace(intro, unreachable="", note="", updated_at=now)
    if intro.closing_note_at is not None:
        if now < intro.closing_note_at:
            return intro, effects
        effects.extend(Send(Kind.NOT_GOING_AHEAD, to=p.role) for p in _parties(intro) if p.consent is Consent.YES)
        return replace(intro, closing_note_at=None, updated_at=now), effects
    if intro.state in (IntroState.CONFIRMING, IntroState.CLARIFYING):
        if now >= intro.created_at + rules.expire_after:
            return _close(intro, IntroState.EXPIRED, now), effects  # the referrer never answered us
        return intro, effects
    if intro.state is not IntroState.ASKING:
        return intro, effects
    pending = [p for p in _parties(intro) if p.pending]
    if expires_by(intro, now, rules):
        intro, notes = _tick(_close(intro, IntroState.EXPIRED, now, effects, Outcome.EXPIRED, rules), now, rules)
        return intro, effects + notes
    for party in pending:
        if party.reminded_at is None and party.asked_at and now >= party.asked_at + rules.remind_after:
            effects.append(Send(REMIND_KIND[party.role], to=party.role))
            intro = intro.with_party(replace(party, reminded_at=now))
    return (replace(intro, updated_at=now) if effects else intro), effects


def _undeliverable(intro: Intro, event: Undeliverable, now: datetime, rules: Rules) -> Step:
    effects: list[Send] = []
    if intro.state.open:
        # A party whose own mail bounced cannot be sent a closing note; the other one, if waiting, can.
        waiting = None if intro.party(event.role).consent is Consent.YES else rules
        closed = _close(intro, IntroState.FAILED, now, effects, Outcome.FAILED, waiting, event.role)
        if intro.party(event.role).pending:
            # Their ask never arrived: the referrer may give another address (see _readdressed), and the
            # note they wrote is kept for that ask until then.
            closed = replace(closed, unreachable=event.role.value, note=intro.note)
        return closed, effects
    if intro.state is IntroState.INTRODUCED and Outcome.FAILED not in intro.notified:
        # Both agreed, so nothing private is revealed by telling the one it reached that the other
        # never got it: otherwise they would write into a void and wait.
        intro = _notify(intro, Outcome.FAILED, effects, event.role)
        effects.append(Send(Kind.PARTY_UNREACHABLE, to=event.role.other, detail=event.role.value))
        return replace(intro, updated_at=now), effects
    return intro, effects


def _thread_reply(intro: Intro, event: ThreadReply, now: datetime) -> Step:
    if intro.state is not IntroState.INTRODUCED or event.other_has_it:
        return intro, []
    effects = [Send(Kind.PASS_ON, to=event.writer.other, in_reply_to=event.message_id)]
    writer = intro.party(event.writer)
    if not writer.stepped_out_noted:
        effects.append(Send(Kind.STEPPED_OUT, to=event.writer, in_reply_to=event.message_id))
        intro = intro.with_party(replace(writer, stepped_out_noted=True))
    return replace(intro, updated_at=now), effects


def _clarified(intro: Intro, event: Clarified, now: datetime, rules: Rules, rng: RandomBits) -> Step:
    """The referrer's answer supplies the party asked for. A request that named neither party ("introduce my
    new client to someone good") still lacks the other one: the referrer is asked that next one-line question,
    and the asks start only once both are known."""
    intro = intro.with_party(event.party)
    still_missing = "client" if intro.client is None else "colleague" if intro.colleague is None else ""
    return start(replace(intro, clarify_missing=still_missing, clarify_asked_again=False), now, rules, rng)


def _readdressed(intro: Intro, event: Readdressed, now: datetime, rules: Rules, rng: RandomBits) -> Step:
    """Ask again, at the address the referrer gave, the party whose ask could not be delivered.

    Only an intro whose ask to that party failed is taken up again, and only while that ask would have
    waited for an answer: the other party's yes stands, and a party who said yes is told at that same time
    that the introduction is not going ahead, so it is never reopened behind their back.
    """
    until = readdress_until(intro, rules)
    if until is None or now >= until or intro.unreachable != event.role.value:
        return intro, []
    other = intro.party(event.role.other)
    if intro.role_of(event.email) is not None:
        return intro, []  # no new address
    fresh = replace(intro.party(event.role), email=event.email, consent=Consent.NOT_ASKED, token="",
                    asked_at=None, reminded_at=None, answered_at=None, answer_message_id="", unclear_noted=False)
    intro = intro.with_party(fresh)
    if other.pending:  # asked in parallel and still silent: their wait starts again with the new ask
        intro = intro.with_party(replace(other, asked_at=now))
    intro = replace(intro, unreachable="", closing_note_at=None,
                    notified=tuple(o for o in intro.notified if o is not Outcome.FAILED))
    return begin(intro, now, rules, rng)
