"""Outgoing mail: whom each of introbot's messages goes to and from, in which language, with which words."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone, tzinfo
from email.message import EmailMessage
from email.utils import parsedate_to_datetime

from introbot.config import Config, Person
from introbot.core.compose import Headers, Mailbox, compose
from introbot.core.headers import envelope_address
from introbot.core.mime import raw_header_values
from introbot.core.render import Renderer
from introbot.core.request import Candidate, Directory, redact_for_colleague
from introbot.core.text import body_text
from introbot.core.tokens import RandomBits, new_message_id, plus_address
from introbot.core.workflow import Rules, expires_by
from introbot.edges.store import Outgoing, Store
from introbot.model import Consent, Intro, IntroState, Kind, Party, Refused, Role, Send

AUTO_REPLIED = {Kind.UNCLEAR_ANSWER, Kind.ANSWER_FROM_HERE, Kind.CLARIFY, Kind.REFUSED, Kind.STEPPED_OUT,
                Kind.CONFIRM_REQUEST, Kind.STATUS, Kind.CANCELLED}
TO_REFERRER = {Kind.REFERRER_SENT, Kind.REFERRER_DECLINED, Kind.REFERRER_EXPIRED, Kind.REFERRER_FAILED,
               Kind.CLARIFY, Kind.REFUSED, Kind.CONFIRM_REQUEST, Kind.STATUS, Kind.CANCELLED}


class MailWriter:
    """Renders and addresses introbot's messages: headers come from code, words from the templates."""

    def __init__(self, config: Config, renderer: Renderer, store: Store, rng: RandomBits, directory: Directory,
                 rules: Rules):
        self.config = config
        self.renderer = renderer
        self.store = store
        self.rng = rng
        self.directory = directory
        self.bot = config.bot.address
        self.domain = self.bot.split("@", 1)[1]
        self.practitioners = {p.email: p for p in config.practitioners}
        self.rules = rules  # the service's: which sibling intros close with this one

    def write(self, effect: Send, intro: Intro | None, referrer: Person | None, message: EmailMessage | None,
              now: datetime) -> Outgoing:
        """One message of an intro (or, without one, to `referrer`), rendered and addressed."""
        referrer = referrer or (self.practitioners.get(intro.referrer_email) if intro else None)
        referrer_name = referrer.name if referrer else (intro.referrer_name if intro else "")
        referrer_email = referrer.email if referrer else intro.referrer_email
        context = self._context(effect, intro, referrer_name, referrer_email, message, now)
        language = self._language(effect, intro)
        rendered = self.renderer.render(effect.kind, language, context, practitioner=referrer_email)
        bot_name = self.config.bot.name
        on_behalf = f"{referrer_name} via {bot_name}" if referrer_name else bot_name
        reply_to: list[Mailbox] = []
        if effect.kind is Kind.INTRODUCTION:
            assert intro is not None
            parties = [intro.party(Role.CLIENT), intro.party(Role.COLLEAGUE)]
            to = reply_to = [Mailbox(p.email, p.name) for p in parties]
            token, role, from_name = intro.thread_token, "both", on_behalf
        elif effect.kind in TO_REFERRER:
            to = [Mailbox(referrer_email, referrer_name)]
            token = intro.referrer_token if intro else ""
            role, from_name = None, bot_name
            if token:
                reply_to = [Mailbox(plus_address(self.bot, token), bot_name)]
        elif effect.kind in (Kind.PASS_ON, Kind.STEPPED_OUT):
            assert intro is not None and effect.to is not None
            party = intro.party(effect.to)
            writer = intro.party(effect.to.other if effect.kind is Kind.PASS_ON else effect.to)
            to = [Mailbox(party.email, party.name)]
            if effect.kind is Kind.PASS_ON:
                reply_to = [Mailbox(writer.email, writer.name)]
                from_name = f"{writer.name or writer.email} via {bot_name}"
            else:
                from_name = on_behalf
            token, role = intro.thread_token, effect.to.value
        else:
            assert intro is not None and effect.to is not None
            party = intro.party(effect.to)
            to = [Mailbox(party.email, party.name)]
            reply_to = [Mailbox(plus_address(self.bot, party.token), bot_name)]
            token, role, from_name = party.token, effect.to.value, on_behalf
        recipients = [envelope_address(m.email) for m in to]  # the spelling To carries (RELIABILITY 26)
        if effect.kind is Kind.INTRODUCTION and self.config.bot.bcc_referrer:
            recipients.append(envelope_address(referrer_email))
        message_id = new_message_id(self.rng, self.domain, token)
        in_reply_to = effect.in_reply_to
        if effect.kind is Kind.PASS_ON and intro is not None:
            in_reply_to = ""  # the reader never saw the writer's message; start from the introduction
        headers = Headers(from_name=from_name, from_address=self.bot, to=to, reply_to=reply_to,
                          message_id=message_id, date=now, in_reply_to=in_reply_to,
                          auto_submitted="auto-replied" if effect.kind in AUTO_REPLIED else "auto-generated",
                          language=language)
        raw = compose(rendered, headers).as_bytes()
        envelope_from = plus_address(self.bot, token) if token else self.bot
        return Outgoing(message_id=message_id, intro_id=intro.id if intro else None, kind=effect.kind.value,
                        role=role, envelope_from=envelope_from, recipients=tuple(recipients), raw=raw)

    def _language(self, effect: Send, intro: Intro | None) -> str:
        if intro is not None and effect.to is not None and effect.kind not in TO_REFERRER:
            return intro.party(effect.to).language
        if intro is not None and effect.kind is Kind.INTRODUCTION:
            client, colleague = intro.party(Role.CLIENT), intro.party(Role.COLLEAGUE)
            if client.language == colleague.language:  # one email to both: their shared language, if any
                return client.language
        referrer = self.practitioners.get(intro.referrer_email) if intro else None
        return referrer.language if referrer else self.config.bot.language

    def _context(self, effect: Send, intro: Intro | None, referrer_name: str, referrer_email: str,
                 message: EmailMessage | None, now: datetime) -> dict:
        referrer = {"name": referrer_name, "first_name": _first_name(referrer_name), "email": referrer_email}
        context: dict = {"bot": {"name": self.config.bot.name, "address": self.bot}, "referrer": referrer,
                         "intro_id": intro.id if intro else ""}
        if effect.kind is Kind.REFUSED:
            # A code the template words in the referrer's language (see Refused), and the request ids it carries.
            context["reason"], _, context["asked_id"] = effect.detail.partition(" ")
            if context["reason"] == Refused.ALREADY_REQUESTED.value:
                in_hand = [self.store.intro(intro_id) for intro_id in context["asked_id"].split()]
                context["requests"] = [_in_hand_line(i, now) for i in in_hand if i is not None]
            return context
        if effect.kind is Kind.STATUS:  # the open requests, then those that ended lately ("Has Sam answered?")
            mine = self.store.in_hand(referrer_email, now - self.rules.expire_after)
            context["requests"] = [_status_line(i, now) for i in mine if i.state.open]
            ended = sorted((i for i in mine if i.ended_at is not None), key=lambda i: i.ended_at)
            zone = _writers_zone(message) if message is not None else timezone.utc
            context["ended"] = [_ended_line(i, zone) for i in ended]
            return context
        assert intro is not None
        client, colleague = intro.client, intro.colleague
        context["client"] = _person_context(client) if client else {"first_name": _first_name(intro.client_hint),
                                                                     "name": intro.client_hint, "email": ""}
        context["colleague"] = _person_context(colleague) if colleague else None
        if effect.to is Role.COLLEAGUE and intro.state is not IntroState.INTRODUCED:
            # Until the introduction both agreed to, the colleague learns only the client's first name: in every note
            # (the ask, the reminder, an unclear answer, an answer from elsewhere, a closing note), so that no
            # template, an operator's or a practitioner's own, can show them more.
            context["client"] = {"first_name": context["client"]["first_name"]}
        if effect.kind in (Kind.ASK_COLLEAGUE, Kind.REMIND_COLLEAGUE):
            context["note"] = redact_for_colleague(intro.note, _candidate(client), intro.client_hint)
        if effect.kind is Kind.CLARIFY:
            context["missing"], _, again = effect.detail.partition(" ")
            context["again"] = again == "again"  # the referrer's answer named no one: the question once more
            context["client_label"] = (client.name or client.email) if client else intro.client_hint  # "": unnamed
            context["options"] = [_person_context(directory_party(Role.COLLEAGUE, self.directory.candidate(e),
                                                                  self.config.bot.language))
                                  for e in intro.candidates]
        if effect.kind is Kind.CANCELLED:  # the other requests the same words stopped ("hold off on Sam")
            stopped = [self.store.intro(intro_id) for intro_id in effect.detail.split()]
            context["also_cancelled"] = [_status_line(s, now) for s in stopped if s is not None]
        if effect.kind is Kind.CONFIRM_REQUEST:  # the template joins the names in its own language
            context["further_colleagues"] = [p.name or p.email for p in intro.further_colleagues]
        if effect.kind is Kind.REFERRER_DECLINED:
            said_no = next(p for p in (client, colleague) if p and p.consent is Consent.NO)
            context["declined_by"] = said_no.name or said_no.email
        if effect.kind is Kind.REFERRER_EXPIRED:
            silent = [p.name or p.email for p in (client, colleague) if p and p.consent is Consent.ASKED]
            context["silent"] = silent  # the template joins the names in its own language
            # The other colleagues of the request whose intros close in the same sweep, for the same silence:
            # the referrer hears once (Service._told_for_a_sibling), so this note names them.
            context["also_closed"] = [s.party(Role.COLLEAGUE).name or s.party(Role.COLLEAGUE).email
                                      for s in self.store.siblings(intro)
                                      if s.unanswered == intro.unanswered and expires_by(s, now, self.rules)]
        if effect.kind is Kind.REFERRER_FAILED:
            unreachable = intro.party(Role(effect.detail))
            context["unreachable"] = unreachable.name or unreachable.email
            context["address"] = unreachable.email
            reached = intro.party(unreachable.role.other) if intro.state is IntroState.INTRODUCED else None
            context["reached"] = (reached.name or reached.email) if reached else ""
        if effect.kind in (Kind.NOT_GOING_AHEAD, Kind.PARTY_UNREACHABLE):
            assert effect.to is not None
            context["party"] = _person_context(intro.party(effect.to))
        if effect.kind in (Kind.NOT_GOING_AHEAD, Kind.ANSWER_FROM_HERE):
            # Which introduction the note is about, with the other person named as the party's ask named them (the
            # colleague: the client's first name alone): a client asked about several colleagues must tell which
            # one this is, whether it is not going ahead or its answer came from another address.
            asked_about = context["colleague"] if effect.to is Role.CLIENT else {"name": context["client"]["first_name"]}
            context["other"] = {"name": asked_about["name"]}
        if effect.kind is Kind.PARTY_UNREACHABLE:
            context["unreachable"] = _person_context(intro.party(Role(effect.detail)))
        if effect.kind in (Kind.PASS_ON, Kind.STEPPED_OUT):
            assert effect.to is not None
            writer_role = effect.to.other if effect.kind is Kind.PASS_ON else effect.to
            context["writer"] = _person_context(intro.party(writer_role))
            context["reader"] = _person_context(intro.party(writer_role.other))
            context["text"] = body_text(message, limit=None).strip() if message is not None else ""
        return context


def directory_party(role: Role, candidate: Candidate, language: str) -> Party:
    """A party from a candidate: directory details when known, else what the request said (and `language`)."""
    person = candidate.person
    standing = role is Role.COLLEAGUE and person is not None and person.standing_consent
    return Party(role=role, email=candidate.email, name=candidate.name,
                 website=person.website if person else "", specialty=person.specialty if person else "",
                 language=person.language if person else language,
                 in_directory=person is not None,
                 consent=Consent.STANDING if standing else Consent.NOT_ASKED)


def _status_line(intro: Intro, now: datetime) -> dict:
    waiting = [p.name or p.email for p in (intro.client, intro.colleague) if p is not None and p.pending]
    return _pair(intro) | {"id": intro.id, "waiting_for": " & ".join(waiting),
                           "age_days": (now - intro.created_at).days}


def _pair(intro: Intro) -> dict:
    """Whom a request is for, as the referrer's status lines name them: "" for a party it never got (no client
    named, no colleague chosen yet, or ever), which each template says in words of its language."""
    client = intro.client.name or intro.client.email if intro.client else intro.client_hint
    colleagues = [p.name or p.email for p in (intro.colleague, *intro.further_colleagues) if p is not None]
    return {"client": client, "colleague": " & ".join(colleagues)}


def _writers_zone(message: EmailMessage) -> tzinfo:
    """The UTC offset the writer's mail client put in the Date of `message` (a status question): the days their
    status mail names are the days of their own calendar. UTC when it has none that can be read."""
    values = raw_header_values(message, "Date")
    try:
        offset = parsedate_to_datetime(values[0]).utcoffset() if values else None
    except (TypeError, ValueError, IndexError, OverflowError):
        offset = None
    if offset is None or abs(offset) > timedelta(hours=14):  # no zone is further from UTC than that
        return timezone.utc
    return timezone(offset)


def _ended_line(intro: Intro, zone: tzinfo) -> dict:
    """A request that ended, as the status mail lists it: how (the intro's state), on which day (in `zone`), and
    `who` the referrer's own note about it named (who said no, who never answered, whose mail bounced): never
    more than that note told them. An address that bounced is named only while the referrer may still give another
    (Intro.unreachable); a request that expired waiting for the referrer's own answer names nobody."""
    assert intro.ended_at is not None
    parties = [p for p in (intro.client, intro.colleague) if p is not None]
    if intro.state is IntroState.DECLINED:
        # The no that ended it, which the note named: a yes taken back after it (workflow) is no news to the referrer.
        said_no = sorted((p for p in parties if p.consent is Consent.NO), key=lambda p: p.answered_at or intro.ended_at)
        who = said_no[:1]
    elif intro.state is IntroState.EXPIRED:
        who = [p for p in parties if p.pending]
    elif intro.state is IntroState.FAILED and intro.unreachable:
        who = [intro.party(Role(intro.unreachable))]
    else:
        who = []
    ended = intro.ended_at.astimezone(zone)
    return _pair(intro) | {"outcome": intro.state.value, "who": [p.name or p.email for p in who],
                           "day": ended.day, "month": ended.month}


def _in_hand_line(intro: Intro, now: datetime) -> dict:
    """A status line, with how many whole days ago the introduction went out (None while it is open)."""
    introduced_at = intro.introduced_at
    return _status_line(intro, now) | {"introduced_days_ago": (now - introduced_at).days if introduced_at else None}


def _first_name(name: str) -> str:
    return Party(role=Role.CLIENT, email="", name=name).first_name


def _person_context(party: Party) -> dict:
    return {"name": party.name or party.email, "first_name": party.first_name or party.name or "",
            "email": party.email, "website": party.website, "specialty": party.specialty}


def _candidate(party: Party | None) -> Candidate | None:
    return Candidate(party.email, party.name) if party else None
